/**
 * Caller authentication over real HTTP: the built /token function in the in-process twilio-run
 * server, with the Authorization header as browsers send it and, in JWKS mode, a real key-set
 * server on loopback. Run `npm run build` first (the server serves dist/).
 */
import { realVars } from '../support/env';
import { expectRealLookingToken } from '../support/jwt';
import { startServer, type TestServer } from '../support/runtime';
import {
  ALLOWED_ORIGIN,
  APP_JWT_SECRET,
  APP_PASSCODE,
  AUDIENCE,
  deadUrl,
  ISSUER,
  providerKey,
  signHs,
  startJwksServer,
  tamperPayload,
  unsignedToken,
  type JwksServer,
  type ProviderKey,
} from '../auth/support';

const nowS = (): number => Math.floor(Date.now() / 1000);

interface HttpAnswer {
  status: number;
  headers: Headers;
  json: Record<string, any>;
}

async function get(server: TestServer, query: string, headers: Record<string, string> = {}): Promise<HttpAnswer> {
  const res = await fetch(`${server.url}/token${query}`, { headers: { Origin: ALLOWED_ORIGIN, ...headers } });
  return { status: res.status, headers: res.headers, json: await res.json() };
}

const withBearer = (credential: string): Record<string, string> => ({ Authorization: `Bearer ${credential}` });

async function expectMinted(answer: HttpAnswer, identity: string, grants: Record<string, unknown> = { video: {} }): Promise<void> {
  expect(answer.status).toBe(200);
  expect(answer.headers.get('access-control-allow-origin')).toBe(ALLOWED_ORIGIN);
  const { payload } = await expectRealLookingToken(answer.json.token, { identity, ...grants });
  expect(answer.json).toEqual({
    token: answer.json.token,
    identity,
    grants: Object.keys(grants),
    ttl: 3600,
    expiresAt: new Date((payload.iat! + 3600) * 1000).toISOString(),
  });
}

/** Refused with a JSON error the browser can read (CORS), WWW-Authenticate on 401, no token, credential not echoed. */
function expectRefused(
  server: TestServer,
  answer: HttpAnswer,
  status: number,
  code: string,
  field: string,
  says: RegExp,
  credential?: string,
): void {
  expect({ status: answer.status, body: answer.json }).toEqual({
    status,
    body: { error: { code, field, message: expect.stringMatching(says) } },
  });
  expect(answer.headers.get('content-type')).toMatch(/^application\/json/);
  expect(answer.headers.get('access-control-allow-origin')).toBe(ALLOWED_ORIGIN);
  expect(answer.headers.get('www-authenticate')).toBe(status === 401 ? 'Bearer' : null);
  if (status === 401) expect(answer.headers.get('access-control-expose-headers')).toBe('WWW-Authenticate');
  if (credential !== undefined) {
    const logs = server.logs.join('\n');
    for (const piece of credential.split('.').filter((p) => p.length >= 8)) {
      expect(answer.json.error.message).not.toContain(piece);
      expect(logs).not.toContain(piece);
    }
  }
}

function serverFor(env: Record<string, string | undefined>): { current: () => TestServer } {
  let server: TestServer | undefined;
  beforeAll(async () => {
    server = await startServer(env);
  });
  afterAll(() => server?.close());
  return { current: () => server! };
}

describe('deployed without AUTH_MODE', () => {
  const s = serverFor(realVars({ AUTH_MODE: undefined, ALLOWED_ORIGINS: ALLOWED_ORIGIN }));
  test('500 config_error naming AUTH_MODE; nothing minted', async () => {
    expectRefused(
      s.current(),
      await get(s.current(), '?identity=alice&grants=video'),
      500,
      'config_error',
      'AUTH_MODE',
      /AUTH_MODE is not set on a deployed service/,
    );
  });
});

describe('AUTH_MODE=passcode with a short APP_PASSCODE', () => {
  const s = serverFor(realVars({ AUTH_MODE: 'passcode', APP_PASSCODE: 'tooshort', ALLOWED_ORIGINS: ALLOWED_ORIGIN }));
  test('500 config_error naming APP_PASSCODE, never printing it nor describing it (#11: its length is for the log)', async () => {
    const answer = await get(s.current(), '?identity=alice&grants=video', withBearer('tooshort'));
    expectRefused(s.current(), answer, 500, 'config_error', 'APP_PASSCODE', /APP_PASSCODE is not usable \(npm run doctor/);
    expect(answer.json.error.message).not.toContain('tooshort');
    expect(answer.json.error.message).not.toMatch(/characters/);
  });
});

describe('AUTH_MODE=passcode', () => {
  const s = serverFor(realVars({ AUTH_MODE: 'passcode', APP_PASSCODE, ALLOWED_ORIGINS: ALLOWED_ORIGIN }));

  test('Authorization: Bearer <passcode> mints', async () => {
    await expectMinted(await get(s.current(), '?identity=alice&grants=video', withBearer(APP_PASSCODE)), 'alice');
  });

  test('a passcode in a POST body mints', async () => {
    const res = await fetch(`${s.current().url}/token`, {
      method: 'POST',
      headers: { Origin: ALLOWED_ORIGIN },
      body: new URLSearchParams({ identity: 'bob', grants: 'video', passcode: APP_PASSCODE }),
    });
    await expectMinted({ status: res.status, headers: res.headers, json: await res.json() }, 'bob');
  });

  test('missing header: 401 + WWW-Authenticate: Bearer + CORS', async () => {
    expectRefused(
      s.current(),
      await get(s.current(), '?identity=alice&grants=video'),
      401,
      'unauthorized',
      'Authorization',
      /needs a passcode/,
    );
  });

  test('wrong passcode: 401, not echoed', async () => {
    const wrong = 'wrong-passcode-0123456789';
    expectRefused(
      s.current(),
      await get(s.current(), '?identity=alice&grants=video', withBearer(wrong)),
      401,
      'unauthorized',
      'Authorization',
      /passcode is wrong/,
      wrong,
    );
  });

  test('malformed header: 401', async () => {
    expectRefused(
      s.current(),
      await get(s.current(), '?identity=alice&grants=video', {
        Authorization: `Basic ${Buffer.from(`u:${APP_PASSCODE}`).toString('base64')}`,
      }),
      401,
      'unauthorized',
      'Authorization',
      /Bearer scheme/,
    );
  });
});

describe('AUTH_MODE=jwt with AUTH_JWT_SECRET', () => {
  const s = serverFor(
    realVars({
      AUTH_MODE: 'jwt',
      AUTH_JWT_SECRET: APP_JWT_SECRET,
      AUTH_ISSUER: ISSUER,
      AUTH_AUDIENCE: AUDIENCE,
      ALLOWED_ORIGINS: ALLOWED_ORIGIN,
    }),
  );
  const sign = (claims: Record<string, unknown> = {}): Promise<string> => signHs({ claims: { iss: ISSUER, aud: AUDIENCE, ...claims } });

  test('a valid app JWT mints for its sub, with or without the same identity param', async () => {
    const token = await sign();
    await expectMinted(await get(s.current(), '?grants=video', withBearer(token)), 'alice');
    await expectMinted(await get(s.current(), '?identity=alice&grants=video', withBearer(token)), 'alice');
  });

  test('POST JSON from a browser-style fetch with the Authorization header mints', async () => {
    const res = await fetch(`${s.current().url}/token`, {
      method: 'POST',
      headers: { Origin: ALLOWED_ORIGIN, Authorization: `Bearer ${await sign({ sub: 'erin' })}`, 'Content-Type': 'application/json' },
      body: JSON.stringify({ grants: ['video'] }),
    });
    await expectMinted({ status: res.status, headers: res.headers, json: await res.json() }, 'erin');
  });

  test('missing header: 401', async () => {
    expectRefused(
      s.current(),
      await get(s.current(), '?identity=alice&grants=video'),
      401,
      'unauthorized',
      'Authorization',
      /needs a sign-in token/,
    );
  });

  test('malformed header: 401', async () => {
    expectRefused(
      s.current(),
      await get(s.current(), '?grants=video', { Authorization: 'Bearer not.a-jwt' }),
      401,
      'unauthorized',
      'Authorization',
      /malformed/,
    );
    expectRefused(
      s.current(),
      await get(s.current(), '?grants=video', { Authorization: 'JWT abc.def.ghi' }),
      401,
      'unauthorized',
      'Authorization',
      /Bearer scheme/,
    );
  });

  test.each<[string, () => Promise<string>, RegExp]>([
    ['alg none', () => Promise.resolve(unsignedToken({ iss: ISSUER, aud: AUDIENCE })), /unsigned \(alg "none"\)/],
    ['a JWKS-key (RS256) token', async () => (await providerKey('RS256', 'k')).sign(), /algorithm RS256 is not allowed/],
    ['expired', () => sign({ iat: nowS() - 7200, exp: nowS() - 3600 }), /expired/],
    ['not yet valid', () => sign({ nbf: nowS() + 3600 }), /not valid yet/],
    ['wrong iss', () => sign({ iss: 'https://evil.example.com/' }), /wrong issuer/],
    ['wrong aud', () => sign({ aud: 'https://other.example.com' }), /wrong audience/],
    ['tampered payload', async () => tamperPayload(await sign(), { sub: 'admin' }), /bad signature/],
  ])('%s: 401', async (_, make, says) => {
    const token = await make();
    expectRefused(
      s.current(),
      await get(s.current(), '?grants=video', withBearer(token)),
      401,
      'unauthorized',
      'Authorization',
      says,
      token,
    );
  });

  test('identity param different from the verified sub: 403 identity_mismatch with CORS', async () => {
    const token = await sign();
    expectRefused(
      s.current(),
      await get(s.current(), '?identity=mallory&grants=video', withBearer(token)),
      403,
      'identity_mismatch',
      'identity',
      /omit identity/,
      token,
    );
  });

  test('a grant outside twilio_grants: 403 grant_not_allowed', async () => {
    const token = await sign({ twilio_grants: ['video'] });
    await expectMinted(await get(s.current(), '?grants=video', withBearer(token)), 'alice');
    expectRefused(
      s.current(),
      await get(s.current(), '?grants=video,sync', withBearer(token)),
      403,
      'grant_not_allowed',
      'grants',
      /sync grant/,
      token,
    );
  });

  test('the request log line has the verified identity and no credential', async () => {
    const token = await sign({ sub: 'frank' });
    s.current().logs.length = 0;
    await expectMinted(await get(s.current(), '?grants=video', withBearer(token)), 'frank');
    expect(s.current().logs).toHaveLength(1);
    expect(JSON.parse(s.current().logs[0]!)).toMatchObject({ path: '/token', status: 200, identity: 'frank' });
    for (const piece of token.split('.')) expect(s.current().logs[0]).not.toContain(piece);
  });
});

describe('AUTH_MODE=jwt with AUTH_JWKS_URL (real key-set server on loopback)', () => {
  let jwks: JwksServer;
  let server: TestServer;
  let first: ProviderKey;
  let second: ProviderKey;
  beforeAll(async () => {
    first = await providerKey('RS256', 'key-1');
    second = await providerKey('ES256', 'key-2');
    jwks = await startJwksServer([first.publicJwk]);
    server = await startServer(
      realVars({
        AUTH_MODE: 'jwt',
        AUTH_JWKS_URL: jwks.url(),
        AUTH_ISSUER: ISSUER,
        AUTH_AUDIENCE: AUDIENCE,
        ALLOWED_ORIGINS: ALLOWED_ORIGIN,
      }),
    );
  });
  afterAll(async () => {
    jest.restoreAllMocks();
    await server.close();
    await jwks.close();
  });

  test('a provider token mints; keys are cached across requests', async () => {
    await expectMinted(await get(server, '?grants=video', withBearer(await first.sign({ sub: 'gina' }))), 'gina');
    await expectMinted(await get(server, '?grants=video', withBearer(await first.sign({ sub: 'hank' }))), 'hank');
    expect(jwks.fetches).toBe(1);
  });

  test('an HS-signed token: 401, no key fetch', async () => {
    const token = await signHs({ claims: { iss: ISSUER, aud: AUDIENCE } });
    expectRefused(
      server,
      await get(server, '?grants=video', withBearer(token)),
      401,
      'unauthorized',
      'Authorization',
      /algorithm HS256 is not allowed/,
      token,
    );
    expect(jwks.fetches).toBe(1);
  });

  test('key rotation: a new kid is picked up by a refetch once the 30 s cooldown has passed', async () => {
    jwks.keys = [first.publicJwk, second.publicJwk];
    // Within the cooldown jose does not refetch for an unknown kid.
    expectRefused(
      server,
      await get(server, '?grants=video', withBearer(await second.sign())),
      401,
      'unauthorized',
      'Authorization',
      /not in the identity provider's key set/,
    );
    expect(jwks.fetches).toBe(1);
    // The function runs in this process: move jose's clock past the cooldown instead of waiting.
    const realNow = Date.now.bind(Date);
    jest.spyOn(Date, 'now').mockImplementation(() => realNow() + 31_000);
    await expectMinted(await get(server, '?grants=video', withBearer(await second.sign({ sub: 'ivy' }))), 'ivy');
    expect(jwks.fetches).toBe(2);
    jest.restoreAllMocks();
  });

  test('the key-set server down: 503 auth_unavailable with CORS, no token, and the service keeps answering', async () => {
    // A separate function server pointed at a dead key-set URL (the cache above is per URL).
    const down = await startServer(
      realVars({
        AUTH_MODE: 'jwt',
        AUTH_JWKS_URL: await deadUrl(),
        AUTH_ISSUER: ISSUER,
        AUTH_AUDIENCE: AUDIENCE,
        ALLOWED_ORIGINS: ALLOWED_ORIGIN,
      }),
    );
    try {
      const token = await first.sign();
      for (let attempt = 0; attempt < 2; attempt += 1) {
        expectRefused(
          down,
          await get(down, '?grants=video', withBearer(token)),
          503,
          'auth_unavailable',
          'AUTH_JWKS_URL',
          /unavailable \(network error ECONNREFUSED\)/,
          token,
        );
      }
    } finally {
      await down.close();
    }
  });
});

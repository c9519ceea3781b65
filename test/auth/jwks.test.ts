/**
 * jwt mode with AUTH_JWKS_URL against a real JSON Web Key Set server on 127.0.0.1, through the
 * /token handler: provider algorithms, key confusion, caching, rotation and the server failing.
 */
import { SignJWT } from 'jose';
import { realVars } from '../support/env';
import { expectRealLookingToken } from '../support/jwt';
import {
  ALLOWED_ORIGIN,
  AUDIENCE,
  bearer,
  callToken,
  deadUrl,
  ISSUER,
  providerKey,
  startJwksServer,
  tamperPayload,
  unsignedToken,
  type Answer,
  type JwksServer,
  type ProviderKey,
} from './support';

let jwks: JwksServer;
let rsa: ProviderKey;
let keys: Record<string, ProviderKey>;

beforeAll(async () => {
  rsa = await providerKey('RS256', 'rsa-1');
  keys = {
    RS256: rsa,
    PS256: await providerKey('PS256', 'ps-1'),
    ES256: await providerKey('ES256', 'ec-1'),
    ES384: await providerKey('ES384', 'ec-2'),
    EdDSA: await providerKey('EdDSA', 'ed-1'),
  };
  jwks = await startJwksServer(Object.values(keys).map((k) => k.publicJwk));
});
afterAll(() => jwks.close());

/** Each test gets its own key-set URL, hence its own cache entry, unless it means to share one. */
let path = 0;
function varsFor(url: string, extra: Record<string, string> = {}): Record<string, string | undefined> {
  return realVars({
    AUTH_MODE: 'jwt',
    AUTH_JWKS_URL: url,
    AUTH_ISSUER: ISSUER,
    AUTH_AUDIENCE: AUDIENCE,
    ALLOWED_ORIGINS: ALLOWED_ORIGIN,
    ...extra,
  });
}
const freshVars = (extra?: Record<string, string>): Record<string, string | undefined> =>
  varsFor(jwks.url(`/tenant-${++path}/.well-known/jwks.json`), extra);

async function expectMinted(answer: Answer, identity: string): Promise<void> {
  expect(answer.status).toBe(200);
  const { payload } = await expectRealLookingToken(answer.json.token, { identity, video: {} });
  expect(answer.json).toEqual({
    token: answer.json.token,
    identity,
    grants: ['video'],
    ttl: 3600,
    expiresAt: new Date((payload.iat! + 3600) * 1000).toISOString(),
  });
}

function expectRefused(answer: Answer, status: number, code: string, says: RegExp, credential?: string): void {
  const field = status === 503 ? 'AUTH_JWKS_URL' : 'Authorization';
  expect({ status: answer.status, body: answer.json }).toEqual({
    status,
    body: { error: { code, field, message: expect.stringMatching(says) } },
  });
  expect(answer.headers['Access-Control-Allow-Origin']).toBe(ALLOWED_ORIGIN);
  if (status === 401) expect(answer.headers['WWW-Authenticate']).toBe('Bearer');
  if (credential !== undefined)
    for (const piece of credential.split('.').filter((p) => p.length >= 8))
      expect(answer.logs.join('') + answer.json.error.message).not.toContain(piece);
}

describe('verification against the key set', () => {
  test.each(['RS256', 'PS256', 'ES256', 'ES384', 'EdDSA'])('a %s token from the provider mints for its sub', async (alg) => {
    const answer = await callToken(freshVars(), { grants: 'video' }, bearer(await keys[alg]!.sign({ sub: `user_${alg}` })));
    await expectMinted(answer, `user_${alg}`);
  });

  test('an HS256 token is refused before any key lookup, even one "signed" with the public key (key confusion)', async () => {
    const vars = freshVars();
    const publicKeyAsSecret = new TextEncoder().encode(JSON.stringify(rsa.publicJwk));
    const confused = await new SignJWT({ sub: 'alice', iss: ISSUER, aud: AUDIENCE, exp: Math.floor(Date.now() / 1000) + 300 })
      .setProtectedHeader({ alg: 'HS256', kid: rsa.kid })
      .sign(publicKeyAsSecret);
    const before = jwks.fetches;
    expectRefused(
      await callToken(vars, { grants: 'video' }, bearer(confused)),
      401,
      'unauthorized',
      /algorithm HS256 is not allowed.*RS\*, PS\*, ES\* and EdDSA/,
      confused,
    );
    expect(jwks.fetches).toBe(before);
  });

  test('alg none: 401', async () => {
    const token = unsignedToken({ iss: ISSUER, aud: AUDIENCE });
    expectRefused(await callToken(freshVars(), { grants: 'video' }, bearer(token)), 401, 'unauthorized', /unsigned \(alg "none"\)/, token);
  });

  test('wrong iss, wrong aud, expired, not yet valid, tampered: 401 each', async () => {
    const vars = freshVars();
    const nowS = Math.floor(Date.now() / 1000);
    const cases: [string, RegExp][] = [
      [await rsa.sign({ iss: 'https://other-tenant.example.com/' }), /wrong issuer/],
      [await rsa.sign({ aud: 'https://someone-elses-api.example.com' }), /wrong audience/],
      [await rsa.sign({ iat: nowS - 7200, exp: nowS - 3600 }), /expired/],
      [await rsa.sign({ nbf: nowS + 3600 }), /not valid yet/],
      [tamperPayload(await rsa.sign(), { sub: 'admin' }), /bad signature/],
    ];
    for (const [token, says] of cases)
      expectRefused(await callToken(vars, { grants: 'video' }, bearer(token)), 401, 'unauthorized', says, token);
  });

  test('a token signed by a key that is not in the set (unknown kid, or a known kid with the wrong key): 401', async () => {
    const stranger = await providerKey('RS256', 'not-published');
    const impostor = await providerKey('RS256', rsa.kid);
    const vars = freshVars();
    expectRefused(
      await callToken(vars, { grants: 'video' }, bearer(await stranger.sign())),
      401,
      'unauthorized',
      /kid.*not in the identity provider's key set/,
    );
    expectRefused(await callToken(vars, { grants: 'video' }, bearer(await impostor.sign())), 401, 'unauthorized', /bad signature/);
  });
});

describe('caching and rotation', () => {
  test('the key set is fetched once and reused across invocations', async () => {
    const vars = freshVars();
    const before = jwks.fetches;
    for (const sub of ['a1', 'a2', 'a3'])
      await expectMinted(await callToken(vars, { grants: 'video' }, bearer(await rsa.sign({ sub }))), sub);
    expect(jwks.fetches - before).toBe(1);
  });

  test('rotation: a token with a new kid makes jose refetch the set, then the retired key stops working', async () => {
    const rotating = await startJwksServer([rsa.publicJwk]);
    try {
      const next = await providerKey('ES256', 'rotated-2');
      // jose refetches on an unknown kid at most once per cooldown (30 s); the test removes the wait.
      const deps = { auth: { jwks: { cooldownDuration: 0 } } };
      const vars = varsFor(rotating.url());
      await expectMinted(await callToken(vars, { grants: 'video' }, bearer(await rsa.sign({ sub: 'before' })), deps), 'before');
      expect(rotating.fetches).toBe(1);

      rotating.keys = [next.publicJwk];
      await expectMinted(await callToken(vars, { grants: 'video' }, bearer(await next.sign({ sub: 'after' })), deps), 'after');
      expect(rotating.fetches).toBe(2);

      expectRefused(
        await callToken(vars, { grants: 'video' }, bearer(await rsa.sign({ sub: 'retired' })), deps),
        401,
        'unauthorized',
        /not in the identity provider's key set/,
      );
      expect(rotating.fetches).toBe(3);
    } finally {
      await rotating.close();
    }
  });

  test('concurrent verifications share one fetch of the key set', async () => {
    const vars = freshVars();
    const before = jwks.fetches;
    const answers = await Promise.all(
      ['c1', 'c2', 'c3', 'c4'].map(async (sub) => callToken(vars, { grants: 'video' }, bearer(await rsa.sign({ sub })))),
    );
    await Promise.all(answers.map((answer, i) => expectMinted(answer, `c${i + 1}`)));
    expect(jwks.fetches - before).toBe(1);
  });

  test('after cacheMaxAge the set is fetched again, once', async () => {
    const vars = freshVars();
    const deps = { auth: { jwks: { cacheMaxAge: 60_000 } } };
    const before = jwks.fetches;
    await expectMinted(await callToken(vars, { grants: 'video' }, bearer(await rsa.sign({ sub: 'early' })), deps), 'early');
    const realNow = Date.now.bind(Date);
    const spy = jest.spyOn(Date, 'now').mockImplementation(() => realNow() + 61_000);
    try {
      for (const sub of ['late1', 'late2'])
        await expectMinted(await callToken(vars, { grants: 'video' }, bearer(await rsa.sign({ sub })), deps), sub);
    } finally {
      spy.mockRestore();
    }
    expect(jwks.fetches - before).toBe(2);
  });

  test("within jose's default cooldown a new kid is not refetched (the provider publishes keys before using them)", async () => {
    const rotating = await startJwksServer([rsa.publicJwk]);
    try {
      const next = await providerKey('RS256', 'too-early');
      const vars = varsFor(rotating.url());
      await expectMinted(await callToken(vars, { grants: 'video' }, bearer(await rsa.sign({ sub: 'first' }))), 'first');
      rotating.keys = [rsa.publicJwk, next.publicJwk];
      expectRefused(
        await callToken(vars, { grants: 'video' }, bearer(await next.sign())),
        401,
        'unauthorized',
        /not in the identity provider's key set/,
      );
      expect(rotating.fetches).toBe(1);
    } finally {
      await rotating.close();
    }
  });
});

describe('the key set server failing: 503 auth_unavailable, no token, no crash', () => {
  test('down (connection refused)', async () => {
    const token = await rsa.sign();
    const answer = await callToken(varsFor(await deadUrl()), { grants: 'video' }, bearer(token));
    expectRefused(answer, 503, 'auth_unavailable', /key set \(AUTH_JWKS_URL\) is unavailable \(network error ECONNREFUSED\)/, token);
    expect(answer.headers['WWW-Authenticate']).toBeUndefined();
    expect(JSON.parse(answer.logs[0]!)).toMatchObject({ status: 503, outcome: 'auth_unavailable', field: 'AUTH_JWKS_URL' });
  });

  test.each<[import('./support').JwksBehaviour, RegExp]>([
    ['status500', /did not answer 200 OK/],
    ['notJson', /not JSON/],
    ['notJwks', /not a JSON Web Key Set/],
    ['hang', /timed out/],
    ['stall', /timed out: no complete answer within 0.3 s\)/],
    ['huge', /the answer is larger than 512 KB/],
  ])('%s', async (behaviour, says) => {
    const failing = await startJwksServer([rsa.publicJwk]);
    try {
      failing.behaviour = behaviour;
      const deps = { auth: { jwks: { timeoutDuration: 300 } } };
      const vars = varsFor(failing.url());
      expectRefused(await callToken(vars, { grants: 'video' }, bearer(await rsa.sign()), deps), 503, 'auth_unavailable', says);
      // Reading stopped at the cap: what the stand-in got rid of is the cap plus socket buffers, not 200 MB.
      if (behaviour === 'huge') expect(failing.hugeSent).toBeLessThan(16 * 2 ** 20);
      // It recovers as soon as the server does: a failed fetch is not cached.
      failing.behaviour = 'serve';
      await expectMinted(await callToken(vars, { grants: 'video' }, bearer(await rsa.sign({ sub: 'recovered' })), deps), 'recovered');
    } finally {
      await failing.close();
    }
  });
});

test('AUTH_JWKS_URL without AUTH_ISSUER/AUTH_AUDIENCE: 500 config_error, the key set is never fetched', async () => {
  const before = jwks.fetches;
  const answer = await callToken(
    realVars({ AUTH_MODE: 'jwt', AUTH_JWKS_URL: jwks.url('/no-iss'), ALLOWED_ORIGINS: ALLOWED_ORIGIN }),
    { grants: 'video' },
    bearer(await rsa.sign()),
  );
  expect(answer.status).toBe(500);
  expect(answer.json.error).toMatchObject({ code: 'config_error', field: 'AUTH_ISSUER,AUTH_AUDIENCE' });
  expect(jwks.fetches).toBe(before);
});

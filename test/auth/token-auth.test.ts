/**
 * Caller authentication on /token through the handler (handleToken -> the runtime's real
 * Response): passcode and HS-secret jwt modes, the deployment rules and the claim policies.
 * JWKS mode has its own file (a real key-set server).
 */
import { SignJWT } from 'jose';
import { demoVars, realVars, REAL_LOOKING, TEST_SECRET } from '../support/env';
import { expectedPayload, verifyTwilioToken } from '../support/jwt';
import { DEMO_CONFIG } from '../../lib/demo';
import {
  ALLOWED_ORIGIN,
  APP_JWT_SECRET,
  APP_PASSCODE,
  bearer,
  callToken,
  ISSUER,
  AUDIENCE,
  providerKey,
  signHs,
  tamperPayload,
  unsignedToken,
  type Answer,
} from './support';

const origin = { Origin: ALLOWED_ORIGIN };
const now = (): number => Math.floor(Date.now() / 1000);

/** A minted /token answer, verified with jose and compared whole. */
async function expectMinted(
  answer: Answer,
  identity: string,
  grants: Record<string, unknown>,
  names: string[],
  secret = TEST_SECRET,
  sids: { ACCOUNT_SID: string; API_KEY: string } = REAL_LOOKING,
): Promise<void> {
  expect(answer.status).toBe(200);
  const { payload } = await verifyTwilioToken(answer.json.token, secret);
  expect(payload).toEqual(
    expectedPayload({ accountSid: sids.ACCOUNT_SID, apiKey: sids.API_KEY, iat: payload.iat!, ttl: 3600, grants: { identity, ...grants } }),
  );
  expect(answer.json).toEqual({
    token: answer.json.token,
    identity,
    grants: names,
    ttl: 3600,
    expiresAt: new Date((payload.iat! + 3600) * 1000).toISOString(),
  });
}

/** A refusal: the JSON error, no token anywhere, CORS for the allowed origin, and the credential never echoed. */
function expectRefused(answer: Answer, status: number, code: string, field: string, says: RegExp, credential?: string): void {
  expect({ status: answer.status, body: answer.json }).toEqual({
    status,
    body: { error: { code, field, message: expect.stringMatching(says) } },
  });
  expect(answer.headers['Access-Control-Allow-Origin']).toBe(ALLOWED_ORIGIN);
  expect(answer.headers['Content-Type']).toBe('application/json');
  if (status === 401) {
    expect(answer.headers['WWW-Authenticate']).toBe('Bearer');
    expect(answer.headers['Access-Control-Expose-Headers']).toBe('WWW-Authenticate');
  } else {
    expect(answer.headers['WWW-Authenticate']).toBeUndefined();
  }
  expect(JSON.stringify(answer.json)).not.toMatch(/"token"/);
  expect(answer.logs).toHaveLength(1);
  expect(JSON.parse(answer.logs[0]!)).toMatchObject({ status, outcome: code });
  if (credential !== undefined) {
    for (const piece of credential.split('.').filter((p) => p.length >= 8)) {
      expect(answer.json.error.message).not.toContain(piece);
      expect(answer.logs[0]).not.toContain(piece);
    }
  }
}

const VIDEO = { video: {} };

describe('which mode runs', () => {
  test('deployed (non-local DOMAIN_NAME) without AUTH_MODE: 500 config_error, nothing minted', async () => {
    const answer = await callToken(
      realVars({ AUTH_MODE: undefined, ALLOWED_ORIGINS: ALLOWED_ORIGIN }),
      { identity: 'alice', grants: 'video' },
      origin,
    );
    expectRefused(answer, 500, 'config_error', 'AUTH_MODE', /AUTH_MODE is not set on a deployed service/);
  });

  test('locally (the demo configuration) without AUTH_MODE: none, identity from the param', async () => {
    const answer = await callToken(demoVars(), { identity: 'alice', grants: 'video' });
    await expectMinted(answer, 'alice', VIDEO, ['video'], DEMO_CONFIG.API_SECRET, DEMO_CONFIG);
  });

  test('deployed with AUTH_MODE=none on purpose: anyone, identity from the param; an Authorization header is ignored', async () => {
    const answer = await callToken(
      realVars({ AUTH_MODE: 'none' }),
      { identity: 'alice', grants: 'video' },
      { Authorization: 'Basic whatever' },
    );
    await expectMinted(answer, 'alice', VIDEO, ['video']);
  });

  test('APP_PASSCODE shorter than 16 characters: 500 config_error naming it, never printing it nor its length (that is for the log)', async () => {
    const answer = await callToken(
      realVars({ AUTH_MODE: 'passcode', APP_PASSCODE: 'letmein', ALLOWED_ORIGINS: ALLOWED_ORIGIN }),
      { identity: 'alice', grants: 'video' },
      bearer('letmein'),
    );
    expectRefused(answer, 500, 'config_error', 'APP_PASSCODE', /APP_PASSCODE is not usable \(npm run doctor/);
    expect(answer.json.error.message).not.toContain('letmein');
    expect(answer.json.error.message).not.toMatch(/\b7\b|characters/);
    expect(JSON.parse(answer.logs[0]!).detail).toMatch(/APP_PASSCODE has 7 characters; use at least 16/);
  });
});

describe('passcode mode', () => {
  const vars = realVars({ AUTH_MODE: 'passcode', APP_PASSCODE, ALLOWED_ORIGINS: ALLOWED_ORIGIN });

  test('Authorization: Bearer <passcode> mints for the identity param', async () => {
    await expectMinted(await callToken(vars, { identity: 'alice', grants: 'video' }, bearer(APP_PASSCODE)), 'alice', VIDEO, ['video']);
  });

  test('a passcode body parameter works too', async () => {
    await expectMinted(await callToken(vars, { identity: 'bob', grants: 'video', passcode: APP_PASSCODE }, origin), 'bob', VIDEO, [
      'video',
    ]);
  });

  test('missing: 401 with WWW-Authenticate: Bearer and CORS for the allowed origin', async () => {
    expectRefused(
      await callToken(vars, { identity: 'alice', grants: 'video' }, origin),
      401,
      'unauthorized',
      'Authorization',
      /needs a passcode/,
    );
  });

  test.each([
    ['wrong', `Bearer ${APP_PASSCODE}-nope`, /passcode is wrong/],
    ['a prefix of the right one', `Bearer ${APP_PASSCODE.slice(0, -1)}`, /passcode is wrong/],
    ['another scheme', `Basic ${Buffer.from(`user:${APP_PASSCODE}`).toString('base64')}`, /Bearer scheme/],
    ['Bearer without a credential', 'Bearer ', /exactly one credential/],
  ])('%s: 401, credential not echoed', async (_, authorization, says) => {
    const answer = await callToken(vars, { identity: 'alice', grants: 'video' }, { Authorization: authorization, ...origin });
    expectRefused(answer, 401, 'unauthorized', 'Authorization', says, authorization.split(' ')[1]);
  });

  test('a wrong passcode parameter is refused; a wrong header is not rescued by a right parameter', async () => {
    expectRefused(
      await callToken(vars, { identity: 'alice', grants: 'video', passcode: 'not-the-passcode-at-all' }, origin),
      401,
      'unauthorized',
      'Authorization',
      /passcode is wrong/,
    );
    expectRefused(
      await callToken(vars, { identity: 'alice', grants: 'video', passcode: APP_PASSCODE }, bearer('not-the-passcode-at-all')),
      401,
      'unauthorized',
      'Authorization',
      /passcode is wrong/,
    );
    expectRefused(
      await callToken(vars, { identity: 'alice', grants: 'video', passcode: [APP_PASSCODE, APP_PASSCODE] }, origin),
      401,
      'unauthorized',
      'Authorization',
      /single string/,
    );
  });
});

describe('jwt mode with AUTH_JWT_SECRET', () => {
  const vars = realVars({ AUTH_MODE: 'jwt', AUTH_JWT_SECRET: APP_JWT_SECRET, ALLOWED_ORIGINS: ALLOWED_ORIGIN });
  const strict = realVars({
    AUTH_MODE: 'jwt',
    AUTH_JWT_SECRET: APP_JWT_SECRET,
    AUTH_ISSUER: ISSUER,
    AUTH_AUDIENCE: AUDIENCE,
    ALLOWED_ORIGINS: ALLOWED_ORIGIN,
  });

  test('the identity comes from the verified sub; no identity param needed', async () => {
    await expectMinted(await callToken(vars, { grants: 'video' }, bearer(await signHs())), 'alice', VIDEO, ['video']);
  });

  test('HS384 and HS512 are accepted too', async () => {
    for (const alg of ['HS384', 'HS512']) {
      await expectMinted(await callToken(vars, { grants: 'video' }, bearer(await signHs({ alg }))), 'alice', VIDEO, ['video']);
    }
  });

  test('an identity param equal to the claim is fine; a different one is 403 identity_mismatch', async () => {
    const token = await signHs();
    await expectMinted(await callToken(vars, { identity: 'alice', grants: 'video' }, bearer(token)), 'alice', VIDEO, ['video']);
    expectRefused(
      await callToken(vars, { identity: 'mallory', grants: 'video' }, bearer(token)),
      403,
      'identity_mismatch',
      'identity',
      /omit identity or send the same one/,
      token,
    );
  });

  test('AUTH_IDENTITY_CLAIM picks another claim', async () => {
    const byEmail = { ...vars, AUTH_IDENTITY_CLAIM: 'preferred_username' };
    await expectMinted(
      await callToken(byEmail, { grants: 'video' }, bearer(await signHs({ claims: { preferred_username: 'carol' } }))),
      'carol',
      VIDEO,
      ['video'],
    );
    expectRefused(
      await callToken(byEmail, { grants: 'video' }, bearer(await signHs())),
      401,
      'unauthorized',
      'Authorization',
      /no "preferred_username" claim/,
    );
  });

  test('the claim passes the same identity rules as the param (Voice: letters, digits, underscores)', async () => {
    const dashed = await signHs({ claims: { sub: 'alice-smith' } });
    await expectMinted(await callToken(vars, { grants: 'video' }, bearer(dashed)), 'alice-smith', VIDEO, ['video']);
    expectRefused(
      await callToken(vars, { grants: 'voice' }, bearer(dashed)),
      400,
      'invalid_identity',
      'identity',
      /sign-in token.*Voice identity/,
    );
    expectRefused(
      await callToken(vars, { grants: 'video' }, bearer(await signHs({ claims: { sub: ' alice' } }))),
      400,
      'invalid_identity',
      'identity',
      /"sub" claim.*spaces/,
    );
    expectRefused(
      await callToken(vars, { grants: 'video' }, bearer(await signHs({ claims: { sub: undefined } }))),
      401,
      'unauthorized',
      'Authorization',
      /no "sub" claim/,
    );
    expectRefused(
      await callToken(vars, { grants: 'video' }, bearer(await signHs({ claims: { sub: 42 } }))),
      401,
      'unauthorized',
      'Authorization',
      /no "sub" claim/,
    );
  });

  test('twilio_grants limits the grants (conversations = chat); outside it: 403 grant_not_allowed', async () => {
    const token = await signHs({ claims: { twilio_grants: ['video', 'conversations'] } });
    const answer = await callToken(vars, { grants: 'chat,video' }, bearer(token));
    await expectMinted(answer, 'alice', { chat: { service_sid: REAL_LOOKING.CHAT_SERVICE_SID }, video: {} }, ['chat', 'video']);
    expectRefused(
      await callToken(vars, { grants: 'video,voice' }, bearer(token)),
      403,
      'grant_not_allowed',
      'grants',
      /does not allow the voice grant/,
      token,
    );
    const none = await signHs({ claims: { twilio_grants: [] } });
    expectRefused(await callToken(vars, { grants: 'sync' }, bearer(none)), 403, 'grant_not_allowed', 'grants', /allows no grants/);
  });

  test('a twilio_grants claim of the wrong shape refuses the token instead of lifting the limit', async () => {
    for (const twilio_grants of ['video', [1], { video: true }, null]) {
      expectRefused(
        await callToken(vars, { grants: 'video' }, bearer(await signHs({ claims: { twilio_grants } }))),
        401,
        'unauthorized',
        'Authorization',
        /twilio_grants claim must be an array/,
      );
    }
  });

  test('missing Authorization header: 401, WWW-Authenticate: Bearer, CORS', async () => {
    expectRefused(
      await callToken(vars, { identity: 'alice', grants: 'video' }, origin),
      401,
      'unauthorized',
      'Authorization',
      /needs a sign-in token/,
    );
  });

  test('a passcode parameter is no substitute for the JWT', async () => {
    expectRefused(
      await callToken(vars, { identity: 'alice', grants: 'video', passcode: APP_JWT_SECRET }, origin),
      401,
      'unauthorized',
      'Authorization',
      /needs a sign-in token/,
    );
  });

  test.each([
    ['another scheme', 'Token abc.def.ghi', /Bearer scheme/],
    ['two parts', 'Bearer abc.def', /malformed: it is not a signed JWT/],
    ['garbage', 'Bearer not-a-jwt-at-all', /malformed: it is not a signed JWT/],
    ['a JSON array payload', `Bearer eyJhbGciOiJIUzI1NiJ9.${Buffer.from('[1]').toString('base64url')}.c2ln`, /malformed|bad signature/],
  ])('malformed header (%s): 401', async (_, authorization, says) => {
    expectRefused(
      await callToken(vars, { grants: 'video' }, { Authorization: authorization, ...origin }),
      401,
      'unauthorized',
      'Authorization',
      says,
    );
  });

  test('alg none: 401', async () => {
    const token = unsignedToken();
    expectRefused(
      await callToken(vars, { grants: 'video' }, bearer(token)),
      401,
      'unauthorized',
      'Authorization',
      /unsigned \(alg "none"\)/,
      token,
    );
  });

  test('a token signed by a JWKS key (RS256, ES256) presented to an HS configuration: 401 algorithm not allowed', async () => {
    for (const alg of ['RS256', 'ES256']) {
      const token = await (await providerKey(alg, 'k1')).sign();
      expectRefused(
        await callToken(vars, { grants: 'video' }, bearer(token)),
        401,
        'unauthorized',
        'Authorization',
        new RegExp(`algorithm ${alg} is not allowed.*HS256, HS384, HS512`),
        token,
      );
    }
  });

  test('signed with another secret: 401 bad signature', async () => {
    const token = await signHs({ secret: 'someone-elses-secret-0123456789abcdef' });
    expectRefused(await callToken(vars, { grants: 'video' }, bearer(token)), 401, 'unauthorized', 'Authorization', /bad signature/, token);
  });

  test('tampered payload (sub changed, signature kept): 401 bad signature', async () => {
    const token = tamperPayload(await signHs(), { sub: 'admin' });
    expectRefused(await callToken(vars, { grants: 'video' }, bearer(token)), 401, 'unauthorized', 'Authorization', /bad signature/, token);
  });

  test('expired: 401; within the clock tolerance it still passes; AUTH_CLOCK_TOLERANCE=0 removes the slack', async () => {
    const expired = await signHs({ claims: { iat: now() - 3600, exp: now() - 120 } });
    expectRefused(await callToken(vars, { grants: 'video' }, bearer(expired)), 401, 'unauthorized', 'Authorization', /expired/, expired);
    const justExpired = await signHs({ claims: { iat: now() - 3600, exp: now() - 10 } });
    await expectMinted(await callToken(vars, { grants: 'video' }, bearer(justExpired)), 'alice', VIDEO, ['video']);
    expectRefused(
      await callToken({ ...vars, AUTH_CLOCK_TOLERANCE: '0' }, { grants: 'video' }, bearer(justExpired)),
      401,
      'unauthorized',
      'Authorization',
      /expired/,
    );
  });

  test('not yet valid (nbf in the future beyond the tolerance): 401', async () => {
    const early = await signHs({ claims: { nbf: now() + 600 } });
    expectRefused(await callToken(vars, { grants: 'video' }, bearer(early)), 401, 'unauthorized', 'Authorization', /not valid yet/, early);
  });

  test('a token without exp (valid forever) is refused', async () => {
    expectRefused(
      await callToken(vars, { grants: 'video' }, bearer(await signHs({ claims: { exp: undefined } }))),
      401,
      'unauthorized',
      'Authorization',
      /no "exp" claim/,
    );
  });

  test('with AUTH_ISSUER and AUTH_AUDIENCE set: the right ones pass, a wrong iss or aud is 401', async () => {
    await expectMinted(
      await callToken(strict, { grants: 'video' }, bearer(await signHs({ claims: { iss: ISSUER, aud: AUDIENCE } }))),
      'alice',
      VIDEO,
      ['video'],
    );
    const wrongIss = await signHs({ claims: { iss: 'https://evil.example.com/', aud: AUDIENCE } });
    expectRefused(
      await callToken(strict, { grants: 'video' }, bearer(wrongIss)),
      401,
      'unauthorized',
      'Authorization',
      /wrong issuer/,
      wrongIss,
    );
    const wrongAud = await signHs({ claims: { iss: ISSUER, aud: 'https://other-app.example.com' } });
    expectRefused(
      await callToken(strict, { grants: 'video' }, bearer(wrongAud)),
      401,
      'unauthorized',
      'Authorization',
      /wrong audience/,
      wrongAud,
    );
    expectRefused(
      await callToken(strict, { grants: 'video' }, bearer(await signHs({ claims: { aud: AUDIENCE } }))),
      401,
      'unauthorized',
      'Authorization',
      /no "iss" claim/,
    );
  });

  test('AUTH_MODE=jwt without a key source: 500 config_error, even with a valid-looking token', async () => {
    const answer = await callToken(
      realVars({ AUTH_MODE: 'jwt', ALLOWED_ORIGINS: ALLOWED_ORIGIN }),
      { grants: 'video' },
      bearer(await signHs()),
    );
    expectRefused(answer, 500, 'config_error', 'AUTH_JWT_SECRET,AUTH_JWKS_URL', /AUTH_JWT_SECRET.*AUTH_JWKS_URL/);
  });

  test('a disallowed origin is refused before authentication, without CORS headers', async () => {
    const answer = await callToken(
      vars,
      { grants: 'video' },
      { Authorization: `Bearer ${await signHs()}`, Origin: 'https://evil.example.com' },
    );
    expect(answer.status).toBe(403);
    expect(answer.json.error.code).toBe('origin_not_allowed');
    expect(answer.headers['Access-Control-Allow-Origin']).toBeUndefined();
  });

  test('the log line names the verified identity and never holds the token', async () => {
    const token = await signHs({ claims: { sub: 'dana' } });
    const answer = await callToken(vars, { grants: 'video' }, bearer(token));
    expect(answer.status).toBe(200);
    expect(JSON.parse(answer.logs[0]!)).toMatchObject({ status: 200, outcome: 'ok', identity: 'dana', grants: ['video'] });
    for (const piece of token.split('.')) expect(answer.logs[0]).not.toContain(piece);
  });
});

describe('issue 11: a Twilio Access Token is never a sign-in token', () => {
  test('with AUTH_JWT_SECRET equal to API_SECRET the service refuses to run (500 config_error), so a minted token cannot be replayed', async () => {
    const reused = realVars({ AUTH_MODE: 'jwt', AUTH_JWT_SECRET: TEST_SECRET, ALLOWED_ORIGINS: ALLOWED_ORIGIN });
    const answer = await callToken(reused, { grants: 'video' }, bearer(await signHs({ secret: TEST_SECRET })));
    expectRefused(answer, 500, 'config_error', 'AUTH_JWT_SECRET', /AUTH_JWT_SECRET is not usable/);
    expect(answer.json.error.message).not.toMatch(/API_SECRET/);
    expect(JSON.parse(answer.logs[0]!).detail).toMatch(/equals API_SECRET/);
  });

  test.each<[string, { header?: Record<string, string>; claims?: Record<string, unknown> }]>([
    ['its header has cty twilio-fpa;v=1', { header: { cty: 'twilio-fpa;v=1' } }],
    ['it has a grants claim', { claims: { grants: { identity: 'alice', voice: {} } } }],
    ['its issuer is this service API key', { claims: { iss: REAL_LOOKING.API_KEY } }],
  ])('one whose %s is refused with 401 even when signed with the sign-in secret', async (why, shape) => {
    const vars = realVars({ AUTH_MODE: 'jwt', AUTH_JWT_SECRET: APP_JWT_SECRET, ALLOWED_ORIGINS: ALLOWED_ORIGIN });
    const token = await new SignJWT({ sub: 'alice', iat: now(), exp: now() + 300, ...(shape.claims ?? {}) })
      .setProtectedHeader({ alg: 'HS256', typ: 'JWT', ...(shape.header ?? {}) })
      .sign(new TextEncoder().encode(APP_JWT_SECRET));
    const answer = await callToken(vars, { grants: 'video' }, bearer(token));
    expectRefused(answer, 401, 'unauthorized', 'Authorization', /is a Twilio Access Token, not your app's sign-in token/, token);
    expect(JSON.parse(answer.logs[0]!).detail).toContain(why.replace('this service API key', "this service's API key"));
  });

  test('a token this service minted, replayed as a sign-in token, gets 401 and no other grant', async () => {
    const vars = realVars({ AUTH_MODE: 'jwt', AUTH_JWT_SECRET: APP_JWT_SECRET, ALLOWED_ORIGINS: ALLOWED_ORIGIN });
    const minted = await callToken(realVars({ AUTH_MODE: 'none' }), { identity: 'alice', grants: 'video' });
    const replay = await callToken(vars, { grants: 'voice,video,chat,sync' }, bearer(minted.json.token));
    expectRefused(replay, 401, 'unauthorized', 'Authorization', /Twilio Access Token/, minted.json.token);
  });
});

describe('issue 11: sign-in tokens have a lifetime bound (AUTH_MAX_TOKEN_AGE)', () => {
  const vars = realVars({ AUTH_MODE: 'jwt', AUTH_JWT_SECRET: APP_JWT_SECRET, ALLOWED_ORIGINS: ALLOWED_ORIGIN });

  test('exp 9999999999 is refused with 401; the log says how far', async () => {
    const answer = await callToken(vars, { grants: 'video' }, bearer(await signHs({ claims: { exp: 9_999_999_999 } })));
    expectRefused(answer, 401, 'unauthorized', 'Authorization', /more than 86400 s \(AUTH_MAX_TOKEN_AGE\)/);
    expect(JSON.parse(answer.logs[0]!).detail).toMatch(/^exp is \d+ s from now; AUTH_MAX_TOKEN_AGE is 86400 s$/);
  });

  test('iat a day in the future is refused with 401', async () => {
    const answer = await callToken(
      vars,
      { grants: 'video' },
      bearer(await signHs({ claims: { iat: now() + 86_400, exp: now() + 86_700 } })),
    );
    expectRefused(answer, 401, 'unauthorized', 'Authorization', /issued in the future/);
  });

  test('within the bounds (exp a day away, iat within the clock tolerance) is fine, and AUTH_MAX_TOKEN_AGE narrows them', async () => {
    const token = await signHs({ claims: { iat: now() + 20, exp: now() + 86_000 } });
    await expectMinted(await callToken(vars, { grants: 'video' }, bearer(token)), 'alice', VIDEO, ['video']);
    const narrow = realVars({
      AUTH_MODE: 'jwt',
      AUTH_JWT_SECRET: APP_JWT_SECRET,
      AUTH_MAX_TOKEN_AGE: '3600',
      ALLOWED_ORIGINS: ALLOWED_ORIGIN,
    });
    expectRefused(await callToken(narrow, { grants: 'video' }, bearer(token)), 401, 'unauthorized', 'Authorization', /3600 s/);
  });
});

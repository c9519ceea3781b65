/**
 * Caller authentication at its edges, through /token (#22 items 2, 5, 6, 7, 8): the key-set
 * failures that are the token's fault, an attacker's `alg` text, junk around the Bearer scheme,
 * the lifetime limits at their boundaries, and what is not a jose failure.
 */
import { createSign, generateKeyPairSync } from 'node:crypto';
import { CompactSign, SignJWT } from 'jose';
import { handleToken } from '../../lib/endpoints/token';
import { fakeDateOnly } from '../support/clock';
import { realVars } from '../support/env';
import {
  ALLOWED_ORIGIN,
  APP_JWT_SECRET,
  APP_PASSCODE,
  AUDIENCE,
  callToken,
  ISSUER,
  providerKey,
  signHs,
  startJwksServer,
  type Answer,
  type JwksServer,
} from './support';

const origin = { Origin: ALLOWED_ORIGIN };
const withAuthorization = (value: string): Record<string, string> => ({ Authorization: value, Origin: ALLOWED_ORIGIN });
const b64 = (value: object): string => Buffer.from(JSON.stringify(value)).toString('base64url');

/** The error an answer carries, with its status: one object to compare whole. */
const refusalOf = (answer: Answer) => ({ status: answer.status, error: answer.json.error as unknown });
const unauthorized = (message: string) => ({ status: 401, error: { code: 'unauthorized', field: 'Authorization', message } });

function expectMintedFor(answer: Answer, identity: string): void {
  expect({ status: answer.status, identity: answer.json.identity, token: typeof answer.json.token }).toEqual({
    status: 200,
    identity,
    token: 'string',
  });
}

describe('key-set answers that are the token fault stay 401, not 503 "retry" (item 2)', () => {
  let jwks: JwksServer;
  afterEach(() => jwks?.close());

  const varsFor = (server: JwksServer) =>
    realVars({
      AUTH_MODE: 'jwt',
      AUTH_JWKS_URL: server.url(),
      AUTH_ISSUER: ISSUER,
      AUTH_AUDIENCE: AUDIENCE,
      ALLOWED_ORIGINS: ALLOWED_ORIGIN,
    });

  test('no kid and several keys of its type in the set: 401 asking for a kid', async () => {
    const first = await providerKey('RS256', 'rsa-a');
    const second = await providerKey('RS256', 'rsa-b');
    jwks = await startJwksServer([first.publicJwk, second.publicJwk]);
    const token = await second.sign({}, { kid: undefined });
    expect(refusalOf(await callToken(varsFor(jwks), { grants: 'video' }, withAuthorization(`Bearer ${token}`)))).toEqual(
      unauthorized("Several keys in the identity provider's key set match the token; it needs a kid header naming one."),
    );
    // With its kid, the same key is found.
    expectMintedFor(
      await callToken(varsFor(jwks), { grants: 'video' }, withAuthorization(`Bearer ${await second.sign({ sub: 'bob' })}`)),
      'bob',
    );
  });

  test('the matching key uses a JOSE feature jose does not support (multi-prime RSA): 401', async () => {
    const key = await providerKey('RS256', 'multi-prime');
    jwks = await startJwksServer([{ ...key.publicJwk, oth: [{ r: 'AQAB', d: 'AQAB', t: 'AQAB' }] } as never]);
    expect(refusalOf(await callToken(varsFor(jwks), { grants: 'video' }, withAuthorization(`Bearer ${await key.sign()}`)))).toEqual(
      unauthorized('The token uses a JOSE feature or key type this service does not support.'),
    );
  });

  test('a key Node cannot import (an EC point off its curve): 503 naming the key, not a network error', async () => {
    const key = await providerKey('ES256', 'off-curve');
    const offCurve = { ...key.publicJwk, x: Buffer.alloc(32, 1).toString('base64url'), y: Buffer.alloc(32, 2).toString('base64url') };
    jwks = await startJwksServer([offCurve]);
    expect(refusalOf(await callToken(varsFor(jwks), { grants: 'video' }, withAuthorization(`Bearer ${await key.sign()}`)))).toEqual({
      status: 503,
      error: {
        code: 'auth_unavailable',
        field: 'AUTH_JWKS_URL',
        message:
          "The token could not be checked: the identity provider's key set (AUTH_JWKS_URL) is unavailable (it holds a key that cannot be imported). Try again shortly.",
      },
    });
  });

  test('not a jose failure (an RSA key under 2048 bits in the set): 500 internal_error, the cause in the log only (item 8)', async () => {
    const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 1024 });
    jwks = await startJwksServer([{ ...publicKey.export({ format: 'jwk' }), kty: 'RSA', kid: 'short', alg: 'RS256', use: 'sig' }]);
    const now = Math.floor(Date.now() / 1000);
    const signed = `${b64({ alg: 'RS256', kid: 'short', typ: 'JWT' })}.${b64({ sub: 'alice', iss: ISSUER, aud: AUDIENCE, iat: now, exp: now + 300 })}`;
    const token = `${signed}.${createSign('sha256').update(signed).sign(privateKey).toString('base64url')}`;
    const answer = await callToken(varsFor(jwks), { grants: 'video' }, withAuthorization(`Bearer ${token}`));
    expect(refusalOf(answer)).toEqual({
      status: 500,
      error: { code: 'internal_error', message: 'The token service failed unexpectedly; see the function logs.' },
    });
    expect(JSON.parse(answer.logs[0]!)).toMatchObject({
      outcome: 'internal_error',
      error: expect.stringMatching(/^TypeError: RS256 requires key modulusLength to be 2048 bits/),
    });
  });
});

describe('the alg a token names is echoed only when it is a short algorithm name (item 5)', () => {
  const vars = realVars({ AUTH_MODE: 'jwt', AUTH_JWT_SECRET: APP_JWT_SECRET, ALLOWED_ORIGINS: ALLOWED_ORIGIN });
  const now = Math.floor(Date.now() / 1000);
  const withAlg = (alg: string): string => `${b64({ alg, typ: 'JWT' })}.${b64({ sub: 'alice', iat: now, exp: now + 300 })}.c2lnbmF0dXJl`;
  const refused = (shown: string) =>
    unauthorized(`The token's algorithm${shown} is not allowed here; this service accepts HS256, HS384, HS512.`);

  test.each([
    ['an asymmetric algorithm', 'RS256', ' RS256'],
    ['ten letters and digits', 'ABCDEFGH12', ' ABCDEFGH12'],
    ['eleven letters and digits', 'ABCDEFGH123', ''],
    ['a long text', 'A'.repeat(5000), ''],
    ['an injected header line', 'HS256\r\nSet-Cookie: a=b', ''],
    ['junk before a name', 'evil HS256', ''],
    ['junk after a name', 'HS256 evil', ''],
    ['markup', '<b>HS1</b>', ''],
    ['a dash', 'HS-256', ''],
  ])('%s', async (_, alg, shown) => {
    expect(refusalOf(await callToken(vars, { grants: 'video' }, withAuthorization(`Bearer ${withAlg(alg)}`)))).toEqual(refused(shown));
  });
});

describe('the Bearer scheme starts the header (item 6)', () => {
  const vars = realVars({ AUTH_MODE: 'passcode', APP_PASSCODE, ALLOWED_ORIGINS: ALLOWED_ORIGIN });
  const wrongScheme = unauthorized(
    'The Authorization header is malformed: it must use the Bearer scheme, as in Authorization: Bearer <token>.',
  );

  test.each([
    ['another scheme in front', `Basic Bearer ${APP_PASSCODE}`],
    ['a letter glued in front', `xBearer ${APP_PASSCODE}`],
  ])('%s: 401 although the passcode is right', async (_, header) => {
    expect(refusalOf(await callToken(vars, { identity: 'alice', grants: 'video' }, withAuthorization(header)))).toEqual(wrongScheme);
  });

  test('junk after the credential: 401, one credential only', async () => {
    expect(refusalOf(await callToken(vars, { identity: 'alice', grants: 'video' }, withAuthorization(`Bearer ${APP_PASSCODE} x`)))).toEqual(
      unauthorized('The Authorization header is malformed: after "Bearer " it must hold exactly one credential, with no spaces.'),
    );
  });

  test('a blank header is called empty; an empty list of headers is no header', async () => {
    expect(refusalOf(await callToken(vars, { identity: 'alice', grants: 'video' }, withAuthorization('   ')))).toEqual(
      unauthorized('The Authorization header is empty; send Authorization: Bearer <token>.'),
    );
    const jwt = realVars({ AUTH_MODE: 'jwt', AUTH_JWT_SECRET: APP_JWT_SECRET, ALLOWED_ORIGINS: ALLOWED_ORIGIN });
    const event = { grants: 'video', request: { headers: { authorization: [], origin: ALLOWED_ORIGIN }, cookies: {} } };
    const { status, body } = await handleToken(jwt, event, { log: () => undefined });
    expect({ status, error: (body as { error: unknown }).error }).toEqual(
      unauthorized("This service needs a sign-in token: send Authorization: Bearer <your app's JWT for this user>."),
    );
  });

  test('an empty passcode parameter is a missing passcode, not a wrong one', async () => {
    expect(refusalOf(await callToken(vars, { identity: 'alice', grants: 'video', passcode: '' }, origin))).toEqual(
      unauthorized('This service needs a passcode: send Authorization: Bearer <passcode> (or a passcode parameter in the POST body).'),
    );
  });

  test('the scheme in any case, with extra spaces around the credential, is fine', async () => {
    expectMintedFor(
      await callToken(vars, { identity: 'alice', grants: 'video' }, withAuthorization(`bEaReR   ${APP_PASSCODE}  `)),
      'alice',
    );
  });
});

describe('the sign-in lifetime limits at their boundaries (item 7)', () => {
  const NOW = Date.UTC(2030, 0, 1) / 1000;
  const vars = (extra: Record<string, string> = {}) =>
    realVars({ AUTH_MODE: 'jwt', AUTH_JWT_SECRET: APP_JWT_SECRET, AUTH_MAX_TOKEN_AGE: '3600', ALLOWED_ORIGINS: ALLOWED_ORIGIN, ...extra });
  beforeEach(() => fakeDateOnly(NOW * 1000));
  afterEach(() => jest.useRealTimers());

  async function call(claims: Record<string, unknown>, extra?: Record<string, string>): Promise<Answer> {
    return callToken(vars(extra), { grants: 'video' }, withAuthorization(`Bearer ${await signHs({ claims })}`));
  }

  test('iat up to AUTH_CLOCK_TOLERANCE (30 s) ahead passes; one second more is refused, and the log says by how much', async () => {
    expectMintedFor(await call({ iat: NOW + 30, exp: NOW + 600 }), 'alice');
    const answer = await call({ iat: NOW + 31, exp: NOW + 600 });
    expect(refusalOf(answer)).toEqual(
      unauthorized("The token was issued in the future (its iat is ahead of this server's clock); check the issuing server's clock."),
    );
    expect(JSON.parse(answer.logs[0]!).detail).toBe('iat is 31 s in the future; AUTH_CLOCK_TOLERANCE is 30 s');
  });

  test('exp up to AUTH_MAX_TOKEN_AGE + AUTH_CLOCK_TOLERANCE (3630 s) away passes; one second more is refused', async () => {
    expectMintedFor(await call({ iat: NOW, exp: NOW + 3630 }), 'alice');
    const answer = await call({ iat: NOW, exp: NOW + 3631 });
    expect(refusalOf(answer)).toEqual(
      unauthorized('The token claims to stay valid for more than 3600 s (AUTH_MAX_TOKEN_AGE); sign-in tokens must expire sooner.'),
    );
    expect(JSON.parse(answer.logs[0]!).detail).toBe('exp is 3631 s from now; AUTH_MAX_TOKEN_AGE is 3600 s');
  });

  test('with AUTH_CLOCK_TOLERANCE=0 the limits are exact', async () => {
    const exact = { AUTH_CLOCK_TOLERANCE: '0' };
    expectMintedFor(await call({ iat: NOW, exp: NOW + 3600 }, exact), 'alice');
    expect((await call({ iat: NOW + 1, exp: NOW + 600 }, exact)).status).toBe(401);
    expect((await call({ iat: NOW, exp: NOW + 3601 }, exact)).status).toBe(401);
  });
});

describe('what else a sign-in token can get wrong', () => {
  const vars = realVars({ AUTH_MODE: 'jwt', AUTH_JWT_SECRET: APP_JWT_SECRET, ALLOWED_ORIGINS: ALLOWED_ORIGIN });
  const secret = new TextEncoder().encode(APP_JWT_SECRET);
  const call = async (token: string, params: Record<string, unknown> = { grants: 'video' }) =>
    refusalOf(await callToken(vars, params, withAuthorization(`Bearer ${token}`)));

  test('exp that is not a number: 401 saying what it must be', async () => {
    expect(await call(await signHs({ claims: { exp: 'tomorrow' } }))).toEqual(
      unauthorized('The token\'s "exp" claim must be a number of seconds since the epoch.'),
    );
  });

  test('a signed payload that is not a JSON object: 401 malformed', async () => {
    const token = await new CompactSign(new TextEncoder().encode('[1,2]')).setProtectedHeader({ alg: 'HS256' }).sign(secret);
    expect(await call(token)).toEqual(
      unauthorized(
        'The bearer credential is malformed: it is not a signed JWT (header.payload.signature, base64url, with a JSON object payload).',
      ),
    );
  });

  test('a critical header extension this service does not know: 401 not supported', async () => {
    const now = Math.floor(Date.now() / 1000);
    const token = await new SignJWT({ sub: 'alice', exp: now + 300 })
      .setProtectedHeader({ alg: 'HS256', crit: ['x-proof'], 'x-proof': 'abc' })
      .sign(secret, { crit: { 'x-proof': true } });
    expect(await call(token)).toEqual(unauthorized('The token uses a JOSE feature or key type this service does not support.'));
  });

  test('twilio_grants names each allowed grant once, by its name, and ignores unknown ones', async () => {
    const token = await signHs({ claims: { twilio_grants: ['video', 'conversations', 'video', 'chat', 'fax'] } });
    expect(await call(token, { grants: 'voice' })).toEqual({
      status: 403,
      error: {
        code: 'grant_not_allowed',
        field: 'grants',
        message: 'Your sign-in token does not allow the voice grant (its twilio_grants claim allows video, chat).',
      },
    });
  });
});

describe('the identity claim (item 8)', () => {
  const vars = realVars({ AUTH_MODE: 'jwt', AUTH_JWT_SECRET: APP_JWT_SECRET, ALLOWED_ORIGINS: ALLOWED_ORIGIN });
  const noIdentity = unauthorized('The token has no "sub" claim holding the user\'s identity as a non-empty string (AUTH_IDENTITY_CLAIM).');

  test.each([
    ['empty', ''],
    ['absent', undefined],
    ['a number', 42],
  ])('%s: 401 (the sign-in token is at fault, not a 400 for the caller to fix)', async (_, sub) => {
    const token = await signHs({ claims: { sub } });
    expect(refusalOf(await callToken(vars, { grants: 'video' }, withAuthorization(`Bearer ${token}`)))).toEqual(noIdentity);
  });

  test('an identity param does not stand in for it', async () => {
    const token = await signHs({ claims: { sub: '' } });
    expect(refusalOf(await callToken(vars, { identity: 'alice', grants: 'video' }, withAuthorization(`Bearer ${token}`)))).toEqual(
      noIdentity,
    );
    expect((await callToken(vars, { identity: 'alice', grants: 'video' }, origin)).status).toBe(401);
  });
});

/**
 * Failures no real token produces today, made by a jose whose verification or key lookup fails
 * on demand: what a future jose or Node might throw must still land on the right side. A jose
 * error (ERR_J*) that this service does not know is a 401 that says little; anything else is
 * ours (500 internal_error, the cause in the log only); a key jose or Node's crypto cannot
 * import is the key set's fault (503, retry).
 */
import { loadAuthConfig } from '../../lib/config/auth';
import { loadConfig } from '../../lib/config/service';
import { verifyCallerJwt } from '../../lib/auth/jwt';
import { realVars } from '../support/env';
import { ALLOWED_ORIGIN, APP_JWT_SECRET, AUDIENCE, bearer, callToken, ISSUER, signHs } from './support';

// The runtime's globals (installed by the first callToken) include its own Response.
const WebResponse = Response;

const mockFailures: { verify?: Error; keyLookup?: Error } = {};

jest.mock('jose', () => {
  const actual = jest.requireActual<typeof import('jose')>('jose');
  return {
    ...actual,
    jwtVerify: (...args: Parameters<typeof actual.jwtVerify>) =>
      mockFailures.verify === undefined ? actual.jwtVerify(...args) : Promise.reject(mockFailures.verify),
    createLocalJWKSet: (...args: Parameters<typeof actual.createLocalJWKSet>) => {
      const local = actual.createLocalJWKSet(...args);
      return (...lookup: Parameters<typeof local>) => {
        if (mockFailures.keyLookup !== undefined) throw mockFailures.keyLookup;
        return local(...lookup);
      };
    },
  };
});

afterEach(() => {
  delete mockFailures.verify;
  delete mockFailures.keyLookup;
});

const withCode = (code: unknown, extra: Record<string, unknown> = {}): Error => Object.assign(new Error('from below'), { code }, extra);
const secretVars = realVars({ AUTH_MODE: 'jwt', AUTH_JWT_SECRET: APP_JWT_SECRET, ALLOWED_ORIGINS: ALLOWED_ORIGIN });

async function refusal(vars: Record<string, string | undefined>, token?: string) {
  const answer = await callToken(vars, { grants: 'video' }, bearer(token ?? (await signHs())));
  return { status: answer.status, error: answer.json.error as unknown, log: JSON.parse(answer.logs[0]!) as Record<string, unknown> };
}

describe('verification failing with what jose does not throw today', () => {
  test.each([
    ['a Node crypto code (ERR_CRYPTO_*): ours, 500', withCode('ERR_CRYPTO_OPERATION_FAILED')],
    ['a network-looking code: ours, 500', withCode('ECONNRESET')],
    ['no code at all: ours, 500', new RangeError('from below')],
  ])('%s', async (_, error) => {
    mockFailures.verify = error;
    const { status, error: body, log } = await refusal(secretVars);
    expect({ status, body }).toEqual({
      status: 500,
      body: { code: 'internal_error', message: 'The token service failed unexpectedly; see the function logs.' },
    });
    expect(log.error).toMatch(/: from below$/);
  });

  test.each([
    ['an ERR_J* code this service does not know', withCode('ERR_JWT_SOMETHING_NEW'), 'The token could not be verified.'],
    [
      'a claim jose checks only with options this service does not pass (typ)',
      withCode('ERR_JWT_CLAIM_VALIDATION_FAILED', { claim: 'typ', reason: 'check_failed' }),
      "The token's claims did not pass validation.",
    ],
    [
      'iat too old (jose checks it only with maxTokenAge, which this service does not pass; it checks iat itself)',
      withCode('ERR_JWT_CLAIM_VALIDATION_FAILED', { claim: 'iat', reason: 'check_failed' }),
      "The token's claims did not pass validation.",
    ],
  ])('%s: a 401 that says little', async (_, error, message) => {
    mockFailures.verify = error;
    expect(await refusal(secretVars)).toMatchObject({ status: 401, error: { code: 'unauthorized', field: 'Authorization', message } });
  });
});

describe('a key of the set that cannot be used when a token names it: the key set is unavailable (503)', () => {
  let fetchMock: jest.SpyInstance;
  let n = 0;
  beforeEach(() => {
    fetchMock = jest.spyOn(globalThis, 'fetch').mockImplementation(() => Promise.resolve(new WebResponse('{"keys":[]}')));
  });
  afterEach(() => fetchMock.mockRestore());

  test.each([
    ["jose's ERR_JWK_INVALID", withCode('ERR_JWK_INVALID'), 'it holds a key that cannot be imported'],
    ["Node's crypto refusing a JWK", withCode('ERR_CRYPTO_INVALID_JWK'), 'it holds a key that cannot be imported'],
    ['anything else jose or Node throws there', withCode('ERR_SOMETHING_ELSE'), 'its keys could not be used'],
    ['a code that is not a string', withCode(42), 'its keys could not be used'],
  ])('%s', async (_, error, reason) => {
    mockFailures.keyLookup = error;
    // A URL per case: key sets are cached per URL for the container's life.
    const vars = realVars({
      AUTH_MODE: 'jwt',
      AUTH_JWKS_URL: `https://idp.example.com/jwks-${++n}.json`,
      AUTH_ISSUER: ISSUER,
      AUTH_AUDIENCE: AUDIENCE,
      ALLOWED_ORIGINS: ALLOWED_ORIGIN,
    });
    const token = `${Buffer.from('{"alg":"RS256","kid":"k1"}').toString('base64url')}.${Buffer.from('{"sub":"alice"}').toString('base64url')}.c2ln`;
    expect(await refusal(vars, token)).toMatchObject({
      status: 503,
      error: {
        code: 'auth_unavailable',
        field: 'AUTH_JWKS_URL',
        message: `The token could not be checked: the identity provider's key set (AUTH_JWKS_URL) is unavailable (${reason}). Try again shortly.`,
      },
    });
  });
});

test("without this service's API key to compare with, a token without iss is not taken for an Access Token", async () => {
  const config = loadConfig(secretVars);
  const auth = loadAuthConfig(secretVars, config);
  if (auth.mode !== 'jwt') throw new Error('expected jwt mode');
  const verified = await verifyCallerJwt(await signHs({ claims: { sub: 'alice' } }), auth);
  expect(verified.identity).toBe('alice');
});

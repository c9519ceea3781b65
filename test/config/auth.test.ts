import { loadAuthConfig } from '../../lib/config/auth';
import { ServiceError } from '../../lib/errors';
import { STRONG_JWT_SECRET, TEST_SECRET } from '../support/env';

const deployed = { isLocal: false };
const local = { isLocal: true };

function configErrorOf(vars: Record<string, unknown>, where = deployed): ServiceError {
  try {
    loadAuthConfig(vars, where);
  } catch (error) {
    expect(error).toBeInstanceOf(ServiceError);
    return error as ServiceError;
  }
  throw new Error('expected a config_error');
}

describe('AUTH_MODE', () => {
  test('absent: none locally (the demo configuration), config_error once deployed', () => {
    expect(loadAuthConfig({}, local)).toEqual({ mode: 'none' });
    const error = configErrorOf({});
    expect(error.toBody()).toEqual({
      error: { code: 'config_error', field: 'AUTH_MODE', message: expect.stringContaining('AUTH_MODE is not set on a deployed service') },
    });
    expect(error.status).toBe(500);
  });

  test('explicit none is allowed deployed; modes are case-insensitive', () => {
    expect(loadAuthConfig({ AUTH_MODE: 'none' }, deployed)).toEqual({ mode: 'none' });
    expect(loadAuthConfig({ AUTH_MODE: ' NONE ' }, deployed)).toEqual({ mode: 'none' });
  });

  test('unknown mode', () => {
    expect(configErrorOf({ AUTH_MODE: 'oauth' }).field).toBe('AUTH_MODE');
  });

  test('a credential variable without AUTH_MODE is refused even locally, instead of silently running open', () => {
    const error = configErrorOf({ AUTH_JWT_SECRET: 'x'.repeat(40) }, local);
    expect(error.field).toBe('AUTH_MODE');
    expect(error.message).toContain('AUTH_JWT_SECRET');
    expect(error.message).not.toContain('x'.repeat(40));
  });
});

describe('passcode mode', () => {
  test('a passcode of 16+ visible characters', () => {
    const passcode = 'q7Xw-2Rk9_Ld4Tz8';
    expect(loadAuthConfig({ AUTH_MODE: 'passcode', APP_PASSCODE: passcode }, deployed)).toEqual({ mode: 'passcode', passcode });
  });

  test.each([
    ['missing', undefined],
    ['short', 'short-passcode1'],
    ['with a space', 'a passcode with spaces'],
    ['non-ASCII', 'pässcode-pässcode-pässcode'],
  ])('%s APP_PASSCODE -> config_error naming it, never printing it', (_, value) => {
    const error = configErrorOf({ AUTH_MODE: 'passcode', APP_PASSCODE: value });
    expect(error.toBody().error).toMatchObject({ code: 'config_error', field: 'APP_PASSCODE' });
    if (value !== undefined) expect(error.message).not.toContain(value);
  });
});

describe('jwt mode', () => {
  const secret = STRONG_JWT_SECRET;

  test('HS secret with defaults: 30 s clock tolerance, identity from sub, iss/aud optional', () => {
    expect(loadAuthConfig({ AUTH_MODE: 'jwt', AUTH_JWT_SECRET: secret }, deployed)).toEqual({
      mode: 'jwt',
      key: { kind: 'secret', secret },
      issuer: undefined,
      audience: undefined,
      clockTolerance: 30,
      maxTokenAge: 86400,
      identityClaim: 'sub',
    });
  });

  test('JWKS with issuer, audience, tolerance and a namespaced identity claim', () => {
    expect(
      loadAuthConfig(
        {
          AUTH_MODE: 'jwt',
          AUTH_JWKS_URL: 'https://tenant.example.com/.well-known/jwks.json',
          AUTH_ISSUER: 'https://tenant.example.com/',
          AUTH_AUDIENCE: 'https://api.example.com',
          AUTH_CLOCK_TOLERANCE: '0',
          AUTH_IDENTITY_CLAIM: 'https://example.com/username',
        },
        deployed,
      ),
    ).toEqual({
      mode: 'jwt',
      key: { kind: 'jwks', url: 'https://tenant.example.com/.well-known/jwks.json' },
      issuer: 'https://tenant.example.com/',
      audience: 'https://api.example.com',
      clockTolerance: 0,
      maxTokenAge: 86400,
      identityClaim: 'https://example.com/username',
    });
  });

  test('http:// JWKS only on loopback', () => {
    expect(
      loadAuthConfig({ AUTH_MODE: 'jwt', AUTH_JWKS_URL: 'http://127.0.0.1:9999/jwks', AUTH_ISSUER: 'i', AUTH_AUDIENCE: 'a' }, local),
    ).toMatchObject({ key: { kind: 'jwks' } });
    expect(
      configErrorOf({ AUTH_MODE: 'jwt', AUTH_JWKS_URL: 'http://idp.example.com/jwks', AUTH_ISSUER: 'i', AUTH_AUDIENCE: 'a' }).field,
    ).toBe('AUTH_JWKS_URL');
  });

  test.each<[string, Record<string, string>, string]>([
    ['no key source', {}, 'AUTH_JWT_SECRET,AUTH_JWKS_URL'],
    [
      'both key sources',
      { AUTH_JWT_SECRET: STRONG_JWT_SECRET, AUTH_JWKS_URL: 'https://idp.example.com/jwks', AUTH_ISSUER: 'i', AUTH_AUDIENCE: 'a' },
      'AUTH_JWT_SECRET,AUTH_JWKS_URL',
    ],
    ['a short HMAC secret', { AUTH_JWT_SECRET: 'too-short-secret' }, 'AUTH_JWT_SECRET'],
    ['JWKS without issuer and audience', { AUTH_JWKS_URL: 'https://idp.example.com/jwks' }, 'AUTH_ISSUER,AUTH_AUDIENCE'],
    ['JWKS without audience', { AUTH_JWKS_URL: 'https://idp.example.com/jwks', AUTH_ISSUER: 'https://idp.example.com/' }, 'AUTH_AUDIENCE'],
    ['a JWKS URL that is not a URL', { AUTH_JWKS_URL: 'idp.example.com/jwks', AUTH_ISSUER: 'i', AUTH_AUDIENCE: 'a' }, 'AUTH_JWKS_URL'],
    ['a negative tolerance', { AUTH_JWT_SECRET: STRONG_JWT_SECRET, AUTH_CLOCK_TOLERANCE: '-5' }, 'AUTH_CLOCK_TOLERANCE'],
    ['a tolerance with units', { AUTH_JWT_SECRET: STRONG_JWT_SECRET, AUTH_CLOCK_TOLERANCE: '30s' }, 'AUTH_CLOCK_TOLERANCE'],
    ['a tolerance over 5 minutes', { AUTH_JWT_SECRET: STRONG_JWT_SECRET, AUTH_CLOCK_TOLERANCE: '3600' }, 'AUTH_CLOCK_TOLERANCE'],
    ['a claim name with a space', { AUTH_JWT_SECRET: STRONG_JWT_SECRET, AUTH_IDENTITY_CLAIM: 'user name' }, 'AUTH_IDENTITY_CLAIM'],
    [
      'every problem at once',
      { AUTH_JWT_SECRET: 'short', AUTH_CLOCK_TOLERANCE: 'x', AUTH_IDENTITY_CLAIM: 'a b' },
      'AUTH_JWT_SECRET,AUTH_CLOCK_TOLERANCE,AUTH_IDENTITY_CLAIM',
    ],
  ])('%s -> config_error naming %s', (_, extra, field) => {
    const error = configErrorOf({ AUTH_MODE: 'jwt', ...extra });
    expect(error.toBody().error).toMatchObject({ code: 'config_error', field });
    for (const [name, value] of Object.entries(extra)) {
      if (name === 'AUTH_JWT_SECRET') expect(error.message).not.toContain(value);
    }
  });

  test('the parsed configuration follows the variables (no stale memo)', () => {
    const first = loadAuthConfig({ AUTH_MODE: 'jwt', AUTH_JWT_SECRET: secret }, deployed);
    const second = loadAuthConfig({ AUTH_MODE: 'jwt', AUTH_JWT_SECRET: secret, AUTH_IDENTITY_CLAIM: 'email' }, deployed);
    expect(first).toMatchObject({ identityClaim: 'sub' });
    expect(second).toMatchObject({ identityClaim: 'email' });
    expect(loadAuthConfig({}, local)).toEqual({ mode: 'none' });
    expect(() => loadAuthConfig({}, deployed)).toThrow(ServiceError);
  });
});

describe('secrets that would let strangers in (#11)', () => {
  test('AUTH_JWT_SECRET equal to API_SECRET is a config_error: every minted Access Token would pass as a sign-in token', () => {
    const error = configErrorOf({ AUTH_MODE: 'jwt', AUTH_JWT_SECRET: TEST_SECRET + TEST_SECRET, API_SECRET: TEST_SECRET + TEST_SECRET });
    expect(error.field).toBe('AUTH_JWT_SECRET');
    expect(error.logDetail).toMatch(/equals API_SECRET/);
  });

  test.each([
    ['APP_PASSCODE', { AUTH_MODE: 'passcode', APP_PASSCODE: 'a'.repeat(16) }],
    ['APP_PASSCODE', { AUTH_MODE: 'passcode', APP_PASSCODE: 'abcabcabcabcabcabc' }],
    ['APP_PASSCODE', { AUTH_MODE: 'passcode', APP_PASSCODE: 'abcdefghijklmnop' }],
    ['AUTH_JWT_SECRET', { AUTH_MODE: 'jwt', AUTH_JWT_SECRET: 'a'.repeat(32) }],
    ['AUTH_JWT_SECRET', { AUTH_MODE: 'jwt', AUTH_JWT_SECRET: '0123456789abcdef0123456789abcdef' }],
  ])('a trivially weak %s is a config_error', (field, vars) => {
    const error = configErrorOf(vars);
    expect(error.field).toBe(field);
    expect(error.logDetail).toMatch(/trivially guessable/);
  });

  test.each([
    ['a short passcode', { AUTH_MODE: 'passcode', APP_PASSCODE: 'short-passcode1' }, /15 characters/],
    ['a short JWT secret', { AUTH_MODE: 'jwt', AUTH_JWT_SECRET: 'too-short-secret' }, /16 bytes/],
    ['a passcode with a space', { AUTH_MODE: 'passcode', APP_PASSCODE: 'a passcode with spaces' }, /visible ASCII/],
  ])('%s: callers read the variable name and the doctor pointer; its length or shape only in the log detail', (_, vars, detail) => {
    const error = configErrorOf(vars);
    expect(error.message).toMatch(/is not usable \(npm run doctor on this configuration says why/);
    expect(error.message).not.toMatch(detail);
    expect(error.logDetail).toMatch(detail);
  });

  test('AUTH_MAX_TOKEN_AGE is read as seconds, default 86400', () => {
    expect(loadAuthConfig({ AUTH_MODE: 'jwt', AUTH_JWT_SECRET: STRONG_JWT_SECRET, AUTH_MAX_TOKEN_AGE: '3600' }, deployed)).toMatchObject({
      maxTokenAge: 3600,
    });
    expect(configErrorOf({ AUTH_MODE: 'jwt', AUTH_JWT_SECRET: STRONG_JWT_SECRET, AUTH_MAX_TOKEN_AGE: '1d' }).field).toBe(
      'AUTH_MAX_TOKEN_AGE',
    );
  });
});

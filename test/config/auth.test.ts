import { loadAuthConfig } from '../../lib/config/auth';
import { ServiceError } from '../../lib/errors';

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
    expect(loadAuthConfig({ AUTH_MODE: 'passcode', APP_PASSCODE: 'p'.repeat(16) }, deployed)).toEqual({
      mode: 'passcode',
      passcode: 'p'.repeat(16),
    });
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
  const secret = 's'.repeat(32);

  test('HS secret with defaults: 30 s clock tolerance, identity from sub, iss/aud optional', () => {
    expect(loadAuthConfig({ AUTH_MODE: 'jwt', AUTH_JWT_SECRET: secret }, deployed)).toEqual({
      mode: 'jwt',
      key: { kind: 'secret', secret },
      issuer: undefined,
      audience: undefined,
      clockTolerance: 30,
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
      { AUTH_JWT_SECRET: 's'.repeat(32), AUTH_JWKS_URL: 'https://idp.example.com/jwks', AUTH_ISSUER: 'i', AUTH_AUDIENCE: 'a' },
      'AUTH_JWT_SECRET,AUTH_JWKS_URL',
    ],
    ['a short HMAC secret', { AUTH_JWT_SECRET: 'too-short-secret' }, 'AUTH_JWT_SECRET'],
    ['JWKS without issuer and audience', { AUTH_JWKS_URL: 'https://idp.example.com/jwks' }, 'AUTH_ISSUER,AUTH_AUDIENCE'],
    ['JWKS without audience', { AUTH_JWKS_URL: 'https://idp.example.com/jwks', AUTH_ISSUER: 'https://idp.example.com/' }, 'AUTH_AUDIENCE'],
    ['a JWKS URL that is not a URL', { AUTH_JWKS_URL: 'idp.example.com/jwks', AUTH_ISSUER: 'i', AUTH_AUDIENCE: 'a' }, 'AUTH_JWKS_URL'],
    ['a negative tolerance', { AUTH_JWT_SECRET: 's'.repeat(32), AUTH_CLOCK_TOLERANCE: '-5' }, 'AUTH_CLOCK_TOLERANCE'],
    ['a tolerance with units', { AUTH_JWT_SECRET: 's'.repeat(32), AUTH_CLOCK_TOLERANCE: '30s' }, 'AUTH_CLOCK_TOLERANCE'],
    ['a tolerance over 5 minutes', { AUTH_JWT_SECRET: 's'.repeat(32), AUTH_CLOCK_TOLERANCE: '3600' }, 'AUTH_CLOCK_TOLERANCE'],
    ['a claim name with a space', { AUTH_JWT_SECRET: 's'.repeat(32), AUTH_IDENTITY_CLAIM: 'user name' }, 'AUTH_IDENTITY_CLAIM'],
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

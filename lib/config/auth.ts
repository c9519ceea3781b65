/**
 * Caller authentication settings (the AUTH_* variables) -> a typed AuthConfig, or one
 * config_error naming every variable at fault (never a value). A deployed service must choose a
 * mode explicitly: a forgotten AUTH_MODE must not silently hand out tokens to anyone who finds the URL.
 */
import { HMAC_ALGORITHMS } from '../twilio';
import { isLocalHost } from './origins';
import { configErrorFor, isClaimName, problem, readSeconds, secretProblem, type ConfigProblem } from './read';
import { readVar, VARIABLES, type ConfigVars, type VariableName } from './schema';
import { trivialWeakness } from './strength';

export type AuthMode = 'none' | 'passcode' | 'jwt';

/** HMAC algorithms only: a shared secret must never verify an asymmetric-looking token. */
export const SECRET_ALGORITHMS = HMAC_ALGORITHMS;
/** Asymmetric algorithms only: an HS token checked against a public JWKS key is the classic key-confusion attack. */
export const JWKS_ALGORITHMS = ['RS256', 'RS384', 'RS512', 'PS256', 'PS384', 'PS512', 'ES256', 'ES384', 'ES512', 'EdDSA'] as const;

export const APP_PASSCODE_MIN = 16;
/** RFC 7518 3.2: an HMAC key must be at least as long as the hash output (256 bits for HS256). */
export const JWT_SECRET_MIN_BYTES = 32;
export const DEFAULT_CLOCK_TOLERANCE = 30;
export const MAX_CLOCK_TOLERANCE = 300;
export const DEFAULT_IDENTITY_CLAIM = 'sub';
/** A sign-in token may not claim to live longer than this from now (exp), whatever its issuer says. */
export const DEFAULT_MAX_TOKEN_AGE = 86_400;
export const MAX_MAX_TOKEN_AGE = 30 * 86_400;

export type JwtKeySource = { kind: 'secret'; secret: string } | { kind: 'jwks'; url: string };

export interface JwtAuthConfig {
  mode: 'jwt';
  key: JwtKeySource;
  /** Checked when set; always set with a JWKS. */
  issuer?: string;
  audience?: string;
  /** Seconds of clock skew accepted on exp/nbf/iat. */
  clockTolerance: number;
  /** Seconds: a token whose exp is further than this from now is refused. */
  maxTokenAge: number;
  identityClaim: string;
}

export type AuthConfig = { mode: 'none' } | { mode: 'passcode'; passcode: string } | JwtAuthConfig;

/** The variables of caller authentication. */
export const AUTH_VARIABLES: readonly VariableName[] = VARIABLES.filter((spec) => spec.group === 'Caller authentication').map(
  (spec) => spec.name,
);

/** Visible ASCII only: the passcode travels in an HTTP header, which browsers refuse to send with other characters. */
const HEADER_SAFE = /^[\x21-\x7e]+$/;

/**
 * Reads the AUTH_* variables. `isLocal` (a local server) is the one place where an unset
 * AUTH_MODE means `none`.
 */
export function loadAuthConfig(vars: ConfigVars, { isLocal }: { isLocal: boolean }): AuthConfig {
  const problems: ConfigProblem[] = [];
  const fail = (): never => {
    throw configErrorFor(problems, 'Caller authentication is misconfigured');
  };

  const rawMode = readVar(vars, 'AUTH_MODE');
  if (rawMode === undefined) {
    const credentialVariables = (['APP_PASSCODE', 'AUTH_JWT_SECRET', 'AUTH_JWKS_URL'] as const).filter(
      (name) => readVar(vars, name) !== undefined,
    );
    if (credentialVariables.length > 0) {
      // A secret without a mode means someone meant to lock the service and forgot the switch.
      problems.push(
        problem(
          'AUTH_MODE',
          `AUTH_MODE is not set although ${credentialVariables.join(' and ')} ${credentialVariables.length > 1 ? 'are' : 'is'}; set AUTH_MODE=jwt or AUTH_MODE=passcode (or AUTH_MODE=none to allow anyone)`,
        ),
      );
      return fail();
    }
    if (!isLocal) {
      problems.push(
        problem(
          'AUTH_MODE',
          'AUTH_MODE is not set on a deployed service, which would give tokens to anyone who finds the URL; set AUTH_MODE=jwt (recommended), AUTH_MODE=passcode, or AUTH_MODE=none to allow anyone on purpose',
        ),
      );
      return fail();
    }
    return { mode: 'none' };
  }
  const mode = rawMode.toLowerCase();
  if (mode !== 'none' && mode !== 'passcode' && mode !== 'jwt') {
    problems.push(problem('AUTH_MODE', 'AUTH_MODE must be one of none, passcode, jwt'));
    return fail();
  }
  if (mode === 'none') return { mode };

  if (mode === 'passcode') {
    const passcode = readVar(vars, 'APP_PASSCODE');
    if (passcode === undefined) {
      problems.push(
        problem('APP_PASSCODE', `AUTH_MODE=passcode needs APP_PASSCODE, a random string of at least ${APP_PASSCODE_MIN} characters`),
      );
    } else if (!HEADER_SAFE.test(passcode)) {
      problems.push(
        secretProblem(
          'APP_PASSCODE',
          'APP_PASSCODE may only contain visible ASCII characters (no spaces), since it is sent in an HTTP header',
        ),
      );
    } else if (passcode.length < APP_PASSCODE_MIN) {
      problems.push(
        secretProblem(
          'APP_PASSCODE',
          `APP_PASSCODE has ${passcode.length} characters; use at least ${APP_PASSCODE_MIN} random ones (e.g. openssl rand -base64 24)`,
        ),
      );
    } else {
      const weakness = trivialWeakness(passcode);
      if (weakness !== undefined) {
        problems.push(
          secretProblem(
            'APP_PASSCODE',
            `APP_PASSCODE is trivially guessable: ${weakness}; use a random one (e.g. openssl rand -base64 24)`,
          ),
        );
      }
    }
    if (problems.length > 0) return fail();
    return { mode, passcode: passcode! };
  }

  const secret = readVar(vars, 'AUTH_JWT_SECRET');
  const jwksUrl = readVar(vars, 'AUTH_JWKS_URL');
  let key: JwtKeySource | undefined;
  if (secret !== undefined && jwksUrl !== undefined) {
    const message =
      'AUTH_JWT_SECRET and AUTH_JWKS_URL are both set; set exactly one (the secret for HS256 tokens from your own backend, the JWKS URL for an identity provider)';
    problems.push({ variables: ['AUTH_JWT_SECRET', 'AUTH_JWKS_URL'], message, publicMessage: message });
  } else if (secret === undefined && jwksUrl === undefined) {
    const message = "AUTH_MODE=jwt needs AUTH_JWT_SECRET (HS256/384/512 tokens) or AUTH_JWKS_URL (your identity provider's key set)";
    problems.push({ variables: ['AUTH_JWT_SECRET', 'AUTH_JWKS_URL'], message, publicMessage: message });
  } else if (secret !== undefined) {
    const bytes = new TextEncoder().encode(secret).length;
    const weakness = trivialWeakness(secret);
    if (bytes < JWT_SECRET_MIN_BYTES) {
      problems.push(
        secretProblem(
          'AUTH_JWT_SECRET',
          `AUTH_JWT_SECRET has ${bytes} bytes; HMAC keys need at least ${JWT_SECRET_MIN_BYTES} (RFC 7518 3.2)`,
        ),
      );
    } else if (secret === readVar(vars, 'API_SECRET')) {
      // Then every Access Token this service mints would also be a valid sign-in token: a video-only
      // user could replay theirs to get any grant for the identity AC... (its sub).
      problems.push(
        secretProblem(
          'AUTH_JWT_SECRET',
          'AUTH_JWT_SECRET equals API_SECRET, so every Access Token this service mints would be accepted as a sign-in token; give it a secret of its own (e.g. openssl rand -base64 48)',
        ),
      );
    } else if (weakness !== undefined) {
      problems.push(
        secretProblem(
          'AUTH_JWT_SECRET',
          `AUTH_JWT_SECRET is trivially guessable: ${weakness}; use a random one (e.g. openssl rand -base64 48)`,
        ),
      );
    } else key = { kind: 'secret', secret };
  } else if (jwksUrl !== undefined) {
    const urlProblem = describeJwksUrlProblem(jwksUrl);
    if (urlProblem !== undefined) problems.push(problem('AUTH_JWKS_URL', urlProblem));
    else key = { kind: 'jwks', url: new URL(jwksUrl).href };
  }

  const issuer = readVar(vars, 'AUTH_ISSUER');
  const audience = readVar(vars, 'AUTH_AUDIENCE');
  if (jwksUrl !== undefined && secret === undefined) {
    // A JWKS is usually a shared provider's: without iss/aud, any token it signs for anyone's app would pass.
    if (issuer === undefined) {
      problems.push(
        problem(
          'AUTH_ISSUER',
          'AUTH_JWKS_URL needs AUTH_ISSUER, the exact iss your identity provider puts in tokens (e.g. https://your-tenant.us.auth0.com/)',
        ),
      );
    }
    if (audience === undefined) {
      problems.push(
        problem('AUTH_AUDIENCE', 'AUTH_JWKS_URL needs AUTH_AUDIENCE, the aud your tokens are issued for (e.g. your API identifier)'),
      );
    }
  }

  const clockTolerance = readSeconds(vars, 'AUTH_CLOCK_TOLERANCE', { min: 0, max: MAX_CLOCK_TOLERANCE }, DEFAULT_CLOCK_TOLERANCE, problems);
  const maxTokenAge = readSeconds(vars, 'AUTH_MAX_TOKEN_AGE', { min: 60, max: MAX_MAX_TOKEN_AGE }, DEFAULT_MAX_TOKEN_AGE, problems);

  const identityClaim = readVar(vars, 'AUTH_IDENTITY_CLAIM') ?? DEFAULT_IDENTITY_CLAIM;
  if (!isClaimName(identityClaim)) {
    problems.push(
      problem(
        'AUTH_IDENTITY_CLAIM',
        'AUTH_IDENTITY_CLAIM must be a claim name without spaces (e.g. sub, email, https://example.com/username)',
      ),
    );
  }

  if (problems.length > 0) return fail();
  return { mode, key: key!, issuer, audience, clockTolerance, maxTokenAge, identityClaim };
}

function describeJwksUrlProblem(raw: string): string | undefined {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return "AUTH_JWKS_URL is not a URL; use the https:// address of your provider's key set (often .../.well-known/jwks.json)";
  }
  if (url.protocol === 'https:') return undefined;
  // Keys fetched over plain HTTP could be swapped in transit; loopback is only for local tests.
  if (url.protocol === 'http:' && isLocalHost(url.host)) return undefined;
  return 'AUTH_JWKS_URL must be an https:// URL (http:// only for localhost)';
}

import type { ConfigVars, ServiceConfig } from '../config';
import { configError } from '../errors';
import { isLocalHost } from '../origins';

export type AuthMode = 'none' | 'passcode' | 'jwt';

/** HMAC algorithms only: a shared secret must never verify an asymmetric-looking token. */
export const SECRET_ALGORITHMS = ['HS256', 'HS384', 'HS512'] as const;
/** Asymmetric algorithms only: an HS token checked against a public JWKS key is the classic key-confusion attack. */
export const JWKS_ALGORITHMS = ['RS256', 'RS384', 'RS512', 'PS256', 'PS384', 'PS512', 'ES256', 'ES384', 'ES512', 'EdDSA'] as const;

export const APP_PASSCODE_MIN = 16;
/** RFC 7518 3.2: an HMAC key must be at least as long as the hash output (256 bits for HS256). */
export const JWT_SECRET_MIN_BYTES = 32;
export const DEFAULT_CLOCK_TOLERANCE = 30;
export const MAX_CLOCK_TOLERANCE = 300;
export const DEFAULT_IDENTITY_CLAIM = 'sub';

export type JwtKeySource = { kind: 'secret'; secret: string } | { kind: 'jwks'; url: string };

export interface JwtAuthConfig {
  mode: 'jwt';
  key: JwtKeySource;
  /** Checked when set; always set with a JWKS. */
  issuer?: string;
  audience?: string;
  /** Seconds of clock skew accepted on exp/nbf. */
  clockTolerance: number;
  identityClaim: string;
}

export type AuthConfig = { mode: 'none' } | { mode: 'passcode'; passcode: string } | JwtAuthConfig;

export const AUTH_VARIABLES = ['AUTH_MODE', 'APP_PASSCODE', 'AUTH_JWT_SECRET', 'AUTH_JWKS_URL', 'AUTH_ISSUER', 'AUTH_AUDIENCE', 'AUTH_CLOCK_TOLERANCE', 'AUTH_IDENTITY_CLAIM'] as const;

const str = (vars: ConfigVars, name: string): string | undefined => {
  const value = Object.prototype.hasOwnProperty.call(vars, name) ? vars[name] : undefined;
  if (typeof value !== 'string') return undefined;
  const trimmed = value.trim();
  return trimmed === '' ? undefined : trimmed;
};

/** Visible ASCII only: the passcode travels in an HTTP header, which browsers refuse to send with other characters. */
const HEADER_SAFE = /^[\x21-\x7e]+$/;
/** Claim names are JSON keys; namespaced ones (https://example.com/username) are common with Auth0. */
const CLAIM_NAME = /^[\x21-\x7e]{1,200}$/;

let memoValues: unknown[] | undefined;
let memoConfig: AuthConfig | undefined;

/**
 * Reads the AUTH_* variables into a typed configuration, or throws one config_error naming
 * every variable at fault (never a value). A deployed service must choose a mode explicitly:
 * a forgotten AUTH_MODE must not silently hand out tokens to anyone who finds the URL.
 * The runtime builds a new context per request from the same environment, so the last good
 * result is reused while every input is unchanged.
 */
const ownValue = (vars: ConfigVars, name: string): unknown => (Object.prototype.hasOwnProperty.call(vars, name) ? vars[name] : undefined);

function memoMatches(vars: ConfigVars, isLocal: boolean): boolean {
  if (memoConfig === undefined || memoValues === undefined || memoValues[0] !== isLocal) return false;
  for (let i = 0; i < AUTH_VARIABLES.length; i++) {
    if (ownValue(vars, AUTH_VARIABLES[i]!) !== memoValues[i + 1]) return false;
  }
  return true;
}

export function loadAuthConfig(vars: ConfigVars, config: Pick<ServiceConfig, 'isLocal'>): AuthConfig {
  // Compared in place: building an array per request costs the hot path more than the check.
  if (memoMatches(vars, config.isLocal)) return memoConfig!;
  const values: unknown[] = [config.isLocal, ...AUTH_VARIABLES.map((name) => ownValue(vars, name))];
  const parsed = parseAuthConfig(vars, config.isLocal);
  memoValues = values;
  memoConfig = parsed;
  return parsed;
}

function parseAuthConfig(vars: ConfigVars, isLocal: boolean): AuthConfig {
  const problems: { variables: string[]; message: string }[] = [];
  const add = (variables: string | string[], message: string): void => {
    problems.push({ variables: typeof variables === 'string' ? [variables] : variables, message });
  };
  const fail = (): never => {
    const variables = [...new Set(problems.flatMap((p) => p.variables))];
    throw configError(variables, `Caller authentication is misconfigured: ${problems.map((p) => p.message).join('; ')}.`);
  };

  const rawMode = str(vars, 'AUTH_MODE');
  if (rawMode === undefined) {
    const credentialVariables = ['APP_PASSCODE', 'AUTH_JWT_SECRET', 'AUTH_JWKS_URL'].filter((name) => str(vars, name) !== undefined);
    if (credentialVariables.length > 0) {
      // A secret without a mode means someone meant to lock the service and forgot the switch.
      add('AUTH_MODE', `AUTH_MODE is not set although ${credentialVariables.join(' and ')} ${credentialVariables.length > 1 ? 'are' : 'is'}; set AUTH_MODE=jwt or AUTH_MODE=passcode (or AUTH_MODE=none to allow anyone)`);
      return fail();
    }
    if (!isLocal) {
      add('AUTH_MODE', 'AUTH_MODE is not set on a deployed service, which would give tokens to anyone who finds the URL; set AUTH_MODE=jwt (recommended), AUTH_MODE=passcode, or AUTH_MODE=none to allow anyone on purpose');
      return fail();
    }
    return { mode: 'none' };
  }
  const lowered = rawMode.toLowerCase();
  if (lowered !== 'none' && lowered !== 'passcode' && lowered !== 'jwt') {
    add('AUTH_MODE', 'AUTH_MODE must be one of none, passcode, jwt');
    return fail();
  }
  const mode: AuthMode = lowered;

  if (mode === 'none') return { mode };

  if (mode === 'passcode') {
    const passcode = str(vars, 'APP_PASSCODE');
    if (passcode === undefined) {
      add('APP_PASSCODE', `AUTH_MODE=passcode needs APP_PASSCODE, a random string of at least ${APP_PASSCODE_MIN} characters`);
    } else if (!HEADER_SAFE.test(passcode)) {
      add('APP_PASSCODE', 'APP_PASSCODE may only contain visible ASCII characters (no spaces), since it is sent in an HTTP header');
    } else if (passcode.length < APP_PASSCODE_MIN) {
      add('APP_PASSCODE', `APP_PASSCODE has ${passcode.length} characters; use at least ${APP_PASSCODE_MIN} random ones (e.g. openssl rand -base64 24)`);
    }
    if (problems.length > 0) return fail();
    return { mode, passcode: passcode! };
  }

  const secret = str(vars, 'AUTH_JWT_SECRET');
  const jwksUrl = str(vars, 'AUTH_JWKS_URL');
  let key: JwtKeySource | undefined;
  if (secret !== undefined && jwksUrl !== undefined) {
    add(['AUTH_JWT_SECRET', 'AUTH_JWKS_URL'], 'AUTH_JWT_SECRET and AUTH_JWKS_URL are both set; set exactly one (the secret for HS256 tokens from your own backend, the JWKS URL for an identity provider)');
  } else if (secret === undefined && jwksUrl === undefined) {
    add(['AUTH_JWT_SECRET', 'AUTH_JWKS_URL'], 'AUTH_MODE=jwt needs AUTH_JWT_SECRET (HS256/384/512 tokens) or AUTH_JWKS_URL (your identity provider\'s key set)');
  } else if (secret !== undefined) {
    const bytes = new TextEncoder().encode(secret).length;
    if (bytes < JWT_SECRET_MIN_BYTES) add('AUTH_JWT_SECRET', `AUTH_JWT_SECRET has ${bytes} bytes; HMAC keys need at least ${JWT_SECRET_MIN_BYTES} (RFC 7518 3.2)`);
    else key = { kind: 'secret', secret };
  } else if (jwksUrl !== undefined) {
    const problem = describeJwksUrlProblem(jwksUrl);
    if (problem !== undefined) add('AUTH_JWKS_URL', problem);
    else key = { kind: 'jwks', url: new URL(jwksUrl).href };
  }

  const issuer = str(vars, 'AUTH_ISSUER');
  const audience = str(vars, 'AUTH_AUDIENCE');
  if (jwksUrl !== undefined && secret === undefined) {
    // A JWKS is usually a shared provider's: without iss/aud, any token it signs for anyone's app would pass.
    if (issuer === undefined) add('AUTH_ISSUER', 'AUTH_JWKS_URL needs AUTH_ISSUER, the exact iss your identity provider puts in tokens (e.g. https://your-tenant.us.auth0.com/)');
    if (audience === undefined) add('AUTH_AUDIENCE', 'AUTH_JWKS_URL needs AUTH_AUDIENCE, the aud your tokens are issued for (e.g. your API identifier)');
  }

  let clockTolerance = DEFAULT_CLOCK_TOLERANCE;
  const rawTolerance = str(vars, 'AUTH_CLOCK_TOLERANCE');
  if (rawTolerance !== undefined) {
    if (/^\d{1,3}$/.test(rawTolerance) && Number(rawTolerance) <= MAX_CLOCK_TOLERANCE) clockTolerance = Number(rawTolerance);
    else add('AUTH_CLOCK_TOLERANCE', `AUTH_CLOCK_TOLERANCE must be a whole number of seconds from 0 to ${MAX_CLOCK_TOLERANCE}`);
  }

  const identityClaim = str(vars, 'AUTH_IDENTITY_CLAIM') ?? DEFAULT_IDENTITY_CLAIM;
  if (!CLAIM_NAME.test(identityClaim)) add('AUTH_IDENTITY_CLAIM', 'AUTH_IDENTITY_CLAIM must be a claim name without spaces (e.g. sub, email, https://example.com/username)');

  if (problems.length > 0) return fail();
  return { mode, key: key!, issuer, audience, clockTolerance, identityClaim };
}

function describeJwksUrlProblem(raw: string): string | undefined {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return 'AUTH_JWKS_URL is not a URL; use the https:// address of your provider\'s key set (often .../.well-known/jwks.json)';
  }
  if (url.protocol === 'https:') return undefined;
  // Keys fetched over plain HTTP could be swapped in transit; loopback is only for local tests.
  if (url.protocol === 'http:' && isLocalHost(url.host)) return undefined;
  return 'AUTH_JWKS_URL must be an https:// URL (http:// only for localhost)';
}

import type { JWTPayload, JWTVerifyGetKey, JWTVerifyOptions } from 'jose';
import { JWKS_ALGORITHMS, SECRET_ALGORITHMS, type JwtAuthConfig } from '../config/auth';
import { ServiceError } from '../errors';
import { own } from '../text';
import { GRANT_LIST, grantByName, identityProblems, type GrantName } from '../products';
import { TOKEN_CONTENT_TYPE } from '../twilio';
import { unauthorized } from './credentials';
import { KeySetUnavailable, remoteKeySet, type KeySetOptions } from './jwks';

type Jose = typeof import('jose');

let jose: Promise<Jose> | undefined;
/**
 * jose costs ~25 ms to load, so only jwt mode pays for it. A lazy require, not import():
 * esbuild keeps import() of an external package as a native dynamic import, which jest's
 * module loader (the built functions run in-process in the HTTP tests) refuses without
 * --experimental-vm-modules; require also keeps one jose instance (CJS) per process.
 */
function loadJose(): Promise<Jose> {
  jose ??= Promise.resolve().then(() => require('jose') as Jose);
  return jose;
}

export interface JwtDeps {
  /** The key set's cache and fetch limits (tests shorten the 30 s refetch cooldown or the 5 s deadline). */
  jwks?: KeySetOptions;
}

/**
 * One key set per URL for the life of the function's container: keys are cached (10 min) and
 * refetched on an unknown kid at most every 30 s, so warm invocations verify without a network
 * round trip and a key rotation is picked up on its first token.
 */
const keySets = new Map<string, JWTVerifyGetKey>();
const MAX_KEY_SETS = 8;

function keySetFor(lib: Jose, url: string, deps: JwtDeps): JWTVerifyGetKey {
  const cacheKey = deps.jwks === undefined ? url : `${url} ${JSON.stringify(deps.jwks)}`;
  let keySet = keySets.get(cacheKey);
  if (keySet === undefined) {
    if (keySets.size >= MAX_KEY_SETS) keySets.clear();
    const remote = remoteKeySet(lib, url, deps.jwks);
    keySet = async (header, token) => {
      try {
        return await remote(header, token);
      } catch (error) {
        // No matching key is the token's fault (unknown kid); everything else is the key set's.
        const code = (error as { code?: unknown }).code;
        if (
          error instanceof KeySetUnavailable ||
          code === 'ERR_JWKS_NO_MATCHING_KEY' ||
          code === 'ERR_JWKS_MULTIPLE_MATCHING_KEYS' ||
          code === 'ERR_JOSE_NOT_SUPPORTED'
        )
          throw error;
        throw new KeySetUnavailable(describeKeyFailure(error));
      }
    };
    keySets.set(cacheKey, keySet);
  }
  return keySet;
}

/** A key of the set that jose could not use when a token named it. */
function describeKeyFailure(error: unknown): string {
  const code = (error as { code?: unknown }).code;
  // Node's crypto refuses some keys jose passes on (an EC point off its curve: ERR_CRYPTO_INVALID_JWK).
  if (code === 'ERR_JWK_INVALID' || (typeof code === 'string' && code.startsWith('ERR_CRYPTO_')))
    return 'it holds a key that cannot be imported';
  return 'its keys could not be used';
}

export interface VerifiedCaller {
  identity: string;
  allowedGrants?: GrantName[];
  /** Every claim of the verified token, for the products that read server-only values from them. */
  claims: Readonly<Record<string, unknown>>;
}

/** Verifies the caller's JWT and reads its identity and optional grant policy. */
/**
 * A Twilio Access Token is never a sign-in token, whatever secret it verifies with: refused on
 * its face (Twilio's content type, a grants claim, or this service's API key as issuer), before
 * any signature is checked, so a token this service minted can never be replayed for more.
 */
function refuseAccessToken(lib: Jose, token: string, apiKey: string | undefined): void {
  let header: Record<string, unknown>;
  let payload: Record<string, unknown>;
  try {
    header = lib.decodeProtectedHeader(token);
    payload = lib.decodeJwt(token);
  } catch {
    return; // not a JWT at all: jwtVerify says so
  }
  const why =
    own(header, 'cty') === TOKEN_CONTENT_TYPE
      ? `its header has cty ${TOKEN_CONTENT_TYPE}`
      : own(payload, 'grants') !== undefined
        ? 'it has a grants claim'
        : apiKey !== undefined && own(payload, 'iss') === apiKey
          ? "its issuer is this service's API key"
          : undefined;
  if (why === undefined) return;
  throw new ServiceError(
    'unauthorized',
    "The bearer credential is a Twilio Access Token, not your app's sign-in token: send the JWT your sign-in gives you.",
    'Authorization',
    `a Twilio Access Token was presented as a sign-in token (${why})`,
  );
}

/**
 * Lifetime bounds jose leaves to the caller: an exp further than AUTH_MAX_TOKEN_AGE from now (a
 * token that never really expires), an iat in the future (a skewed or forged issuer).
 */
function checkLifetime(payload: JWTPayload, config: JwtAuthConfig, nowSeconds: number): void {
  const { exp, iat } = payload;
  if (typeof iat === 'number' && iat - nowSeconds > config.clockTolerance) {
    throw new ServiceError(
      'unauthorized',
      "The token was issued in the future (its iat is ahead of this server's clock); check the issuing server's clock.",
      'Authorization',
      `iat is ${Math.round(iat - nowSeconds)} s in the future; AUTH_CLOCK_TOLERANCE is ${config.clockTolerance} s`,
    );
  }
  if (typeof exp === 'number' && exp - nowSeconds > config.maxTokenAge + config.clockTolerance) {
    throw new ServiceError(
      'unauthorized',
      `The token claims to stay valid for more than ${config.maxTokenAge} s (AUTH_MAX_TOKEN_AGE); sign-in tokens must expire sooner.`,
      'Authorization',
      `exp is ${Math.round(exp - nowSeconds)} s from now; AUTH_MAX_TOKEN_AGE is ${config.maxTokenAge} s`,
    );
  }
}

/** What verification needs besides the auth settings: this service's API key (never a valid issuer). */
export interface CallerContext {
  apiKey?: string;
}

export async function verifyCallerJwt(
  token: string,
  config: JwtAuthConfig,
  context: CallerContext = {},
  deps: JwtDeps = {},
): Promise<VerifiedCaller> {
  const lib = await loadJose();
  refuseAccessToken(lib, token, context.apiKey);
  const options: JWTVerifyOptions = {
    algorithms: config.key.kind === 'secret' ? [...SECRET_ALGORITHMS] : [...JWKS_ALGORITHMS],
    issuer: config.issuer,
    audience: config.audience,
    clockTolerance: config.clockTolerance,
    // A bearer credential that never expires is a permanent key to the account's tokens.
    requiredClaims: ['exp'],
  };
  let payload: JWTPayload;
  try {
    payload =
      config.key.kind === 'secret'
        ? (await lib.jwtVerify(token, new TextEncoder().encode(config.key.secret), options)).payload
        : (await lib.jwtVerify(token, keySetFor(lib, config.key.url, deps), options)).payload;
  } catch (error) {
    if (error instanceof KeySetUnavailable) {
      throw new ServiceError(
        'auth_unavailable',
        `The token could not be checked: the identity provider's key set (AUTH_JWKS_URL) is unavailable (${error.reason}). Try again shortly.`,
        'AUTH_JWKS_URL',
      );
    }
    throw describeVerificationFailure(lib, error, token, config);
  }
  checkLifetime(payload, config, Math.floor(Date.now() / 1000));
  return { identity: identityFrom(payload, config.identityClaim), allowedGrants: grantPolicyFrom(payload), claims: payload };
}

function tokenAlgorithm(lib: Jose, token: string): string | undefined {
  try {
    const alg = lib.decodeProtectedHeader(token).alg;
    // Printed in the message, so only a short algorithm-shaped name.
    return typeof alg === 'string' && /^[A-Za-z0-9]{1,10}$/.test(alg) ? alg : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Every jose failure as a 401 that says what is wrong, without echoing the token or its claims.
 * Anything else (a bug of ours) is returned as it is, for the pipeline's internal_error.
 */
function describeVerificationFailure(lib: Jose, error: unknown, token: string, config: JwtAuthConfig): unknown {
  const code = (error as { code?: unknown }).code;
  if (typeof code !== 'string' || !code.startsWith('ERR_J')) return error;
  const { claim, reason } = error as { claim?: unknown; reason?: unknown };
  switch (code) {
    case 'ERR_JWT_EXPIRED':
      return unauthorized('The token has expired; get a fresh one from your sign-in and retry.');
    case 'ERR_JWT_CLAIM_VALIDATION_FAILED':
      if (reason === 'missing') return unauthorized(`The token has no "${String(claim)}" claim, which this service requires.`);
      if (reason === 'invalid') return unauthorized(`The token's "${String(claim)}" claim must be a number of seconds since the epoch.`);
      if (claim === 'nbf')
        return unauthorized(
          `The token is not valid yet (its nbf is more than ${config.clockTolerance} s in the future); check the issuing server's clock.`,
        );
      if (claim === 'iss')
        return unauthorized('The token has the wrong issuer (iss): it was not issued by the provider this service trusts (AUTH_ISSUER).');
      if (claim === 'aud')
        return unauthorized('The token has the wrong audience (aud): it was issued for another application (AUTH_AUDIENCE).');
      return unauthorized("The token's claims did not pass validation.");
    case 'ERR_JWS_SIGNATURE_VERIFICATION_FAILED':
      return unauthorized('The token has a bad signature: it was altered, or signed with a key this service does not trust.');
    case 'ERR_JOSE_ALG_NOT_ALLOWED': {
      const alg = tokenAlgorithm(lib, token);
      const accepted = config.key.kind === 'secret' ? SECRET_ALGORITHMS.join(', ') : 'RS*, PS*, ES* and EdDSA from the key set';
      if (alg?.toLowerCase() === 'none')
        return unauthorized(`The token is unsigned (alg "none"), which is never accepted; this service accepts ${accepted}.`);
      return unauthorized(
        `The token's algorithm${alg === undefined ? '' : ` ${alg}`} is not allowed here; this service accepts ${accepted}.`,
      );
    }
    case 'ERR_JWKS_NO_MATCHING_KEY':
      return unauthorized("The token is signed with a key (kid) that is not in the identity provider's key set.");
    case 'ERR_JWKS_MULTIPLE_MATCHING_KEYS':
      return unauthorized("Several keys in the identity provider's key set match the token; it needs a kid header naming one.");
    case 'ERR_JOSE_NOT_SUPPORTED':
      return unauthorized('The token uses a JOSE feature or key type this service does not support.');
    case 'ERR_JWS_INVALID':
    case 'ERR_JWT_INVALID':
      return unauthorized(
        'The bearer credential is malformed: it is not a signed JWT (header.payload.signature, base64url, with a JSON object payload).',
      );
    default:
      return unauthorized('The token could not be verified.');
  }
}

function identityFrom(payload: JWTPayload, claim: string): string {
  const value = own(payload, claim);
  if (typeof value !== 'string' || value === '') {
    throw unauthorized(`The token has no "${claim}" claim holding the user's identity as a non-empty string (AUTH_IDENTITY_CLAIM).`);
  }
  const [problem] = identityProblems(value);
  if (problem !== undefined)
    throw new ServiceError(problem.code, `The identity in the token's "${claim}" claim is not usable: ${problem.message}`, 'identity');
  return value;
}

const GRANT_CLAIM = 'twilio_grants';

/**
 * The optional `twilio_grants` claim narrows what this caller may request. Unknown names are
 * dropped (they can only narrow further); a claim of the wrong shape refuses the token rather
 * than being read as "no restriction".
 */
function grantPolicyFrom(payload: JWTPayload): GrantName[] | undefined {
  if (!Object.prototype.hasOwnProperty.call(payload, GRANT_CLAIM)) return undefined;
  const raw = payload[GRANT_CLAIM];
  if (!Array.isArray(raw) || !raw.every((item): item is string => typeof item === 'string')) {
    throw unauthorized(`The token's ${GRANT_CLAIM} claim must be an array of grant names (${GRANT_LIST}, conversations).`);
  }
  const allowed: GrantName[] = [];
  for (const item of raw) {
    const grant = grantByName(item);
    if (grant !== undefined && !allowed.includes(grant)) allowed.push(grant);
  }
  return allowed;
}

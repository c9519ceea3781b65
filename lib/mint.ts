import { createSecretKey, type KeyObject } from 'node:crypto';
import type { ServiceConfig } from './config';
import { buildGrants, type AccessTokenClass } from './grants';
import type { GrantName, TokenRequest } from './request';

export interface MintedToken {
  token: string;
  identity: string;
  grants: GrantName[];
  ttl: number;
  /** ISO-8601 UTC of the token's `exp`. */
  expiresAt: string;
}

/**
 * jsonwebtoken tries `crypto.createPrivateKey(secret)` on every string secret before falling
 * back to an HMAC key; the failed parse costs ~40x the signature. A KeyObject skips it and signs
 * byte-identical tokens. One cached key per secret (a redeploy or rotation brings a new one).
 */
let cachedSecret: string | undefined;
let cachedKey: KeyObject | undefined;
function signingKeyFor(secret: string): KeyObject {
  if (cachedKey === undefined || cachedSecret !== secret) {
    cachedKey = createSecretKey(Buffer.from(secret, 'utf8'));
    cachedSecret = secret;
  }
  return cachedKey;
}

let bundledAccessToken: AccessTokenClass | undefined;
/** The AccessToken class: the runtime's `Twilio.jwt.AccessToken` when given, else twilio's own module. */
function accessTokenClass(provided?: AccessTokenClass): AccessTokenClass {
  if (provided !== undefined) return provided;
  // Required lazily: the full twilio package costs ~100 ms to load, this module ~40 ms.
  bundledAccessToken ??= require('twilio/lib/jwt/AccessToken') as AccessTokenClass;
  return bundledAccessToken;
}

/** The `exp` written in a token, for the rare call that straddled a second boundary. */
function expOf(token: string): number {
  return (JSON.parse(Buffer.from(token.split('.')[1] ?? '', 'base64url').toString('utf8')) as { exp: number }).exp;
}

/** exp -> ISO string, for the last exp seen: consecutive requests share it within a second (toISOString costs ~0.7 us). */
let lastExp = Number.NaN;
let lastExpiresAt = '';
function isoTimeOf(exp: number): string {
  if (exp !== lastExp) {
    lastExpiresAt = new Date(exp * 1000).toISOString();
    lastExp = exp;
  }
  return lastExpiresAt;
}

/** Signs a Twilio Access Token (HS256, cty twilio-fpa;v=1, twr when a region is set) for the request. */
export function mintToken(request: TokenRequest, config: ServiceConfig, Token?: AccessTokenClass): MintedToken {
  const AccessToken = accessTokenClass(Token);
  const ttl = request.ttl ?? config.defaultTtl;
  const grants = buildGrants(request, config, AccessToken);
  const accessToken = new AccessToken(
    config.accountSid,
    config.apiKey,
    // A KeyObject is what jsonwebtoken uses internally; the typings only admit a string.
    signingKeyFor(config.apiSecret) as unknown as string,
    { identity: request.identity, ttl, region: config.region },
  );
  for (const grant of grants) accessToken.addGrant(grant);
  // The token's exp without decoding it: jsonwebtoken stamps iat from the clock during toJwt(),
  // so when the second did not change around the call, iat is known. Decode only at a boundary.
  const before = Math.floor(Date.now() / 1000);
  const token = accessToken.toJwt();
  const exp = Math.floor(Date.now() / 1000) === before ? before + ttl : expOf(token);
  return {
    token,
    identity: request.identity,
    grants: request.grants,
    ttl,
    expiresAt: isoTimeOf(exp),
  };
}

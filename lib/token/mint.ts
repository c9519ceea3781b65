/** Signing: a TokenRequest and the configuration -> a Twilio Access Token and what /token answers. */
import { createSecretKey, type KeyObject } from 'node:crypto';
import type { ServiceConfig } from '../config/service';
import type { TokenAnswer } from '../contract';
import { buildGrants, type AccessTokenClass } from './grants';
import type { TokenRequest } from './request';

export type MintedToken = TokenAnswer;

/**
 * jsonwebtoken tries `crypto.createPrivateKey(secret)` on every string secret before falling
 * back to an HMAC key; the failed parse makes signing 3.5x slower on Node 22, ~40x on Node 20
 * (npm run bench measures it).
 * A KeyObject skips it and signs byte-identical tokens. One cached key: a redeploy or a
 * rotation brings a new secret, and with it a new key.
 */
let cachedKey: { secret: string; key: KeyObject } | undefined;
function signingKeyFor(secret: string): KeyObject {
  if (cachedKey?.secret !== secret) cachedKey = { secret, key: createSecretKey(Buffer.from(secret, 'utf8')) };
  return cachedKey.key;
}

/** The AccessToken class: the runtime's `Twilio.jwt.AccessToken` when given, else twilio's own module. */
function accessTokenClass(provided?: AccessTokenClass): AccessTokenClass {
  // Required lazily: the full twilio package costs ~100 ms to load, this module ~40 ms.
  return provided ?? (require('twilio/lib/jwt/AccessToken') as AccessTokenClass);
}

/** Read back from what was signed: only when the clock crossed a second while signing. */
function expOf(token: string): number {
  const payload = token.split('.')[1] ?? '';
  return (JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as { exp: number }).exp;
}

/**
 * jsonwebtoken stamps iat from the clock while signing and sets exp = iat + ttl. When the clock
 * shows the same second before and after signing, that is the second it used, so exp is known
 * without decoding the token (decoding it cost ~2% of /token's CPU).
 */
function signedExp(sign: () => string, ttl: number): { token: string; exp: number } {
  const before = Math.floor(Date.now() / 1000);
  const token = sign();
  const after = Math.floor(Date.now() / 1000);
  return { token, exp: before === after ? before + ttl : expOf(token) };
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
  const { token, exp } = signedExp(() => accessToken.toJwt(), ttl);
  const answer: MintedToken = {
    token,
    identity: request.identity,
    grants: request.grants,
    ttl,
    expiresAt: new Date(exp * 1000).toISOString(),
  };
  // The SDKs do not read twr: the app passes the region on (sdkOptionsForRegion in /token-client.js).
  if (config.region !== undefined) answer.region = config.region;
  return answer;
}

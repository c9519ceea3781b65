/**
 * What a Twilio edge does with a token it receives: verify the HS256 signature with the API key
 * secret, then look at exp. The stand-ins accept exactly what the real service minted.
 */
import { decodeJwt, errors, jwtVerify } from 'jose';

export interface TokenVerdict {
  ok: boolean;
  reason?: 'invalid' | 'expired';
  exp?: number;
  identity?: string;
  /** The token's last characters, to tell tokens apart in the log without logging one. */
  tail?: string;
}

export async function checkToken(token: unknown, secret: string): Promise<TokenVerdict> {
  if (typeof token !== 'string') return { ok: false, reason: 'invalid' };
  let claims;
  try {
    claims = decodeJwt(token);
  } catch {
    return { ok: false, reason: 'invalid' };
  }
  const tail = token.slice(-6);
  try {
    await jwtVerify(token, new TextEncoder().encode(secret), { algorithms: ['HS256'], clockTolerance: 0 });
  } catch (error) {
    if (error instanceof errors.JWTExpired) return { ok: false, reason: 'expired', exp: claims.exp, tail };
    return { ok: false, reason: 'invalid', tail };
  }
  const grants = claims.grants as { identity?: string } | undefined;
  return { ok: true, exp: claims.exp, identity: grants?.identity, tail };
}

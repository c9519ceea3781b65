/** Independent verification of minted tokens with jose (not the library that signed them). */
import { decodeProtectedHeader, jwtVerify, type JWTPayload } from 'jose';

export async function verifyTwilioToken(
  token: string,
  secret: string,
): Promise<{ header: Record<string, unknown>; payload: JWTPayload & Record<string, unknown> }> {
  const { payload, protectedHeader } = await jwtVerify(token, new TextEncoder().encode(secret), { algorithms: ['HS256'] });
  return { header: protectedHeader, payload: payload };
}

export const headerOf = (token: string): Record<string, unknown> => decodeProtectedHeader(token);

/** The payload fields that depend on the clock, replaced by what they must equal. */
export function expectedPayload(p: {
  accountSid: string;
  apiKey: string;
  iat: number;
  ttl: number;
  grants: Record<string, unknown>;
}): Record<string, unknown> {
  return {
    // twilio stamps jti from the clock just before jsonwebtoken stamps iat: across a second
    // boundary jti is one second behind.
    jti: expect.stringMatching(new RegExp(`^${p.apiKey}-(${p.iat}|${p.iat - 1})$`)),
    iss: p.apiKey,
    sub: p.accountSid,
    iat: p.iat,
    exp: p.iat + p.ttl,
    grants: p.grants,
  };
}

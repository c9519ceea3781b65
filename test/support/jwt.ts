/** Independent verification of minted tokens with jose (not the library that signed them). */
import { decodeProtectedHeader, jwtVerify, type JWTPayload } from 'jose';
import { REAL_LOOKING, TEST_SECRET } from './env';

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

/**
 * Verifies a token of the real-looking test configuration (REAL_LOOKING, TEST_SECRET) with jose
 * and compares its payload whole: exactly `grants` (identity included), `ttl` seconds.
 */
export async function expectRealLookingToken(
  token: string,
  grants: Record<string, unknown>,
  ttl = 3600,
): Promise<{ header: Record<string, unknown>; payload: JWTPayload & Record<string, unknown> }> {
  const verified = await verifyTwilioToken(token, TEST_SECRET);
  expect(verified.payload).toEqual(
    expectedPayload({ accountSid: REAL_LOOKING.ACCOUNT_SID, apiKey: REAL_LOOKING.API_KEY, iat: verified.payload.iat!, ttl, grants }),
  );
  return verified;
}

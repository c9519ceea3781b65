/** Token builders for the inspector tests: jose SignJWT for broken tokens, twilio's AccessToken for good ones. */
import { createSecretKey, type KeyObject } from 'node:crypto';
import { SignJWT } from 'jose';
import AccessToken from 'twilio/lib/jwt/AccessToken';
import type { InspectionReport } from '../../lib/inspect';
import { REAL_LOOKING, TEST_SECRET } from '../support/env';

export const TWILIO_HEADER = { alg: 'HS256', typ: 'JWT', cty: 'twilio-fpa;v=1' };

/** The shape twilio's AccessToken writes, for a voice+video token issued `age` seconds before `nowSeconds`. */
export function twilioPayload(nowSeconds: number, opts: { age?: number; ttl?: number } = {}): Record<string, unknown> {
  const iat = nowSeconds - (opts.age ?? 60);
  return {
    jti: `${REAL_LOOKING.API_KEY}-${iat}`,
    grants: {
      identity: 'alice',
      voice: {
        incoming: { allow: true },
        outgoing: { application_sid: REAL_LOOKING.OUTGOING_SID },
        push_credential_sid: REAL_LOOKING.PUSH_CREDENTIAL_SID,
      },
      video: {},
    },
    iat,
    exp: iat + (opts.ttl ?? 3600),
    iss: REAL_LOOKING.API_KEY,
    sub: REAL_LOOKING.ACCOUNT_SID,
  };
}

export async function sign(
  payload: Record<string, unknown>,
  opts: { header?: Record<string, unknown>; secret?: string } = {},
): Promise<string> {
  const header = opts.header ?? TWILIO_HEADER;
  return new SignJWT(payload).setProtectedHeader(header as { alg: string }).sign(new TextEncoder().encode(opts.secret ?? TEST_SECRET));
}

/** For the things jose refuses to sign (alg none). */
export function unsigned(header: Record<string, unknown>, payload: Record<string, unknown>): string {
  const part = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
  return `${part(header)}.${part(payload)}.`;
}

const signingKeys = new Map<string, KeyObject>();
function signingKey(secret: string): KeyObject {
  let key = signingKeys.get(secret);
  if (key === undefined) signingKeys.set(secret, (key = createSecretKey(Buffer.from(secret, 'utf8'))));
  return key;
}

/** A token exactly as this deployment mints it (twilio's AccessToken), optionally with another secret. */
export function twilioToken(
  opts: {
    grants?: ('voice' | 'video' | 'chat' | 'sync')[];
    identity?: string;
    ttl?: number;
    nbf?: number;
    region?: string;
    secret?: string;
  } = {},
): string {
  // A KeyObject: with a string secret jsonwebtoken first tries (and fails) to parse a private key, 40x slower.
  const token = new AccessToken(
    REAL_LOOKING.ACCOUNT_SID,
    REAL_LOOKING.API_KEY,
    signingKey(opts.secret ?? TEST_SECRET) as unknown as string,
    {
      identity: opts.identity ?? 'alice',
      ttl: opts.ttl ?? 3600,
      nbf: opts.nbf,
      region: opts.region,
    },
  );
  for (const grant of opts.grants ?? ['voice', 'video']) {
    if (grant === 'voice')
      token.addGrant(
        new AccessToken.VoiceGrant({
          outgoingApplicationSid: REAL_LOOKING.OUTGOING_SID,
          incomingAllow: true,
          pushCredentialSid: REAL_LOOKING.PUSH_CREDENTIAL_SID,
        }),
      );
    if (grant === 'video') token.addGrant(new AccessToken.VideoGrant());
    if (grant === 'chat') token.addGrant(new AccessToken.ChatGrant({ serviceSid: REAL_LOOKING.CHAT_SERVICE_SID }));
    if (grant === 'sync') token.addGrant(new AccessToken.SyncGrant({ serviceSid: REAL_LOOKING.SYNC_SERVICE_SID }));
  }
  return token.toJwt();
}

/** "severity code field" for every finding, sorted: the exact set a row asserts. */
export const findingKeys = (report: InspectionReport): string[] => report.findings.map((f) => `${f.severity} ${f.code} ${f.field}`).sort();

export const without = (object: Record<string, unknown>, ...keys: string[]): Record<string, unknown> =>
  Object.fromEntries(Object.entries(object).filter(([key]) => !keys.includes(key)));

import { createHash, timingSafeEqual } from 'node:crypto';
import { ServiceError } from '../errors';
import type { RequestHeaders } from '../http/result';
import { own } from '../text';

/** 401 with a reason a person can act on; never the credential itself (the pipeline adds WWW-Authenticate). */
export const unauthorized = (message: string): ServiceError => new ServiceError('unauthorized', message, 'Authorization');

export type BearerResult = { kind: 'absent' } | { kind: 'bearer'; credential: string };

const BEARER = /^Bearer +([^\s]+) *$/i;

/**
 * The credential from `Authorization: Bearer <credential>`. A header that is present but not
 * a single Bearer credential is refused rather than ignored, so a typo never falls back to
 * another way of authenticating.
 */
export function readBearer(headers: RequestHeaders): BearerResult {
  const raw = Object.prototype.hasOwnProperty.call(headers, 'authorization') ? headers.authorization : undefined;
  if (raw === undefined) return { kind: 'absent' };
  if (Array.isArray(raw)) {
    if (raw.length === 0) return { kind: 'absent' };
    throw unauthorized('The request has more than one Authorization header; send exactly one: Authorization: Bearer <token>.');
  }
  // The local runtime lets a JSON body or a qs query replace event.request, so this may be anything.
  if (typeof raw !== 'string')
    throw unauthorized('The Authorization header is malformed: it must use the Bearer scheme, as in Authorization: Bearer <token>.');
  if (raw.trim() === '') throw unauthorized('The Authorization header is empty; send Authorization: Bearer <token>.');
  const match = BEARER.exec(raw);
  if (match === null) {
    const scheme = /^\S+/.exec(raw)?.[0] ?? '';
    if (scheme.toLowerCase() === 'bearer') {
      throw unauthorized('The Authorization header is malformed: after "Bearer " it must hold exactly one credential, with no spaces.');
    }
    throw unauthorized('The Authorization header is malformed: it must use the Bearer scheme, as in Authorization: Bearer <token>.');
  }
  return { kind: 'bearer', credential: match[1]! };
}

/** A compact JWS: what an identity provider's ID token looks like (three base64url parts). */
const COMPACT_JWT = /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/;

/**
 * `Authorization: Bearer <credential>`, or a JWT alone with no scheme: Firebase-mode clients
 * (twilio-video-app-react's useFirebaseAuth) send their ID token that way. Anything else is
 * refused as readBearer refuses it.
 */
export function readBearerOrBareJwt(headers: RequestHeaders): BearerResult {
  const raw = Object.prototype.hasOwnProperty.call(headers, 'authorization') ? headers.authorization : undefined;
  if (typeof raw === 'string' && COMPACT_JWT.test(raw.trim())) return { kind: 'bearer', credential: raw.trim() };
  return readBearer(headers);
}

/** What a request presents under the configured mode: its credential, or the 401 sentence for a request without one. */
export type Presented = { credential: string } | { missing: string };

/**
 * Where an endpoint's callers put their credential: reads it (or throws the 401 for a malformed
 * one) under AUTH_MODE `mode`. The pipeline's default is credentialReader().
 */
export type CredentialReader = (headers: RequestHeaders, event: Record<string, unknown>, mode: 'passcode' | 'jwt') => Presented;

export interface CredentialPlaces {
  /** The parameter a passcode may come in, besides Authorization: Bearer. Default `passcode`. */
  passcodeParam?: string;
  /** Also take `Authorization: <JWT>` without a scheme (readBearerOrBareJwt). */
  bareJwt?: boolean;
}

/** Reads Authorization (Bearer, or a bare JWT too), then a passcode from its parameter. */
export function credentialReader({ passcodeParam = 'passcode', bareJwt = false }: CredentialPlaces = {}): CredentialReader {
  const howToSendPasscode =
    passcodeParam === 'passcode'
      ? 'This service needs a passcode: send Authorization: Bearer <passcode> (or a passcode parameter in the POST body).'
      : `This service needs a passcode: send it as the ${passcodeParam} parameter (or Authorization: Bearer <passcode>).`;
  return (headers, event, mode) => {
    const bearer = bareJwt ? readBearerOrBareJwt(headers) : readBearer(headers);
    if (bearer.kind === 'bearer') return { credential: bearer.credential };
    if (mode === 'jwt')
      return { missing: "This service needs a sign-in token: send Authorization: Bearer <your app's JWT for this user>." };
    const fromParam = own(event, passcodeParam);
    if (fromParam !== undefined && typeof fromParam !== 'string') {
      throw unauthorized(`The ${passcodeParam} parameter must be a single string.`);
    }
    return fromParam === undefined || fromParam === '' ? { missing: howToSendPasscode } : { credential: fromParam };
  };
}

const sha256 = (text: string): Buffer => createHash('sha256').update(text, 'utf8').digest();

/**
 * Constant-time passcode check: comparing fixed-size SHA-256 digests means neither the
 * position of the first wrong character nor the passcode's length shows in the timing.
 */
export function passcodeMatches(presented: string, passcode: string): boolean {
  return timingSafeEqual(sha256(presented), sha256(passcode));
}

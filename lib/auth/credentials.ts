import { createHash, timingSafeEqual } from 'node:crypto';
import { ServiceError } from '../errors';
import type { RequestHeaders } from '../http/result';

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

const sha256 = (text: string): Buffer => createHash('sha256').update(text, 'utf8').digest();

/**
 * Constant-time passcode check: comparing fixed-size SHA-256 digests means neither the
 * position of the first wrong character nor the passcode's length shows in the timing.
 */
export function passcodeMatches(presented: string, passcode: string): boolean {
  return timingSafeEqual(sha256(presented), sha256(passcode));
}

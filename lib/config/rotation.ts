/**
 * Where a key rotation stands (npm run keys -- rotate wrote API_KEY_PREVIOUS, its secret and
 * API_KEY_ROTATED_AT): when the last token the previous key could have signed expires, which is
 * API_KEY_ROTATED_AT + TOKEN_MAX_TTL. Shared by npm run keys and the doctor.
 */
import { MAX_TOKEN_LIFETIME_SECONDS } from '../twilio';
import { readSeconds, type ConfigProblem } from './read';
import { readVar, type ConfigVars } from './schema';

/** What rotate writes: `new Date().toISOString()`. */
const ISO_UTC = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d{1,3})?Z$/;

export interface Rotation {
  /** API_KEY_ROTATED_AT in ms since the epoch; undefined when unset or not an ISO time. */
  rotatedAt?: number;
  /** API_KEY_ROTATED_AT is set but is not an ISO 8601 UTC time. */
  rotatedAtMalformed: boolean;
  /** TOKEN_MAX_TTL in seconds (its default when unset or bad). */
  maxTtl: number;
  /** rotatedAt + maxTtl: from then on no token of the previous key is still valid. */
  lastTokenExpires?: number;
}

export function readRotation(vars: ConfigVars): Rotation {
  const raw = readVar(vars, 'API_KEY_ROTATED_AT');
  const parsed = raw !== undefined && ISO_UTC.test(raw) ? Date.parse(raw) : Number.NaN;
  const rotatedAt = Number.isFinite(parsed) ? parsed : undefined;
  const ignored: ConfigProblem[] = [];
  const maxTtl = readSeconds(vars, 'TOKEN_MAX_TTL', { min: 1, max: MAX_TOKEN_LIFETIME_SECONDS }, MAX_TOKEN_LIFETIME_SECONDS, ignored);
  return {
    ...(rotatedAt !== undefined ? { rotatedAt, lastTokenExpires: rotatedAt + maxTtl * 1000 } : {}),
    rotatedAtMalformed: raw !== undefined && rotatedAt === undefined,
    maxTtl,
  };
}

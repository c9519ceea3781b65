import { MAX_TOKEN_LIFETIME_SECONDS, type TwilioErrorCode } from '../twilio';
import { describeClaim, FindingList, own } from './findings';
import type { TimeClaim, TokenTimes } from './types';

const DAY = 86_400;

/**
 * NumericDates are seconds. 1e11 seconds is the year 5138, while Date.now() has been above 1e12
 * since 2001: anything past it is the milliseconds-instead-of-seconds mistake.
 */
const MILLISECONDS_THRESHOLD = 1e11;

/** `42 min`, `3 h 5 min`, `2 d 3 h`: coarse on purpose, for people. */
export function formatDuration(totalSeconds: number): string {
  const s = Math.floor(Math.abs(totalSeconds));
  if (s < 60) return `${s} s`;
  if (s < 3600) return `${Math.floor(s / 60)} min`;
  // Hours up to two days: "25 h" reads as over the 24 h limit at a glance, "1 d 1 h" does not.
  if (s < 2 * DAY) {
    const minutes = Math.floor((s % 3600) / 60);
    return `${Math.floor(s / 3600)} h${minutes > 0 ? ` ${minutes} min` : ''}`;
  }
  if (s < 3650 * DAY) {
    const hours = Math.floor((s % DAY) / 3600);
    return `${Math.floor(s / DAY)} d${hours > 0 ? ` ${hours} h` : ''}`;
  }
  return `${Math.floor(s / 31_557_600)} years`;
}

export function relativeTime(epochSeconds: number, nowSeconds: number): string {
  const diff = epochSeconds - nowSeconds;
  if (Math.abs(diff) < 1) return 'now';
  return diff > 0 ? `in ${formatDuration(diff)}` : `${formatDuration(diff)} ago`;
}

export function isoTime(epochSeconds: number): string {
  const ms = epochSeconds * 1000;
  // Date covers +-8.64e15 ms; toISOString throws beyond it.
  if (!Number.isFinite(ms) || Math.abs(ms) > 8.64e15) return 'out of range';
  return new Date(ms).toISOString();
}

/** `24 h (86400 s)` */
const MAX_LIFETIME = `${formatDuration(MAX_TOKEN_LIFETIME_SECONDS)} (${MAX_TOKEN_LIFETIME_SECONDS} s)`;

type ClaimName = 'iat' | 'nbf' | 'exp';

/** The Twilio code a broken claim produces. */
const CLAIM_CODES: Record<ClaimName, TwilioErrorCode> = { exp: 20156, nbf: 20105, iat: 20101 };
const CLAIM_MEANINGS: Record<ClaimName, string> = { exp: 'expiry', nbf: 'not-before time', iat: 'issue time' };

function readClaim(payload: Record<string, unknown>, name: ClaimName, nowSeconds: number, findings: FindingList): TimeClaim | undefined {
  const value = own(payload, name);
  if (value === undefined) return undefined;
  const field = `payload.${name}`;
  if (typeof value !== 'number' || !Number.isFinite(value)) {
    const quotedNumber = typeof value === 'string' && /^\s*\d+(\.\d+)?\s*$/.test(value);
    findings.error(
      CLAIM_CODES[name],
      field,
      `${name} (the ${CLAIM_MEANINGS[name]}) must be a number of seconds since 1970, got ${describeClaim(value)}.`,
      quotedNumber
        ? `Write ${name} as a JSON number, not a string.`
        : `Set ${name} to a whole number of seconds, e.g. Math.floor(Date.now() / 1000).`,
    );
    return undefined;
  }
  const inMilliseconds = Math.abs(value) > MILLISECONDS_THRESHOLD;
  const epochSeconds = inMilliseconds ? value / 1000 : value;
  if (inMilliseconds) {
    findings.error(
      20156,
      field,
      `${name} is ${value}, which is milliseconds: read as seconds it is ${isoTime(value) === 'out of range' ? 'beyond any date' : isoTime(value)}; meant is ${isoTime(epochSeconds)}.`,
      'JWT times are seconds since 1970: use Math.floor(Date.now() / 1000), not Date.now().',
    );
  }
  return { claim: value, epochSeconds, inMilliseconds, iso: isoTime(epochSeconds), relative: relativeTime(epochSeconds, nowSeconds) };
}

/**
 * exp/nbf/iat: expired (20104), not yet valid (20105), clock skew, lifetime over 24 h (20157),
 * exp missing or unusable (20156). Times written in milliseconds are reported once (20156) and
 * then judged as the seconds they were meant to be, so one mistake is not reported three times.
 */
export function checkTimes(payload: Record<string, unknown>, now: number, findings: FindingList): TokenTimes {
  const nowSeconds = now / 1000;
  const times: TokenTimes = { checkedAt: isoTime(nowSeconds), status: 'unknown', summary: 'no usable exp claim' };
  const issuedAt = readClaim(payload, 'iat', nowSeconds, findings);
  const notBefore = readClaim(payload, 'nbf', nowSeconds, findings);
  const expiresAt = readClaim(payload, 'exp', nowSeconds, findings);
  if (issuedAt) times.issuedAt = issuedAt;
  if (notBefore) times.notBefore = notBefore;
  if (expiresAt) times.expiresAt = expiresAt;

  if (own(payload, 'exp') === undefined) {
    findings.error(
      20156,
      'payload.exp',
      'The token has no exp (expiry) claim.',
      'Twilio requires exp: mint with a ttl (the helper libraries set exp = iat + ttl).',
    );
  }
  if (own(payload, 'iat') === undefined) {
    findings.warning(
      20101,
      'payload.iat',
      'The token has no iat (issued-at) claim.',
      'Mint tokens with a Twilio helper library; it sets iat, exp and jti.',
    );
  }

  if (issuedAt && issuedAt.epochSeconds > nowSeconds) {
    const skew = Math.ceil(issuedAt.epochSeconds - nowSeconds);
    findings.warning(
      'clock_skew',
      'payload.iat',
      `iat is ${skew} s in the future (${issuedAt.iso}): the clock of the server that minted the token is ${skew} s ahead of this one.`,
      'Keep the minting server (and this machine) on NTP time; a skewed server mints tokens that Twilio sees as not yet valid (20105) or expiring early.',
    );
  }

  if (expiresAt) {
    const remaining = expiresAt.epochSeconds - nowSeconds;
    times.remainingSeconds = Math.round(remaining);
    if (remaining <= 0) {
      times.status = 'expired';
      times.summary = `expired ${formatDuration(remaining)} ago`;
      findings.error(
        20104,
        'payload.exp',
        `The token expired ${formatDuration(remaining)} ago (${expiresAt.iso}).`,
        'Fetch a new token; refresh before expiry (Voice tokenWillExpire, Conversations tokenAboutToExpire).',
      );
    } else {
      times.status = 'active';
      times.summary = `expires in ${formatDuration(remaining)}`;
    }
  }
  if (notBefore && notBefore.epochSeconds > nowSeconds) {
    const wait = notBefore.epochSeconds - nowSeconds;
    if (times.status !== 'expired') {
      times.status = 'not_yet_valid';
      times.summary = `not valid for another ${formatDuration(wait)}`;
    }
    findings.error(
      20105,
      'payload.nbf',
      `The token is not valid before ${notBefore.iso} (${relativeTime(notBefore.epochSeconds, nowSeconds)}).`,
      'Do not set nbf in the future; if the minting server sets it to its own "now", its clock is ahead: sync it with NTP.',
    );
  }

  const start = notBefore ?? issuedAt;
  if (expiresAt && start) {
    const lifetime = expiresAt.epochSeconds - start.epochSeconds;
    times.lifetimeSeconds = Math.round(lifetime);
    const from = notBefore ? 'nbf' : 'iat';
    if (lifetime > MAX_TOKEN_LIFETIME_SECONDS) {
      findings.error(
        20157,
        'payload.exp',
        `The token lives ${formatDuration(lifetime)} (${Math.round(lifetime)} s from ${from} to exp); Twilio's maximum is ${MAX_LIFETIME}.`,
        `Mint with a ttl of at most ${MAX_TOKEN_LIFETIME_SECONDS} seconds and refresh the token before it expires.`,
      );
    } else if (lifetime <= 0) {
      findings.error(
        20156,
        'payload.exp',
        `exp is not after ${from}: the token was never valid.`,
        'Set exp = iat + ttl with a positive ttl.',
      );
    }
  } else if (expiresAt && !start && expiresAt.epochSeconds - nowSeconds > MAX_TOKEN_LIFETIME_SECONDS) {
    findings.error(
      20157,
      'payload.exp',
      `The token expires in ${formatDuration(expiresAt.epochSeconds - nowSeconds)}; Twilio's maximum lifetime is ${MAX_LIFETIME}.`,
      `Mint with a ttl of at most ${MAX_TOKEN_LIFETIME_SECONDS} seconds.`,
    );
  }
  return times;
}

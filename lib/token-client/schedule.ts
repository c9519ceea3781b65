/**
 * When the next token is fetched, and how failures back off. Pure functions of seconds, shared
 * by the token client and the page (which shows them), so the rules are read and tested apart
 * from timers.
 */

/** Refresh once this share of the lifetime has passed... */
export const REFRESH_AT_FRACTION = 0.8;
/** ...or this many seconds before exp, whichever comes first: a slow network or a sleeping tab still has room. */
export const REFRESH_LEAD_SECONDS = 60;
/**
 * Never before half the lifetime: for a token shorter than two minutes "60 s before exp" is at or
 * before its issue, which would fetch tokens in a loop.
 */
export const REFRESH_MIN_FRACTION = 0.5;
/** And never sooner than this after the last token, whatever its lifetime. */
export const REFRESH_MIN_DELAY_SECONDS = 1;

/**
 * The client points at any URL, so no answer is trusted to plan with: a lifetime is read as at
 * least 1 s and at most a day (Twilio refuses longer tokens, 20157), whatever the token or its
 * `ttl` say. A 0.001 s lifetime fetched in a loop; a 60-day one overflowed the timers.
 */
export const MIN_LIFETIME_SECONDS = 1;
export const MAX_LIFETIME_SECONDS = 86_400;

/**
 * The longest delay a timer keeps: Node fires a longer one (or NaN, or Infinity) after 1 ms, and
 * browsers wrap it around 32 bits (Infinity becomes 0), which turns a far-off refresh into a loop.
 */
export const MAX_TIMER_MS = 2 ** 31 - 1;

export const RETRY_FIRST_SECONDS = 2;
export const RETRY_MAX_SECONDS = 60;
/** Each retry delay is moved by up to this share either way, so clients that failed together do not retry together. */
export const RETRY_JITTER = 0.2;

export type RefreshRule = 'fraction' | 'lead' | 'half';

export interface RefreshPlan {
  /** Seconds after the token was received. */
  delaySeconds: number;
  rule: RefreshRule;
}

/** A lifetime as the client plans with it: 1 s to a day; anything that is not a number counts as the shortest. */
export function clampLifetimeSeconds(seconds: number): number {
  if (Number.isNaN(seconds)) return MIN_LIFETIME_SECONDS;
  return Math.min(MAX_LIFETIME_SECONDS, Math.max(MIN_LIFETIME_SECONDS, seconds));
}

/** A delay a timer keeps as given: 0 to MAX_TIMER_MS (a NaN, from a bug, waits the longest rather than looping). */
export function timerDelayMs(ms: number): number {
  if (Number.isNaN(ms)) return MAX_TIMER_MS;
  return Math.min(MAX_TIMER_MS, Math.max(0, ms));
}

/**
 * Counted from when the token arrived, using its lifetime (exp - iat) rather than exp against
 * this machine's clock: a browser whose clock is off by minutes still refreshes on time.
 */
export function planRefresh(lifetimeSeconds: number): RefreshPlan {
  const lifetime = clampLifetimeSeconds(lifetimeSeconds);
  const atFraction = lifetime * REFRESH_AT_FRACTION;
  const beforeExp = lifetime - REFRESH_LEAD_SECONDS;
  const floor = Math.max(lifetime * REFRESH_MIN_FRACTION, REFRESH_MIN_DELAY_SECONDS);
  if (beforeExp < atFraction) {
    return beforeExp >= floor ? { delaySeconds: beforeExp, rule: 'lead' } : { delaySeconds: floor, rule: 'half' };
  }
  return { delaySeconds: atFraction, rule: 'fraction' };
}

/** 2, 4, 8, ... 60 s after the 1st, 2nd, 3rd ... failure in a row: a struggling service is not hammered. */
export function retryBaseSeconds(failures: number): number {
  const exponent = Math.max(0, Math.floor(failures) - 1);
  return Math.min(RETRY_MAX_SECONDS, RETRY_FIRST_SECONDS * 2 ** Math.min(exponent, 16));
}

/** The base delay moved by at most +/-20%; `random` is in [0, 1) (Math.random). */
export function retryDelaySeconds(failures: number, random: number): number {
  const r = Math.min(1, Math.max(0, random));
  return retryBaseSeconds(failures) * (1 + (r * 2 - 1) * RETRY_JITTER);
}

/**
 * Whether a failed fetch is worth retrying on its own: network errors, timeouts, rate limits and
 * server trouble pass; any other 4xx (bad request, wrong passcode, origin refused) needs a person.
 */
export function isRetryable(status: number | undefined): boolean {
  return status === undefined || status === 408 || status === 429 || status >= 500;
}

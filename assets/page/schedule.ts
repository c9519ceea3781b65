/**
 * When the page fetches its next token, and how it backs off after a failure. Pure functions
 * of seconds, so the rules can be read (and tested) apart from timers and the DOM.
 */
import { formatDuration } from '../../lib/inspect';

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

export const RETRY_FIRST_SECONDS = 2;
export const RETRY_MAX_SECONDS = 60;

export type RefreshRule = 'fraction' | 'lead' | 'half';

export interface RefreshPlan {
  /** Seconds after the token was received. */
  delaySeconds: number;
  rule: RefreshRule;
}

/**
 * Counted from when the token arrived, using its lifetime (exp - iat) rather than exp against
 * this machine's clock: a browser whose clock is off by minutes still refreshes on time.
 */
export function planRefresh(lifetimeSeconds: number): RefreshPlan {
  const lifetime = Math.max(0, lifetimeSeconds);
  const atFraction = lifetime * REFRESH_AT_FRACTION;
  const beforeExp = lifetime - REFRESH_LEAD_SECONDS;
  const floor = Math.max(lifetime * REFRESH_MIN_FRACTION, Math.min(lifetime, REFRESH_MIN_DELAY_SECONDS));
  if (beforeExp < atFraction) {
    return beforeExp >= floor ? { delaySeconds: beforeExp, rule: 'lead' } : { delaySeconds: floor, rule: 'half' };
  }
  return { delaySeconds: atFraction, rule: 'fraction' };
}

/** `90 s` -> `1 min 30 s`, `600` -> `10 min`, `86400` -> `24 h`: exact below two hours, coarse above. */
export function formatLifetime(totalSeconds: number): string {
  const s = Math.max(0, Math.round(totalSeconds));
  if (s < 60) return `${s}\u00a0s`;
  if (s < 7200 && s % 60 !== 0) return `${Math.floor(s / 60)}\u00a0min ${s % 60}\u00a0s`;
  return formatDuration(s).replace(/ (?=s|min|h|d)/g, '\u00a0');
}

export function describeRule(plan: RefreshPlan, lifetimeSeconds: number): string {
  const lifetime = formatLifetime(lifetimeSeconds);
  switch (plan.rule) {
    case 'fraction':
      return `at 80% of the ${lifetime} lifetime`;
    case 'lead':
      return `${REFRESH_LEAD_SECONDS}\u00a0s before expiry`;
    case 'half':
      return `at half of the ${lifetime} lifetime (too short for ${REFRESH_LEAD_SECONDS}\u00a0s of lead)`;
  }
}

/** 2, 4, 8, ... 60 s: a struggling service is not hammered, and a recovered one is used again soon. */
export function retryDelaySeconds(failures: number): number {
  const exponent = Math.max(0, Math.floor(failures) - 1);
  return Math.min(RETRY_MAX_SECONDS, RETRY_FIRST_SECONDS * 2 ** Math.min(exponent, 16));
}

/**
 * Whether a failed fetch is worth retrying on its own: network errors, rate limits and server
 * trouble pass; a 4xx answer (bad request, wrong passcode, origin refused) needs a person.
 */
export function isRetryable(status: number | undefined): boolean {
  return status === undefined || status === 408 || status === 429 || status >= 500;
}

/** `9:58`, `1:02:03`, `2 d 3:04:05` for a countdown display. */
export function formatClock(totalSeconds: number): string {
  const s = Math.max(0, Math.floor(totalSeconds));
  const days = Math.floor(s / 86_400);
  const hours = Math.floor((s % 86_400) / 3600);
  const minutes = Math.floor((s % 3600) / 60);
  const seconds = s % 60;
  const mmss = `${String(minutes).padStart(hours > 0 || days > 0 ? 2 : 1, '0')}:${String(seconds).padStart(2, '0')}`;
  const hms = hours > 0 || days > 0 ? `${hours}:${mmss}` : mmss;
  return days > 0 ? `${days} d ${hms}` : hms;
}

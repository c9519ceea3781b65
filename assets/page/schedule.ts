/**
 * How the page words the token client's refresh plan (lib/token-client/schedule.ts holds the
 * rules themselves) and its countdowns.
 */
import { formatDuration } from '../../lib/inspect';
import { REFRESH_LEAD_SECONDS, type RefreshPlan } from '../../lib/token-client/schedule';

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

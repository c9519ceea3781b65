/** Building result rows, shared by every check; values are read with lib/config's readVar. */
import { sidExample, type SidPrefix } from '../twilio';
import type { CheckResult, CheckStatus } from './types';

export { readVar } from '../config/schema';

export function row(id: string, title: string, status: CheckStatus, detail: string, fix?: string): CheckResult {
  return fix === undefined ? { id, title, status, detail } : { id, title, status, detail, fix };
}

/** `NAME=ACxxxxxxxx...`: the right shape for a SID variable, never a value. */
export const sidShape = (name: string, prefix: SidPrefix): string => `${name}=${sidExample(prefix)}`;

const ALL_SAME = /^(.)\1*$/;
const COUNTING = /^(?:0123456789abcdef){2}$|^(?:1234567890){3}12$|^(?:abcdef0123456789){2}$/i;

/**
 * True for the SIDs people leave from examples: the demo's all-zero SIDs, `.env.example`'s
 * `ACxxxx...`, the API docs' `ACaaaa...`, and counting sequences. The 32 characters after the
 * prefix are judged whatever they are, so `ACxxxx...` (not even hex) is named as a placeholder
 * rather than as a malformed SID.
 */
export function isPlaceholderSid(value: string): boolean {
  if (!/^[A-Z]{2}.{32}$/.test(value)) return false;
  const body = value.slice(2);
  return ALL_SAME.test(body) || COUNTING.test(body);
}

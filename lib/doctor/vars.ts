/** Building result rows, shared by every check; values are read with lib/config's readVar. */
import { readVar, sidPrefixOfVariable, type VariableName } from '../config/schema';
import { describeSidProblem, isSid, sidExample, sidPrefixOf } from '../twilio';
import type { CheckResult, CheckStatus, DoctorVars } from './types';

export { readVar } from '../config/schema';

/** A name outside the schema that people keep in env files (TWILIO_AUTH_TOKEN, TEST_ACCOUNT_SID): read the same way. */
export function readOtherVar(vars: DoctorVars, name: string): string | undefined {
  return readVar(vars, name as VariableName);
}

export function row(id: string, title: string, status: CheckStatus, detail: string, fix?: string): CheckResult {
  return fix === undefined ? { id, title, status, detail } : { id, title, status, detail, fix };
}

/** `NAME=ACxxxxxxxx...`: the right shape for a SID variable (its prefix from the schema), never a value. */
export const sidShape = (name: VariableName): string => `${name}=${sidExample(sidPrefixOfVariable(name))}`;

/** Whether a value is a SID of the kind the variable holds. */
export const isSidFor = (name: VariableName, value: unknown): value is string => isSid(value, sidPrefixOfVariable(name));

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

export const ZS_EXPLANATION =
  'ZS... is the SID of a Functions (Serverless) service, which a deployed runtime puts in SERVICE_SID by itself';

/**
 * A set SID variable that is a placeholder or malformed: the failure sentence, else undefined.
 * A malformed one stops the whole service (lib/config validates every variable on every
 * request); a placeholder passes lib/config and fails later, at Twilio.
 */
export function sidProblem(name: VariableName, value: string, placeholderConsequence: string): string | undefined {
  if (isPlaceholderSid(value))
    return `${name} is a placeholder (an all-zero or example SID), not a real resource: ${placeholderConsequence}.`;
  if (!isSidFor(name, value)) {
    const zs = sidPrefixOf(value) === 'ZS' ? ` (${ZS_EXPLANATION})` : '';
    return `${name} ${describeSidProblem(value, sidPrefixOfVariable(name))}${zs}: the service answers config_error to every request until it is fixed.`;
  }
  return undefined;
}

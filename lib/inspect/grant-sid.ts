/** One SID inside a grant, checked the same way for every product (lib/products). */
import { describeSidProblem, isSid, sidPrefixOf, type SidPrefix } from '../twilio';
import { describeClaim, own, type FindingList } from './findings';

const ZS_HINT =
  'ZS... is the SID of the Functions service itself, which the runtime puts in SERVICE_SID; set CHAT_SERVICE_SID to your Conversations service SID (IS...).';

export interface GrantSidRule {
  /** `voice.outgoing`: where the grant object sits under payload.grants. */
  path: string;
  key: string;
  prefix: SidPrefix;
  /** `TwiML App SID`. */
  what: string;
  /** The hint when it is missing; absent: optional. */
  required?: string;
  /** The deployment's own SID, and the variable it comes from. */
  expected?: string;
  expectedName?: string;
  /** Another accepted value (`default`). */
  alsoAllow?: string;
}

/**
 * A SID inside a grant: present when required, the right prefix, and the expected one (20106
 * otherwise). Returns the SID when it is well-formed.
 */
export function checkGrantSid(findings: FindingList, grant: Record<string, unknown>, rule: GrantSidRule): string | undefined {
  const { path, key, prefix, what } = rule;
  const field = `payload.grants.${path}.${key}`;
  const value = own(grant, key);
  if (value === undefined) {
    if (rule.required !== undefined) findings.error(20106, field, `The ${path} grant has no ${key} (${what}).`, rule.required);
    return undefined;
  }
  if (typeof value !== 'string' || (value !== rule.alsoAllow && !isSid(value, prefix))) {
    const problem = typeof value === 'string' ? describeSidProblem(value, prefix) : `must be a string, got ${describeClaim(value)}`;
    findings.error(
      20106,
      field,
      `${path}.${key} ${problem}.`,
      sidPrefixOf(value) === 'ZS'
        ? ZS_HINT
        : `Put the ${what} (${prefix} + 32 hex digits${rule.alsoAllow !== undefined ? ` or "${rule.alsoAllow}"` : ''}) in this grant.`,
    );
    return undefined;
  }
  if (rule.expected !== undefined && value !== rule.expected) {
    findings.warning(
      20106,
      field,
      `${path}.${key} is ${value}, not the expected ${rule.expected}.`,
      `Tokens from this deployment use ${rule.expectedName ?? 'its configured SID'}; a SID from another account fails when the SDK uses it.`,
    );
  }
  return value;
}

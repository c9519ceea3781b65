/**
 * The problems of an identity for a token with some grants: the rules every identity obeys
 * (lib/twilio/identity.ts), then each product's own (its module's `identity`).
 */
import { codePoints } from '../text';
import { generalIdentityProblem, type GeneralIdentityProblem } from '../twilio/identity';
import { productOf, type GrantName } from './index';

export interface IdentityProblem extends GeneralIdentityProblem {
  /** Set when the problem is one product's rule. */
  grant?: GrantName;
  /** That product's SDK error for such an identity. */
  sdkError?: 31105 | 53200;
}

/** The problems of `identity` for a token with `grants`: the general one, or one per product whose rule it breaks. */
export function identityProblems(identity: unknown, grants: readonly GrantName[] = []): IdentityProblem[] {
  const general = generalIdentityProblem(identity);
  if (general !== undefined) return [general];
  const text = identity as string;
  const length = codePoints(text);
  const problems: IdentityProblem[] = [];
  for (const grant of grants) {
    const { title, identity: rule } = productOf(grant);
    if (rule === undefined) continue;
    const sdk = `${title} SDK error ${rule.sdkError} otherwise`;
    const problem = (message: string): IdentityProblem => ({ code: 'invalid_identity', message, grant, sdkError: rule.sdkError });
    if (rule.pattern !== undefined && !rule.pattern.test(text)) {
      problems.push(problem(`a ${title} identity may only contain ${rule.patternRule ?? 'some characters'} (${sdk}); e.g. alice_smith`));
    } else if (length > rule.maxLength) {
      problems.push(problem(`a ${title} identity is at most ${rule.maxLength} characters (${sdk}); this one has ${length}`));
    }
  }
  return problems;
}

/**
 * The rules an Access Token identity obeys: those every product shares, then those of the
 * products it is minted for. Returned as problems, so /token can refuse the first one and the
 * inspector can report each with the SDK error it leads to.
 */
import { codePointName, codePoints, CONTROL_CHARACTER, describeType, LONE_SURROGATE, LOOK_ALIKE_CHARACTER } from '../text';
import { PRODUCTS, type GrantName } from './products';

/** Twilio's limit for any identity, whatever the product. */
export const IDENTITY_MAX_LENGTH = 256;

export interface IdentityProblem {
  code: 'missing_identity' | 'invalid_identity';
  message: string;
  /** Set when the problem is one product's rule. */
  grant?: GrantName;
  sdkError?: 31105 | 53200;
}

const invalid = (message: string): IdentityProblem => ({ code: 'invalid_identity', message });

/** The rules every identity obeys; at most one problem, since each makes the next moot. */
function generalProblem(identity: unknown): IdentityProblem | undefined {
  if (identity === undefined || identity === '') {
    return { code: 'missing_identity', message: 'identity is required: send the user name this token is for, e.g. identity=alice' };
  }
  if (typeof identity !== 'string') return invalid(`identity must be a single string, got ${describeType(identity)}`);
  if (identity.trim() !== identity) return invalid('identity must not start or end with spaces');
  if (CONTROL_CHARACTER.test(identity)) return invalid('identity must not contain control characters or line breaks');
  if (LONE_SURROGATE.test(identity)) {
    return invalid('identity must be valid Unicode text; it holds half of a UTF-16 surrogate pair (a broken emoji?)');
  }
  const lookAlike = LOOK_ALIKE_CHARACTER.exec(identity);
  if (lookAlike !== null) {
    return invalid(
      `identity must not contain bidirectional controls or invisible characters (it holds ${codePointName(lookAlike[0])}): they let one name pass for another`,
    );
  }
  if (identity === 'undefined' || identity === 'null') {
    return invalid(
      `identity is the text "${identity}": the client sent a variable that was never set (a template-string bug?); send the user's name`,
    );
  }
  const length = codePoints(identity);
  if (length > IDENTITY_MAX_LENGTH) return invalid(`identity is ${length} characters; the limit is ${IDENTITY_MAX_LENGTH}`);
  return undefined;
}

/** The problems of `identity` for a token with `grants`: the general one, or one per product whose rule it breaks. */
export function identityProblems(identity: unknown, grants: readonly GrantName[] = []): IdentityProblem[] {
  const general = generalProblem(identity);
  if (general !== undefined) return [general];
  const text = identity as string;
  const length = codePoints(text);
  const problems: IdentityProblem[] = [];
  for (const grant of grants) {
    const { title, identity: rule } = PRODUCTS[grant];
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

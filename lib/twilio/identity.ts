/**
 * The rules every Access Token identity obeys, whatever the product (each product's own rules
 * are in its module, lib/products). Returned as problems, so /token can refuse the first one and
 * the inspector can report each with the SDK error it leads to.
 */
import { codePointName, codePoints, CONTROL_CHARACTER, describeType, LONE_SURROGATE, LOOK_ALIKE_CHARACTER } from '../text';

/** Twilio's limit for any identity, whatever the product. */
export const IDENTITY_MAX_LENGTH = 256;

export interface GeneralIdentityProblem {
  code: 'missing_identity' | 'invalid_identity';
  message: string;
}

const invalid = (message: string): GeneralIdentityProblem => ({ code: 'invalid_identity', message });

/** The rules every identity obeys; at most one problem, since each makes the next moot. */
export function generalIdentityProblem(identity: unknown): GeneralIdentityProblem | undefined {
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

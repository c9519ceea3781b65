import { FindingList, isRecord, own } from './findings';

export interface DecodedToken {
  /** The token after clean-up: what the signature is verified on. */
  token: string;
  header?: Record<string, unknown>;
  payload?: Record<string, unknown>;
}

const QUOTES = ['"', "'", '`'];

/**
 * People paste tokens from logs, curl commands and JSON answers: surrounding whitespace and
 * quotes, an `Authorization: Bearer` value, a token wrapped across lines, or the whole /token
 * answer. Strip what cannot be part of a JWT; say so when the input was a JSON object, because
 * handing that object to an SDK is itself a classic mistake.
 */
export function cleanInput(input: unknown, findings: FindingList): string {
  if (typeof input !== 'string') return '';
  let text = input.trim();
  for (let changed = true; changed;) {
    changed = false;
    for (const quote of QUOTES) {
      if (text.length >= 2 && text.startsWith(quote) && text.endsWith(quote)) {
        text = text.slice(1, -1).trim();
        changed = true;
      }
    }
    const bearer = /^(?:authorization:\s*)?bearer\s+/i.exec(text);
    if (bearer !== null) {
      text = text.slice(bearer[0].length).trim();
      changed = true;
    }
  }
  if (text.startsWith('{')) {
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch {
      parsed = undefined;
    }
    const token = isRecord(parsed) ? own(parsed, 'token') : undefined;
    if (typeof token === 'string') {
      findings.info(
        20101,
        'token',
        'The input is a JSON object; the token inside its "token" field was inspected.',
        'SDKs need the token string itself (data.token), not the JSON answer of your token endpoint.',
      );
      return token.replace(/\s+/g, '');
    }
  }
  // A JWT has no whitespace; any inside comes from line wrapping in a terminal or an e-mail.
  return text.replace(/\s+/g, '');
}

const BASE64URL = /^[A-Za-z0-9_-]*$/;

function base64urlProblem(part: string): string | undefined {
  if (BASE64URL.test(part)) return part.length % 4 === 1 ? 'has a length no base64url text can have (cut short?)' : undefined;
  if (/[+/=]/.test(part)) return 'uses standard base64 (+, / or = padding) where a JWT uses base64url (-, _ and no padding)';
  return 'contains characters that are not base64url';
}

function base64urlToText(part: string): string {
  const base64 = part.replace(/-/g, '+').replace(/_/g, '/') + '='.repeat((4 - (part.length % 4)) % 4);
  const binary = atob(base64);
  const bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
  return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
}

const NOT_A_JWT_HINT =
  'A Twilio Access Token is three base64url parts joined by dots (eyJ...eyJ...sig); copy the whole token your server minted.';

function decodeJsonPart(part: string, name: 'header' | 'payload', findings: FindingList): Record<string, unknown> | undefined {
  if (part === '') {
    findings.error(20160, name, `The ${name} part is empty.`, NOT_A_JWT_HINT);
    return undefined;
  }
  const problem = base64urlProblem(part);
  if (problem !== undefined) {
    findings.error(20160, name, `The ${name} part ${problem}.`, NOT_A_JWT_HINT);
    return undefined;
  }
  let text: string;
  try {
    text = base64urlToText(part);
  } catch {
    findings.error(20160, name, `The ${name} part does not decode to UTF-8 text.`, NOT_A_JWT_HINT);
    return undefined;
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    findings.error(20160, name, `The ${name} part decodes, but not to JSON.`, NOT_A_JWT_HINT);
    return undefined;
  }
  if (!isRecord(value)) {
    findings.error(
      20101,
      name,
      `The ${name} is JSON but not a JSON object.`,
      `A JWT ${name} is a JSON object; this is not a Twilio Access Token.`,
    );
    return undefined;
  }
  if (nestingExceeds(value, MAX_JSON_DEPTH)) {
    findings.error(
      20101,
      name,
      `The ${name} is JSON nested more than ${MAX_JSON_DEPTH} levels deep; an Access Token is nested 4.`,
      'This is not a Twilio Access Token; copy the token your server minted.',
    );
    return undefined;
  }
  return value;
}

/**
 * Twilio's own claims nest 4 levels. Anything far deeper is hostile or broken, and would
 * overflow the stack of every JSON.stringify that later renders or sends the report.
 */
const MAX_JSON_DEPTH = 32;

/** Iterative on purpose: recursion is exactly what a deep value breaks. */
function nestingExceeds(value: unknown, limit: number): boolean {
  const stack: [unknown, number][] = [[value, 1]];
  while (stack.length > 0) {
    const [current, depth] = stack.pop() as [unknown, number];
    if (typeof current !== 'object' || current === null) continue;
    if (depth > limit) return true;
    for (const child of Object.values(current)) stack.push([child, depth + 1]);
  }
  return false;
}

/** Splits and decodes a compact JWT, reporting every structural problem (20160/20101) it finds. */
export function decodeToken(token: string, findings: FindingList): DecodedToken {
  if (token === '') {
    findings.error(20160, 'token', 'The input is empty.', 'Paste the Access Token (it starts with eyJ).');
    return { token };
  }
  const parts = token.split('.');
  if (parts.length !== 3) {
    const message =
      parts.length === 5
        ? 'The token has five parts: it is an encrypted JWT (JWE), not a signed Twilio Access Token.'
        : `The token has ${parts.length} part${parts.length === 1 ? '' : 's'} where a JWT has three (header.payload.signature).`;
    findings.error(20160, 'token', message, NOT_A_JWT_HINT);
    return { token };
  }
  const [headerPart, payloadPart, signaturePart] = parts as [string, string, string];
  const header = decodeJsonPart(headerPart, 'header', findings);
  const payload = decodeJsonPart(payloadPart, 'payload', findings);
  const signatureProblem = base64urlProblem(signaturePart);
  if (signatureProblem !== undefined) {
    findings.error(20160, 'signature', `The signature part ${signatureProblem}.`, NOT_A_JWT_HINT);
  }
  return { token, header, payload };
}

/**
 * Inspecting pasted text: find the tokens in it (extract.ts), choose the one to report first,
 * inspect each, and say what the text is when it holds none. What POST /inspect, `npm run
 * inspect` and the page's "Inspect a token" answer.
 */
import { sidKind } from '../twilio';
import { classifyLookalike, findTokenCandidates, type Candidate } from './extract';
import { FindingList } from './findings';
import { inspectToken, MAX_TOKEN_CHARS } from './token-report';
import type { FoundTokenReport, InspectionReport, InspectOptions, NoTokenInspection, PasteInspection } from './types';

/** The other tokens reported besides the chosen one. */
export const MAX_OTHER_TOKENS = 20;

/**
 * The most an answer holds, as compact JSON, whatever was pasted (POST /inspect reads up to the
 * same 256 KB): one report is at most about 75 KB (a token over MAX_TOKEN_CHARS is not decoded, a
 * label is at most MAX_SOURCE_CHARS, unknown grants are counted past five), and the others are
 * listed while they fit. Issue 17: one long JSON key over 21 tokens made a 5 MB answer.
 */
export const MAX_ANSWER_CHARS = 256 * 1024;

const jsonSize = (value: unknown): number => JSON.stringify(value).length;

const lastSeen = (candidate: Candidate): string => candidate.seen[candidate.seen.length - 1] ?? '';

/**
 * The token to report first: one from an X-Twilio-Token header (what the SDKs send Twilio), then a
 * Twilio Access Token, then any JWT; among equals the most recently sent (a HAR), else the last
 * in the text (DevTools lists requests oldest first).
 */
function preferred(a: Candidate, b: Candidate): number {
  return a.preference - b.preference || lastSeen(b).localeCompare(lastSeen(a)) || b.order - a.order;
}

const issuedAt = (report: InspectionReport): number => report.times.issuedAt?.epochSeconds ?? Number.NEGATIVE_INFINITY;

/** Newest first: by when a HAR last saw it sent, else by its iat. */
function newestFirst(a: FoundTokenReport, b: FoundTokenReport): number {
  return (b.seen?.last ?? '').localeCompare(a.seen?.last ?? '') || issuedAt(b) - issuedAt(a);
}

/**
 * Whether the text is the configured API secret itself: alone, quoted, or as its env line
 * (`API_SECRET=...`). Compared in constant time, and only whole: the answer says no more about
 * the secret than that the text is it.
 */
function isConfiguredSecret(input: string, secret: string | undefined): boolean {
  if (typeof secret !== 'string' || secret === '' || input.length > secret.length + 64) return false;
  const text = input
    .trim()
    .replace(/^(?:export\s+)?API_SECRET\s*[=:]\s*/, '')
    .replace(/^(["'`])(.*)\1$/s, '$2');
  if (text.length !== secret.length) return false;
  let difference = 0;
  for (let i = 0; i < text.length; i++) difference |= text.charCodeAt(i) ^ secret.charCodeAt(i);
  return difference === 0;
}

function noToken(input: string, expect: InspectOptions['expect']): NoTokenInspection {
  const findings = new FindingList();
  const hint =
    'Copy the Access Token itself (it starts with eyJ): in Chrome DevTools, Network, click a request to eventgw.twilio.com, then in Headers right-click X-Twilio-Token and Copy value; or paste the whole request, a curl command or a HAR file.';
  const lookalike = classifyLookalike(input);
  if (isConfiguredSecret(input, expect?.secret)) {
    findings.error(
      'api_secret_pasted',
      'token',
      "This is API_SECRET, the secret of this service's API key (API_KEY), not an Access Token: whoever has it can mint tokens for your account.",
      'If you shared it, rotate it: create a new API key (Console > Account > API keys & tokens), put its SID and secret in API_KEY and API_SECRET, deploy, then delete the old key. ' +
        hint,
      20160,
    );
  } else if (lookalike.kind === 'auth_token') {
    findings.error(
      'auth_token_pasted',
      'token',
      'This is an Auth Token (32 lowercase hex digits), not an Access Token: it is a password for your whole Twilio account.',
      'Rotate it if you shared it (Console > Account > API keys & tokens > Auth Tokens), and never paste it where a token is asked for. ' +
        hint,
      20160,
    );
  } else if (lookalike.kind === 'sid') {
    const kind = sidKind(lookalike.prefix);
    findings.error(
      'sid_pasted',
      'token',
      `This is ${kind !== undefined ? `${/^[AEIOU]/.test(kind) ? 'an' : 'a'} ${kind} SID` : 'a Twilio SID'} (${lookalike.prefix}...), an identifier, not an Access Token.`,
      hint,
      20160,
    );
  } else {
    findings.error(
      'not_a_token',
      'token',
      'The text holds no JWT: a Twilio Access Token is three base64url parts joined by dots, starting eyJ.',
      hint,
      20160,
    );
  }
  return { valid: false, found: 0, source: 'the pasted text', findings: findings.items };
}

async function inspectCandidate(candidate: Candidate, opts: InspectOptions): Promise<FoundTokenReport> {
  const report = await inspectToken(candidate.token, opts);
  const seen =
    candidate.seen.length > 0 ? { first: candidate.seen[0]!, last: lastSeen(candidate), count: candidate.seen.length } : undefined;
  return {
    ...report,
    source: candidate.source,
    ...(seen !== undefined ? { seen } : {}),
    // Text too long to be a token is not one to show, share or judge again each second.
    ...(opts.keepTokens === true && candidate.token.length <= MAX_TOKEN_CHARS ? { token: candidate.token } : {}),
  };
}

/** Inspects whatever was pasted: every token found in it (the preferred one first), or what the text is instead. */
export async function inspectText(input: string, opts: InspectOptions = {}): Promise<PasteInspection> {
  const text = typeof input === 'string' ? input : '';
  const candidates = findTokenCandidates(text).sort(preferred);
  if (candidates.length === 0) return noToken(text, opts.expect);
  const [chosen, ...others] = candidates.slice(0, MAX_OTHER_TOKENS + 1);
  const report = await inspectCandidate(chosen!, opts);
  const tokens: FoundTokenReport[] = [];
  // `found` and `tokens` themselves, with room to spare.
  let size = jsonSize(report) + 64;
  for (const other of others) {
    const otherReport = await inspectCandidate(other, opts);
    size += jsonSize(otherReport) + 1;
    if (size > MAX_ANSWER_CHARS) break;
    tokens.push(otherReport);
  }
  return { ...report, found: candidates.length, tokens: tokens.sort(newestFirst) };
}

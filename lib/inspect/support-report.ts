/**
 * "Copy report for support": what Twilio Support asks for when a token fails (the decoded token,
 * the findings with their codes, the times), in plain text that reads as Markdown. A live token
 * is a credential: anyone holding it acts as its identity until it expires. So the token goes in
 * whole only once it has been expired for a day by this machine's clock (a clock hours fast, a
 * wrong time zone, must not hand on a live token: issue 17); before that, without its signature
 * (a token without one is useless to anyone), with a line saying when it will be safe to share
 * whole. Never the API secret (the engine has redacted it from the report already). Browser-safe.
 */
import { twilioErrorUrl, TWILIO_ERRORS, type TwilioErrorCode } from '../twilio';
import { formatDuration } from './time';
import type { Finding, FoundTokenReport, InspectionReport, PasteInspection, TextInspection } from './types';

/** Narrows a paste inspection to one that found tokens (`found` is a number on both sides). */
export const foundTokens = (inspection: PasteInspection): inspection is TextInspection => 'tokens' in inspection;

const isTwilioCode = (code: unknown): code is TwilioErrorCode =>
  typeof code === 'number' && Object.prototype.hasOwnProperty.call(TWILIO_ERRORS, code);

function findingLines(finding: Finding): string[] {
  const twilio = isTwilioCode(finding.code) ? finding.code : finding.twilioCode;
  const title = twilio !== undefined ? ` (Twilio ${twilio}: ${TWILIO_ERRORS[twilio]}, ${twilioErrorUrl(twilio)})` : '';
  return [`- ${finding.severity} ${String(finding.code)}${title} at \`${finding.field}\`: ${finding.message}`, `  Fix: ${finding.hint}`];
}

const fenced = (value: unknown): string[] => ['```json', JSON.stringify(value, null, 2), '```'];

/**
 * How long a token must have been expired, by the local clock, before it is shared whole: more
 * than any wrong time zone (14 h) or drifted clock puts that clock ahead.
 */
export const SHARE_WHOLE_AFTER_SECONDS = 24 * 3600;

const iso = (epochSeconds: number): string => new Date(epochSeconds * 1000).toISOString();

/** The token as it may be shared now: whole a day after it expired, else without its signature. */
function shareableToken(token: string, report: InspectionReport, nowSeconds: number): string[] {
  const exp = report.times.expiresAt?.epochSeconds;
  if (exp !== undefined && exp + SHARE_WHOLE_AFTER_SECONDS <= nowSeconds)
    return ['## The token', '', `It expired ${formatDuration(nowSeconds - exp)} ago, so it is shared whole:`, '', '```', token, '```'];
  const [header = '', payload = ''] = token.split('.');
  const holder = report.identity !== undefined ? JSON.stringify(report.identity) : 'its identity';
  const safeAt = exp === undefined ? '' : `${iso(exp + SHARE_WHOLE_AFTER_SECONDS)} (a day after it expires)`;
  const why =
    exp === undefined
      ? 'It has no usable expiry, so it is never safe to share whole.'
      : exp > nowSeconds
        ? `It is live until ${iso(exp)} (${formatDuration(exp - nowSeconds)} from now): anyone holding it could act as ${holder} until then. It is safe to share whole from ${safeAt}.`
        : `It expired ${formatDuration(nowSeconds - exp)} ago by this computer's clock; in case that clock is ahead, it is shared whole only from ${safeAt}.`;
  return ['## The token, signature removed', '', why, '', '```', `${header}.${payload}.`, '```'];
}

/**
 * What a VALID verdict cannot vouch for, as the doctor's offline summary says: only Twilio knows
 * whether the key belongs to the account and is live, and whether the grants' SIDs exist.
 */
export function notCheckedHere(report: InspectionReport): string {
  // Named only when SID-shaped: the claims are the token's text, which may be anything.
  const sid = (value: unknown, prefix: string, otherwise: string): string =>
    typeof value === 'string' && new RegExp(`^${prefix}[0-9a-fA-F]{32}$`).test(value) ? value : otherwise;
  const iss = sid(report.payload?.iss, 'SK', 'the API key in iss');
  const sub = sid(report.payload?.sub, 'AC', 'the account in sub');
  return `Not checked here: that ${iss} is a live key of ${sub} (not deleted, not a test credential) and that the SIDs in the grants exist there. Twilio checks them when the SDK connects; npm run doctor -- --online asks it now.`;
}

function tokenSection(report: FoundTokenReport, token: string | undefined, nowSeconds: number): string[] {
  const errors = report.findings.filter((f) => f.severity === 'error').length;
  const warnings = report.findings.filter((f) => f.severity === 'warning').length;
  const { times } = report;
  const time = (label: string, claim: { iso: string; relative: string } | undefined): string[] =>
    claim === undefined ? [] : [`- ${label}: ${claim.iso} (${claim.relative})`];
  return [
    `Found in: ${report.source}.`,
    '',
    `**Verdict: ${report.valid ? 'VALID' : 'INVALID'}**, ${errors} error${errors === 1 ? '' : 's'}, ${warnings} warning${warnings === 1 ? '' : 's'}; ${times.summary}. Signature: ${report.signature === 'unknown' ? 'not checked (the API key secret stays on the server)' : report.signature}.`,
    ...(report.valid ? ['', notCheckedHere(report)] : []),
    '',
    '## Findings',
    '',
    ...(report.findings.length === 0 ? ['None.'] : report.findings.flatMap(findingLines)),
    '',
    '## Times',
    '',
    `- checked: ${times.checkedAt}`,
    ...time('issued (iat)', times.issuedAt),
    ...time('not before (nbf)', times.notBefore),
    ...time('expires (exp)', times.expiresAt),
    ...(times.lifetimeSeconds !== undefined ? [`- lifetime: ${times.lifetimeSeconds} s`] : []),
    '',
    '## Header',
    '',
    ...(report.header !== undefined ? fenced(report.header) : ['(could not be decoded)']),
    '',
    '## Payload',
    '',
    ...(report.payload !== undefined ? fenced(report.payload) : ['(could not be decoded)']),
    // The engine keeps no text too long to be a token, so none is pasted into a ticket.
    ...(token !== undefined ? ['', ...shareableToken(token, report, nowSeconds)] : []),
  ];
}

/**
 * The report for support, from an inspection made with `keepTokens` (the token's text, to share
 * what may be shared of it); `now` is the clock its shareability is judged by.
 */
export function supportReport(inspection: PasteInspection, now: number = Date.now()): string {
  const nowSeconds = now / 1000;
  const lines = [
    '# Twilio Access Token report',
    '',
    `Made ${new Date(now).toISOString()} by the token service's inspector (the API key secret is never in it).`,
    '',
  ];
  if (!foundTokens(inspection)) {
    lines.push('No token was found in the text.', '', '## Findings', '', ...inspection.findings.flatMap(findingLines));
    return `${lines.join('\n')}\n`;
  }
  lines.push(...tokenSection(inspection, inspection.token, nowSeconds));
  if (inspection.tokens.length > 0) {
    lines.push('', `## Other tokens found (${inspection.tokens.length}), newest first`, '');
    for (const other of inspection.tokens) {
      const seen = other.seen !== undefined ? `, sent ${other.seen.first} to ${other.seen.last}` : '';
      lines.push(
        `- ${other.valid ? 'valid' : 'INVALID'}, ${other.times.summary}, identity ${JSON.stringify(other.identity ?? null)}${seen}; found in ${other.source}`,
      );
    }
  }
  return `${lines.join('\n')}\n`;
}

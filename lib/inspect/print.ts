/**
 * Plain-text rendering of an inspection report for terminals (the CLI) and logs. Separate
 * from the engine so other surfaces (the page) render the same report their own way.
 */
import type { Finding, InspectionReport, Severity, TimeClaim } from './types';
import { formatDuration } from './time';

export interface PrintOptions {
  /** ANSI colours; the caller decides (TTY, NO_COLOR). */
  color: boolean;
}

const ANSI = { red: 31, green: 32, yellow: 33, cyan: 36, bold: 1, dim: 2 } as const;
type Style = keyof typeof ANSI;

const SEVERITY_STYLE: Record<Severity, Style> = { error: 'red', warning: 'yellow', info: 'cyan' };

function countBy(findings: Finding[], severity: Severity): number {
  return findings.filter((f) => f.severity === severity).length;
}

const plural = (n: number, word: string): string => `${n} ${word}${n === 1 ? '' : 's'}`;

/** Text from a token must not drive the terminal: control characters (C0, C1, escapes) become '?'. */
const printable = (text: string): string => text.replace(/[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u2028\u2029]/g, '?');
const oneLine = (text: string): string => printable(text).replace(/\n/g, '?');

export function formatReport(report: InspectionReport, opts: PrintOptions): string {
  const paint = (style: Style, text: string): string => (opts.color ? `\u001b[${ANSI[style]}m${text}\u001b[0m` : text);
  const lines: string[] = [];

  const errors = countBy(report.findings, 'error');
  const warnings = countBy(report.findings, 'warning');
  const verdict = report.valid ? paint('green', paint('bold', 'VALID')) : paint('red', paint('bold', 'INVALID'));
  const counts = [errors > 0 ? plural(errors, 'error') : '', warnings > 0 ? plural(warnings, 'warning') : ''].filter(Boolean).join(', ');
  const about = [report.identity !== undefined ? `identity ${oneLine(JSON.stringify(report.identity))}` : '', report.times.summary].filter(Boolean).join(' | ');
  lines.push(`${verdict}${counts ? ` (${counts})` : ''}  ${about}`);

  if (report.findings.length > 0) {
    lines.push('', paint('bold', 'Findings'));
    for (const f of report.findings) {
      const label = paint(SEVERITY_STYLE[f.severity], f.severity.padEnd(7));
      lines.push(`  ${label} ${oneLine(String(f.code)).padEnd(13)} ${oneLine(f.field)}`);
      lines.push(`          ${oneLine(f.message)}`);
      lines.push(`          ${paint('dim', `fix: ${oneLine(f.hint)}`)}`);
    }
  }

  if (report.grants.length > 0) {
    lines.push('', paint('bold', 'What the holder can do'));
    for (const grant of report.grants) {
      grant.abilities.forEach((ability, i) => lines.push(`  ${(i === 0 ? `${oneLine(grant.product)}:` : '').padEnd(22)} ${oneLine(ability)}`));
    }
  }

  const timeLine = (name: string, claim: TimeClaim | undefined): void => {
    if (claim) lines.push(`  ${name.padEnd(10)} ${claim.iso}  (${claim.relative})${claim.inMilliseconds ? '  [written in milliseconds]' : ''}`);
  };
  lines.push('', paint('bold', 'Times'), `  ${'checked'.padEnd(10)} ${report.times.checkedAt}`);
  timeLine('issued', report.times.issuedAt);
  timeLine('not before', report.times.notBefore);
  timeLine('expires', report.times.expiresAt);
  if (report.times.lifetimeSeconds !== undefined) lines.push(`  ${'lifetime'.padEnd(10)} ${formatDuration(report.times.lifetimeSeconds)} (${report.times.lifetimeSeconds} s)`);

  const signatureText = { valid: paint('green', 'valid'), invalid: paint('red', 'INVALID'), unknown: 'not checked' }[report.signature];
  lines.push('', `${paint('bold', 'Signature')}  ${signatureText}`);

  if (report.header) lines.push('', paint('bold', 'Header'), indent(printable(JSON.stringify(report.header, null, 2))));
  if (report.payload) lines.push('', paint('bold', 'Payload'), indent(printable(JSON.stringify(report.payload, null, 2))));

  const against = report.checkedAgainst;
  const parts = [
    against.accountSid && `account ${against.accountSid}`,
    against.apiKey && `key ${against.apiKey}`,
    against.secretKnown ? 'secret known' : 'no secret',
    against.region && `region ${against.region}`,
  ].filter(Boolean);
  lines.push('', paint('dim', `Checked against: ${oneLine(parts.join(', '))}`));
  return lines.join('\n') + '\n';
}

function indent(text: string): string {
  return text
    .split('\n')
    .map((line) => `  ${line}`)
    .join('\n');
}

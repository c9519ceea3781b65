/**
 * Plain-text rendering of an inspection report for terminals (the CLI) and logs. Separate
 * from the engine so other surfaces (the page) render the same report their own way.
 */
import { painter, type Style } from '../terminal';
import { plural, printable } from '../text';
import { formatDuration } from './time';
import type { Finding, InspectionReport, Severity, TimeClaim } from './types';

export interface PrintOptions {
  /** ANSI colours; the caller decides (TTY, NO_COLOR). */
  color: boolean;
}

const SEVERITY_STYLE: Record<Severity, Style> = { error: 'red', warning: 'yellow', info: 'cyan' };

function countBy(findings: Finding[], severity: Severity): number {
  return findings.filter((f) => f.severity === severity).length;
}

/** Text from a token must not drive the terminal. */
const oneLine = (text: string): string => printable(text, { oneLine: true });

export function formatReport(report: InspectionReport, opts: PrintOptions): string {
  const paint = painter(opts.color);
  const lines: string[] = [];

  const errors = countBy(report.findings, 'error');
  const warnings = countBy(report.findings, 'warning');
  const verdict = report.valid ? paint('green', paint('bold', 'VALID')) : paint('red', paint('bold', 'INVALID'));
  const counts = [errors > 0 ? plural(errors, 'error') : '', warnings > 0 ? plural(warnings, 'warning') : ''].filter(Boolean).join(', ');
  const about = [report.identity !== undefined ? `identity ${oneLine(JSON.stringify(report.identity))}` : '', report.times.summary]
    .filter(Boolean)
    .join(' | ');
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
      grant.abilities.forEach((ability, i) =>
        lines.push(`  ${(i === 0 ? `${oneLine(grant.product)}:` : '').padEnd(22)} ${oneLine(ability)}`),
      );
    }
  }

  const timeLine = (name: string, claim: TimeClaim | undefined): void => {
    if (claim)
      lines.push(`  ${name.padEnd(10)} ${claim.iso}  (${claim.relative})${claim.inMilliseconds ? '  [written in milliseconds]' : ''}`);
  };
  lines.push('', paint('bold', 'Times'), `  ${'checked'.padEnd(10)} ${report.times.checkedAt}`);
  timeLine('issued', report.times.issuedAt);
  timeLine('not before', report.times.notBefore);
  timeLine('expires', report.times.expiresAt);
  if (report.times.lifetimeSeconds !== undefined)
    lines.push(`  ${'lifetime'.padEnd(10)} ${formatDuration(report.times.lifetimeSeconds)} (${report.times.lifetimeSeconds} s)`);

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

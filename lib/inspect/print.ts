/**
 * Plain-text rendering of an inspection report for terminals (the CLI) and logs. Separate
 * from the engine so other surfaces (the page) render the same report their own way.
 */
import { painter, type Style } from '../terminal';
import { plural, printable } from '../text';
import { formatDuration } from './time';
import { foundTokens, notCheckedHere } from './support-report';
import type { Finding, FoundTokenReport, InspectionReport, PasteInspection, Severity, TimeClaim } from './types';

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
  if (report.valid) lines.push(paint('dim', oneLine(notCheckedHere(report))));

  if (report.findings.length > 0) lines.push('', paint('bold', 'Findings'), ...findingLines(report.findings, paint));

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

  const byPrevious = report.checkedAgainst.previousApiKey !== undefined && report.payload?.iss === report.checkedAgainst.previousApiKey;
  const signatureText = {
    valid: paint('green', byPrevious ? `valid (the previous key ${report.checkedAgainst.previousApiKey})` : 'valid'),
    invalid: paint('red', 'INVALID'),
    unknown: 'not checked',
  }[report.signature];
  lines.push('', `${paint('bold', 'Signature')}  ${signatureText}`);

  if (report.header) lines.push('', paint('bold', 'Header'), indent(printable(JSON.stringify(report.header, null, 2))));
  if (report.payload) lines.push('', paint('bold', 'Payload'), indent(printable(JSON.stringify(report.payload, null, 2))));

  const against = report.checkedAgainst;
  const parts = [
    against.accountSid && `account ${against.accountSid}`,
    against.apiKey && `key ${against.apiKey}`,
    against.previousApiKey && `previous key ${against.previousApiKey}`,
    against.secretKnown ? 'secret known' : 'no secret',
    against.region && `region ${against.region}`,
  ].filter(Boolean);
  lines.push('', paint('dim', `Checked against: ${oneLine(parts.join(', '))}`));
  return lines.join('\n') + '\n';
}

function findingLines(findings: readonly Finding[], paint: ReturnType<typeof painter>): string[] {
  return findings.flatMap((f) => {
    const label = paint(SEVERITY_STYLE[f.severity], f.severity.padEnd(7));
    const code = f.twilioCode !== undefined ? `${String(f.code)} (Twilio ${f.twilioCode})` : String(f.code);
    return [
      `  ${label} ${oneLine(code).padEnd(13)} ${oneLine(f.field)}`,
      `          ${oneLine(f.message)}`,
      `          ${paint('dim', `fix: ${oneLine(f.hint)}`)}`,
    ];
  });
}

/** One line about another token found in the same text. */
function otherLine(report: FoundTokenReport, paint: ReturnType<typeof painter>): string {
  const verdict = report.valid ? paint('green', 'valid  ') : paint('red', 'INVALID');
  const identity = report.identity !== undefined ? `identity ${JSON.stringify(report.identity)}, ` : '';
  const seen = report.seen !== undefined ? `, sent ${report.seen.first} to ${report.seen.last}` : '';
  return `  ${verdict} ${oneLine(`${identity}${report.times.summary}${seen}; ${report.source}`)}`;
}

/** What `npm run inspect` prints for pasted text: the chosen token's report, where it was found, the others. */
export function formatPaste(inspection: PasteInspection, opts: PrintOptions): string {
  const paint = painter(opts.color);
  if (!foundTokens(inspection)) {
    return [
      `${paint('red', paint('bold', 'NO TOKEN'))}  ${oneLine(inspection.source)} holds no Access Token`,
      '',
      ...findingLines(inspection.findings, paint),
      '',
    ].join('\n');
  }
  // A bare token needs no line saying it was found in the pasted text.
  const head =
    inspection.found > 1
      ? `Found ${inspection.found} tokens; this one is from ${inspection.source}.`
      : inspection.source !== 'the pasted text'
        ? `Found in ${inspection.source}.`
        : undefined;
  const lines = [...(head !== undefined ? [paint('dim', oneLine(head))] : []), formatReport(inspection, opts).trimEnd()];
  if (inspection.tokens.length > 0) {
    const shown = inspection.tokens.length < inspection.found - 1 ? ` (${inspection.tokens.length} of ${inspection.found - 1} shown)` : '';
    lines.push('', paint('bold', `Other tokens, newest first${shown}`), ...inspection.tokens.map((t) => otherLine(t, paint)));
  }
  return `${lines.join('\n')}\n`;
}

function indent(text: string): string {
  return text
    .split('\n')
    .map((line) => `  ${line}`)
    .join('\n');
}

/** The doctor's checklist for terminals; `--json` prints the report itself. */
import { painter, type Style } from '../terminal';
import { plural, printable as printableText } from '../text';
import type { CheckStatus, DoctorReport } from './types';

export interface PrintOptions {
  /** ANSI colours; the caller decides (a TTY without NO_COLOR). */
  color: boolean;
}

const LABELS: Record<CheckStatus, { text: string; style: Style }> = {
  pass: { text: 'PASS', style: 'green' },
  warn: { text: 'WARN', style: 'yellow' },
  fail: { text: 'FAIL', style: 'red' },
  skip: { text: 'SKIP', style: 'dim' },
};

/** Values from env files and API answers must not drive the terminal. */
const printable = (text: string): string => printableText(text, { oneLine: true });

export function formatChecklist(report: DoctorReport, opts: PrintOptions): string {
  const paint = painter(opts.color);
  const lines: string[] = [];
  const mode = report.online ? 'offline and online checks' : 'offline checks (add --online to ask the Twilio API too)';
  lines.push(paint('bold', `Config doctor: ${report.source !== undefined ? printable(report.source) : 'configuration'}, ${mode}`));
  if (report.apiBaseUrl !== undefined)
    lines.push(
      paint('yellow', `Online checks asked the REST API stand-in at ${printable(report.apiBaseUrl)} (TWILIO_API_BASE_URL), not Twilio.`),
    );
  lines.push('');
  for (const check of report.checks) {
    const label = LABELS[check.status];
    lines.push(`  ${paint(label.style, label.text)}  ${paint('bold', printable(check.title))}: ${printable(check.detail)}`);
    if (check.fix !== undefined && check.status !== 'pass') lines.push(`        ${paint('dim', `fix: ${printable(check.fix)}`)}`);
  }
  if (report.notCheckedOffline !== undefined && report.notCheckedOffline.length > 0) {
    lines.push('', `Not checked offline: ${report.notCheckedOffline.join('; ')}. Run npm run doctor -- --online to ask Twilio.`);
  }
  const { pass, warn, fail, skip } = report.summary;
  const counts = [plural(fail, 'failure'), plural(warn, 'warning'), `${pass} passed`, `${skip} skipped`].join(', ');
  lines.push('');
  if (fail > 0)
    lines.push(
      `${paint('red', paint('bold', 'NOT READY'))}: ${counts}. Fix each FAIL above (the fix line shows the shape), then run npm run doctor again.`,
    );
  else
    lines.push(`${paint('green', paint('bold', 'READY'))}: ${counts}.${warn > 0 ? ' Read the warnings: they do not block a deploy.' : ''}`);
  return lines.join('\n') + '\n';
}

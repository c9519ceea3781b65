/**
 * The env file's ambiguities (lib/config/env-issues.ts) on the doctor's rows: each on the row of
 * the variable it concerns, leading it, since it is the cause of whatever the row found. An
 * ambiguous secret or SID fails (deploy refuses it); other ambiguities warn; lines with no
 * variable get a row of their own. `export ` on several lines is one cause: one row names every
 * line, and the rows of the variables it leaves unset are not judged until it is fixed.
 */
import { blockingIssues, isHarmless, type EnvIssue } from '../config/env-issues';
import { isVariableName } from '../config/schema';
import { JUDGED_ELSEWHERE } from './offline';
import type { CheckResult, CheckStatus } from './types';

const RANK: Record<CheckStatus, number> = { pass: 0, skip: 1, warn: 2, fail: 3 };
const worse = (a: CheckStatus, b: CheckStatus): CheckStatus => (RANK[a] >= RANK[b] ? a : b);

/** The row a variable's issue belongs on: its own, the row that judges it, or none. */
function rowFor(checks: CheckResult[], variable: string): CheckResult | undefined {
  const own = checks.find((c) => c.title === variable || c.title.startsWith(`${variable} `) || c.id === variable.toLowerCase());
  if (own !== undefined) return own;
  const elsewhere = isVariableName(variable) ? JUDGED_ELSEWHERE[variable] : undefined;
  const judge = elsewhere !== undefined ? /^the (\w+) row/.exec(elsewhere)?.[1] : undefined;
  return judge !== undefined ? checks.find((c) => c.title === judge || c.title.startsWith(`${judge} `)) : undefined;
}

/** Line numbers as a person reads them: 3, 5-9, 12. */
function lineList(lines: readonly number[]): string {
  const ranges: string[] = [];
  for (let i = 0; i < lines.length; i++) {
    let j = i;
    while (j + 1 < lines.length && lines[j + 1] === lines[j]! + 1) j++;
    ranges.push(j - i >= 2 ? `${lines[i]}-${lines[j]}` : lines.slice(i, j + 1).join(', '));
    i = j;
  }
  return ranges.join(', ');
}

/** Several `export ` lines: one row for the cause, naming the lines and the variables they leave unset. */
function exportRow(exported: readonly EnvIssue[], blocking: ReadonlySet<EnvIssue>, source: string): CheckResult {
  const names = exported.map((i) => i.variable!);
  return {
    id: 'env_file.export',
    title: `${source}: export lines`,
    status: exported.some((i) => blocking.has(i)) ? 'fail' : 'warn',
    detail: `${exported.length} lines start with "export " (lines ${lineList(exported.map((i) => i.line))}): twilio-run (npm start, npm run deploy, the deployed service) ignores each of them, so ${names.join(', ')} ${names.length === 1 ? 'is' : 'are'} not set there (shells and other tools do set them).`,
    fix: `Remove "export " from the start of those lines (sed -i 's/^export //' ${source})`,
  };
}

export function applyEnvIssues(checks: readonly CheckResult[], issues: readonly EnvIssue[], source = 'the env file'): CheckResult[] {
  const rows = checks.map((c) => ({ ...c }));
  const blocking = new Set(blockingIssues(issues));
  const exported = issues.filter((i) => i.kind === 'export' && i.variable !== undefined);
  const grouped = exported.length >= 2;
  const extra: CheckResult[] = [];
  const fileLevel: EnvIssue[] = [];
  /** Each row's own verdict, before any issue touched it, and the issues put on it. */
  const touched = new Map<CheckResult, { own: CheckResult; issues: EnvIssue[] }>();
  for (const issue of issues) {
    if (issue.variable === undefined) {
      fileLevel.push(issue);
      continue;
    }
    let row = rowFor(rows, issue.variable);
    if (row === undefined) {
      // A variable with no row is judged by nothing else: its export line, once grouped, is said there.
      if (grouped && issue.kind === 'export') continue;
      row = { id: `env_file.${issue.variable.toLowerCase()}`, title: issue.variable, status: 'pass', detail: '' };
      extra.push(row);
    }
    const entry = touched.get(row) ?? { own: { ...row }, issues: [] };
    entry.issues.push(issue);
    touched.set(row, entry);
  }
  for (const [row, { own, issues: onRow }] of touched) {
    if (grouped && onRow.some((i) => i.kind === 'export')) {
      // Unset by the export lines: what the row says now is their consequence, not news.
      const names = [...new Set(onRow.filter((i) => i.kind === 'export').map((i) => i.variable!))];
      row.status = 'skip';
      row.detail = `Not judged: ${names.join(' and ')} ${names.length === 1 ? 'is' : 'are'} on an export line (see the export lines row), so twilio-run leaves ${names.length === 1 ? 'it' : 'them'} unset.`;
      delete row.fix;
      continue;
    }
    const status = onRow.reduce<CheckStatus>(
      (worst, issue) => worse(worst, blocking.has(issue) ? 'fail' : isHarmless(issue) ? 'pass' : 'warn'),
      'pass',
    );
    row.status = worse(own.status, status);
    // The line is the cause: it comes first. A passing sentence never follows a problem.
    const causes = onRow.map((i) => `${source} line ${i.line}: ${i.message}`);
    row.detail = [...causes, ...(own.status === 'pass' && status !== 'pass' ? [] : [own.detail])].filter((d) => d !== '').join(' ');
    const fixes = [...onRow.filter((i) => !isHarmless(i)).map((i) => i.fix), ...(own.status !== 'pass' && own.fix ? [own.fix] : [])];
    if (fixes.length > 0) row.fix = joinFixes(fixes);
  }
  const config = rows.find((row) => row.id === 'config');
  if (grouped && config?.status === 'fail') config.detail = `As twilio-run reads the file, export lines ignored: ${config.detail}`;
  const result = [...rows, ...extra];
  if (grouped) result.unshift(exportRow(exported, blocking, source));
  if (fileLevel.length > 0) {
    const status = fileLevel.every(isHarmless) ? 'pass' : 'warn';
    const fixes = fileLevel.filter((i) => !isHarmless(i)).map((i) => i.fix);
    result.unshift({
      id: 'env_file',
      title: source,
      status,
      detail: fileLevel.map((i) => i.message).join(' '),
      ...(fixes.length > 0 ? { fix: fixes.join('; ') } : {}),
    });
  }
  return result;
}

/** Fix sentences one after another: `a; b`, without the period that ended `a`. */
const joinFixes = (fixes: readonly string[]): string =>
  [...new Set(fixes)].map((fix, i, all) => (i < all.length - 1 ? fix.replace(/\.$/, '') : fix)).join('; ');

/**
 * The env file's ambiguities (lib/config/env-issues.ts) on the doctor's rows: each on the row of
 * the variable it concerns, so the fix is read where the variable is judged. An ambiguous secret
 * or SID fails (deploy refuses it); other ambiguities warn; lines with no variable get a row of
 * their own.
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

export function applyEnvIssues(checks: readonly CheckResult[], issues: readonly EnvIssue[], source = 'the env file'): CheckResult[] {
  const rows = checks.map((c) => ({ ...c }));
  const blocking = new Set(blockingIssues(issues));
  const extra: CheckResult[] = [];
  const fileLevel: EnvIssue[] = [];
  for (const issue of issues) {
    if (issue.variable === undefined) {
      fileLevel.push(issue);
      continue;
    }
    const status: CheckStatus = blocking.has(issue) ? 'fail' : isHarmless(issue) ? 'pass' : 'warn';
    let row = rowFor(rows, issue.variable);
    if (row === undefined) {
      row = { id: `env_file.${issue.variable.toLowerCase()}`, title: issue.variable, status: 'pass', detail: '' };
      extra.push(row);
    }
    const escalated = RANK[status] > RANK[row.status];
    row.status = worse(row.status, status);
    row.detail = `${row.detail}${row.detail === '' ? '' : ' '}${source} line ${issue.line}: ${issue.message}`;
    if (escalated || row.fix === undefined) row.fix = issue.fix;
    else row.fix = `${row.fix}; ${issue.fix}`;
  }
  if (fileLevel.length > 0) {
    const status = fileLevel.every(isHarmless) ? 'pass' : 'warn';
    const fixes = fileLevel.filter((i) => !isHarmless(i)).map((i) => i.fix);
    rows.unshift({
      id: 'env_file',
      title: source,
      status,
      detail: fileLevel.map((i) => i.message).join(' '),
      ...(fixes.length > 0 ? { fix: fixes.join('; ') } : {}),
    });
  }
  return [...rows, ...extra];
}

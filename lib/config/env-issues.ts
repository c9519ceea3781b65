/**
 * What an env file says ambiguously: lines that twilio-run (dotenv 6.2.0, which reads the file it
 * serves and uploads) and other tools (dotenv 16+, Node's --env-file and util.parseEnv, editors)
 * read differently. The reading itself is cli/lib/env-file.ts; this is the vocabulary the doctor
 * and the deploy gate share. Never a value: a line number, a variable name, what happens.
 */
import { VARIABLES } from './schema';

export type EnvIssueKind =
  | 'bom'
  | 'crlf'
  | 'export'
  | 'inline_comment'
  | 'multiline'
  | 'unterminated_quote'
  | 'backquotes'
  | 'padded_quotes'
  | 'duplicate'
  | 'not_understood'
  | 'parsers_disagree';

export interface EnvIssue {
  kind: EnvIssueKind;
  /** 1-based line of the file. */
  line: number;
  /** The variable the line sets (undefined for the file as a whole or a line with no name). */
  variable?: string;
  /** What twilio-run does with it, and what other tools do. */
  message: string;
  fix: string;
}

/** Kinds that leave the file readable the same way by every tool: worth a note, never a refusal. */
const HARMLESS: ReadonlySet<EnvIssueKind> = new Set(['crlf']);

/** Variables whose ambiguity deploy refuses: a wrong secret or SID fails every token (20107, 20103...). */
export function isCredentialVariable(name: string): boolean {
  const spec = VARIABLES.find((v) => v.name === name);
  return spec !== undefined && (spec.kind === 'secret' || spec.kind === 'sid');
}

/** The issues that make deploy refuse: an ambiguous secret or SID (its value, or whether it is set at all). */
export function blockingIssues(issues: readonly EnvIssue[]): EnvIssue[] {
  return issues.filter(
    (issue) => !HARMLESS.has(issue.kind) && issue.kind !== 'bom' && issue.variable !== undefined && isCredentialVariable(issue.variable),
  );
}

export const isHarmless = (issue: EnvIssue): boolean => HARMLESS.has(issue.kind);

/**
 * The config doctor's vocabulary: every check is a pure function of the configuration
 * variables (plus, online, the Twilio API's answers) returning plain JSON-serialisable rows.
 */

export type CheckStatus = 'pass' | 'warn' | 'fail' | 'skip';

export interface CheckResult {
  /** Stable snake_case id to switch on (`api_secret`, `online.twiml_app`, `selftest.voice`). */
  id: string;
  /** What is checked, for the checklist: usually the variable's name. */
  title: string;
  status: CheckStatus;
  /** What was found, in one or two sentences; names variables and shapes, never a secret's value. */
  detail: string;
  /** What to do, with the right shape (`API_KEY=SKxxxxxxxx...`); present on fail and warn, and on skip when there is something to do. */
  fix?: string;
}

/** The configuration as read from an env file: every value a string (dotenv has no other type). */
export type DoctorVars = Readonly<Record<string, string | undefined>>;

export interface DoctorSummary {
  pass: number;
  warn: number;
  fail: number;
  skip: number;
}

export interface DoctorReport {
  /** No check failed (warnings and skips do not fail). */
  ok: boolean;
  /** Where the variables came from (a file name), when known. */
  source?: string;
  online: boolean;
  /** Offline only: what could not be checked without asking Twilio (`--online` does). */
  notCheckedOffline?: string[];
  /** Set when the online checks asked a stand-in of the REST API instead of Twilio (tests). */
  apiBaseUrl?: string;
  summary: DoctorSummary;
  checks: CheckResult[];
}

export function summarize(checks: readonly CheckResult[]): DoctorSummary {
  const summary: DoctorSummary = { pass: 0, warn: 0, fail: 0, skip: 0 };
  for (const check of checks) summary[check.status] += 1;
  return summary;
}

/**
 * The config doctor: configuration -> checks -> report (printing is lib/doctor/print). Catches
 * the configuration mistakes behind "invalid access token" before a user meets them.
 */
import type { EnvIssue } from '../config/env-issues';
import { applyEnvIssues } from './env-file';
import { runOfflineChecks } from './offline';
import { runOnlineChecks, type OnlineOptions } from './online/checks';
import { summarize, type DoctorReport, type DoctorVars } from './types';

export * from './types';
export { runOfflineChecks, variableChecks } from './offline';
export { runOnlineChecks, type OnlineOptions } from './online/checks';

export interface DoctorOptions {
  /** Also ask the Twilio REST API (needs the network). */
  online?: boolean;
  onlineOptions?: OnlineOptions;
  /** Where the variables came from, for the report. */
  source?: string;
  /** What in the env file other tools read differently (cli/lib/env-file.ts finds them). */
  envIssues?: readonly EnvIssue[];
}

/** What only the Twilio API can tell, named in an offline report. */
export const NOT_CHECKED_OFFLINE = [
  'that API_KEY belongs to ACCOUNT_SID and API_SECRET is its secret (a wrong pair fails every token with 20107 or 20103)',
  'that the key is live, not a test credential, and not revoked',
  'that the TwiML App, push credential and services exist in that account',
];

/** The offline rows the online checks depend on: no point asking Twilio about a placeholder. */
const CREDENTIAL_ROWS = ['account_sid', 'api_key', 'api_secret', 'demo_config'];

export async function runDoctor(vars: DoctorVars, opts: DoctorOptions = {}): Promise<DoctorReport> {
  const offline = await runOfflineChecks(vars);
  const checks = opts.envIssues !== undefined ? applyEnvIssues(offline, opts.envIssues, opts.source) : offline;
  if (opts.online === true) {
    const usable = checks.filter((c) => CREDENTIAL_ROWS.includes(c.id)).every((c) => c.status !== 'fail');
    checks.push(...(await runOnlineChecks(vars, usable, opts.onlineOptions)));
  }
  const summary = summarize(checks);
  return {
    ok: summary.fail === 0,
    ...(opts.source !== undefined ? { source: opts.source } : {}),
    online: opts.online === true,
    ...(opts.online === true ? {} : { notCheckedOffline: [...NOT_CHECKED_OFFLINE] }),
    ...(opts.online === true && opts.onlineOptions?.apiBaseUrl !== undefined ? { apiBaseUrl: opts.onlineOptions.apiBaseUrl } : {}),
    summary,
    checks,
  };
}

/**
 * The offline checks: one row per configuration variable, in the order lib/config/schema
 * declares them (so each mistake lands on the variable to fix), then lib/config's verdict on
 * the whole, then the mint-and-inspect self-test. No network.
 */
import { VARIABLES, type VariableName } from '../config/schema';
import { GRANT_NAMES, productOf } from '../products';
import { checkAccountSid, checkApiKey, checkApiSecret, checkDemoConfig, checkPreviousKey } from './checks/credentials';
import { checkConfigLoads, loadServiceConfig, runSelfTest } from './checks/selftest';
import { checkAllowedOrigins, checkAuthMode, checkMaxTtl, checkRegion, checkTtl } from './checks/settings';
import type { CheckResult, DoctorVars } from './types';

type VariableCheck = (vars: DoctorVars) => CheckResult[];

/** The rows each variable gets: the service's own, and each product's (its module's doctorRows). */
const ROWS: Readonly<Partial<Record<VariableName, VariableCheck>>> = {
  ACCOUNT_SID: (vars) => [checkAccountSid(vars)],
  API_KEY: (vars) => [checkApiKey(vars)],
  // The demo row follows the credentials it is about.
  API_SECRET: (vars) => [checkApiSecret(vars), checkDemoConfig(vars)],
  API_KEY_PREVIOUS: (vars) => checkPreviousKey(vars),
  TWILIO_REGION: (vars) => [checkRegion(vars)],
  ALLOWED_ORIGINS: (vars) => [checkAllowedOrigins(vars)],
  TOKEN_TTL: (vars) => [checkTtl(vars)],
  TOKEN_MAX_TTL: (vars) => [checkMaxTtl(vars)],
  // lib/config reads the AUTH_* variables together, and so does their row.
  AUTH_MODE: (vars) => [checkAuthMode(vars)],
  ...(Object.assign({}, ...GRANT_NAMES.map((grant) => productOf(grant).doctorRows)) as Partial<Record<VariableName, VariableCheck>>),
};

/** Variables without a row of their own, and where they are judged. */
export const JUDGED_ELSEWHERE: Readonly<Partial<Record<VariableName, string>>> = {
  APP_PASSCODE: 'the AUTH_MODE row',
  AUTH_JWT_SECRET: 'the AUTH_MODE row',
  AUTH_JWKS_URL: 'the AUTH_MODE row',
  AUTH_ISSUER: 'the AUTH_MODE row',
  AUTH_AUDIENCE: 'the AUTH_MODE row',
  AUTH_CLOCK_TOLERANCE: 'the AUTH_MODE row',
  AUTH_MAX_TOKEN_AGE: 'the AUTH_MODE row',
  AUTH_IDENTITY_CLAIM: 'the AUTH_MODE row',
  DOMAIN_NAME: 'the AUTH_MODE row (local or deployed)',
  API_SECRET_PREVIOUS: 'the API_KEY_PREVIOUS row',
  API_KEY_ROTATED_AT: 'the API_KEY_PREVIOUS row',
  AUTH_TOKEN: 'the API_SECRET row (an Auth Token pasted as the secret) and the online checks',
};

/** The per-variable rows: synchronous, pure functions of the variables. */
export function variableChecks(vars: DoctorVars): CheckResult[] {
  return VARIABLES.flatMap((spec) => ROWS[spec.name]?.(vars) ?? []);
}

/** Every declared variable has a row or is judged in another (a test holds the schema to it). */
export const unjudgedVariables = (): VariableName[] =>
  VARIABLES.map((spec) => spec.name).filter((name) => ROWS[name] === undefined && JUDGED_ELSEWHERE[name] === undefined);

export async function runOfflineChecks(vars: DoctorVars): Promise<CheckResult[]> {
  const outcome = loadServiceConfig(vars);
  return [...variableChecks(vars), checkConfigLoads(outcome), ...(await runSelfTest(outcome))];
}

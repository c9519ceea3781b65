/**
 * The offline checks: one row per variable (so each mistake lands on the variable to fix),
 * then lib/config's verdict on the whole, then the mint-and-inspect self-test. No network.
 */
import { checkAccountSid, checkApiKey, checkApiSecret, checkDemoConfig } from './checks/credentials';
import { checkChatServiceSid, checkOutgoingSid, checkPushCredentialSid, checkServiceSid, checkSyncServiceSid } from './checks/grants';
import { checkConfigLoads, loadServiceConfig, runSelfTest } from './checks/selftest';
import { checkAllowedOrigins, checkAuthMode, checkRegion, checkTtls } from './checks/settings';
import type { CheckResult, DoctorVars } from './types';

/** The per-variable checks: synchronous, pure functions of the variables. */
export function variableChecks(vars: DoctorVars): CheckResult[] {
  return [
    checkAccountSid(vars),
    checkApiKey(vars),
    checkApiSecret(vars),
    checkDemoConfig(vars),
    checkOutgoingSid(vars),
    checkChatServiceSid(vars),
    checkServiceSid(vars),
    checkSyncServiceSid(vars),
    checkPushCredentialSid(vars),
    checkRegion(vars),
    checkAllowedOrigins(vars),
    ...checkTtls(vars),
    checkAuthMode(vars),
  ];
}

export async function runOfflineChecks(vars: DoctorVars): Promise<CheckResult[]> {
  const outcome = loadServiceConfig(vars);
  return [...variableChecks(vars), checkConfigLoads(outcome), ...(await runSelfTest(outcome))];
}

/**
 * The whole-configuration check (lib/config's loadConfig, the parser the functions use) and the
 * self-test: mint one token per configured grant with lib/token, exactly as /token would, and
 * run it through the inspector engine with this configuration's expectations.
 */
import { isProductConfigured, loadConfig, type ServiceConfig } from '../../config/service';
import { ServiceError } from '../../errors';
import { expectationsFromConfig, inspectToken, type Finding } from '../../inspect';
import { GRANT_NAMES, productOf, type GrantName } from '../../products';
import { mintToken } from '../../token/mint';
import { parseTokenRequest } from '../../token/request';
import type { CheckResult, DoctorVars } from '../types';
import { row } from '../vars';

export type ConfigOutcome = { ok: true; config: ServiceConfig } | { ok: false; error: ServiceError };

export function loadServiceConfig(vars: DoctorVars): ConfigOutcome {
  try {
    return { ok: true, config: loadConfig(vars) };
  } catch (error) {
    if (error instanceof ServiceError) return { ok: false, error };
    throw error;
  }
}

export function checkConfigLoads(outcome: ConfigOutcome): CheckResult {
  const title = 'Whole configuration (lib/config)';
  if (outcome.ok) return row('config', title, 'pass', 'loadConfig accepts it: the functions will start with it.');
  const variables = (outcome.error.field ?? '').split(',').filter((v) => v !== '');
  return row('config', title, 'fail', outcome.error.logDetail ?? outcome.error.message, `fix ${variables.join(', ')} (see the rows above)`);
}

/** A name valid for every product (Voice allows only [A-Za-z0-9_]). */
export const SELF_TEST_IDENTITY = 'doctor_self_test';

const describeFinding = (f: Finding): string => `${f.code} ${f.field}: ${f.message}`;

/** Injectable for tests only: a mint that signs wrongly proves the self-test can fail. */
export interface SelfTestDeps {
  mint?: typeof mintToken;
}

async function selfTestGrant(grant: GrantName, config: ServiceConfig, mint: typeof mintToken): Promise<CheckResult> {
  const id = `selftest.${grant}`;
  const title = `Self-test: ${productOf(grant).shortTitle} token`;
  let token: string;
  try {
    const event = { identity: SELF_TEST_IDENTITY, grants: grant, ...productOf(grant).selfTestParams };
    ({ token } = mint(parseTokenRequest(event, config), config));
  } catch (error) {
    if (!(error instanceof ServiceError)) throw error;
    return row(id, title, 'fail', `Minting failed: ${error.message}`, `fix ${error.field ?? 'the configuration'}`);
  }
  const report = await inspectToken(token, { expect: expectationsFromConfig(config) });
  const errors = report.findings.filter((f) => f.severity === 'error');
  const warnings = report.findings.filter((f) => f.severity === 'warning');
  if (errors.length > 0) {
    return row(
      id,
      title,
      'fail',
      `The inspector rejects the token this configuration mints: ${errors.map(describeFinding).join('; ')}.`,
      errors[0]?.hint,
    );
  }
  if (warnings.length > 0) {
    return row(
      id,
      title,
      'warn',
      `The inspector accepts the token with warnings: ${warnings.map(describeFinding).join('; ')}.`,
      warnings[0]?.hint,
    );
  }
  return row(
    id,
    title,
    'pass',
    `Minted a ${grant} token; the inspector finds it valid (signature ${report.signature}, ${report.times.summary}).`,
  );
}

/** One row per product: minted and inspected when configured, skipped when not. */
export async function runSelfTest(outcome: ConfigOutcome, deps: SelfTestDeps = {}): Promise<CheckResult[]> {
  if (!outcome.ok) {
    return [
      row(
        'selftest',
        'Self-test: mint and inspect',
        'skip',
        'Not run: the configuration does not load (see the config row).',
        'fix the failures above, then run npm run doctor again',
      ),
    ];
  }
  const config = outcome.config;
  const rows: CheckResult[] = [];
  for (const grant of GRANT_NAMES) {
    if (isProductConfigured(grant, config)) rows.push(await selfTestGrant(grant, config, deps.mint ?? mintToken));
    else
      rows.push(
        row(
          `selftest.${grant}`,
          `Self-test: ${productOf(grant).shortTitle} token`,
          'skip',
          `${productOf(grant).title} is not configured (${productOf(grant).requires?.variable ?? 'see its row'}).`,
        ),
      );
  }
  return rows;
}

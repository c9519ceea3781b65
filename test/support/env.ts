/** Configurations for tests: the tracked demo .env and a realistic-looking one. */
import { VARIABLES } from '../../lib/config/schema';

/**
 * Shared secrets as an operator should pick them (random, from openssl rand): they clear the
 * doctor's strength floors (80 bits for a passcode, 128 for an HMAC key), not just the functions'
 * trivial-weakness check.
 */
export const STRONG_PASSCODE = 'VvrhovVnpSgbWL21zghi1isyDGfgYykT';
export const STRONG_JWT_SECRET = 'KKy_ZdK_3khhdRhg4ih9Vj1sGOjMHHKDAyqIJaw43OCMH6PejafhY1E5MFCgOW9D';

// Mixed case like a real API key secret (an all-lowercase hex one looks like an Auth Token to the doctor).
export const TEST_SECRET = 'f3B2c1D0e9F8a7B6c5D4e3F2a1B0c9D8';

/** SID-shaped, non-demo values: what a real deployment's context looks like. */
export const REAL_LOOKING = {
  ACCOUNT_SID: 'AC' + 'a1'.repeat(16),
  API_KEY: 'SK' + 'b2'.repeat(16),
  API_SECRET: TEST_SECRET,
  OUTGOING_SID: 'AP' + 'c3'.repeat(16),
  CHAT_SERVICE_SID: 'IS' + 'd4'.repeat(16),
  SYNC_SERVICE_SID: 'IS' + 'e5'.repeat(16),
  PUSH_CREDENTIAL_SID: 'CR' + 'f6'.repeat(16),
  TASKROUTER_WORKSPACE_SID: 'WS' + 'a7'.repeat(16),
} as const;

/** A TaskRouter Worker SID: workers are not configured, they come with the request or the sign-in token. */
export const WORKER_SID = 'WK' + 'b8'.repeat(16);

/** The tracked demo .env's values (npm run docs writes it from the schema's `demo` values). */
const DEMO_VALUES = Object.fromEntries(VARIABLES.flatMap((spec) => (spec.demo !== undefined ? [[spec.name, spec.demo]] : [])));

export function demoVars(extra: Record<string, string | undefined> = {}): Record<string, string | undefined> {
  return { ...DEMO_VALUES, ...extra };
}

export function realVars(extra: Record<string, string | undefined> = {}): Record<string, string | undefined> {
  return { ...REAL_LOOKING, DOMAIN_NAME: 'token-service-1234-dev.twil.io', AUTH_MODE: 'none', ...extra };
}

/** Configurations for tests: the tracked demo .env and a realistic-looking one. */
import { DEMO_CONFIG } from '../../lib/demo';

export const TEST_SECRET = 'f3b2c1d0e9f8a7b6c5d4e3f2a1b0c9d8';

/** SID-shaped, non-demo values: what a real deployment's context looks like. */
export const REAL_LOOKING = {
  ACCOUNT_SID: 'AC' + 'a1'.repeat(16),
  API_KEY: 'SK' + 'b2'.repeat(16),
  API_SECRET: TEST_SECRET,
  OUTGOING_SID: 'AP' + 'c3'.repeat(16),
  CHAT_SERVICE_SID: 'IS' + 'd4'.repeat(16),
  SYNC_SERVICE_SID: 'IS' + 'e5'.repeat(16),
  PUSH_CREDENTIAL_SID: 'CR' + 'f6'.repeat(16),
} as const;

export function demoVars(extra: Record<string, string | undefined> = {}): Record<string, string | undefined> {
  return { ...DEMO_CONFIG, SYNC_SERVICE_SID: 'default', TOKEN_TTL: '3600', TOKEN_MAX_TTL: '86400', ...extra };
}

export function realVars(extra: Record<string, string | undefined> = {}): Record<string, string | undefined> {
  return { ...REAL_LOOKING, DOMAIN_NAME: 'token-service-1234-dev.twil.io', AUTH_MODE: 'none', ...extra };
}

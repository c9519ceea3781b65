/**
 * The doctor's offline checks, table-driven: one row per configuration mistake, asserting
 * exactly which checks change status against a known-good configuration, and to what.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { parseEnv } from 'node:util';
import { estimatedBits } from '../../lib/doctor/checks/strength';
import { runDoctor, type CheckResult, type CheckStatus, type DoctorReport } from '../../lib/doctor';
import { loadServiceConfig, runSelfTest } from '../../lib/doctor/checks/selftest';
import { DEMO_CONFIG } from '../../lib/demo';
import { mintToken } from '../../lib/token/mint';
import { REAL_LOOKING, STRONG_JWT_SECRET, STRONG_PASSCODE } from '../support/env';

const root = path.resolve(__dirname, '../..');

/** Mixed-case letters and digits, like a real API key secret. */
const GOOD_SECRET = 'Zq3xR8mN2vB6tY1uK4wE7pL0sD9fG5hJ';
const AUTH_TOKEN = '0123abcd4567ef890123abcd4567ef89';

const GOOD: Record<string, string> = {
  ...REAL_LOOKING,
  API_SECRET: GOOD_SECRET,
  AUTH_TOKEN,
  TWILIO_REGION: 'us1',
  ALLOWED_ORIGINS: 'https://app.owlbank.io,http://localhost:5173',
  TOKEN_TTL: '3600',
  TOKEN_MAX_TTL: '14400',
  AUTH_MODE: 'passcode',
  APP_PASSCODE: STRONG_PASSCODE,
};

const statuses = (report: DoctorReport): Record<string, CheckStatus> => Object.fromEntries(report.checks.map((c) => [c.id, c.status]));

let baseline: Record<string, CheckStatus>;
beforeAll(async () => {
  baseline = statuses(await runDoctor(GOOD));
});

/** The rows whose status differs from the good configuration's (a failing config collapses the self-test into one skipped row). */
function changes(report: DoctorReport): Record<string, CheckStatus> {
  const changed: Record<string, CheckStatus> = {};
  for (const check of report.checks) if (baseline[check.id] !== check.status) changed[check.id] = check.status;
  return changed;
}

const withVars = (overrides: Record<string, string | undefined>): Record<string, string | undefined> => {
  const vars: Record<string, string | undefined> = { ...GOOD };
  for (const [key, value] of Object.entries(overrides)) {
    if (value === undefined) delete vars[key];
    else vars[key] = value;
  }
  return vars;
};

/** lib/config refuses it too: the whole-config row fails and the self-test does not run. */
const REFUSED = { config: 'fail', selftest: 'skip' } as const;

test('the good configuration passes every check, the self-test included', () => {
  expect(Object.values(baseline).every((s) => s === 'pass')).toBe(true);
  expect(Object.keys(baseline)).toEqual([
    'account_sid',
    'api_key',
    'api_secret',
    'demo_config',
    'outgoing_sid',
    'chat_service_sid',
    'service_sid',
    'sync_service_sid',
    'push_credential_sid',
    'taskrouter_workspace_sid',
    'twilio_region',
    'video_room_type',
    'allowed_origins',
    'token_ttl',
    'token_max_ttl',
    'auth_mode',
    'config',
    'selftest.voice',
    'selftest.video',
    'selftest.chat',
    'selftest.sync',
    'selftest.taskrouter',
  ]);
});

const SELF_TEST_FAILS = {
  'selftest.voice': 'fail',
  'selftest.video': 'fail',
  'selftest.chat': 'fail',
  'selftest.sync': 'fail',
  'selftest.taskrouter': 'fail',
} as const;

const SID = (prefix: string, hex: string) => prefix + hex.repeat(32 / hex.length);

test.each<[string, Record<string, string | undefined>, Record<string, CheckStatus>]>([
  // Account, key and secret: every token carries them.
  ['ACCOUNT_SID missing', { ACCOUNT_SID: undefined }, { account_sid: 'fail', ...REFUSED }],
  ['ACCOUNT_SID holds the API key SID', { ACCOUNT_SID: REAL_LOOKING.API_KEY }, { account_sid: 'fail', ...REFUSED }],
  ['ACCOUNT_SID one digit short', { ACCOUNT_SID: REAL_LOOKING.ACCOUNT_SID.slice(0, -1) }, { account_sid: 'fail', ...REFUSED }],
  ["ACCOUNT_SID left as .env.example's ACxxxx...", { ACCOUNT_SID: 'AC' + 'x'.repeat(32) }, { account_sid: 'fail', ...REFUSED }],
  // A demo SID mints tokens the inspector (and Twilio) reject: the self-test fails too (issue 12).
  [
    "ACCOUNT_SID the demo's all-zero SID",
    { ACCOUNT_SID: DEMO_CONFIG.ACCOUNT_SID },
    { account_sid: 'fail', demo_config: 'fail', ...SELF_TEST_FAILS },
  ],
  ["ACCOUNT_SID the API docs' ACaaaa... example", { ACCOUNT_SID: SID('AC', 'a') }, { account_sid: 'fail' }],
  ['ACCOUNT_SID is the test Account SID', { TEST_ACCOUNT_SID: REAL_LOOKING.ACCOUNT_SID }, { account_sid: 'warn' }],
  ['API_KEY missing', { API_KEY: undefined }, { api_key: 'fail', ...REFUSED }],
  ['API_KEY holds the Account SID', { API_KEY: REAL_LOOKING.ACCOUNT_SID }, { api_key: 'fail', ...REFUSED }],
  ['API_KEY left as SKxxxx...', { API_KEY: 'SK' + 'x'.repeat(32) }, { api_key: 'fail', ...REFUSED }],
  ["API_KEY the demo's all-zero SID", { API_KEY: DEMO_CONFIG.API_KEY }, { api_key: 'fail', demo_config: 'fail', ...SELF_TEST_FAILS }],
  ['API_SECRET missing', { API_SECRET: undefined }, { api_secret: 'fail', ...REFUSED }],
  ['API_SECRET the demo secret', { API_SECRET: DEMO_CONFIG.API_SECRET }, { api_secret: 'fail', demo_config: 'fail' }],
  ['API_SECRET is really the Auth Token (20107)', { API_SECRET: AUTH_TOKEN }, { api_secret: 'fail' }],
  ['API_SECRET is the test Auth Token', { TEST_AUTH_TOKEN: GOOD_SECRET }, { api_secret: 'fail' }],
  // The self-test catches it too: the inspector finds the "secret" in every token (as iss).
  ['API_SECRET holds the key SID', { API_SECRET: REAL_LOOKING.API_KEY }, { api_secret: 'fail', ...SELF_TEST_FAILS }],
  ['API_SECRET one character short', { API_SECRET: GOOD_SECRET.slice(1) }, { api_secret: 'fail' }],
  ['API_SECRET with a space pasted in', { API_SECRET: `${GOOD_SECRET.slice(0, 16)} ${GOOD_SECRET.slice(16)}` }, { api_secret: 'fail' }],
  ['API_SECRET a placeholder', { API_SECRET: 'your_api_secret' }, { api_secret: 'fail' }],
  ['API_SECRET shaped like an Auth Token', { API_SECRET: 'f3b2c1d0e9f8a7b6c5d4e3f2a1b0c9d8' }, { api_secret: 'warn' }],
  // Grants.
  [
    'OUTGOING_SID missing while PUSH_CREDENTIAL_SID says voice',
    { OUTGOING_SID: undefined },
    { outgoing_sid: 'fail', 'selftest.voice': 'skip' },
  ],
  [
    'voice not configured at all',
    { OUTGOING_SID: undefined, PUSH_CREDENTIAL_SID: undefined },
    // The page and the tutorial lead with Voice: a warning, not a silent skip.
    { outgoing_sid: 'warn', 'selftest.voice': 'skip' },
  ],
  ['OUTGOING_SID holds a service SID', { OUTGOING_SID: REAL_LOOKING.CHAT_SERVICE_SID }, { outgoing_sid: 'fail', ...REFUSED }],
  ["OUTGOING_SID the demo's all-zero SID", { OUTGOING_SID: DEMO_CONFIG.OUTGOING_SID }, { outgoing_sid: 'fail' }],
  ["CHAT_SERVICE_SID is the runtime's ZS... SID", { CHAT_SERVICE_SID: SID('ZS', 'ab') }, { chat_service_sid: 'fail', ...REFUSED }],
  ["CHAT_SERVICE_SID the demo's all-zero SID", { CHAT_SERVICE_SID: DEMO_CONFIG.CHAT_SERVICE_SID }, { chat_service_sid: 'fail' }],
  ['chat not configured', { CHAT_SERVICE_SID: undefined }, { chat_service_sid: 'skip', 'selftest.chat': 'skip' }],
  [
    'chat through the legacy SERVICE_SID',
    { CHAT_SERVICE_SID: undefined, SERVICE_SID: REAL_LOOKING.CHAT_SERVICE_SID },
    { service_sid: 'warn' },
  ],
  [
    "SERVICE_SID is the runtime's ZS... SID and nothing else names chat",
    { CHAT_SERVICE_SID: undefined, SERVICE_SID: SID('ZS', 'ab') },
    { chat_service_sid: 'skip', service_sid: 'warn', 'selftest.chat': 'skip' },
  ],
  ['SERVICE_SID and CHAT_SERVICE_SID collide', { SERVICE_SID: SID('IS', '9f') }, { service_sid: 'warn' }],
  ['SERVICE_SID ZS... next to CHAT_SERVICE_SID is fine', { SERVICE_SID: SID('ZS', 'ab') }, {}],
  [
    'SERVICE_SID holds a TwiML App SID',
    { CHAT_SERVICE_SID: undefined, SERVICE_SID: REAL_LOOKING.OUTGOING_SID },
    { chat_service_sid: 'skip', service_sid: 'fail', ...REFUSED },
  ],
  ['SYNC_SERVICE_SID is a ZS... SID', { SYNC_SERVICE_SID: SID('ZS', 'ab') }, { sync_service_sid: 'fail', ...REFUSED }],
  ['SYNC_SERVICE_SID is the chat service', { SYNC_SERVICE_SID: REAL_LOOKING.CHAT_SERVICE_SID }, { sync_service_sid: 'warn' }],
  ['SYNC_SERVICE_SID default is fine', { SYNC_SERVICE_SID: 'default' }, {}],
  [
    'PUSH_CREDENTIAL_SID holds a TwiML App SID',
    { PUSH_CREDENTIAL_SID: REAL_LOOKING.OUTGOING_SID },
    { push_credential_sid: 'fail', ...REFUSED },
  ],
  // Region, origins, lifetimes.
  ['TWILIO_REGION unknown', { TWILIO_REGION: 'eu1' }, { twilio_region: 'fail', ...REFUSED }],
  [
    'TWILIO_REGION in capitals is read (and warned about as ie1: Video needs US1 keys)',
    { TWILIO_REGION: 'IE1' },
    { twilio_region: 'warn' },
  ],
  ['TWILIO_REGION us1 is plain', { TWILIO_REGION: 'us1' }, {}],
  ['TWILIO_REGION au1: one key signs every grant, and Video refuses non-US1 keys', { TWILIO_REGION: 'au1' }, { twilio_region: 'warn' }],
  ['VIDEO_ROOM_TYPE unknown', { VIDEO_ROOM_TYPE: 'large' }, { video_room_type: 'fail', ...REFUSED }],
  ['VIDEO_ROOM_TYPE go', { VIDEO_ROOM_TYPE: 'go' }, {}],
  ['ALLOWED_ORIGINS entry with a trailing slash', { ALLOWED_ORIGINS: 'https://app.example.com/' }, { allowed_origins: 'fail', ...REFUSED }],
  ['ALLOWED_ORIGINS entry with a path', { ALLOWED_ORIGINS: 'https://app.example.com/chat' }, { allowed_origins: 'fail', ...REFUSED }],
  ['ALLOWED_ORIGINS entry without a scheme', { ALLOWED_ORIGINS: 'app.example.com' }, { allowed_origins: 'fail', ...REFUSED }],
  [
    'ALLOWED_ORIGINS with a secret pasted in',
    { ALLOWED_ORIGINS: `https://app.example.com,${GOOD_SECRET}` },
    { allowed_origins: 'fail', ...REFUSED },
  ],
  ['ALLOWED_ORIGINS *', { ALLOWED_ORIGINS: '*' }, { allowed_origins: 'warn' }],
  ['ALLOWED_ORIGINS plain http outside localhost', { ALLOWED_ORIGINS: 'http://app.owlbank.io' }, { allowed_origins: 'warn' }],
  ['ALLOWED_ORIGINS left at the placeholder of .env.example', { ALLOWED_ORIGINS: 'https://app.example.com' }, { allowed_origins: 'warn' }],
  ['ALLOWED_ORIGINS on a .example name', { ALLOWED_ORIGINS: 'https://shop.example' }, { allowed_origins: 'warn' }],
  ['TOKEN_MAX_TTL over 24 h (20157)', { TOKEN_MAX_TTL: '90000' }, { token_max_ttl: 'fail', ...REFUSED }],
  ['TOKEN_TTL above TOKEN_MAX_TTL', { TOKEN_TTL: '7200', TOKEN_MAX_TTL: '3600' }, { token_ttl: 'fail', ...REFUSED }],
  ['TOKEN_TTL not a number', { TOKEN_TTL: '1h' }, { token_ttl: 'fail', ...REFUSED }],
  ['TOKEN_TTL zero', { TOKEN_TTL: '0' }, { token_ttl: 'fail', ...REFUSED }],
  // Caller authentication, through lib/auth's own parser.
  ['AUTH_MODE missing on what will be deployed', { AUTH_MODE: undefined, APP_PASSCODE: undefined }, { auth_mode: 'fail' }],
  ['AUTH_MODE none', { AUTH_MODE: 'none', APP_PASSCODE: undefined }, { auth_mode: 'warn' }],
  ['AUTH_MODE none for a local DOMAIN_NAME', { AUTH_MODE: 'none', APP_PASSCODE: undefined, DOMAIN_NAME: 'localhost:3000' }, {}],
  ['AUTH_MODE unknown', { AUTH_MODE: 'oauth' }, { auth_mode: 'fail' }],
  ['APP_PASSCODE without AUTH_MODE', { AUTH_MODE: undefined }, { auth_mode: 'fail' }],
  ['APP_PASSCODE too short', { APP_PASSCODE: 'hunter2' }, { auth_mode: 'fail' }],
  ['AUTH_MODE jwt without a key', { AUTH_MODE: 'jwt', APP_PASSCODE: undefined }, { auth_mode: 'fail' }],
  [
    'AUTH_MODE jwt with a JWKS and no issuer/audience',
    { AUTH_MODE: 'jwt', APP_PASSCODE: undefined, AUTH_JWKS_URL: 'https://id.example.com/.well-known/jwks.json' },
    { auth_mode: 'fail' },
  ],
  ['AUTH_MODE jwt with a strong secret is fine', { AUTH_MODE: 'jwt', APP_PASSCODE: undefined, AUTH_JWT_SECRET: STRONG_JWT_SECRET }, {}],
  // Issue 11: secrets judged by zxcvbn-ts against floors (80 bits for a passcode, 128 for an HMAC key).
  ['APP_PASSCODE of one repeated character', { APP_PASSCODE: 'a'.repeat(16) }, { auth_mode: 'fail' }],
  ['APP_PASSCODE of dictionary words (about 65 bits)', { APP_PASSCODE: 'correct-horse-battery-staple' }, { auth_mode: 'fail' }],
  [
    'AUTH_JWT_SECRET of 32 repeated characters',
    { AUTH_MODE: 'jwt', APP_PASSCODE: undefined, AUTH_JWT_SECRET: 'a'.repeat(32) },
    { auth_mode: 'fail' },
  ],
  [
    'AUTH_JWT_SECRET guessable offline (about 80 bits)',
    { AUTH_MODE: 'jwt', APP_PASSCODE: undefined, AUTH_JWT_SECRET: 'app-backend-jwt-secret-0123456789abcdef' },
    { auth_mode: 'fail' },
  ],
  [
    'AUTH_JWT_SECRET equal to API_SECRET (minted tokens would pass as sign-in tokens)',
    { AUTH_MODE: 'jwt', APP_PASSCODE: undefined, AUTH_JWT_SECRET: GOOD_SECRET },
    { auth_mode: 'fail' },
  ],
])('%s', async (_name, overrides, expected) => {
  const report = await runDoctor(withVars(overrides));
  expect(changes(report)).toEqual(expected);
  expect(report.ok).toBe(!Object.values(expected).includes('fail'));
  for (const check of report.checks) {
    if (check.status === 'fail' || check.status === 'warn') expect(check.fix).toEqual(expect.any(String));
  }
});

function rowOf(report: DoctorReport, id: string): CheckResult {
  const found = report.checks.find((c) => c.id === id);
  if (found === undefined) throw new Error(`no ${id} row`);
  return found;
}

describe('the files the project ships', () => {
  test('the tracked demo .env fails (npm run deploy relies on it)', async () => {
    const vars = parseEnv(readFileSync(path.join(root, '.env'), 'utf8')) as Record<string, string>;
    const report = await runDoctor(vars);
    expect(report.ok).toBe(false);
    expect(report.checks.filter((c) => c.status === 'fail').map((c) => c.id)).toEqual(
      expect.arrayContaining(['account_sid', 'api_key', 'api_secret', 'demo_config']),
    );
  });

  test('.env.example copied without filling it in fails on every placeholder', async () => {
    const vars = parseEnv(readFileSync(path.join(root, '.env.example'), 'utf8')) as Record<string, string>;
    const report = await runDoctor(vars);
    const failed = report.checks.filter((c) => c.status === 'fail').map((c) => c.id);
    expect(failed).toEqual(
      expect.arrayContaining(['account_sid', 'api_key', 'api_secret', 'outgoing_sid', 'chat_service_sid', 'auth_mode', 'config']),
    );
  });

  test('the configuration test/deploy.test.ts deploys passes every check', async () => {
    const report = await runDoctor({ ...REAL_LOOKING, AUTH_MODE: 'passcode', APP_PASSCODE: STRONG_PASSCODE });
    expect(report.ok).toBe(true);
    expect(report.checks.filter((c) => c.status !== 'pass').map((c) => `${c.id} ${c.status}`)).toEqual([]);
  });
});

describe('secret strength (issue 11)', () => {
  test('a guessable secret fails with the estimate, and the fix holds a fresh random example that clears the floor', async () => {
    const first = rowOf(await runDoctor(withVars({ APP_PASSCODE: 'correct-horse-battery-staple' })), 'auth_mode');
    expect(first.detail).toMatch(/^APP_PASSCODE is too easy to guess: about \d+ bits of work by zxcvbn's estimate, where 80 are needed/);
    expect(first.detail).not.toContain('correct-horse');
    const example = /^APP_PASSCODE=([A-Za-z0-9_-]+) /.exec(first.fix ?? '')?.[1];
    expect(example).toHaveLength(32);
    expect(estimatedBits(example!)).toBeGreaterThanOrEqual(80);
    const second = rowOf(await runDoctor(withVars({ APP_PASSCODE: 'correct-horse-battery-staple' })), 'auth_mode');
    expect(second.fix).not.toBe(first.fix);
  });

  test('AUTH_JWT_SECRET equal to API_SECRET is named for what it is', async () => {
    const row = rowOf(await runDoctor(withVars({ AUTH_MODE: 'jwt', APP_PASSCODE: undefined, AUTH_JWT_SECRET: GOOD_SECRET })), 'auth_mode');
    expect(row.detail).toMatch(
      /AUTH_JWT_SECRET equals API_SECRET, so every Access Token this service mints would be accepted as a sign-in token/,
    );
  });

  test('the functions check only for the trivially weak, without the estimator: their bundles hold no dictionary', () => {
    for (const file of ['token.js', 'inspect.js'])
      expect(readFileSync(path.join(root, 'dist', 'functions', file), 'utf8')).not.toMatch(/zxcvbn/i);
  });
});

describe('details and fixes', () => {
  test('no secret value ever appears in a report, wherever it was misplaced', async () => {
    const secrets = {
      API_SECRET: AUTH_TOKEN,
      AUTH_TOKEN,
      APP_PASSCODE: 'short-passcode!',
      AUTH_JWT_SECRET: 'jwt-secret-that-is-too-short',
    };
    const reports = [
      await runDoctor(withVars(secrets)),
      await runDoctor(withVars({ ACCOUNT_SID: GOOD_SECRET, API_KEY: GOOD_SECRET })),
      await runDoctor(withVars({ AUTH_MODE: 'jwt', APP_PASSCODE: undefined, AUTH_JWT_SECRET: 'jwt-secret-that-is-too-short' })),
      await runDoctor(
        withVars({
          OUTGOING_SID: GOOD_SECRET,
          CHAT_SERVICE_SID: GOOD_SECRET,
          SYNC_SERVICE_SID: GOOD_SECRET,
          PUSH_CREDENTIAL_SID: GOOD_SECRET,
        }),
      ),
      await runDoctor(
        withVars({
          SERVICE_SID: GOOD_SECRET,
          CHAT_SERVICE_SID: undefined,
          TWILIO_REGION: GOOD_SECRET,
          TOKEN_TTL: GOOD_SECRET,
          ALLOWED_ORIGINS: `https://app.example.com,${GOOD_SECRET}`,
        }),
      ),
    ];
    for (const report of reports) {
      const json = JSON.stringify(report);
      for (const secret of [GOOD_SECRET, ...Object.values(secrets)]) expect(json).not.toContain(secret);
    }
  });

  test('a failure names the Twilio error and shows the right shape as the fix', async () => {
    const report = await runDoctor(withVars({ API_SECRET: AUTH_TOKEN }));
    expect(rowOf(report, 'api_secret')).toEqual({
      id: 'api_secret',
      title: 'API_SECRET',
      status: 'fail',
      detail: expect.stringMatching(/equals AUTH_TOKEN.*20107/),
      fix: expect.stringMatching(/^API_SECRET=<the 32-character secret/),
    });
    const key = rowOf(await runDoctor(withVars({ API_KEY: 'SK' + 'x'.repeat(32) })), 'api_key');
    expect(key.fix).toMatch(/^API_KEY=SKx{32} /);
    expect(key.detail).toMatch(/20103/);
  });

  test('a bad origin is quoted so the operator sees which; one that looks like no host is named by position', async () => {
    const detail = rowOf(
      await runDoctor(withVars({ ALLOWED_ORIGINS: `https://app.example.com/,${GOOD_SECRET}` })),
      'allowed_origins',
    ).detail;
    expect(detail).toBe(
      'Browsers send an exact origin, so these entries never match, and lib/config refuses them (config_error): "https://app.example.com/" ends with a slash; browsers send https://app.example.com; entry 2 is not an origin and looks like no host name (not shown).',
    );
  });

  test("the ZS... mistake is explained as the runtime's own service", async () => {
    const report = await runDoctor(withVars({ CHAT_SERVICE_SID: SID('ZS', 'ab') }));
    expect(rowOf(report, 'chat_service_sid').detail).toMatch(/Serverless service SID \(ZS\.\.\.\).*Functions/);
  });
});

describe('self-test', () => {
  test('mints one token per configured grant and finds each valid', async () => {
    const report = await runDoctor(GOOD);
    for (const grant of ['voice', 'video', 'chat', 'sync']) {
      expect(rowOf(report, `selftest.${grant}`)).toEqual({
        id: `selftest.${grant}`,
        title: expect.any(String),
        status: 'pass',
        detail: expect.stringMatching(new RegExp(`^Minted a ${grant} token; the inspector finds it valid \\(signature valid, `)),
      });
    }
  });

  test('fails when the inspector reports an error in a minted token', async () => {
    const outcome = loadServiceConfig(GOOD);
    if (!outcome.ok) throw outcome.error;
    // A mint that signs with another secret: what a mismatched key/secret pair would produce.
    const wrongSecret: typeof mintToken = (request, config) =>
      mintToken(request, { ...config, apiSecret: 'An0therSecretOfThirtyTwoChars123' });
    const rows = await runSelfTest(outcome, { mint: wrongSecret });
    expect(rows.map((r) => `${r.id} ${r.status}`)).toEqual([
      'selftest.voice fail',
      'selftest.video fail',
      'selftest.chat fail',
      'selftest.sync fail',
      'selftest.taskrouter fail',
    ]);
    expect(rows[0]?.detail).toMatch(/20107 signature/);
    expect(rows[0]?.fix).toMatch(/API_SECRET must be the secret/);
  });
});

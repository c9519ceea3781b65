/** The doctor CLI through main(): env file choice, output formats, colour, exit codes; and the built file deploy.js runs. */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { main, type DoctorIo } from '../../cli/doctor';
import { DEMO_CONFIG } from '../../lib/demo';
import { REAL_LOOKING, STRONG_PASSCODE } from '../support/env';
import { startTwilioApiStandIn, type TwilioApiStandIn } from '../support/twilio-api-standin';

const root = path.resolve(__dirname, '../..');
const ESC = '\u001b[';
const SECRET = 'Zq3xR8mN2vB6tY1uK4wE7pL0sD9fG5hJ';
const READY: Record<string, string> = {
  ...REAL_LOOKING,
  API_SECRET: SECRET,
  AUTH_MODE: 'passcode',
  APP_PASSCODE: STRONG_PASSCODE,
};

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'doctor-cli-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const envText = (vars: Record<string, string>): string =>
  ['# comment', ...Object.entries(vars).map(([k, v]) => `${k}=${v}`), ''].join('\n');
const writeEnv = (name: string, vars: Record<string, string>): string => {
  const file = path.join(dir, name);
  writeFileSync(file, envText(vars));
  return file;
};

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

async function run(argv: string[], opts: { tty?: boolean; env?: Record<string, string | undefined> } = {}): Promise<Run> {
  let stdout = '';
  let stderr = '';
  const io: DoctorIo = {
    stdout: { write: (t: string) => (stdout += t), isTTY: opts.tty ?? false },
    stderr: { write: (t: string) => (stderr += t) },
    env: opts.env ?? {},
    cwd: dir,
  };
  const code = await main(argv, io);
  return { code, stdout, stderr };
}

describe('exit codes', () => {
  test('0 for a configuration without failures, with the checklist on stdout', async () => {
    writeEnv('ready.env', READY);
    const result = await run(['--env', 'ready.env']);
    expect(result).toEqual({
      code: 0,
      stdout: expect.stringContaining('READY: 0 failures, 0 warnings, 22 passed, 0 skipped.'),
      stderr: '',
    });
    expect(result.stdout).toMatch(/^Config doctor: ready\.env, offline checks/);
  });

  test('0 with warnings only', async () => {
    writeEnv('warn.env', { ...READY, ALLOWED_ORIGINS: '*' });
    const result = await run(['--env=warn.env']);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('  WARN  ALLOWED_ORIGINS: ALLOWED_ORIGINS contains *');
    expect(result.stdout).toContain('READY: 0 failures, 1 warning');
  });

  test('1 for the demo configuration, each failure with its fix', async () => {
    writeEnv('.env', { ...DEMO_CONFIG });
    const result = await run([]);
    expect(result.code).toBe(1);
    expect(result.stderr).toBe('');
    expect(result.stdout).toContain('  FAIL  Demo configuration: These are the demo credentials');
    expect(result.stdout).toContain('        fix: API_KEY=SKxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx (a Standard key');
    expect(result.stdout).toMatch(/\nNOT READY: \d+ failures, /);
  });

  test.each([
    [['--env'], /--env needs a file name/],
    [['--env', '--json'], /--env needs a file name/],
    [['--env', 'nope.env'], /env file nope\.env not found/],
    [['--env', 'a.env', '--env', 'b.env'], /--env given twice/],
    [['--verbose'], /unknown option "--verbose"/],
    [['extra'], /unknown argument "extra"/],
  ])('2 for usage errors: %j', async (argv, message) => {
    writeEnv('a.env', READY);
    writeEnv('b.env', READY);
    const result = await run(argv);
    expect(result.code).toBe(2);
    expect(result.stdout).toBe('');
    expect(result.stderr).toMatch(message);
    expect(result.stderr).toContain('Usage: npm run doctor');
  });

  test('2 when there is no env file at all', async () => {
    const result = await run([]);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/no \.env\.local or \.env in .*copy \.env\.example to \.env\.local/);
  });

  test('--help: usage on stdout, 0', async () => {
    const result = await run(['--help']);
    expect(result).toEqual({ code: 0, stdout: expect.stringContaining('--online'), stderr: '' });
  });
});

describe('which file', () => {
  test('.env.local wins over .env, like npm start and npm run deploy', async () => {
    writeEnv('.env', { ...DEMO_CONFIG });
    writeEnv('.env.local', READY);
    const result = await run(['--json']);
    expect(result.code).toBe(0);
    expect(JSON.parse(result.stdout).source).toBe('.env.local');
  });

  test('.env when there is no .env.local', async () => {
    writeEnv('.env', { ...DEMO_CONFIG });
    const result = await run(['--json']);
    expect(JSON.parse(result.stdout).source).toBe('.env');
  });
});

describe('output', () => {
  test('--json: the report, with one {id, title, status, detail, fix?} per check', async () => {
    writeEnv('.env', { ...READY, API_SECRET: 'too-short' });
    const result = await run(['--json']);
    expect(result.code).toBe(1);
    const report = JSON.parse(result.stdout);
    expect(Object.keys(report)).toEqual(['ok', 'source', 'online', 'notCheckedOffline', 'summary', 'checks']);
    expect(report.ok).toBe(false);
    expect(report.online).toBe(false);
    expect(report.summary).toEqual({ pass: 21, warn: 0, fail: 1, skip: 0 });
    expect(report.checks).toHaveLength(22);
    expect(report.checks[2]).toEqual({
      id: 'api_secret',
      title: 'API_SECRET',
      status: 'fail',
      detail: expect.stringContaining('has 9 characters'),
      fix: expect.stringMatching(/^API_SECRET=</),
    });
    for (const check of report.checks)
      expect(Object.keys(check).sort()).toEqual(
        check.fix === undefined ? ['detail', 'id', 'status', 'title'] : ['detail', 'fix', 'id', 'status', 'title'],
      );
    expect(result.stdout).not.toContain('too-short');
  });

  test('colour only on a TTY without NO_COLOR', async () => {
    writeEnv('.env', { ...DEMO_CONFIG });
    expect((await run([], { tty: true })).stdout).toContain(`${ESC}31mFAIL${ESC}0m`);
    expect((await run([], { tty: true, env: { NO_COLOR: '1' } })).stdout).not.toContain(ESC);
    expect((await run([], { tty: false })).stdout).not.toContain(ESC);
    expect((await run(['--json'], { tty: true })).stdout).not.toContain(ESC);
  });
});

describe('--online', () => {
  let standIn: TwilioApiStandIn;
  const KEY = { sid: REAL_LOOKING.API_KEY, secret: SECRET };
  beforeAll(async () => {
    standIn = await startTwilioApiStandIn({
      accounts: [{ sid: REAL_LOOKING.ACCOUNT_SID, friendlyName: 'Acme', status: 'active', type: 'Full', authToken: 'a0'.repeat(16) }],
      keys: [{ ...KEY, accountSid: REAL_LOOKING.ACCOUNT_SID, type: 'main', friendlyName: 'main' }],
      applications: [
        {
          sid: REAL_LOOKING.OUTGOING_SID,
          accountSid: REAL_LOOKING.ACCOUNT_SID,
          friendlyName: 'Calls',
          voiceUrl: 'https://example.com/voice',
        },
      ],
      credentials: [{ sid: REAL_LOOKING.PUSH_CREDENTIAL_SID, accountSid: REAL_LOOKING.ACCOUNT_SID, friendlyName: 'Push', type: 'fcm' }],
      conversationsServices: [{ sid: REAL_LOOKING.CHAT_SERVICE_SID, accountSid: REAL_LOOKING.ACCOUNT_SID, friendlyName: 'Chat' }],
      syncServices: [{ sid: REAL_LOOKING.SYNC_SERVICE_SID, accountSid: REAL_LOOKING.ACCOUNT_SID, friendlyName: 'Sync' }],
      workspaces: [{ sid: REAL_LOOKING.TASKROUTER_WORKSPACE_SID, accountSid: REAL_LOOKING.ACCOUNT_SID, friendlyName: 'Desk' }],
    });
  });
  afterAll(() => standIn.close());

  test('asks the stand-in named by TWILIO_API_BASE_URL and says so', async () => {
    writeEnv('.env', READY);
    const result = await run(['--online'], { env: { TWILIO_API_BASE_URL: standIn.url } });
    expect(result.code).toBe(0);
    expect(result.stdout).toContain(`Online checks asked the REST API stand-in at ${standIn.url} (TWILIO_API_BASE_URL), not Twilio.`);
    expect(result.stdout).toContain('  PASS  TwiML App (OUTGOING_SID): TwiML App "Calls" sends calls to POST https://example.com/voice.');
    expect(result.stdout).toContain('READY: 0 failures, 0 warnings, 30 passed, 0 skipped.');
  });

  test('--online --json: online rows after the offline ones; exit 1 when Twilio rejects the secret', async () => {
    writeEnv('.env', { ...READY, API_SECRET: 'Wr0ngSecretOfThirtyTwoCharacters' });
    const result = await run(['--online', '--json'], { env: { TWILIO_API_BASE_URL: standIn.url } });
    expect(result.code).toBe(1);
    const report = JSON.parse(result.stdout);
    expect(report).toMatchObject({ ok: false, online: true, apiBaseUrl: standIn.url });
    expect(
      report.checks
        .filter((c: { id: string }) => c.id.startsWith('online.'))
        .map((c: { id: string; status: string }) => `${c.id} ${c.status}`),
    ).toEqual([
      'online.credentials fail',
      'online.account skip',
      'online.api_key skip',
      'online.twiml_app skip',
      'online.push_credential skip',
      'online.conversations_service skip',
      'online.sync_service skip',
      'online.taskrouter_workspace skip',
    ]);
  });

  test('a TWILIO_API_BASE_URL that is not loopback is a usage error: it would receive the key and secret', async () => {
    writeEnv('.env', READY);
    const result = await run(['--online'], { env: { TWILIO_API_BASE_URL: 'https://collector.example.com' } });
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/TWILIO_API_BASE_URL may only name a loopback stand-in/);
  });
});

test('the built dist/cli/doctor.js honours the interface scripts/deploy.js uses: --env FILE, exit 1 on failure, nothing on stderr', () => {
  const file = writeEnv('demo.env', { ...DEMO_CONFIG });
  const failing = spawnSync(process.execPath, [path.join(root, 'dist', 'cli', 'doctor.js'), '--env', file], {
    cwd: root,
    encoding: 'utf8',
    timeout: 30000,
  });
  expect(failing.status).toBe(1);
  expect(failing.stderr).toBe('');
  expect(failing.stdout).toContain('FAIL  Demo configuration');
  const ready = writeEnv('ready.env', READY);
  const passing = spawnSync(process.execPath, [path.join(root, 'dist', 'cli', 'doctor.js'), '--env', ready], {
    cwd: root,
    encoding: 'utf8',
    timeout: 30000,
  });
  expect(passing.status).toBe(0);
  expect(passing.stderr).toBe('');
});

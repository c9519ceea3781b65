/** The inspect CLI through main(): argument parsing, env files, output formats, exit codes. */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { main, type CliIo } from '../../cli/inspect';
import { DEMO_CONFIG } from '../../lib/demo';
import { REAL_LOOKING, TEST_SECRET } from '../support/env';
import { sign, twilioPayload, twilioToken } from './support';

const ESC = '\u001b[';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'inspect-cli-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const envText = (vars: Record<string, string>): string =>
  ['# a comment', ...Object.entries(vars).map(([k, v]) => `${k}=${v}`), 'ALLOWED_ORIGINS=', ''].join('\n');

function writeEnv(name: string, vars: Record<string, string>): void {
  writeFileSync(path.join(dir, name), envText(vars));
}

const REAL_ENV: Record<string, string> = { ...REAL_LOOKING, PUSH_CREDENTIAL_SID: REAL_LOOKING.PUSH_CREDENTIAL_SID };

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

async function run(argv: string[], opts: { stdin?: string; tty?: boolean; env?: Record<string, string | undefined> } = {}): Promise<Run> {
  let stdout = '';
  let stderr = '';
  const io: CliIo = {
    stdout: { write: (t: string) => (stdout += t), isTTY: opts.tty ?? false },
    stderr: { write: (t: string) => (stderr += t) },
    stdinIsTTY: opts.stdin === undefined,
    readStdin: () => Promise.resolve(opts.stdin ?? ''),
    env: opts.env ?? {},
    cwd: dir,
  };
  const code = await main(argv, io);
  return { code, stdout, stderr };
}

describe('npm run inspect', () => {
  test('a good token: exit 0, a readable report without colour when not a TTY, expectations from .env', async () => {
    writeEnv('.env', REAL_ENV);
    const { code, stdout, stderr } = await run([twilioToken()]);
    expect(code).toBe(0);
    expect(stdout).toMatch(/^VALID {2}identity "alice" \| expires in (59 min|1 h)\n/);
    expect(stdout).toContain('Signature  valid');
    expect(stdout).toContain(`Place outgoing calls through TwiML App ${REAL_LOOKING.OUTGOING_SID}`);
    expect(stdout).toContain('Expectations from: .env\n');
    expect(stdout).not.toContain(ESC);
    expect(stdout + stderr).not.toContain(TEST_SECRET);
    expect(stderr).toBe('');
  });

  test('colour on a TTY, none with NO_COLOR', async () => {
    writeEnv('.env', REAL_ENV);
    expect((await run([twilioToken()], { tty: true })).stdout).toContain(`${ESC}32m`);
    expect((await run([twilioToken()], { tty: true, env: { NO_COLOR: '1' } })).stdout).not.toContain(ESC);
  });

  test('an invalid token: exit 1, the findings with codes and fixes', async () => {
    writeEnv('.env', REAL_ENV);
    const expired = await sign(twilioPayload(Math.floor(Date.now() / 1000), { age: 4 * 3600 }));
    const { code, stdout } = await run([expired]);
    expect(code).toBe(1);
    expect(stdout).toMatch(/^INVALID \(1 error\)/);
    expect(stdout).toMatch(/error {3}20104 +payload\.exp\n +The token expired 3 h ago/);
    expect(stdout).toContain('fix: Fetch a new token');
  });

  test('--json prints the report alone on stdout', async () => {
    writeEnv('.env', REAL_ENV);
    const { code, stdout } = await run(['--json', twilioToken({ secret: 'ffffffffffffffffffffffffffffffff' })]);
    expect(code).toBe(1);
    const report = JSON.parse(stdout);
    expect(report).toMatchObject({
      valid: false,
      signature: 'invalid',
      findings: [expect.objectContaining({ code: 20107, severity: 'error' })],
    });
    expect(stdout).not.toContain(TEST_SECRET);
  });

  test('the token on stdin, with a trailing newline and a Bearer prefix', async () => {
    writeEnv('.env', REAL_ENV);
    const { code, stdout } = await run(['--json'], { stdin: `Bearer ${twilioToken()}\n` });
    expect(code).toBe(0);
    expect(JSON.parse(stdout)).toMatchObject({ valid: true, signature: 'valid' });
  });

  test('"-" reads stdin; Bearer and the token as two arguments work', async () => {
    writeEnv('.env', REAL_ENV);
    expect((await run(['-'], { stdin: twilioToken() })).code).toBe(0);
    expect((await run(['Bearer', twilioToken()])).code).toBe(0);
  });

  test('.env.local wins over .env; --env FILE wins over both; --no-env judges the token alone', async () => {
    writeEnv('.env', { ...DEMO_CONFIG });
    writeEnv('.env.local', REAL_ENV);
    writeEnv('other.env', { ...REAL_ENV, API_SECRET: 'ffffffffffffffffffffffffffffffff' });
    const token = twilioToken();

    const local = await run(['--json', token]);
    expect(JSON.parse(local.stdout)).toMatchObject({ signature: 'valid', checkedAgainst: { accountSid: REAL_LOOKING.ACCOUNT_SID } });

    const other = await run(['--json', '--env', 'other.env', token]);
    expect(other.code).toBe(1);
    expect(JSON.parse(other.stdout).signature).toBe('invalid');
    expect((await run(['--json', `--env=${path.join(dir, 'other.env')}`, token])).code).toBe(1);

    const alone = await run(['--no-env', token]);
    expect(alone.code).toBe(0);
    expect(alone.stdout).toContain('Signature  not checked');
    expect(alone.stdout).toContain('Expectations from: nothing (--no-env)');
  });

  test('a half-finished env file: the well-formed variables are still used, the bad ones named (never their values)', async () => {
    writeEnv('.env', { ...REAL_ENV, API_KEY: 'not-a-key-value', TWILIO_REGION: 'mars1' });
    const { code, stdout, stderr } = await run(['--json', twilioToken()]);
    expect(stderr).toMatch(/^inspect: \.env is not a complete configuration \(API_KEY, TWILIO_REGION\)/);
    expect(stderr).not.toContain('not-a-key-value');
    expect(stderr).not.toContain('mars1');
    const report = JSON.parse(stdout);
    expect(report.checkedAgainst).toMatchObject({ accountSid: REAL_LOOKING.ACCOUNT_SID, secretKnown: true });
    expect(report.checkedAgainst.apiKey).toBeUndefined();
    expect(report.signature).toBe('valid');
    expect(code).toBe(0);
  });

  test('no env file at all: the token is judged on its own', async () => {
    const { code, stdout } = await run([twilioToken()]);
    expect(code).toBe(0);
    expect(stdout).toContain('Expectations from: nothing (no .env.local or .env here)');
  });

  test.each([
    ['no token and a terminal on stdin', [], undefined, /no token given/],
    ['empty stdin', [], '  \n', /stdin was empty/],
    ['an unknown option', ['--verbose', 'x.y.z'], undefined, /unknown option "--verbose"/],
    ['two tokens', ['a.b.c', 'd.e.f'], undefined, /one token at a time/],
    ['--env without a file', ['--env'], undefined, /--env needs a file name/],
    ['--env with a missing file', ['--env', 'nope.env', 'a.b.c'], undefined, /env file nope\.env not found/],
    ['--env with --no-env', ['--env', 'x', '--no-env', 'a.b.c'], undefined, /contradict/],
  ])('usage error, exit 2: %s', async (_, argv, stdin, message) => {
    const { code, stdout, stderr } = await run(argv as string[], { stdin: stdin });
    expect(code).toBe(2);
    expect(stderr).toMatch(message);
    expect(stdout).toBe('');
  });

  test('--help prints usage and exits 0', async () => {
    const { code, stdout } = await run(['--help']);
    expect(code).toBe(0);
    expect(stdout).toContain('Usage: npm run inspect');
  });

  test('garbage: exit 1 with 20160, no exception', async () => {
    const { code, stdout } = await run(['--no-env', 'definitely not a token']);
    expect(code).toBe(1);
    expect(stdout).toContain('20160');
  });

  test('control characters in a token cannot drive the terminal', async () => {
    const token = await sign({ ...twilioPayload(Math.floor(Date.now() / 1000)), grants: { identity: 'eve\u001b[2J\u009b31m', video: {} } });
    const { stdout } = await run(['--no-env', token], { tty: false });
    expect(stdout).not.toContain('\u001b[2J');
    expect(stdout).not.toContain('\u009b');
  });
});

/** The inspect CLI through main(): argument parsing, env files, output formats, exit codes. */
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { main, type CliIo } from '../../cli/inspect';
import { DEMO_CONFIG } from '../../lib/demo';
import { handleInspect } from '../../lib/endpoints/inspect';
import { REAL_LOOKING, realVars, TEST_SECRET } from '../support/env';
import { harOfVoiceSession } from './devtools-formats';
import { expectLinear, HOSTILE } from './hostile';
import { expectPasteAnswer } from './paste-answer';
import { PASTES, pasteTokens, type PasteTokens } from './pastes';
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

async function run(
  argv: string[],
  opts: { stdin?: string; tty?: boolean; env?: Record<string, string | undefined>; now?: () => number } = {},
): Promise<Run> {
  let stdout = '';
  let stderr = '';
  const io: CliIo = {
    stdout: { write: (t: string) => (stdout += t), isTTY: opts.tty ?? false },
    stderr: { write: (t: string) => (stderr += t) },
    stdinIsTTY: opts.stdin === undefined,
    readStdin: () => Promise.resolve(opts.stdin ?? ''),
    env: opts.env ?? {},
    cwd: dir,
    now: opts.now,
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
    ['text and --file', ['--file', 'x.har', 'a.b.c'], undefined, /the text or --file, not both/],
    ['--file without a name', ['--file'], undefined, /--file needs a file name/],
    ['--file with a missing file', ['--no-env', '--file', 'nope.har'], undefined, /cannot read "nope\.har": no such file/],
    ['--file with a folder', ['--no-env', '--file', '.'], undefined, /cannot read "\.": it is a folder/],
    ['--json with --report', ['--json', '--report', 'a.b.c'], undefined, /two different outputs/],
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

describe('npm run inspect: what people paste (issue 12)', () => {
  let tokens: PasteTokens;
  beforeAll(async () => {
    tokens = await pasteTokens();
  });

  test.each(PASTES.map((paste) => [paste.name, paste] as const))('%s, piped in: --json', async (_, paste) => {
    writeEnv('.env', REAL_ENV);
    const { code, stdout } = await run(['--json'], { stdin: paste.text(tokens) });
    const answer = JSON.parse(stdout);
    expectPasteAnswer(answer, paste, tokens);
    expect(code).toBe(paste.expect.valid ? 0 : 1);
    expect(answer.token).toBeUndefined();
  });

  test('--json is the same answer POST /inspect gives for the same text and clock', async () => {
    writeEnv('.env', REAL_ENV);
    const now = Date.now();
    for (const paste of PASTES) {
      const text = paste.text(tokens);
      let stdout = '';
      const io: CliIo = {
        stdout: { write: (t: string) => (stdout += t) },
        stderr: { write: () => true },
        stdinIsTTY: false,
        readStdin: () => Promise.resolve(text),
        env: {},
        cwd: dir,
        now: () => now,
      };
      await main(['--json'], io);
      const http = await handleInspect(realVars(), { token: text }, { now: () => now, log: () => {} });
      expect(http.status).toBe(200);
      expect(JSON.parse(stdout)).toEqual(JSON.parse(JSON.stringify(http.body)));
    }
  });

  test('--file reads a HAR; the text names where the token was found and lists the others newest first', async () => {
    writeEnv('.env', REAL_ENV);
    writeFileSync(path.join(dir, 'session.har'), harOfVoiceSession(tokens.history));
    const { code, stdout } = await run(['--file', 'session.har']);
    expect(code).toBe(0);
    expect(stdout).toMatch(
      /^Found 3 tokens; this one is from HAR entry \d+: POST https:\/\/eventgw\.twilio\.com\/v4\/EndpointEvents, X-Twilio-Token header\.\nVALID {2}identity "alice"/,
    );
    const others = stdout.slice(stdout.indexOf('Other tokens, newest first')).split('\n').slice(1, 3);
    expect(others).toEqual([
      expect.stringMatching(/^ {2}INVALID identity "alice", expired 1 min ago, sent \S+ to \S+; HAR entry \d+: POST /),
      expect.stringMatching(/^ {2}INVALID identity "alice", expired 1 h 1 min ago, sent /),
    ]);
  });

  test('text with no token: NO TOKEN, the finding with its Twilio code, exit 1', async () => {
    const { code, stdout } = await run(['--no-env'], { stdin: '4f1d8a2c9b7e6f5a3c2d1e0f9a8b7c6d\n' });
    expect(code).toBe(1);
    expect(stdout).toMatch(
      /^NO TOKEN {2}the pasted text holds no Access Token\n\n {2}error {3}auth_token_pasted \(Twilio 20160\) token\n +This is an Auth Token/,
    );
  });

  test("issue 19: the configured API_SECRET pasted (alone, quoted, as its env line) is named as this service's secret, never shown", async () => {
    writeEnv('.env', REAL_ENV);
    for (const text of [TEST_SECRET, `"${TEST_SECRET}"\n`, `API_SECRET=${TEST_SECRET}`]) {
      const { code, stdout, stderr } = await run([], { stdin: text });
      expect([text, code]).toEqual([text, 1]);
      expect(stdout).toMatch(
        /^NO TOKEN .*\n\n {2}error {3}api_secret_pasted \(Twilio 20160\) token\n +This is API_SECRET, the secret of this service's API key/,
      );
      expect(stdout).toContain('If you shared it, rotate it: create a new API key');
      expect(stdout + stderr).not.toContain(TEST_SECRET);
    }
    // Another secret of the same shape, or the secret inside other text, is not called this one.
    expect((await run([], { stdin: TEST_SECRET.replace(/.$/, 'x') })).stdout).toContain('not_a_token');
    expect((await run([], { stdin: `my secret is ${TEST_SECRET}` })).stdout).toContain('not_a_token');
    expect((await run(['--no-env'], { stdin: TEST_SECRET })).stdout).toContain('not_a_token');
  });

  test('issue 19: a VALID verdict says what it could not check here, as the doctor does', async () => {
    writeEnv('.env', REAL_ENV);
    const { stdout } = await run([twilioToken()]);
    expect(stdout.split('\n')[1]).toBe(
      `Not checked here: that ${REAL_LOOKING.API_KEY} is a live key of ${REAL_LOOKING.ACCOUNT_SID} (not deleted, not a test credential) and that the SIDs in the grants exist there. Twilio checks them when the SDK connects; npm run doctor -- --online asks it now.`,
    );
    const report = (await run(['--report'], { stdin: twilioToken() })).stdout;
    expect(report).toContain(`\n\nNot checked here: that ${REAL_LOOKING.API_KEY} is a live key of ${REAL_LOOKING.ACCOUNT_SID}`);
    // An INVALID verdict has its findings to read instead.
    writeEnv('.env', { ...REAL_ENV, API_SECRET: 'ffffffffffffffffffffffffffffffff' });
    expect((await run([twilioToken()])).stdout).not.toContain('Not checked here');
  });

  test('an unquoted header line arrives as two arguments and still works', async () => {
    writeEnv('.env', REAL_ENV);
    const { code, stdout } = await run(['X-Twilio-Token:', tokens.live]);
    expect(code).toBe(0);
    expect(stdout).toMatch(/^Found in X-Twilio-Token header in the pasted text\./);
  });
});

describe('npm run inspect -- --report', () => {
  test('a live token: the decoded parts, findings and times; the token without its signature, and when it can be shared', async () => {
    writeEnv('.env', REAL_ENV);
    const live = twilioToken();
    const { code, stdout } = await run(['--report'], { stdin: `X-Twilio-Token: ${live}` });
    expect(code).toBe(0);
    const [header, payload, signature] = live.split('.') as [string, string, string];
    expect(stdout).not.toContain(signature);
    expect(stdout).toContain(`\`\`\`\n${header}.${payload}.\n\`\`\``);
    expect(stdout).toMatch(
      /It is live until \S+ \((59 min|1 h) from now\): anyone holding it could act as "alice" until then\. It is safe to share whole from \S+ \(a day after it expires\)\./,
    );
    expect(stdout).toContain('**Verdict: VALID**, 0 errors, 0 warnings');
    expect(stdout).toContain('"cty": "twilio-fpa;v=1"');
    expect(stdout).toContain('- expires (exp): ');
    expect(stdout).not.toContain(TEST_SECRET);
  });

  test('a token expired over a day ago is shared whole, with its findings and Twilio codes', async () => {
    writeEnv('.env', REAL_ENV);
    const expired = await sign(twilioPayload(Math.floor(Date.now() / 1000), { age: 49 * 3600 }));
    const { code, stdout } = await run(['--report', expired]);
    expect(code).toBe(1);
    expect(stdout).toContain(`It expired 2 d ago, so it is shared whole:\n\n\`\`\`\n${expired}\n\`\`\``);
    expect(stdout).toMatch(/- error 20104 \(Twilio 20104: [^)]*, https:\/\/www\.twilio\.com\/docs\/api\/errors\/20104\) at `payload\.exp`/);
  });

  // Issue 17: "expired" by the local clock shared a live token's signature when that clock was ahead.
  test('a token expired 3 h ago by this clock keeps its signature out: the clock may be ahead', async () => {
    writeEnv('.env', REAL_ENV);
    const expired = await sign(twilioPayload(Math.floor(Date.now() / 1000), { age: 4 * 3600 }));
    const { stdout } = await run(['--report', expired]);
    expect(stdout).not.toContain(expired.split('.')[2]!);
    expect(stdout).toMatch(
      /It expired 3 h ago by this computer's clock; in case that clock is ahead, it is shared whole only from \S+ \(a day after it expires\)\./,
    );
  });

  test('a clock two hours fast: a token with an hour left is not shared whole', async () => {
    writeEnv('.env', REAL_ENV);
    const live = twilioToken({ ttl: 3600 });
    const { stdout } = await run(['--report'], { stdin: live, now: () => Date.now() + 2 * 3600 * 1000 });
    expect(stdout).toContain('**Verdict: INVALID**');
    expect(stdout).not.toContain(live.split('.')[2]!);
    expect(stdout).toContain(`${live.split('.').slice(0, 2).join('.')}.\n`);
  });

  test('a HAR whose request URL carries a live token (?access_token=): no label in the report or the JSON holds it', async () => {
    writeEnv('.env', REAL_ENV);
    const tokens = await pasteTokens();
    const har = JSON.parse(harOfVoiceSession(tokens.history, { eventsPerToken: 1 }));
    const inUrl = twilioToken({ grants: ['video'] });
    har.log.entries.push({
      startedDateTime: new Date().toISOString(),
      request: {
        method: 'GET',
        url: `https://video.example.com/rooms/standup?access_token=${inUrl}&identity=alice`,
        headers: [],
        queryString: [
          { name: 'access_token', value: inUrl },
          { name: 'identity', value: 'alice' },
        ],
      },
    });
    writeFileSync(path.join(dir, 'session.har'), JSON.stringify(har));
    const where =
      /HAR entry \d+: GET https:\/\/video\.example\.com\/rooms\/standup\?access_token=\[redacted\]&identity=\[redacted\], query parameter "access_token"/;

    const { stdout } = await run(['--report', '--file', 'session.har']);
    expect(stdout).not.toContain(inUrl.split('.')[2]!);
    expect(stdout.slice(stdout.indexOf('## Other tokens found'))).toMatch(
      new RegExp(`identity "alice", sent \\S+ to \\S+; found in ${where.source}\n`),
    );

    const json = (await run(['--json', '--file', 'session.har'])).stdout;
    expect(json).not.toContain(inUrl.split('.')[2]!);
    expect(JSON.parse(json).tokens.map((t: { source: string }) => t.source)).toContainEqual(expect.stringMatching(where));
  });

  test('no token: says so, with the finding', async () => {
    const { stdout } = await run(['--report', '--no-env', 'SK' + 'ab'.repeat(16)]);
    expect(stdout).toContain('No token was found in the text.');
    expect(stdout).toContain('- error sid_pasted (Twilio 20160');
  });
});

describe('the real command', () => {
  const cli = path.resolve(__dirname, '..', '..', 'dist', 'cli', 'inspect.js');

  test('piped into a reader that leaves at once (| true): no EPIPE crash, the verdict is the exit code', async () => {
    const tokens = await pasteTokens();
    writeFileSync(path.join(dir, 'session.har'), harOfVoiceSession(tokens.history));
    const { stderr, stdout } = await runShell(
      `set -o pipefail; node ${JSON.stringify(cli)} --no-env --file session.har | true; echo "exit=$?"`,
      dir,
    );
    expect(stderr).toBe('');
    expect(stdout).toBe('exit=0\n');
  });

  test('a 40 MB HAR with a 256 MB heap: read once, answered', async () => {
    const tokens = await pasteTokens();
    writeFileSync(path.join(dir, 'big.har'), harOfVoiceSession(tokens.history, { bigImageBytes: 40_000_000 }));
    const { stdout, stderr } = await runShell(
      `node --max-old-space-size=256 ${JSON.stringify(cli)} --no-env --json --file big.har; echo "exit=$?"`,
      dir,
    );
    expect(stderr).toBe('');
    expect(stdout).toMatch(/exit=0\n$/);
    expect(JSON.parse(stdout.replace(/exit=0\n$/, ''))).toMatchObject({ found: 3, valid: true });
  });
});

describe('hostile text (issue 17)', () => {
  const cli = path.resolve(__dirname, '..', '..', 'dist', 'cli', 'inspect.js');

  test("the issue's 16.7 KB HAR (4.2 s before) is answered in under 2 s", async () => {
    writeFileSync(path.join(dir, 'hostile.har'), HOSTILE['a HAR whose header value is that text']!(16_700));
    const start = performance.now();
    const { code, stdout } = await run(['--no-env', '--json', '--file', 'hostile.har']);
    expect(performance.now() - start).toBeLessThan(2000);
    expect([code, JSON.parse(stdout).found]).toEqual([1, 1]);
  });

  test.each(['eyJ and a space, repeated', 'a name, a run of spaces, x and eight eyJ', 'eyJ at the start of every line'])(
    '%s: time per character does not grow from 512 KB to 4 MB',
    async (shape) => {
      const piped = (text: string) => run(['--no-env', '--json'], { stdin: text });
      await expectLinear(piped, HOSTILE[shape]!, { small: 512 * 1024, big: 4 * 2 ** 20, times: 2, slackMs: 200 });
    },
  );

  test('24 MB of hostile text with a 128 MB heap: read once, answered in linear time', async () => {
    const shapes = Object.values(HOSTILE).slice(0, 6);
    writeFileSync(path.join(dir, 'hostile.txt'), shapes.map((shape) => shape(4 * 2 ** 20)).join('\n'));
    const start = performance.now();
    const { stdout, stderr } = await runShell(
      `node --max-old-space-size=128 ${JSON.stringify(cli)} --no-env --json --file hostile.txt; echo "exit=$?"`,
      dir,
    );
    expect(performance.now() - start).toBeLessThan(60_000);
    expect(stderr).toBe('');
    expect(stdout).toMatch(/exit=1\n$/);
    expect(JSON.parse(stdout.replace(/exit=1\n$/, '')).found).toBeGreaterThan(0);
  }, 90_000);
});

function runShell(script: string, cwd: string): Promise<{ stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    execFile('bash', ['-c', script], { cwd, maxBuffer: 16 * 2 ** 20 }, (error, stdout, stderr) => {
      if (error !== null) reject(new Error(`${error.message}\n${stderr}`));
      else resolve({ stdout, stderr });
    });
  });
}

/**
 * npm run setup (issue 20): from an Account SID and an Auth Token to a working configuration,
 * against the loopback stand-in of the Twilio REST API (Keys, Applications, Conversations and
 * Sync Services), the built CLI in a child process reaching it through HTTP_PROXY.
 */
import fs from 'node:fs';
import path from 'node:path';
import { parseEnvText } from '../../cli/lib/env-file';
import { REAL_LOOKING } from '../support/env';
import { startTwilioApiStandIn, type StandInWorld, type TwilioApiStandIn } from '../support/twilio-api-standin';
import { AUTH_TOKEN, childEnv, ROOT, runCli, snapshot, tempDir } from './support';

jest.setTimeout(60_000);

const ACCOUNT = REAL_LOOKING.ACCOUNT_SID;
const OTHER_ACCOUNT = 'AC' + '9e'.repeat(16);
const SERVICE_NAME = 'twilio-token-service';
const EXAMPLE = fs.readFileSync(path.join(ROOT, '.env.example'), 'utf8');

let world: StandInWorld;
let standIn: TwilioApiStandIn;
let dir: string;

function freshWorld(): StandInWorld {
  return {
    accounts: [
      { sid: ACCOUNT, friendlyName: 'Acme', status: 'active', type: 'Full', authToken: AUTH_TOKEN },
      { sid: OTHER_ACCOUNT, friendlyName: 'Someone else', status: 'active', type: 'Full', authToken: 'f'.repeat(32) },
    ],
    keys: [],
    applications: [{ sid: 'AP' + '7a'.repeat(16), accountSid: OTHER_ACCOUNT, friendlyName: SERVICE_NAME, voiceUrl: null }],
    conversationsServices: [],
    syncServices: [],
  };
}

beforeAll(async () => {
  world = freshWorld();
  standIn = await startTwilioApiStandIn(world, { proxy: true });
  dir = tempDir('setup-');
});
afterAll(async () => {
  await standIn?.close();
  if (dir !== undefined) fs.rmSync(dir, { recursive: true, force: true });
});
beforeEach(() => {
  // Each test starts from a fresh account, in the same stand-in.
  Object.assign(world, freshWorld());
});

const setup = (file: string, extra: string[] = [], env: Record<string, string> = {}) =>
  runCli('setup', ['--env', file, ...extra], dir, childEnv(standIn, env));

/** .env.example as a person fills it in: the two values setup needs. */
const filledExample = (): string =>
  EXAMPLE.replace(/^ACCOUNT_SID=.*$/m, `ACCOUNT_SID=${ACCOUNT}`).replace(/^AUTH_TOKEN=.*$/m, `AUTH_TOKEN=${AUTH_TOKEN}`);

function writeFile(name: string, text: string): string {
  const file = path.join(dir, name);
  fs.writeFileSync(file, text);
  fs.rmSync(`${file}.bak`, { force: true });
  return file;
}

const today = (): string => new Date().toISOString().slice(0, 10);
/** The write calls (anything but GET) since the `from`th request. */
const writes = (from = 0): string[] =>
  standIn.requests
    .slice(from)
    .filter((r) => r.method !== 'GET')
    .map((r) => `${r.method} ${r.path}`);

describe('a fresh account', () => {
  test('creates the key, the TwiML App and the Conversations service, writes their lines only, and prints no secret', async () => {
    const file = writeFile('fresh.env', filledExample());
    fs.chmodSync(file, 0o644);
    const before = standIn.requests.length;
    const run = await setup(file);
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);

    const key = world.keys.find((k) => k.accountSid === ACCOUNT)!;
    const app = world.applications!.find((a) => a.accountSid === ACCOUNT)!;
    const service = world.conversationsServices![0]!;
    expect([key.friendlyName, key.type]).toEqual([`${SERVICE_NAME} token signing ${today()}`, 'standard']);
    expect([app.friendlyName, app.voiceUrl]).toEqual([SERVICE_NAME, null]);
    expect(service).toMatchObject({ accountSid: ACCOUNT, friendlyName: SERVICE_NAME });
    expect(world.keys).toHaveLength(1);

    // Exactly the lines it sets changed, in place; every other line as it was.
    const expected = filledExample()
      .replace(/^API_KEY=.*$/m, `API_KEY=${key.sid}`)
      .replace(/^API_SECRET=.*$/m, `API_SECRET=${key.secret}`)
      .replace(/^OUTGOING_SID=.*$/m, `OUTGOING_SID=${app.sid}`)
      .replace(/^CHAT_SERVICE_SID=.*$/m, `CHAT_SERVICE_SID=${service.sid}`);
    expect(fs.readFileSync(file, 'utf8')).toBe(expected);
    expect(fs.readFileSync(`${file}.bak`, 'utf8')).toBe(filledExample());
    // The file keeps its mode; the backup, which holds secrets too, is its owner's only.
    expect([fs.statSync(file).mode & 0o777, fs.statSync(`${file}.bak`).mode & 0o777]).toEqual([0o644, 0o600]);

    expect(run.stdout).toMatch(
      /API_KEY\s+create\s+a Standard key "twilio-token-service token signing \d{4}-\d\d-\d\d"; its secret goes to API_SECRET in the file, never to the screen/,
    );
    expect(run.stdout).toMatch(/OUTGOING_SID\s+create\s+a TwiML App "twilio-token-service"/);
    expect(run.stdout).toMatch(/CHAT_SERVICE_SID\s+create\s+a Conversations service "twilio-token-service"/);
    expect(run.stdout).toMatch(/SYNC_SERVICE_SID\s+keep\s+default/);
    expect(run.stdout).toContain(
      `Wrote API_KEY, API_SECRET, OUTGOING_SID, CHAT_SERVICE_SID to fresh.env (the previous file is fresh.env.bak)`,
    );
    for (const secret of [key.secret, AUTH_TOKEN]) expect(run.output).not.toContain(secret);
    // The other account's TwiML App of the same name is not its to reuse.
    expect(world.applications!.filter((a) => a.friendlyName === SERVICE_NAME)).toHaveLength(2);
    expect(writes().slice(-3)).toEqual([
      `POST /2010-04-01/Accounts/${ACCOUNT}/Keys.json`,
      `POST /2010-04-01/Accounts/${ACCOUNT}/Applications.json`,
      'POST /v1/Services',
    ]);
    expect(standIn.requests.slice(before).every((r) => r.user === ACCOUNT)).toBe(true);

    // The configuration works: the doctor asks the stand-in with the new key and finds each resource.
    const doctor = await runCli('doctor', ['--online', '--json', '--env', file], dir, childEnv(standIn));
    const rows = Object.fromEntries(
      (JSON.parse(doctor.stdout) as { checks: { id: string; status: string }[] }).checks.map((c) => [c.id, c.status]),
    );
    expect(rows).toMatchObject({ 'online.credentials': 'pass', 'online.api_key': 'pass', 'online.conversations_service': 'pass' });
    // Its Voice URL is set by npm run deploy, once there is a domain.
    expect(rows['online.twiml_app']).toBe('fail');

    // A second run finds everything and changes nothing: no write call, the file byte-identical, no new backup.
    const file1 = snapshot(file);
    const backup1 = snapshot(`${file}.bak`);
    const requests = standIn.requests.length;
    const again = await setup(file);
    expect(again.code).toBe(0);
    expect(again.stdout).toMatch(
      new RegExp(`API_KEY\\s+keep\\s+${key.sid} "twilio-token-service token signing [\\d-]+", and API_SECRET is its secret`),
    );
    expect(again.stdout).toMatch(new RegExp(`OUTGOING_SID\\s+keep\\s+TwiML App ${app.sid}`));
    expect(again.stdout).toMatch(new RegExp(`CHAT_SERVICE_SID\\s+keep\\s+Conversations service ${service.sid}`));
    expect(again.stdout).toContain('Nothing to change: fresh.env already holds all of it, and nothing was created.');
    expect(standIn.requests.slice(requests).map((r) => r.method)).toEqual(expect.arrayContaining(['GET']));
    expect(standIn.requests.slice(requests).filter((r) => r.method !== 'GET')).toEqual([]);
    expect(snapshot(file)).toEqual(file1);
    expect(snapshot(`${file}.bak`)).toEqual(backup1);
    expect(world.keys).toHaveLength(1);
    expect(again.output).not.toContain(key.secret);
  });

  test('no env file and the two values in the environment: the file is created from .env.example, ACCOUNT_SID written into it', async () => {
    const file = path.join(dir, 'created.env');
    fs.rmSync(file, { force: true });
    const run = await setup(file, [], { ACCOUNT_SID: ACCOUNT, AUTH_TOKEN });
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('env file created.env (to be created from .env.example)');
    const vars = parseEnvText(fs.readFileSync(file, 'utf8'));
    expect(vars).toMatchObject({ ACCOUNT_SID: ACCOUNT, API_KEY: world.keys[0]!.sid, AUTH_TOKEN: '', SYNC_SERVICE_SID: 'default' });
    // The Auth Token stays where it was: in the environment.
    expect(fs.readFileSync(file, 'utf8')).not.toContain(AUTH_TOKEN);
    expect(fs.existsSync(`${file}.bak`)).toBe(false);
    expect(fs.statSync(file).mode & 0o777).toBe(0o600);
  });

  test('what already exists with the expected name is reused, not created again', async () => {
    world.applications!.push({
      sid: 'AP' + '5b'.repeat(16),
      accountSid: ACCOUNT,
      friendlyName: SERVICE_NAME,
      voiceUrl: 'https://example.com/x',
    });
    world.conversationsServices!.push({ sid: 'IS' + '5c'.repeat(16), accountSid: ACCOUNT, friendlyName: SERVICE_NAME });
    world.conversationsServices!.push({ sid: 'IS' + '5d'.repeat(16), accountSid: ACCOUNT, friendlyName: 'another app' });
    const file = writeFile('reuse.env', filledExample());
    const run = await setup(file);
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(new RegExp(`OUTGOING_SID\\s+reuse\\s+TwiML App AP${'5b'.repeat(16)} "twilio-token-service"`));
    expect(run.stdout).toMatch(new RegExp(`CHAT_SERVICE_SID\\s+reuse\\s+Conversations service IS${'5c'.repeat(16)}`));
    expect(parseEnvText(fs.readFileSync(file, 'utf8'))).toMatchObject({
      OUTGOING_SID: 'AP' + '5b'.repeat(16),
      CHAT_SERVICE_SID: 'IS' + '5c'.repeat(16),
    });
    expect(world.applications!.filter((a) => a.accountSid === ACCOUNT)).toHaveLength(1);
    expect(world.conversationsServices).toHaveLength(2);
  });
});

describe('a file written by hand', () => {
  test('comments, blank lines, order, quoting and unrelated lines are kept byte for byte; missing lines go after their neighbours', async () => {
    const text = [
      '# My Twilio settings',
      '',
      `ACCOUNT_SID="${ACCOUNT}"`,
      '# the owner token, to deploy',
      `AUTH_TOKEN = ${AUTH_TOKEN}`,
      'FOO=bar baz',
      '  # indented comment',
      'AUTH_MODE=jwt',
      "AUTH_JWT_SECRET='kept as written'",
      'SYNC_SERVICE_SID=default',
      '# trailing comment without a final line break',
    ].join('\n');
    const file = writeFile('by-hand.env', text);
    const run = await setup(file);
    expect(run.code).toBe(0);
    const key = world.keys[0]!;
    const app = world.applications!.find((a) => a.accountSid === ACCOUNT)!;
    const service = world.conversationsServices![0]!;
    expect(fs.readFileSync(file, 'utf8')).toBe(
      [
        '# My Twilio settings',
        '',
        `ACCOUNT_SID="${ACCOUNT}"`,
        `API_KEY=${key.sid}`,
        `API_SECRET=${key.secret}`,
        `OUTGOING_SID=${app.sid}`,
        `CHAT_SERVICE_SID=${service.sid}`,
        '# the owner token, to deploy',
        `AUTH_TOKEN = ${AUTH_TOKEN}`,
        'FOO=bar baz',
        '  # indented comment',
        'AUTH_MODE=jwt',
        "AUTH_JWT_SECRET='kept as written'",
        'SYNC_SERVICE_SID=default',
        '# trailing comment without a final line break',
      ].join('\n'),
    );
    expect(fs.readFileSync(`${file}.bak`, 'utf8')).toBe(text);
  });

  test('Windows line endings stay Windows line endings', async () => {
    const text = `ACCOUNT_SID=${ACCOUNT}\r\nAUTH_TOKEN=${AUTH_TOKEN}\r\n# end\r\n`;
    const file = writeFile('crlf.env', text);
    expect((await setup(file)).code).toBe(0);
    const key = world.keys[0]!;
    const app = world.applications!.find((a) => a.accountSid === ACCOUNT)!;
    expect(fs.readFileSync(file, 'utf8')).toBe(
      [
        `ACCOUNT_SID=${ACCOUNT}`,
        `API_KEY=${key.sid}`,
        `API_SECRET=${key.secret}`,
        `OUTGOING_SID=${app.sid}`,
        `CHAT_SERVICE_SID=${world.conversationsServices![0]!.sid}`,
        'SYNC_SERVICE_SID=default',
        `AUTH_TOKEN=${AUTH_TOKEN}`,
        '# end',
        '',
      ].join('\r\n'),
    );
  });

  test('a line other tools read differently, on a line setup would rewrite: refused by line, nothing changed', async () => {
    const text = `ACCOUNT_SID=${ACCOUNT}\nAUTH_TOKEN=${AUTH_TOKEN}\nAPI_KEY=SKxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx\nAPI_KEY=\n`;
    const file = writeFile('twice.env', text);
    const before = standIn.requests.length;
    const run = await setup(file);
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/twice\.env line 4: API_KEY is set twice \(lines 3 and 4\)/);
    expect(fs.readFileSync(file, 'utf8')).toBe(text);
    expect(writes(before)).toEqual([]);
  });
});

describe('values already in the file', () => {
  test("a SID the account does not have (deleted, or another account's) is reported and kept; the rest is done", async () => {
    const gone = 'AP' + '0d'.repeat(16);
    const theirs = 'IS' + '0e'.repeat(16);
    world.conversationsServices!.push({ sid: theirs, accountSid: OTHER_ACCOUNT, friendlyName: SERVICE_NAME });
    const file = writeFile(
      'stale.env',
      filledExample()
        .replace(/^OUTGOING_SID=.*$/m, `OUTGOING_SID=${gone}`)
        .replace(/^CHAT_SERVICE_SID=.*$/m, `CHAT_SERVICE_SID=${theirs}`),
    );
    const run = await setup(file);
    expect(run.code).toBe(1);
    expect(run.stdout).toMatch(
      new RegExp(
        `OUTGOING_SID\\s+STALE\\s+${gone} is not a TwiML App of ${ACCOUNT} \\(Twilio 20404: deleted, or another account's\\): kept\\.`,
      ),
    );
    expect(run.stdout).toMatch(new RegExp(`CHAT_SERVICE_SID\\s+STALE\\s+${theirs} is not a Conversations service of ${ACCOUNT}`));
    expect(run.stderr).toContain('setup: 2 values need fixing (STALE above); it was kept as it is.');
    const vars = parseEnvText(fs.readFileSync(file, 'utf8'));
    expect(vars).toMatchObject({ OUTGOING_SID: gone, CHAT_SERVICE_SID: theirs, API_KEY: world.keys[0]!.sid });
    // Not silently replaced: nothing made in their place.
    expect(world.applications!.filter((a) => a.accountSid === ACCOUNT)).toEqual([]);
  });

  test('an existing key whose API_SECRET is the Auth Token: reported, kept, no new key', async () => {
    const sid = 'SK' + '3c'.repeat(16);
    world.keys.push({ sid, accountSid: ACCOUNT, secret: 'S'.repeat(32), type: 'standard', friendlyName: 'mine' });
    const file = writeFile(
      'pasted.env',
      filledExample()
        .replace(/^API_KEY=.*$/m, `API_KEY=${sid}`)
        .replace(/^API_SECRET=.*$/m, `API_SECRET=${AUTH_TOKEN}`),
    );
    const run = await setup(file);
    expect(run.code).toBe(1);
    expect(run.stdout).toMatch(
      new RegExp(
        `API_KEY\\s+STALE\\s+API_SECRET is not the secret of ${sid} \\(Twilio refused the pair with 20003\\): it is the Auth Token`,
      ),
    );
    expect(world.keys).toHaveLength(1);
    expect(parseEnvText(fs.readFileSync(file, 'utf8'))).toMatchObject({ API_KEY: sid, API_SECRET: AUTH_TOKEN });
    expect(run.output).not.toContain(AUTH_TOKEN);
  });
});

describe('--dry-run', () => {
  test('lists what it would create, reuse or write, asks only GETs, and writes nothing', async () => {
    const file = writeFile('dry.env', filledExample());
    const before = standIn.requests.length;
    const run = await setup(file, ['--dry-run']);
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/^npm run setup \(dry run\)/);
    expect(run.stdout).toMatch(/API_KEY\s+create/);
    expect(run.stdout).toContain(
      '(dry run) nothing was created or written. Would write API_KEY, API_SECRET, OUTGOING_SID, CHAT_SERVICE_SID to dry.env.',
    );
    expect(standIn.requests.slice(before).every((r) => r.method === 'GET')).toBe(true);
    expect(fs.readFileSync(file, 'utf8')).toBe(filledExample());
    expect(fs.existsSync(`${file}.bak`)).toBe(false);
    expect([world.keys.length, world.conversationsServices!.length]).toEqual([0, 0]);

    const missing = path.join(dir, 'never.env');
    const none = await setup(missing, ['--dry-run'], { ACCOUNT_SID: ACCOUNT, AUTH_TOKEN });
    expect(none.code).toBe(0);
    expect(fs.existsSync(missing)).toBe(false);
  });
});

describe('what setup cannot do, and says', () => {
  test('no Account SID or Auth Token: it names both, and where they are; a missing file is created from .env.example to fill in', async () => {
    const file = path.join(dir, 'empty.env');
    fs.rmSync(file, { force: true });
    const before = standIn.requests.length;
    const run = await setup(file);
    expect(run.code).toBe(1);
    expect(run.stderr).toContain(
      'ACCOUNT_SID and AUTH_TOKEN are missing: add ACCOUNT_SID=AC... and AUTH_TOKEN=... to empty.env (or the environment). Both are under Account Info on the Twilio Console dashboard, https://console.twilio.com.',
    );
    expect(run.stderr).toContain('empty.env did not exist: it was created from .env.example.');
    expect(fs.readFileSync(file, 'utf8')).toBe(EXAMPLE);
    expect(standIn.requests.length).toBe(before);
  });

  test("the tracked demo .env is refused: a key's secret written there would be committed", async () => {
    const demo = fs.readFileSync(path.join(ROOT, '.env'), 'utf8');
    const run = await runCli('setup', ['--env', path.join(ROOT, '.env')], dir, childEnv(standIn, { ACCOUNT_SID: ACCOUNT, AUTH_TOKEN }));
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/is the tracked demo configuration, not for real values: use \.env\.local/);
    expect(fs.readFileSync(path.join(ROOT, '.env'), 'utf8')).toBe(demo);
  });

  test('only an API key: API keys cannot create API keys, so it asks for the Auth Token', async () => {
    const text = `ACCOUNT_SID=${ACCOUNT}\nAPI_KEY=${REAL_LOOKING.API_KEY}\nAPI_SECRET=${REAL_LOOKING.API_SECRET}\n`;
    const file = writeFile('key-only.env', text);
    const before = standIn.requests.length;
    const run = await setup(file);
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(
      /AUTH_TOKEN is missing: .* API_KEY and API_SECRET are not enough: an API key cannot create or delete API keys \(Twilio answers 20003\), only the Auth Token can\./,
    );
    expect(standIn.requests.length).toBe(before);
    expect(fs.readFileSync(file, 'utf8')).toBe(text);
  });

  test.each([
    [
      'a wrong Auth Token: 20003',
      { AUTH_TOKEN: 'e'.repeat(32) },
      /Twilio refused ACCOUNT_SID with AUTH_TOKEN \(HTTP 401, Twilio error 20003/,
    ],
    ['no network', { HTTP_PROXY: 'http://127.0.0.1:9' }, /could not reach the Twilio REST API: ECONNREFUSED \(connection refused\)/],
  ])('%s: a clear message, a non-zero exit, the file untouched', async (_, change, message) => {
    const text = filledExample().replace(/^AUTH_TOKEN=.*$/m, `AUTH_TOKEN=${'AUTH_TOKEN' in change ? change.AUTH_TOKEN : AUTH_TOKEN}`);
    const file = writeFile('failing.env', text);
    const env: Record<string, string> = 'HTTP_PROXY' in change ? { HTTP_PROXY: change.HTTP_PROXY, HTTPS_PROXY: change.HTTP_PROXY } : {};
    const run = await setup(file, [], env);
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(message);
    expect(fs.readFileSync(file, 'utf8')).toBe(text);
    expect(fs.existsSync(`${file}.bak`)).toBe(false);
    expect(world.keys).toEqual([]);
    expect(run.output).not.toContain('e'.repeat(32));
  });
});

/**
 * npm run keys (issue 20): the signing key's whole life against the loopback stand-in of the
 * Twilio REST API. A token minted before a rotation keeps verifying (with the previous secret,
 * and npm run inspect says so) until the previous key is revoked; revocation waits for the last
 * of its tokens to expire unless --now. The built CLIs in child processes, on a temp env file.
 */
import fs from 'node:fs';
import path from 'node:path';
import AccessToken from 'twilio/lib/jwt/AccessToken';
import { parseEnvText } from '../../cli/lib/env-file';
import { REAL_LOOKING } from '../support/env';
import { startTwilioApiStandIn, type StandInKey, type StandInWorld, type TwilioApiStandIn } from '../support/twilio-api-standin';
import { AUTH_TOKEN, childEnv, runCli, snapshot, tempDir } from './support';

jest.setTimeout(60_000);

const ACCOUNT = REAL_LOOKING.ACCOUNT_SID;
const FIRST: StandInKey = {
  sid: 'SK' + '1f'.repeat(16),
  accountSid: ACCOUNT,
  secret: 'F1rstS3cr3tF1rstS3cr3tF1rstS3cr',
  type: 'standard',
  friendlyName: 'twilio-token-service token signing 2026-01-01',
};

let world: StandInWorld;
let standIn: TwilioApiStandIn;
let dir: string;

beforeAll(async () => {
  world = { accounts: [{ sid: ACCOUNT, friendlyName: 'Acme', status: 'active', type: 'Full', authToken: AUTH_TOKEN }], keys: [] };
  standIn = await startTwilioApiStandIn(world, { proxy: true });
  dir = tempDir('keys-');
});
afterAll(async () => {
  await standIn?.close();
  if (dir !== undefined) fs.rmSync(dir, { recursive: true, force: true });
});

const envText = (key: StandInKey): string =>
  [
    '# production',
    `ACCOUNT_SID=${ACCOUNT}`,
    `API_KEY=${key.sid}`,
    `API_SECRET=${key.secret}`,
    `OUTGOING_SID=${REAL_LOOKING.OUTGOING_SID}`,
    'TOKEN_MAX_TTL=3600',
    `AUTH_TOKEN=${AUTH_TOKEN}`,
    '',
  ].join('\n');

function startWith(name: string, key: StandInKey = FIRST): string {
  world.keys.splice(0, world.keys.length, { ...key });
  const file = path.join(dir, name);
  fs.writeFileSync(file, envText(key));
  fs.rmSync(`${file}.bak`, { force: true });
  return file;
}

const keys = (file: string, ...args: string[]) => runCli('keys', [...args, '--env', file], dir, childEnv(standIn));
const varsOf = (file: string): Record<string, string> => parseEnvText(fs.readFileSync(file, 'utf8'));

function voiceToken(apiKey: string, secret: string): string {
  const token = new AccessToken(ACCOUNT, apiKey, secret, { identity: 'alice', ttl: 3600 });
  token.addGrant(new AccessToken.VoiceGrant({ outgoingApplicationSid: REAL_LOOKING.OUTGOING_SID }));
  return token.toJwt();
}
const inspect = (file: string, token: string) => runCli('inspect', ['--env', file, token], dir, childEnv(standIn));

describe('rotate, inspect both tokens, then revoke the previous key', () => {
  test('the whole life, without breaking a live token until asked to', async () => {
    const file = startWith('life.env');
    const before = voiceToken(FIRST.sid, FIRST.secret);

    const status = await keys(file, 'status');
    expect(status.code).toBe(0);
    expect(status.stdout).toMatch(
      new RegExp(`${FIRST.sid} {2}"twilio-token-service token signing 2026-01-01" {2}2015-07-30T20:00:00\\.000Z {2}current \\(API_KEY\\)`),
    );

    // rotate: a new key; the old pair moves to *_PREVIOUS; the time is recorded; no secret printed.
    const rotated = await keys(file, 'rotate');
    expect(rotated.stderr).toBe('');
    expect(rotated.code).toBe(0);
    const second = world.keys.find((k) => k.sid !== FIRST.sid)!;
    expect(second.friendlyName).toBe(`twilio-token-service token signing ${new Date().toISOString().slice(0, 10)}`);
    const vars = varsOf(file);
    expect(vars).toMatchObject({
      API_KEY: second.sid,
      API_SECRET: second.secret,
      API_KEY_PREVIOUS: FIRST.sid,
      API_SECRET_PREVIOUS: FIRST.secret,
      API_KEY_ROTATED_AT: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/),
    });
    // The new lines go where they belong, every other line as it was.
    expect(fs.readFileSync(file, 'utf8')).toBe(
      [
        '# production',
        `ACCOUNT_SID=${ACCOUNT}`,
        `API_KEY=${second.sid}`,
        `API_SECRET=${second.secret}`,
        `API_KEY_PREVIOUS=${FIRST.sid}`,
        `API_SECRET_PREVIOUS=${FIRST.secret}`,
        `API_KEY_ROTATED_AT=${vars.API_KEY_ROTATED_AT}`,
        `OUTGOING_SID=${REAL_LOOKING.OUTGOING_SID}`,
        'TOKEN_MAX_TTL=3600',
        `AUTH_TOKEN=${AUTH_TOKEN}`,
        '',
      ].join('\n'),
    );
    expect(fs.readFileSync(`${file}.bak`, 'utf8')).toBe(envText(FIRST));
    const lastToken = new Date(Date.parse(vars.API_KEY_ROTATED_AT!) + 3600_000).toISOString();
    expect(rotated.stdout).toContain('1. npm run deploy: the deployed service signs with the new key from then on');
    expect(rotated.stdout).toContain(
      `Tokens signed by ${FIRST.sid} stay valid until they expire, at most TOKEN_MAX_TTL (1 h) after they were minted: all of them by ${lastToken}`,
    );
    expect(rotated.stdout).toContain(`3. From ${lastToken}: npm run keys -- revoke-previous deletes ${FIRST.sid} on the account.`);
    for (const secret of [FIRST.secret, second.secret, AUTH_TOKEN]) expect(rotated.output).not.toContain(secret);

    // Both tokens verify: the old one with the previous secret, and the inspector says so.
    const after = voiceToken(second.sid, second.secret);
    const old = await inspect(file, before);
    expect(old.code).toBe(0);
    expect(old.stdout).toContain(`Signed by the previous key ${FIRST.sid}: valid until it expires or the key is revoked.`);
    expect(old.stdout).toMatch(new RegExp(`Signature {2}valid \\(the previous key ${FIRST.sid}\\)`));
    const fresh = await inspect(file, after);
    expect(fresh.code).toBe(0);
    expect(fresh.stdout).toMatch(/^VALID {2}identity "alice"/);
    expect(fresh.stdout).toMatch(/Signature {2}valid\n/);
    expect(fresh.stdout).not.toContain('Signed by the previous key');
    expect(fresh.stdout).toContain(`key ${second.sid}, previous key ${FIRST.sid}, secret known`);

    // status marks both.
    const both = await keys(file, 'status');
    expect(both.stdout).toMatch(new RegExp(`${FIRST.sid} .* previous \\(API_KEY_PREVIOUS\\)`));
    expect(both.stdout).toMatch(new RegExp(`${second.sid} .* current \\(API_KEY\\)`));
    expect(both.stdout).toContain(`Tokens signed by the previous key may be live until ${lastToken}`);

    // A second rotation would drop the previous key while its tokens may be live: refused.
    const again = await keys(file, 'rotate');
    expect(again.code).toBe(1);
    expect(again.stderr).toMatch(/a rotation is still under way: the previous key .* Run npm run keys -- revoke-previous first\./);

    // revoke-previous before its last token expired: refused, saying until when and what it would break.
    const untouched = snapshot(file);
    const refusedRun = await keys(file, 'revoke-previous');
    expect(refusedRun.code).toBe(1);
    expect(refusedRun.stderr).toContain(
      `refused: tokens signed by the previous key ${FIRST.sid} may still be in use, and the last of them may live until ${lastToken}`,
    );
    expect(refusedRun.stderr).toContain('Run it again after that time, or with --now to accept it.');
    expect(snapshot(file)).toEqual(untouched);
    expect(world.keys.map((k) => k.sid)).toContain(FIRST.sid);

    // --now --dry-run: says what it would break and does nothing.
    const dry = await keys(file, 'revoke-previous', '--now', '--dry-run');
    expect(dry.code).toBe(0);
    expect(dry.stdout).toMatch(/--now: every token .* signed stops working at once/);
    expect(dry.stdout).toContain('(dry run) would delete');
    expect(world.keys.map((k) => k.sid)).toContain(FIRST.sid);
    expect(snapshot(file)).toEqual(untouched);

    // --now: deleted on the account, the *_PREVIOUS lines removed, nothing else touched.
    const revoked = await keys(file, 'revoke-previous', '--now');
    expect(revoked.code).toBe(0);
    expect(revoked.stdout).toMatch(/^--now: every token SK1f1f.* signed stops working at once: connected users/);
    expect(revoked.stdout).toContain(
      `Deleted ${FIRST.sid} "twilio-token-service token signing 2026-01-01" on ${ACCOUNT}: the tokens it signed no longer work.`,
    );
    expect(world.keys.map((k) => k.sid)).toEqual([second.sid]);
    expect(fs.readFileSync(file, 'utf8')).toBe(envText(second));
    expect(standIn.requests.filter((r) => r.method === 'DELETE').map((r) => r.path)).toEqual([
      `/2010-04-01/Accounts/${ACCOUNT}/Keys/${FIRST.sid}.json`,
    ]);

    // The old token is now another key's: not verifiable here (and Twilio no longer knows its key).
    const orphan = await inspect(file, before);
    expect(orphan.stdout).toContain(`The token was signed by API key ${FIRST.sid}, not the expected ${second.sid}.`);
    expect(orphan.stdout).not.toContain('previous key');
  });

  test('once the last token of the previous key has expired, revoke-previous needs no --now', async () => {
    const file = startWith('expired.env');
    expect((await keys(file, 'rotate')).code).toBe(0);
    // The rotation two hours ago, with a one-hour TOKEN_MAX_TTL.
    const twoHoursAgo = new Date(Date.now() - 2 * 3600_000).toISOString();
    fs.writeFileSync(file, fs.readFileSync(file, 'utf8').replace(/^API_KEY_ROTATED_AT=.*$/m, `API_KEY_ROTATED_AT=${twoHoursAgo}`));
    const revoked = await keys(file, 'revoke-previous');
    expect(revoked.stderr).toBe('');
    expect(revoked.code).toBe(0);
    expect(revoked.stdout).not.toContain('--now');
    expect(varsOf(file).API_KEY_PREVIOUS).toBeUndefined();
    expect(world.keys.map((k) => k.sid)).not.toContain(FIRST.sid);
  });
});

describe('failures leave the file untouched, with a non-zero exit and a clear message', () => {
  test('rotate when API_KEY is not on the account: 20404, no key created', async () => {
    const file = startWith('gone.env');
    world.keys.length = 0;
    const run = await keys(file, 'rotate');
    expect(run.code).toBe(1);
    expect(run.stderr).toContain(
      `API_KEY ${FIRST.sid} is not a key of ${ACCOUNT} (Twilio 20404: deleted, or another account's): there is no live key to rotate from, so nothing was changed.`,
    );
    expect(fs.readFileSync(file, 'utf8')).toBe(envText(FIRST));
    expect(world.keys).toEqual([]);
  });

  test('revoke-previous when the previous key is gone already: 20404, the lines kept for the person to remove', async () => {
    const file = startWith('revoked-already.env');
    expect((await keys(file, 'rotate')).code).toBe(0);
    world.keys.splice(
      world.keys.findIndex((k) => k.sid === FIRST.sid),
      1,
    );
    const text = fs.readFileSync(file, 'utf8');
    const run = await keys(file, 'revoke-previous', '--now');
    expect(run.code).toBe(1);
    expect(run.stderr).toContain(
      `API_KEY_PREVIOUS ${FIRST.sid} is not a key of ${ACCOUNT} (Twilio 20404: revoked already, or another account's): nothing was deleted or written.`,
    );
    expect(fs.readFileSync(file, 'utf8')).toBe(text);
  });

  test('a wrong Auth Token: 20003', async () => {
    const file = startWith('bad-token.env');
    const text = envText(FIRST).replace(AUTH_TOKEN, 'e'.repeat(32));
    fs.writeFileSync(file, text);
    const run = await keys(file, 'rotate');
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/Twilio refused ACCOUNT_SID with AUTH_TOKEN \(HTTP 401, Twilio error 20003/);
    expect(fs.readFileSync(file, 'utf8')).toBe(text);
    expect(world.keys).toHaveLength(1);
  });

  test('no network', async () => {
    const file = startWith('offline.env');
    const run = await runCli(
      'keys',
      ['rotate', '--env', file],
      dir,
      childEnv(standIn, { HTTP_PROXY: 'http://127.0.0.1:9', HTTPS_PROXY: 'http://127.0.0.1:9' }),
    );
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/could not reach the Twilio REST API: ECONNREFUSED/);
    expect(fs.readFileSync(file, 'utf8')).toBe(envText(FIRST));
  });

  test('only an API key, no Auth Token: refused before any call, since API keys cannot manage API keys', async () => {
    const file = startWith('key-only.env');
    const text = envText(FIRST).replace(/^AUTH_TOKEN=.*\n/m, '');
    fs.writeFileSync(file, text);
    const before = standIn.requests.length;
    const run = await keys(file, 'status');
    expect(run.code).toBe(1);
    expect(run.stderr).toContain('an API key cannot create or delete API keys (Twilio answers 20003), only the Auth Token can.');
    expect(standIn.requests.length).toBe(before);
  });

  test('usage mistakes: exit 2 with the usage', async () => {
    const file = startWith('usage.env');
    for (const args of [[], ['spin'], ['rotate', '--now'], ['status', '--dry-run']]) {
      const run = await keys(file, ...args);
      expect([args, run.code]).toEqual([args, 2]);
      expect(run.stderr).toContain('Usage: npm run keys -- status');
    }
  });
});

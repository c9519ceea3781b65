/**
 * What npm start and npm run dev say when they start, and the env file read again without a
 * restart (issue 19): in-process (cli/lib/local-server.ts startFromArgs) in a temp folder that
 * holds only the env files each test writes, never the developer's own.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { startFromArgs, type StartedServer } from '../../cli/lib/local-server';
import { renderDemoEnv } from '../../lib/config/docs';
import { STRONG_PASSCODE } from '../support/env';

let dir: string;
let started: StartedServer | undefined;
let out = '';
let err = '';

beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'start-banner-'));
  out = '';
  err = '';
  jest.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
    out += String(chunk);
    return true;
  });
  jest.spyOn(process.stderr, 'write').mockImplementation((chunk: string | Uint8Array) => {
    err += String(chunk);
    return true;
  });
  // The functions' request log lines.
  jest.spyOn(console, 'log').mockImplementation(() => undefined);
});

afterEach(async () => {
  await started?.server.close();
  started = undefined;
  jest.restoreAllMocks();
  fs.rmSync(dir, { recursive: true, force: true });
});

async function start(argv: string[]): Promise<StartedServer> {
  const result = await startFromArgs(['--port', '0', ...argv], { name: 'dev', live: false, cwd: dir });
  if (typeof result === 'number') throw new Error(`exit ${result}: ${err}`);
  started = result;
  return result;
}

const write = (name: string, text: string): void => fs.writeFileSync(path.join(dir, name), text);
const tokenStatus = async (base: string, headers: Record<string, string> = {}): Promise<number> =>
  (await fetch(`${base}/token?identity=alice&grants=video`, { headers })).status;

test('the banner names the configuration, the page and who may get tokens', async () => {
  write('.env', renderDemoEnv());
  const { base } = await start([]);
  const lines = out.split('\n');
  expect(lines).toContain('Using configuration from .env (the demo configuration: valid JWTs that Twilio rejects)');
  expect(lines).toContain(`Serving on ${base}`);
  expect(lines).toContain(`  the page  ${base}/index.html`);
  expect(lines).toContain('  callers   AUTH_MODE none: anyone who reaches this server gets tokens for any identity');
  expect((await fetch(`${base}/`)).url).toBe(`${base}/index.html`);
});

test('passcode mode is said in the banner, and a misconfiguration too', async () => {
  write('own.env', `${renderDemoEnv()}\nAUTH_MODE=passcode\nAPP_PASSCODE=${STRONG_PASSCODE}\n`);
  await start(['--env', 'own.env']);
  expect(out).toContain('  callers   AUTH_MODE passcode: callers send Authorization: Bearer <APP_PASSCODE> (the page asks for it)\n');
  expect(out).not.toContain(STRONG_PASSCODE);
  await started!.server.close();
  started = undefined;
  out = '';
  write('broken.env', `${renderDemoEnv()}\nAUTH_MODE=passcode\n`);
  await start(['--env', 'broken.env']);
  expect(out).toContain('caller authentication is misconfigured: /token answers config_error (npm run doctor says why)');
});

test('an edit of the named env file is served from the next request on, and said (names, never values)', async () => {
  write('own.env', renderDemoEnv());
  const { base, reloadEnv } = await start(['--env', 'own.env']);
  expect(await tokenStatus(base, { Origin: 'http://localhost:5173' })).toBe(403);

  write('own.env', `${renderDemoEnv()}\nALLOWED_ORIGINS=http://localhost:5173\nAUTH_MODE=passcode\nAPP_PASSCODE=${STRONG_PASSCODE}\n`);
  reloadEnv();
  expect(out).toContain(
    'dev: re-read own.env (changed: ALLOWED_ORIGINS, APP_PASSCODE, AUTH_MODE); the next request uses it. Callers: AUTH_MODE passcode',
  );
  expect(out).not.toContain(STRONG_PASSCODE);
  const auth = { Authorization: `Bearer ${STRONG_PASSCODE}` };
  expect(await tokenStatus(base, { Origin: 'http://localhost:5173' })).toBe(401);
  expect(await tokenStatus(base, { ...auth, Origin: 'http://localhost:5173' })).toBe(200);

  // A refusal of the local server itself carries CORS headers from the new configuration too.
  const refused = await fetch(`${base}/nope`, { headers: { Origin: 'http://localhost:5173' } });
  expect([refused.status, refused.headers.get('access-control-allow-origin')]).toEqual([404, 'http://localhost:5173']);

  reloadEnv();
  expect(out).toContain('dev: re-read own.env (no variable changed)');
});

test('without --env: a .env.local created beside the demo .env is used from then on; one removed falls back to .env', async () => {
  write('.env', renderDemoEnv());
  const { base, reloadEnv } = await start([]);
  expect(await tokenStatus(base)).toBe(200);
  write('.env.local', `${renderDemoEnv()}\nAUTH_MODE=passcode\nAPP_PASSCODE=${STRONG_PASSCODE}\n`);
  reloadEnv();
  expect(out).toContain('dev: now using .env.local (changed: APP_PASSCODE, AUTH_MODE); the next request uses it.');
  expect(await tokenStatus(base)).toBe(401);
  fs.rmSync(path.join(dir, '.env.local'));
  reloadEnv();
  expect(out).toContain('dev: now using .env (changed: APP_PASSCODE, AUTH_MODE)');
  expect(await tokenStatus(base)).toBe(200);
});

test('a named env file that is gone keeps the last configuration serving, and says so', async () => {
  write('own.env', renderDemoEnv());
  const { base, reloadEnv } = await start(['--env', 'own.env']);
  fs.rmSync(path.join(dir, 'own.env'));
  reloadEnv();
  expect(err).toContain('dev: own.env is gone; still serving the configuration read last.');
  expect(await tokenStatus(base)).toBe(200);
});

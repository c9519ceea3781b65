/**
 * A slow or bloated key set over real HTTP (issue 17, item 3): `npm start`'s server as a child
 * process (its memory measured alone) in jwt mode, against a loopback JWKS stand-in that sends
 * its headers then stalls, or streams a 200 MB key set. /token must answer 503 auth_unavailable
 * within the key set's 5 s deadline (the platform ends a function at 10 s), read no more than the
 * cap, and stay small. Run `npm run build` first (the server serves dist/).
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { realVars } from '../support/env';
import { ROOT, servingUrl } from '../support/runtime';
import { ALLOWED_ORIGIN, AUDIENCE, ISSUER, providerKey, startJwksServer, type JwksServer, type ProviderKey } from '../auth/support';

jest.setTimeout(60_000);

let jwks: JwksServer;
let key: ProviderKey;
let child: ChildProcess;
let base: string;
let dir: string;

/** Resident memory of the server process, in MB. */
function rssMb(pid: number): number {
  const status = `/proc/${pid}/status`;
  const kb = fs.existsSync(status)
    ? Number(/VmRSS:\s+(\d+)/.exec(fs.readFileSync(status, 'utf8'))?.[1])
    : Number(
        execFileSync('ps', ['-o', 'rss=', '-p', String(pid)])
          .toString()
          .trim(),
      );
  return kb / 1024;
}

interface Timed {
  status: number;
  json: { error?: { code: string; field?: string; message: string }; identity?: string };
  ms: number;
}

async function token(sub: string): Promise<Timed> {
  const started = Date.now();
  // Cut off well past the bound, so a hang fails the assertion instead of the test's timeout.
  const res = await fetch(`${base}/token?grants=video`, {
    headers: { Authorization: `Bearer ${await key.sign({ sub })}`, Origin: ALLOWED_ORIGIN },
    signal: AbortSignal.timeout(20_000),
  }).catch((error: unknown) => ({ status: 0, json: () => Promise.resolve({ error: { code: String(error), message: '' } }) }));
  return { status: res.status, json: (await res.json()) as Timed['json'], ms: Date.now() - started };
}

beforeAll(async () => {
  key = await providerKey('RS256', 'k1');
  jwks = await startJwksServer([key.publicJwk]);
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'jwks-limits-'));
  const env = realVars({
    AUTH_MODE: 'jwt',
    AUTH_JWKS_URL: jwks.url(),
    AUTH_ISSUER: ISSUER,
    AUTH_AUDIENCE: AUDIENCE,
    ALLOWED_ORIGINS: ALLOWED_ORIGIN,
  });
  const envFile = path.join(dir, 'jwt.env');
  fs.writeFileSync(
    envFile,
    Object.entries(env)
      .map(([name, value]) => `${name}=${value ?? ''}\n`)
      .join(''),
  );
  child = spawn(process.execPath, [path.join(ROOT, 'dist', 'cli', 'serve.js'), '--port', '0', '--env', envFile], { cwd: dir });
  ({ base } = await servingUrl(child));
});

afterAll(async () => {
  if (child?.exitCode === null) {
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill();
    await exited;
  }
  await jwks?.close();
  if (dir !== undefined) fs.rmSync(dir, { recursive: true, force: true });
});

/**
 * Nothing is cached before these (a failed fetch is not cached either), so each /token call
 * fetches the set: the tests run in order, the working key set last.
 */
async function tokenWhile(behaviour: 'stall' | 'huge'): Promise<Timed> {
  jwks.behaviour = behaviour;
  try {
    return await token('bob');
  } finally {
    jwks.behaviour = 'serve';
  }
}

describe('the key set fetch has one deadline and a size cap', () => {
  test('headers, then nothing: 503 auth_unavailable within the 5 s deadline, well under the platform 10 s', async () => {
    const answer = await tokenWhile('stall');
    expect(answer.status).toBe(503);
    expect(answer.json.error).toEqual({
      code: 'auth_unavailable',
      field: 'AUTH_JWKS_URL',
      message: expect.stringMatching(/\(the request timed out: no complete answer within 5 s\)/),
    });
    expect(answer.ms).toBeLessThan(8_000);
  });

  test('a 200 MB key set: 503 auth_unavailable at once, the body read no further than the cap, memory flat', async () => {
    const before = rssMb(child.pid!);
    const answer = await tokenWhile('huge');
    const after = rssMb(child.pid!);
    expect(answer.status).toBe(503);
    expect(answer.json.error).toEqual({
      code: 'auth_unavailable',
      field: 'AUTH_JWKS_URL',
      message: expect.stringMatching(/\(the answer is larger than 512 KB\)/),
    });
    expect(answer.ms).toBeLessThan(8_000);
    // 512 KB read; what the stand-in wrote is that plus the sockets' buffers.
    expect(jwks.hugeSent).toBeLessThan(16 * 2 ** 20);
    expect(after - before).toBeLessThan(48);
  });

  test('the provider back to normal: the service mints again', async () => {
    const answer = await token('recovered');
    expect([answer.status, answer.json.identity]).toEqual([200, 'recovered']);
  });
});

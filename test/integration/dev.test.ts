/**
 * npm run dev (issue 14): in a temp copy of the project, the real command; an edited function
 * answers with the new code on the next request, a build error is printed while the last good
 * build keeps serving, and a new function file is served. File watching is real, so the test
 * polls (bounded) for each change to arrive.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { TEST_SECRET } from '../support/env';
import { expectPageRedirect, expectPathError, UNDECODABLE_PATHS, UNSERVED_PATHS } from '../support/path-errors';
import { copyProject } from '../support/project-copy';
import { plantStrays, STRAY_ASSETS } from '../support/stray-assets';

jest.setTimeout(120_000);

let project: string;
let child: ChildProcess;
let stdout = '';
let stderr = '';
let base: string;

async function until<T>(what: string, probe: () => Promise<T | undefined> | T | undefined, timeoutMs = 30_000): Promise<T> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}\nstdout:\n${stdout}\nstderr:\n${stderr}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

const titleOfVoice = async (): Promise<string> => {
  const res = await fetch(`${base}/products`);
  const body = (await res.json()) as { products: { grant: string; title: string }[] };
  return body.products.find((p) => p.grant === 'voice')!.title;
};

const productsSource = (): string => path.join(project, 'lib', 'endpoints', 'products.ts');

beforeAll(async () => {
  project = copyProject('dev-copy-', { '.env.local': `API_SECRET=${TEST_SECRET}\n` });
  plantStrays(path.join(project, 'assets'));
  // Its own process group, so stopping it stops npm and the server it started.
  // The tracked demo .env, named: the .env.local above is only there for assets/config to point at.
  child = spawn('npm', ['run', '--silent', 'dev', '--', '--port', '0', '--env', '.env'], {
    cwd: project,
    detached: true,
    env: { ...process.env, FORCE_COLOR: '0' },
  });
  child.stdout!.on('data', (d: Buffer) => (stdout += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
  base = await until('the server', () => /Serving on (http:\/\/localhost:\d+)/.exec(stdout)?.[1]);
  await until('the watchers', () => (stdout.includes('Watching functions/') ? true : undefined));
});

afterAll(async () => {
  if (child?.pid !== undefined) {
    const closed = new Promise((resolve) => child.once('close', resolve));
    process.kill(-child.pid, 'SIGTERM');
    await closed;
  }
  if (project !== undefined) fs.rmSync(project, { recursive: true, force: true });
});

test('an edited function answers with the new code on the next request, without a restart', async () => {
  expect(await titleOfVoice()).toBe('Voice');
  const source = fs.readFileSync(productsSource(), 'utf8');
  const edited = source.replace('return { grant, title, configured,', 'return { grant, title: `${title} (edited)`, configured,');
  expect(edited).not.toBe(source);
  fs.writeFileSync(productsSource(), edited);
  await until('the edit', async () => ((await titleOfVoice()) === 'Voice (edited)' ? true : undefined));
});

test('a build error is printed, and the last good build keeps serving', async () => {
  const good = fs.readFileSync(productsSource(), 'utf8');
  fs.writeFileSync(productsSource(), `${good}\nthis is not TypeScript (\n`);
  await until('the build error', () => (stderr.includes('failed to build; the last good build keeps serving') ? true : undefined));
  expect(stderr).toMatch(/lib\/endpoints\/products\.ts:\d+:\d+/);
  expect(await titleOfVoice()).toBe('Voice (edited)');
  fs.writeFileSync(productsSource(), good.replace('(edited)', '(fixed)'));
  await until('the fix', async () => ((await titleOfVoice()) === 'Voice (fixed)' ? true : undefined));
});

test('a new function file is served', async () => {
  fs.writeFileSync(
    path.join(project, 'functions', 'hello.ts'),
    "export const handler = (_context: unknown, _event: unknown, callback: (e: null, r: object) => void) => callback(null, { hello: 'world' });\n",
  );
  const body = await until('/hello', async () => {
    const res = await fetch(`${base}/hello`);
    return res.status === 200 ? ((await res.json()) as object) : undefined;
  });
  expect(body).toEqual({ hello: 'world' });
});

describe('what npm run dev serves from assets/ (issue 17, items 5 and 6)', () => {
  test('files planted in assets/ (a .env, a source map, a backup, an unlinked page, a link to .env.local) are not served', async () => {
    expect(stdout).not.toMatch(/asset .*\/(\.env|config|draft\.html|page\.js\.map|index\.html~)$/m);
    for (const stray of STRAY_ASSETS) {
      const res = await fetch(`${base}${encodeURI(stray.path)}`);
      const text = await res.clone().text();
      expect(text).not.toContain(TEST_SECRET);
      await expectPathError(res, 404, 'not_found');
    }
    for (const file of ['/index.html', '/page.js', '/style.css'])
      expect([file, (await fetch(`${base}${file}`)).status]).toEqual([file, 200]);
  });

  test('a dotfile saved into assets/ while it runs is copied nowhere and not served', async () => {
    const copies = (stdout.match(/dev: copied assets/g) ?? []).length;
    fs.writeFileSync(path.join(project, 'assets', '.secret'), `API_SECRET=${TEST_SECRET}\n`);
    await until('the asset copy', () => ((stdout.match(/dev: copied assets/g) ?? []).length > copies ? true : undefined));
    expect(fs.existsSync(path.join(project, 'dist', 'assets', '.secret'))).toBe(false);
    await expectPathError(await fetch(`${base}/.secret`), 404, 'not_found');
  });

  test.each(UNDECODABLE_PATHS)('%s is 400 invalid_path JSON', async (target) => {
    await expectPathError(await fetch(`${base}${target}`), 400, 'invalid_path');
  });

  test.each(UNSERVED_PATHS)('%s is 404 not_found JSON', async (target) => {
    await expectPathError(await fetch(`${base}${target}`), 404, 'not_found');
  });

  test('GET / leads to the page', async () => {
    await expectPageRedirect(base);
  });

  test('a listed file gone from dist/ is 404 not_found JSON, not the runtime stack trace with its absolute path', async () => {
    const built = path.join(project, 'dist', 'assets', 'style.css');
    const saved = fs.readFileSync(built);
    fs.rmSync(built);
    try {
      const res = await fetch(`${base}/style.css`);
      const text = await res.clone().text();
      expect(text).not.toContain(project);
      await expectPathError(res, 404, 'not_found');
    } finally {
      fs.writeFileSync(built, saved);
    }
  });
});

test('an edit of the env file is served without a restart, and the log says it was read again (issue 19)', async () => {
  const envFile = path.join(project, '.env');
  const demo = fs.readFileSync(envFile, 'utf8');
  const fromVite = async (): Promise<number> =>
    (await fetch(`${base}/token?identity=alice&grants=video`, { headers: { Origin: 'http://localhost:5173' } })).status;
  expect(await fromVite()).toBe(403);
  try {
    // As editors save: a new file renamed over the old one.
    fs.writeFileSync(`${envFile}.tmp`, `${demo}\nALLOWED_ORIGINS=http://localhost:5173\n`);
    fs.renameSync(`${envFile}.tmp`, envFile);
    await until('the new configuration', async () => ((await fromVite()) === 200 ? true : undefined));
    expect(stdout).toContain('dev: re-read .env (changed: ALLOWED_ORIGINS); the next request uses it.');
  } finally {
    fs.writeFileSync(envFile, demo);
  }
  await until('the demo configuration again', async () => ((await fromVite()) === 403 ? true : undefined));
});

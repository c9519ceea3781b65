/**
 * npm run dev (issue 14): in a temp copy of the project, the real command; an edited function
 * answers with the new code on the next request, a build error is printed while the last good
 * build keeps serving, and a new function file is served. File watching is real, so the test
 * polls (bounded) for each change to arrive.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { copyProject } from '../support/project-copy';

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
  project = copyProject('dev-copy-');
  // Its own process group, so stopping it stops npm and the server it started.
  child = spawn('npm', ['run', '--silent', 'dev', '--', '--port', '0'], {
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

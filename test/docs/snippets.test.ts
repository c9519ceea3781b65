/**
 * Every code block of README.md and docs/*.md, run as printed (issue 19: a README snippet threw
 * `getIdToken is not defined` when copied into a page). Shell blocks run in a copy of the project
 * against the real local server (npm start's, in-process, on the demo .env with --allow-origin
 * http://localhost:5173), reached at the address the documents print, http://localhost:3000:
 * curl through a .curlrc that connects localhost:3000 to the server's free port, Chromium through
 * a route that does the same. Browser blocks run on a page of http://localhost:5173, Node blocks
 * as ES modules; JSON and dotenv blocks are read; an output block is compared with what the
 * block before it printed. How each block is run: test/support/doc-blocks.ts.
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import type { Browser } from 'playwright-core';
import { readEnvFileChecked } from '../../cli/lib/env-file';
import { startFromArgs, type StartedServer } from '../../cli/lib/local-server';
import { isVariableName } from '../../lib/config/schema';
import { describeWithChromium, launchChromium } from '../support/browser';
import { blocksOf, documents, jsonDifference, layoutPaths, ROOT, textDifference, type DocBlock } from '../support/doc-blocks';
import { STRONG_JWT_SECRET, STRONG_PASSCODE } from '../support/env';
import { copyProject } from '../support/project-copy';

jest.setTimeout(120_000);

/** The address the documents print, and the page origin they allow. */
const PRINTED = 'localhost:3000';
const APP_ORIGIN = 'http://localhost:5173';
/** Blocks no test can run as printed: each says why, and there stay few of them. */
const MAX_SKIPPED = 8;

const BLOCKS = documents().flatMap((file) => blocksOf(file));
const name = (block: DocBlock): string => `${block.file}:${block.line} (${block.lang || 'no language'})`;

let project: string;
let curlHomes: Record<'demo' | 'passcode', string>;
let servers: Record<'demo' | 'passcode', StartedServer>;
let browser: Browser | undefined;
/** What the last block run printed, for the output block after it. */
const printed = new Map<DocBlock, string>();

async function startServer(envFile: string): Promise<StartedServer> {
  const started = await startFromArgs(['--port', '0', '--env', envFile, '--allow-origin', APP_ORIGIN], {
    name: 'doc-test',
    live: false,
    cwd: project,
  });
  if (typeof started === 'number') throw new Error(`the server did not start (exit ${started})`);
  return started;
}

beforeAll(async () => {
  project = copyProject('doc-snippets-');
  // Files the examples name, as a reader would have them: a saved paste and a HAR.
  fs.writeFileSync(path.join(project, 'paste.txt'), 'X-Twilio-Token: eyJhbGciOiJIUzI1NiJ9.e30.\n');
  fs.writeFileSync(path.join(project, 'session.har'), JSON.stringify({ log: { version: '1.2', entries: [] } }));
  fs.writeFileSync(
    path.join(project, 'passcode.env'),
    `${fs.readFileSync(path.join(ROOT, '.env'), 'utf8')}\nAUTH_MODE=passcode\nAPP_PASSCODE=${STRONG_PASSCODE}\n`,
  );
  const write = jest.spyOn(process.stdout, 'write').mockImplementation(() => true);
  jest.spyOn(console, 'log').mockImplementation(() => undefined);
  try {
    servers = { demo: await startServer(path.join(ROOT, '.env')), passcode: await startServer(path.join(project, 'passcode.env')) };
  } finally {
    write.mockRestore();
  }
  curlHomes = { demo: curlHome(servers.demo.server.port), passcode: curlHome(servers.passcode.server.port) };
});

afterAll(async () => {
  jest.restoreAllMocks();
  await browser?.close();
  await Promise.all(Object.values(servers ?? {}).map((started) => started.server.close()));
  if (project !== undefined) fs.rmSync(project, { recursive: true, force: true });
});

/** curl's own configuration: localhost:3000 is the test's server, whatever the command line says. */
function curlHome(port: number): string {
  const dir = fs.mkdtempSync(path.join(project, '.curl-'));
  // The server answers to its own port only (a Host of another is DNS rebinding to it).
  fs.writeFileSync(path.join(dir, '.curlrc'), `connect-to = "${PRINTED}:127.0.0.1:${port}"\nheader = "Host: localhost:${port}"\n`);
  return dir;
}

const serverOf = (block: DocBlock): 'demo' | 'passcode' => (block.modes.includes('passcode') ? 'passcode' : 'demo');

/** The environment of a child: this run's own npm variables left out (the child's npm sets its own). */
function childEnv(block: DocBlock): NodeJS.ProcessEnv {
  const env = Object.fromEntries(Object.entries(process.env).filter(([key]) => !/^npm_/i.test(key)));
  return {
    ...env,
    CURL_HOME: curlHomes[serverOf(block)],
    NO_COLOR: '1',
    APP_PASSCODE: STRONG_PASSCODE,
    AUTH_JWT_SECRET: STRONG_JWT_SECRET,
    PORT_3000_IS: String(servers[serverOf(block)].server.port),
  };
}

function run(
  command: string,
  args: string[],
  block: DocBlock,
  stdin = '',
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd: project, env: childEnv(block) });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
    child.stdin.end(stdin);
  });
}

/**
 * A shell block, as a script. A command may give its verdict as exit 1 (the doctor on the demo
 * configuration, the inspector on an invalid token); anything above (a usage error, a command not
 * found) stops the block and fails it.
 */
async function runShell(block: DocBlock): Promise<string> {
  const guard = 'trap \'status=$?; if [ "$status" -gt 1 ]; then echo "doc-test: a command exited $status" >&2; exit "$status"; fi\' ERR\n';
  const { code, stdout, stderr } = await run('bash', ['-c', `${guard}${block.code}\n`], block);
  if (code !== 0 && code !== 1) throw new Error(`exit ${code}\nstdout:\n${stdout}\nstderr:\n${stderr}`);
  return stdout;
}

/** A Node block, as an ES module in the project copy (its imports resolve there); fetch to localhost:3000 reaches the server. */
async function runNode(block: DocBlock): Promise<string> {
  const file = path.join(project, `.doc-block-${block.line}.mjs`);
  const redirect = `const PORT = process.env.PORT_3000_IS; const original = globalThis.fetch;
globalThis.fetch = (input, init) => original(String(input instanceof Request ? input.url : input).replace('http://${PRINTED}/', \`http://127.0.0.1:\${PORT}/\`), init);\n`;
  const preload = path.join(project, '.doc-preload.mjs');
  fs.writeFileSync(preload, redirect);
  fs.writeFileSync(file, `${block.code}\n`);
  const { code, stdout, stderr } = await run(process.execPath, ['--import', preload, file], block);
  if (code !== 0) throw new Error(`exit ${code}\nstdout:\n${stdout}\nstderr:\n${stderr}`);
  return stdout;
}

/** A browser block, on a page of http://localhost:5173: what it logs, or what it threw. */
async function runBrowser(block: DocBlock): Promise<string> {
  browser ??= await launchChromium();
  const context = await browser.newContext();
  const port = servers[serverOf(block)].server.port;
  await context.route(`${APP_ORIGIN}/**`, (route) =>
    route.fulfill({ status: 200, contentType: 'text/html', body: '<!doctype html><meta charset="utf-8"><title>Your app</title>' }),
  );
  await context.route(`http://${PRINTED}/**`, async (route) => {
    const response = await route.fetch({ url: route.request().url().replace(`http://${PRINTED}/`, `http://127.0.0.1:${port}/`) });
    await route.fulfill({ response });
  });
  const page = await context.newPage();
  const logged: string[] = [];
  const problems: string[] = [];
  page.on('console', (message) => (message.type() === 'error' ? problems.push(message.text()) : logged.push(message.text())));
  page.on('pageerror', (error) => problems.push(String(error)));
  try {
    await page.goto(`${APP_ORIGIN}/`);
    // As typed into the console: top-level await works, each block in a scope of its own.
    const thrown = await page.evaluate(async (code) => {
      try {
        await (0, eval)(`(async () => {\n${code}\n})()`);
        return undefined;
      } catch (error) {
        return String(error instanceof Error ? `${error.name}: ${error.message}` : error);
      }
    }, block.code);
    // Listeners the block set up report what arrives just after it returns.
    await page.waitForTimeout(300);
    if (thrown !== undefined) problems.unshift(`threw ${thrown}`);
    if (problems.length > 0) throw new Error(problems.join('\n'));
    return logged.map((line) => `${line}\n`).join('');
  } finally {
    await context.close();
  }
}

/** The block before this one in its document, which an output block shows the output of. */
function previousOf(block: DocBlock): DocBlock {
  const mine = BLOCKS.filter((b) => b.file === block.file);
  const previous = mine[mine.indexOf(block) - 1];
  if (previous === undefined) throw new Error(`${name(block)}: an output block with no block before it`);
  return previous;
}

async function check(block: DocBlock): Promise<void> {
  if (block.modes.includes('output')) {
    const actual = printed.get(previousOf(block));
    if (actual === undefined) throw new Error(`${name(block)}: the block before it printed nothing (or did not run)`);
    const difference =
      block.lang === 'json' ? jsonDifference(JSON.parse(block.code), JSON.parse(actual)) : textDifference(block.code, actual);
    if (difference !== undefined) throw new Error(difference);
    return;
  }
  if (block.modes.includes('layout')) {
    const missing = layoutPaths(block.code).filter((entry) => !fs.existsSync(path.join(ROOT, entry)));
    expect(missing).toEqual([]);
    return;
  }
  switch (block.lang) {
    case 'bash':
      printed.set(block, await runShell(block));
      return;
    case 'js':
      printed.set(block, block.modes.includes('node') ? await runNode(block) : await runBrowser(block));
      return;
    case 'json':
      JSON.parse(block.code);
      return;
    case 'dotenv': {
      const file = path.join(project, `.doc-block-${block.line}.env`);
      fs.writeFileSync(file, `${block.code}\n`);
      const { vars, issues } = readEnvFileChecked(file);
      expect({ undeclared: Object.keys(vars).filter((key) => !isVariableName(key)), issues }).toEqual({ undeclared: [], issues: [] });
      return;
    }
    default:
      throw new Error(
        `${name(block)}: say what the block is (bash, js, json, dotenv; text with an output or layout annotation) or why it is not run`,
      );
  }
}

describe('the documents', () => {
  test('hold code blocks, and few are left unrun, each saying why', () => {
    expect(BLOCKS.length).toBeGreaterThan(10);
    const skipped = BLOCKS.filter((block) => block.skip !== undefined);
    for (const block of skipped) expect([name(block), block.skip!.length > 10]).toEqual([name(block), true]);
    expect(skipped.length).toBeLessThanOrEqual(MAX_SKIPPED);
  });

  test('every relative link points at a file there, and every #anchor at a heading of it', () => {
    const broken: string[] = [];
    for (const file of documents()) {
      const text = fs.readFileSync(path.join(ROOT, file), 'utf8').replace(/```[\s\S]*?```/g, '');
      for (const [, target] of text.matchAll(/\]\(([^)\s]+)\)/g)) {
        if (/^[a-z]+:/.test(target!)) continue;
        const [where = '', anchor] = target!.split('#');
        const linked = where === '' ? path.join(ROOT, file) : path.resolve(path.dirname(path.join(ROOT, file)), where);
        if (!fs.existsSync(linked)) broken.push(`${file}: ${target} (no such file)`);
        else if (anchor !== undefined && linked.endsWith('.md') && !anchorsOf(fs.readFileSync(linked, 'utf8')).includes(anchor))
          broken.push(`${file}: ${target} (no such heading)`);
      }
    }
    expect(broken).toEqual([]);
  });
});

/** GitHub's heading anchors: lower case, punctuation dropped, spaces to dashes. */
function anchorsOf(markdown: string): string[] {
  return [...markdown.replace(/```[\s\S]*?```/g, '').matchAll(/^#+ (.*)$/gm)].map(([, heading]) =>
    heading!
      .toLowerCase()
      .replace(/[^\p{L}\p{N}\s_-]/gu, '')
      .replace(/ /g, '-'),
  );
}

describe('the output and JSON rules the blocks are compared by', () => {
  test('printed JSON: "x..." is a start, an ISO time any time, "..." any other members or elements; anything else exact', () => {
    const printedJson = { token: 'eyJ...', expiresAt: '2026-11-23T08:10:00.000Z', grants: ['voice', '...'], '...': '...' };
    expect(
      jsonDifference(printedJson, { token: 'eyJabc', expiresAt: '2030-01-01T00:00:00.000Z', grants: ['voice', 'video'], ttl: 600 }),
    ).toBeUndefined();
    expect(jsonDifference(printedJson, { token: 'xyz', expiresAt: '2030-01-01T00:00:00.000Z', grants: ['voice'] })).toMatch(/\$\.token/);
    expect(jsonDifference({ ttl: 600 }, { ttl: 600, region: 'ie1' })).toMatch(/members the document does not show: region/);
    expect(jsonDifference({ grants: ['voice'] }, { grants: ['voice', 'video'] })).toMatch(/2 elements/);
  });

  test('printed text: a "..." line is any lines, "..." in a line any text', () => {
    expect(textDifference('a\n...\nz', 'a\nb\nc\nz\n')).toBeUndefined();
    expect(textDifference('PASS  ACCOUNT_SID: ...', 'PASS  ACCOUNT_SID: Account SID AC1.')).toBeUndefined();
    expect(textDifference('a\nz', 'a\nb\nz')).toBeDefined();
  });

  test('a layout diagram names paths by indentation', () => {
    expect(
      layoutPaths(
        'lib/              the core\n  config/         schema.ts\n                  more words\n  errors.ts       codes\n.env              demo',
      ),
    ).toEqual(['lib', 'lib/config', 'lib/errors.ts', '.env']);
  });
});

const runnable = BLOCKS.filter((block) => block.skip === undefined);
const needsBrowser = (block: DocBlock): boolean => block.lang === 'js' && !block.modes.includes('node');
/** An output block of a browser block: checked with it, in the browser suite. */
const showsBrowser = (block: DocBlock): boolean => block.modes.includes('output') && needsBrowser(previousOf(block));

describe('every block runs as printed', () => {
  // In document order: an output block follows the block it shows.
  test.each(runnable.filter((block) => !needsBrowser(block) && !showsBrowser(block)).map((block) => [name(block), block] as const))(
    '%s',
    async (_, block) => {
      await check(block);
    },
  );
});

describeWithChromium('every browser block runs as printed, on a page of another origin', () => {
  test.each(runnable.filter(needsBrowser).map((block) => [name(block), block] as const))('%s', async (_, block) => {
    await check(block);
    const after = BLOCKS[BLOCKS.indexOf(block) + 1];
    if (after !== undefined && after.file === block.file && after.modes.includes('output')) await check(after);
  });
});

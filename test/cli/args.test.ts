/** The one flag table and parser of every CLI (cli/lib/args.ts), and npm start's --allow-origin over HTTP. */
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import path from 'node:path';
import { describeFlags, parseFlags, UsageError } from '../../cli/lib/args';
import { parseArgs as parseServeArgs, withAllowedOrigins } from '../../cli/lib/local-server';
import { ROOT } from '../support/runtime';

const usageError = (run: () => unknown): string => {
  try {
    run();
  } catch (error) {
    if (error instanceof UsageError) return error.message;
    throw error;
  }
  throw new Error('expected a UsageError');
};

describe('parseFlags', () => {
  test('values inline or next, booleans, repeatable flags, positionals after --', () => {
    expect(parseFlags(['--env=.env.a', '--json', '--', '--not-a-flag'], ['env', 'json'], { positionals: true })).toEqual({
      flags: { env: '.env.a', json: true },
      positionals: ['--not-a-flag'],
      rest: [],
    });
    expect(parseFlags(['--allow-origin', 'http://a.test', '--allow-origin=http://b.test'], ['allow-origin']).flags).toEqual({
      'allow-origin': ['http://a.test', 'http://b.test'],
    });
    expect(parseFlags(['-p', '8080', '-h'], ['port', 'help']).flags).toEqual({ port: '8080', help: true });
  });

  test.each([
    [['--nope'], ['json'], 'unknown option "--nope"'],
    [['stray'], ['json'], 'unknown argument "stray"'],
    [['--env'], ['env'], '--env needs a file name, e.g. --env .env.local'],
    [['--env='], ['env'], '--env needs a file name, e.g. --env .env.local'],
    // The next option is not a value: `--env --json` is a forgotten file name.
    [['--env', '--json'], ['env', 'json'], '--env needs a file name, e.g. --env .env.local'],
    [['--env', 'a', '--env', 'b'], ['env'], '--env given twice; give it once'],
    [['--json=yes'], ['json'], '--json takes no value'],
    [[`--${'x'.repeat(200)}`], ['json'], `unknown option "--${'x'.repeat(38)}..."`],
  ] as const)('%j (flags %j) is a usage error: %s', (argv, names, message) => {
    expect(usageError(() => parseFlags(argv, names))).toBe(message);
  });

  test('passThrough keeps what is not ours, in order and as typed (npm run deploy -> twilio-run deploy)', () => {
    expect(
      parseFlags(['--environment', 'prod', '--dry-run', '--service-name=x', '--env', '.env.prod', '--force'], ['dry-run', 'env'], {
        passThrough: true,
      }),
    ).toEqual({
      flags: { 'dry-run': true, env: '.env.prod' },
      positionals: [],
      rest: ['--environment', 'prod', '--service-name=x', '--force'],
    });
  });

  test('the usage text lists each flag from the table, aligned', () => {
    expect(describeFlags(['env', 'help'])).toBe(
      '  --env FILE  the configuration (default: .env.local if it exists, else .env)\n  -h, --help  show this help',
    );
  });
});

describe('npm start -- --allow-origin (#19): a page on another local origin may call the local service', () => {
  test('parsed, checked as an origin, and added to ALLOWED_ORIGINS for the run', () => {
    expect(parseServeArgs(['--allow-origin', 'http://localhost:5173']).allowOrigins).toEqual(['http://localhost:5173']);
    expect(usageError(() => parseServeArgs(['--allow-origin', 'http://localhost:5173/']))).toMatch(
      /^--allow-origin "http:\/\/localhost:5173\/" ends with a slash; browsers send http:\/\/localhost:5173/,
    );
    expect(withAllowedOrigins({ ALLOWED_ORIGINS: 'https://app.example.com' }, ['http://localhost:5173'])).toEqual({
      ALLOWED_ORIGINS: 'https://app.example.com,http://localhost:5173',
    });
    expect(withAllowedOrigins({ API_KEY: 'x' }, [])).toEqual({ API_KEY: 'x' });
  });

  let child: ChildProcessWithoutNullStreams | undefined;
  afterEach(() => child?.kill());

  test('over HTTP: the named origin gets its answers, another gets a 403 that names the flag', async () => {
    child = spawn(
      process.execPath,
      [
        path.join(ROOT, 'dist', 'cli', 'serve.js'),
        '--port',
        '0',
        '--env',
        path.join(ROOT, '.env'),
        '--allow-origin',
        'http://localhost:5173',
      ],
      { cwd: ROOT },
    );
    let stdout = '';
    const base = await new Promise<string>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`not started: ${stdout}`)), 20_000);
      child!.stdout.on('data', (chunk: Buffer) => {
        stdout += chunk.toString();
        const match = /Serving on (http:\/\/localhost:\d+)/.exec(stdout);
        if (match !== null) {
          clearTimeout(timer);
          resolve(match[1]!);
        }
      });
    });
    expect(stdout).toContain('Also allowing pages on http://localhost:5173 (--allow-origin)');
    const allowed = await fetch(`${base}/token?identity=alice&grants=video`, { headers: { Origin: 'http://localhost:5173' } });
    expect(allowed.status).toBe(200);
    expect(allowed.headers.get('access-control-allow-origin')).toBe('http://localhost:5173');
    const other = await fetch(`${base}/token?identity=alice&grants=video`, { headers: { Origin: 'http://localhost:4200' } });
    expect(other.status).toBe(403);
    const { error } = (await other.json()) as { error: { code: string; message: string } };
    expect(error.code).toBe('origin_not_allowed');
    // What is accepted, said in full: http://localhost origins are origins too.
    expect(error.message).toMatch(/scheme:\/\/host\[:port\], e\.g\. https:\/\/app\.example\.com or http:\/\/localhost:5173/);
    expect(error.message).toContain('npm start -- --allow-origin http://localhost:4200');
  });
});

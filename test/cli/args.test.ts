/** The one flag table and parser of every CLI (cli/lib/args.ts), and npm start's --allow-origin over HTTP. */
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { describeFlags, parseFlags, refuseNpmSwallowed, swallowedByNpm, UsageError } from '../../cli/lib/args';
import { copyProject } from '../support/project-copy';
import { parseArgs as parseServeArgs, withAllowedOrigins } from '../../cli/lib/local-server';
import { ROOT, servingUrl } from '../support/runtime';

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
    const { base, stdout } = await servingUrl(child);
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

describe('flags npm keeps for itself: npm run inspect --json, without -- (issue 19)', () => {
  // What npm puts in the script's environment (npm 11): the flag as its own config, the value as an argument.
  test.each([
    ['inspect', ['--json'], [], { npm_config_json: 'true' }, ['json']],
    ['inspect', ['--file', 'x.har'], ['x.har'], { npm_config_file: 'true' }, ['file']],
    ['inspect', ['--no-env'], [], { npm_config_env: '' }, ['no-env']],
    ['inspect', ['--env', 'prod.env'], ['prod.env'], { npm_config_env: 'true' }, ['env']],
    ['start', ['--port', '4000'], ['4000'], { npm_config_port: 'true' }, ['port']],
    ['deploy', ['--dry-run'], [], { npm_config_dry_run: 'true' }, ['dry-run']],
  ] as const)('npm run %s %j: the script gets %j and npm %j', (script, _typed, argv, config, lost) => {
    const names = ['json', 'file', 'env', 'no-env', 'port', 'dry-run', 'help'] as const;
    expect(swallowedByNpm(script, names, argv, { npm_lifecycle_event: script, ...config })).toEqual(lost);
    // Passed on after --, the same flag is the command's; under another script (deploy running the doctor) it is not ours to judge.
    expect(swallowedByNpm(script, names, [`--${lost[0]}`, ...argv], { npm_lifecycle_event: script, ...config })).toEqual([]);
    expect(swallowedByNpm(script, names, argv, { npm_lifecycle_event: 'test', ...config })).toEqual([]);
    expect(swallowedByNpm(script, names, argv, config)).toEqual([]);
  });

  test('the message says what happened and the command to type', () => {
    const env = { npm_lifecycle_event: 'inspect', npm_config_json: 'true', npm_config_file: 'true' };
    expect(usageError(() => refuseNpmSwallowed('inspect', ['file', 'json'], ['x.har'], env))).toBe(
      'npm kept --file and --json for itself: npm passes options to the script only after --. Run it again as npm run inspect -- --file PATH --json',
    );
    expect(
      usageError(() => refuseNpmSwallowed('start', ['port'], ['4000'], { npm_lifecycle_event: 'start', npm_config_port: 'true' })),
    ).toBe('npm kept --port for itself: npm passes options to the script only after --. Run it again as npm start -- --port N');
  });

  test('the real npm run inspect --json, in a copy of the project: exit 2 and the command with --, never text where JSON was asked', async () => {
    const project = copyProject('npm-flags-');
    try {
      // The child's npm, not this run's: no npm_* variable of ours passed on.
      const env = Object.fromEntries(Object.entries(process.env).filter(([key]) => !key.toLowerCase().startsWith('npm_')));
      const child = spawn('npm', ['run', '--silent', 'inspect', '--json'], { cwd: project, env });
      child.stdin.end('SK' + 'ab'.repeat(16));
      let stdout = '';
      let stderr = '';
      child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
      child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
      const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
      expect(stderr).toContain(
        'inspect: npm kept --json for itself: npm passes options to the script only after --. Run it again as npm run inspect -- --json\n',
      );
      expect(code).toBe(2);
      expect(stdout).not.toContain('NO TOKEN');
    } finally {
      fs.rmSync(project, { recursive: true, force: true });
    }
  }, 60_000);
});

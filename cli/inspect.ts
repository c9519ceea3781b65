/**
 * npm run inspect -- <token>        (or: pbpaste | npm run inspect)
 * Explains what is wrong with a Twilio Access Token, judged against the local configuration
 * (.env.local when it exists, else .env; --env FILE to choose). Exit 0 valid, 1 invalid, 2 usage.
 */
import { loadConfig } from '../lib/config/service';
import { ServiceError } from '../lib/errors';
import { expectationsFromConfig, expectationsFromVars, inspectToken, type Expectations } from '../lib/inspect';
import { formatReport } from '../lib/inspect/print';
import { wantsColor } from '../lib/terminal';
import { chooseEnvFile, EnvFileError, readEnvFile } from './lib/env-file';

export interface CliIo {
  stdout: { write(text: string): unknown; isTTY?: boolean };
  stderr: { write(text: string): unknown };
  stdinIsTTY: boolean;
  readStdin(): Promise<string>;
  env: Record<string, string | undefined>;
  /** Where .env.local / .env are looked up (npm runs scripts in the project root). */
  cwd: string;
  now?: () => number;
}

export const EXIT_VALID = 0;
export const EXIT_INVALID = 1;
export const EXIT_USAGE = 2;

const USAGE = `Usage: npm run inspect -- [options] <token>
       <command printing a token> | npm run inspect -- [options]

Explains what is wrong with a Twilio Access Token, in Twilio's error codes. The token is
checked locally and never sent anywhere. Prefer stdin: a token on the command line stays in
your shell history.

Options:
  --json         print the report as JSON
  --env FILE     judge the token against FILE (default: .env.local if it exists, else .env)
  --no-env       judge the token on its own (no account, key or secret to compare with)
  -h, --help     show this help

Exit codes: 0 valid, 1 invalid, 2 usage error.
`;

interface CliArgs {
  json: boolean;
  envFile?: string;
  noEnv: boolean;
  help: boolean;
  token?: string;
}

class UsageError extends Error {}

export function parseArgs(argv: readonly string[]): CliArgs {
  const args: CliArgs = { json: false, noEnv: false, help: false };
  const positional: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] as string;
    if (arg === '--') {
      positional.push(...argv.slice(i + 1));
      break;
    }
    if (arg === '--json') args.json = true;
    else if (arg === '--no-env') args.noEnv = true;
    else if (arg === '-h' || arg === '--help') args.help = true;
    else if (arg === '--env' || arg.startsWith('--env=')) {
      const value = arg === '--env' ? argv[++i] : arg.slice('--env='.length);
      if (value === undefined || value === '') throw new UsageError('--env needs a file name, e.g. --env .env.local');
      args.envFile = value;
    } else if (arg.startsWith('-') && arg !== '-') throw new UsageError(`unknown option ${JSON.stringify(arg.slice(0, 40))}`);
    else positional.push(arg);
  }
  if (args.noEnv && args.envFile !== undefined) throw new UsageError('--env and --no-env contradict each other; use one');
  // `Bearer eyJ...` pasted unquoted arrives as two arguments.
  if (positional.length === 2 && /^bearer$/i.test(positional[0] as string)) positional.shift();
  if (positional.length > 1)
    throw new UsageError(`one token at a time (got ${positional.length} arguments; quote the token if it contains spaces)`);
  if (positional.length === 1 && positional[0] !== '-') args.token = positional[0];
  return args;
}

interface LoadedExpectations {
  expectations: Expectations;
  source: string;
  notes: string[];
}

function readExpectations(args: CliArgs, io: CliIo): LoadedExpectations {
  if (args.noEnv) return { expectations: {}, source: 'nothing (--no-env)', notes: [] };
  let file;
  try {
    file = chooseEnvFile(io.cwd, args.envFile);
  } catch (error) {
    if (error instanceof EnvFileError) throw new UsageError(error.message);
    throw error;
  }
  if (file === undefined) return { expectations: {}, source: 'nothing (no .env.local or .env here)', notes: [] };
  const vars = readEnvFile(file.path);
  try {
    return { expectations: expectationsFromConfig(loadConfig(vars)), source: file.shown, notes: [] };
  } catch (error) {
    if (!(error instanceof ServiceError)) throw error;
    // Still judge what can be judged: the well-formed variables of a half-finished file.
    const { expectations, ignored } = expectationsFromVars(vars);
    const named = [...new Set([...(error.field ?? '').split(','), ...ignored].filter((v) => v !== ''))];
    return {
      expectations,
      source: file.shown,
      notes: [
        `${file.shown} is not a complete configuration (${named.join(', ')}); checking against its well-formed variables only. npm run doctor explains.`,
      ],
    };
  }
}

/** parse args -> read expectations -> run the engine -> print. Returns the exit code. */
export async function main(argv: readonly string[], io: CliIo): Promise<number> {
  let args: CliArgs;
  let loaded: LoadedExpectations;
  try {
    args = parseArgs(argv);
    if (args.help) {
      io.stdout.write(USAGE);
      return EXIT_VALID;
    }
    loaded = readExpectations(args, io);
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    io.stderr.write(`inspect: ${error.message}\n\n${USAGE}`);
    return EXIT_USAGE;
  }

  let token = args.token;
  if (token === undefined) {
    if (io.stdinIsTTY) {
      io.stderr.write(`inspect: no token given\n\n${USAGE}`);
      return EXIT_USAGE;
    }
    token = await io.readStdin();
    if (token.trim() === '') {
      io.stderr.write('inspect: stdin was empty; pipe the token in or pass it as an argument\n');
      return EXIT_USAGE;
    }
  }

  for (const note of loaded.notes) io.stderr.write(`inspect: ${note}\n`);
  const report = await inspectToken(token, { expect: loaded.expectations, now: (io.now ?? Date.now)() });
  if (args.json) {
    io.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
  } else {
    io.stdout.write(formatReport(report, { color: wantsColor(io.stdout, io.env) }));
    io.stdout.write(`Expectations from: ${loaded.source}\n`);
  }
  return report.valid ? EXIT_VALID : EXIT_INVALID;
}

function nodeIo(): CliIo {
  return {
    stdout: process.stdout,
    stderr: process.stderr,
    stdinIsTTY: process.stdin.isTTY === true,
    readStdin: async () => {
      const chunks: Buffer[] = [];
      for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
      return Buffer.concat(chunks).toString('utf8');
    },
    env: process.env,
    cwd: process.cwd(),
  };
}

if (require.main === module) {
  main(process.argv.slice(2), nodeIo()).then(
    (code) => {
      process.exitCode = code;
    },
    (error: unknown) => {
      process.stderr.write(`inspect: ${error instanceof Error ? error.message : String(error)}\n`);
      process.exitCode = EXIT_USAGE;
    },
  );
}

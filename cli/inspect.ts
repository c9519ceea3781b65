/**
 * npm run inspect -- <text>   |   <command> | npm run inspect   |   npm run inspect -- --file session.har
 * Finds the Twilio Access Token(s) in whatever was pasted (a header line, a curl command, a HAR
 * file...) and explains what is wrong with them, judged against the local configuration
 * (.env.local when it exists, else .env; --env FILE to choose). Exit 0 valid, 1 invalid, 2 usage.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { loadConfig } from '../lib/config/service';
import { ServiceError } from '../lib/errors';
import { expectationsFromConfig, expectationsFromVars, inspectText, supportReport, type Expectations } from '../lib/inspect';
import { formatPaste } from '../lib/inspect/print';
import { wantsColor } from '../lib/terminal';
import { blockingIssues } from '../lib/config/env-issues';
import { describeFlags, parseFlags, refuseNpmSwallowed, UsageError } from './lib/args';
import { chooseEnvFile, EnvFileError, readEnvFileChecked } from './lib/env-file';
import { runCli } from './lib/run';

export interface CliIo {
  stdout: { write(text: string): unknown; isTTY?: boolean };
  stderr: { write(text: string): unknown };
  stdinIsTTY: boolean;
  readStdin(): Promise<string>;
  env: Record<string, string | undefined>;
  /** Where .env.local / .env are looked up and --file is resolved (npm runs scripts in the project root). */
  cwd: string;
  now?: () => number;
}

export const EXIT_VALID = 0;
export const EXIT_INVALID = 1;
export const EXIT_USAGE = 2;

const INSPECT_FLAGS = ['file', 'json', 'report', 'env', 'no-env', 'help'] as const;

const USAGE = `Usage: npm run inspect -- [options] <text holding a token>
       <command printing it> | npm run inspect -- [options]
       npm run inspect -- [options] --file session.har

Finds the Twilio Access Token in what you paste (the token, an X-Twilio-Token header line, the
DevTools Headers pane, Copy as cURL / fetch / PowerShell, a HAR file, a JSON answer, a log
line) and explains what is wrong with it, in Twilio's error codes. Everything is checked on
this machine and never sent anywhere. Prefer stdin or --file: text on the command line stays
in your shell history.

Options:
${describeFlags(INSPECT_FLAGS)}

Exit codes: 0 valid, 1 invalid or no token found, 2 usage error.
`;

interface CliArgs {
  output: 'text' | 'json' | 'report';
  envFile?: string;
  file?: string;
  noEnv: boolean;
  help: boolean;
  /** The positional arguments joined: `X-Twilio-Token: eyJ...` unquoted arrives as two. */
  text?: string;
}

export function parseArgs(argv: readonly string[]): CliArgs {
  const { flags, positionals } = parseFlags(argv, INSPECT_FLAGS, { positionals: true });
  if (flags.json === true && flags.report === true) throw new UsageError('--json and --report are two different outputs; use one');
  if (flags['no-env'] === true && flags.env !== undefined) throw new UsageError('--env and --no-env contradict each other; use one');
  const text = positionals.filter((p) => p !== '-').join(' ');
  if (flags.file !== undefined && text !== '') throw new UsageError('give the text or --file, not both');
  return {
    output: flags.json === true ? 'json' : flags.report === true ? 'report' : 'text',
    ...(flags.env !== undefined ? { envFile: flags.env } : {}),
    ...(flags.file !== undefined ? { file: flags.file } : {}),
    noEnv: flags['no-env'] === true,
    help: flags.help === true,
    ...(text !== '' ? { text } : {}),
  };
}

/** The file, read once into one string (a HAR of tens of MB is fine; the engine parses it once). */
function readInputFile(file: string, cwd: string): string {
  try {
    return readFileSync(path.resolve(cwd, file), 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const why =
      code === 'ENOENT'
        ? 'no such file'
        : code === 'EISDIR'
          ? 'it is a folder'
          : code === 'EACCES'
            ? 'permission denied'
            : code === 'ERR_STRING_TOO_LONG'
              ? 'it is over 512 MB'
              : (code ?? 'unreadable');
    throw new UsageError(`cannot read ${JSON.stringify(file)}: ${why}`);
  }
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
  const { vars, issues } = readEnvFileChecked(file.path);
  // An ambiguous secret or SID is the usual cause of a 20107/20103 the file seems not to explain.
  const ambiguous = blockingIssues(issues).map((i) => `${file.shown} line ${i.line}: ${i.message} Fix: ${i.fix}`);
  try {
    return { expectations: expectationsFromConfig(loadConfig(vars)), source: file.shown, notes: ambiguous };
  } catch (error) {
    if (!(error instanceof ServiceError)) throw error;
    // Still judge what can be judged: the well-formed variables of a half-finished file.
    const { expectations, ignored } = expectationsFromVars(vars);
    const named = [...new Set([...(error.field ?? '').split(','), ...ignored].filter((v) => v !== ''))];
    return {
      expectations,
      source: file.shown,
      notes: [
        ...ambiguous,
        `${file.shown} is not a complete configuration (${named.join(', ')}); checking against its well-formed variables only. npm run doctor explains.`,
      ],
    };
  }
}

async function readInput(args: CliArgs, io: CliIo): Promise<string> {
  if (args.file !== undefined) return readInputFile(args.file, io.cwd);
  if (args.text !== undefined) return args.text;
  if (io.stdinIsTTY) throw new UsageError('no token given');
  const text = await io.readStdin();
  if (text.trim() === '') throw new UsageError('stdin was empty; pipe the text in, pass it as an argument or use --file');
  return text;
}

/** parse args -> read expectations and input -> run the engine -> print. Returns the exit code. */
export async function main(argv: readonly string[], io: CliIo): Promise<number> {
  let args: CliArgs;
  let loaded: LoadedExpectations;
  let text: string;
  try {
    // `npm run inspect --json` without --: npm keeps the flag, and the text answer would not parse.
    refuseNpmSwallowed('inspect', INSPECT_FLAGS, argv, io.env);
    args = parseArgs(argv);
    if (args.help) {
      io.stdout.write(USAGE);
      return EXIT_VALID;
    }
    loaded = readExpectations(args, io);
    text = await readInput(args, io);
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    io.stderr.write(`inspect: ${error.message}\n\n${USAGE}`);
    return EXIT_USAGE;
  }

  for (const note of loaded.notes) io.stderr.write(`inspect: ${note}\n`);
  const now = (io.now ?? Date.now)();
  // Only the support report needs the tokens' text (to share what may be shared of them).
  const inspection = await inspectText(text, { expect: loaded.expectations, now, keepTokens: args.output === 'report' });
  if (args.output === 'json') io.stdout.write(`${JSON.stringify(inspection, null, 2)}\n`);
  else if (args.output === 'report') io.stdout.write(supportReport(inspection, now));
  else {
    io.stdout.write(formatPaste(inspection, { color: wantsColor(io.stdout, io.env) }));
    io.stdout.write(`Expectations from: ${loaded.source}\n`);
  }
  return inspection.valid ? EXIT_VALID : EXIT_INVALID;
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
  // `npm run inspect -- --file big.har | head`: the reader leaving early is not an error.
  process.stdout.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code !== 'EPIPE') throw error;
    process.exit(typeof process.exitCode === 'number' ? process.exitCode : EXIT_VALID);
  });
  runCli('inspect', () => main(process.argv.slice(2), nodeIo()), { failureCode: EXIT_USAGE });
}

/**
 * npm run doctor [-- --env FILE] [-- --online] [-- --json]
 * Checks the configuration the token service will run with (.env.local when it exists, else
 * .env) and says what to fix. Exit 0 no failure (warnings allowed), 1 a check failed, 2 usage.
 * scripts/deploy.js runs `node dist/cli/doctor.js --env <file>` before every upload.
 */
import { runDoctor } from '../lib/doctor';
import { isLoopbackBaseUrl } from '../lib/doctor/online/client';
import { formatChecklist } from '../lib/doctor/print';
import { wantsColor } from '../lib/terminal';
import { describeFlags, parseFlags, refuseNpmSwallowed, UsageError } from './lib/args';
import { chooseEnvFile, EnvFileError, readEnvFileChecked, type EnvFile } from './lib/env-file';
import { runCli } from './lib/run';

export interface DoctorIo {
  stdout: { write(text: string): unknown; isTTY?: boolean };
  stderr: { write(text: string): unknown };
  /**
   * The environment: NO_COLOR, and TWILIO_API_BASE_URL, which sends the online checks to a
   * loopback stand-in of the Twilio REST API instead of Twilio (tests only).
   */
  env: Record<string, string | undefined>;
  /** Where .env.local / .env are looked up (npm runs scripts in the project root). */
  cwd: string;
}

export const EXIT_OK = 0;
export const EXIT_FAILED = 1;
export const EXIT_USAGE = 2;

const DOCTOR_FLAGS = ['env', 'online', 'json', 'help'] as const;

const USAGE = `Usage: npm run doctor [-- options]

Checks the configuration the token service runs with, and says what to fix: every variable,
lib/config's verdict, then a self-test that mints a token per configured grant and inspects it.

Options:
${describeFlags(DOCTOR_FLAGS)}

Exit codes: 0 no failure (warnings allowed), 1 a check failed, 2 usage error.
`;

interface DoctorArgs {
  envFile?: string;
  online: boolean;
  json: boolean;
  help: boolean;
}

export function parseArgs(argv: readonly string[]): DoctorArgs {
  const { flags } = parseFlags(argv, DOCTOR_FLAGS);
  return {
    ...(flags.env !== undefined ? { envFile: flags.env } : {}),
    online: flags.online === true,
    json: flags.json === true,
    help: flags.help === true,
  };
}

function envFileFor(args: DoctorArgs, cwd: string): EnvFile {
  let file: EnvFile | undefined;
  try {
    file = chooseEnvFile(cwd, args.envFile);
  } catch (error) {
    if (error instanceof EnvFileError) throw new UsageError(error.message);
    throw error;
  }
  if (file === undefined) throw new UsageError(`no .env.local or .env in ${cwd}; copy .env.example to .env.local, or pass --env FILE`);
  return file;
}

/** parse args -> read the env file -> run the checks -> print. Returns the exit code. */
export async function main(argv: readonly string[], io: DoctorIo): Promise<number> {
  let args: DoctorArgs;
  let file: EnvFile;
  let apiBaseUrl: string | undefined;
  try {
    refuseNpmSwallowed('doctor', DOCTOR_FLAGS, argv, io.env);
    args = parseArgs(argv);
    if (args.help) {
      io.stdout.write(USAGE);
      return EXIT_OK;
    }
    file = envFileFor(args, io.cwd);
    apiBaseUrl = io.env.TWILIO_API_BASE_URL === '' ? undefined : io.env.TWILIO_API_BASE_URL;
    if (apiBaseUrl !== undefined && !isLoopbackBaseUrl(apiBaseUrl)) {
      // It receives the API key and secret: never let it point anywhere but this machine.
      throw new UsageError('TWILIO_API_BASE_URL may only name a loopback stand-in (http://127.0.0.1:PORT); unset it to ask Twilio');
    }
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    io.stderr.write(`doctor: ${error.message}\n\n${USAGE}`);
    return EXIT_USAGE;
  }

  const { vars, issues } = readEnvFileChecked(file.path);
  const report = await runDoctor(vars, { source: file.shown, envIssues: issues, online: args.online, onlineOptions: { apiBaseUrl } });
  if (args.json) {
    io.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
  } else {
    io.stdout.write(formatChecklist(report, { color: wantsColor(io.stdout, io.env) }));
  }
  return report.ok ? EXIT_OK : EXIT_FAILED;
}

if (require.main === module) {
  const io = { stdout: process.stdout, stderr: process.stderr, env: process.env, cwd: process.cwd() };
  runCli('doctor', () => main(process.argv.slice(2), io), { failureCode: EXIT_USAGE });
}

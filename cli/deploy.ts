/**
 * npm run deploy [-- --env FILE] [-- --dry-run] [-- twilio-run deploy flags]
 * Refuses to upload the demo configuration or one the doctor fails, then runs
 * `twilio-run deploy` on the built dist/. Real values live in the untracked .env.local (see
 * .env.example); a bare `twilio serverless:deploy` also reads .env.local, per .twilioserverlessrc.
 */
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { isDemoCredentials } from '../lib/demo';
import { runDoctor } from '../lib/doctor';
import { formatChecklist } from '../lib/doctor/print';
import { wantsColor } from '../lib/terminal';
import { chooseEnvFile, EnvFileError, readEnvFile } from './lib/env-file';

class Refused extends Error {}

/** `--env FILE` / `--env=FILE` taken out of the arguments; the rest pass through to twilio-run deploy. */
function takeEnvArgument(args: string[]): string | undefined {
  const i = args.findIndex((arg) => arg === '--env' || arg.startsWith('--env='));
  if (i < 0) return undefined;
  const arg = args[i] as string;
  const value = arg.includes('=') ? arg.slice(arg.indexOf('=') + 1) : args[i + 1];
  args.splice(i, arg.includes('=') ? 1 : 2);
  return value;
}

async function main(argv: readonly string[]): Promise<number> {
  const root = path.resolve(__dirname, '..', '..');
  const passThrough = argv.filter((arg) => arg !== '--dry-run');
  const dryRun = passThrough.length !== argv.length;
  const named = takeEnvArgument(passThrough);
  const missing = `Copy .env.example to .env.local, fill in your Account SID, API key and secret, TwiML App and service SIDs, then run npm run deploy again.`;
  let envFile;
  try {
    envFile = chooseEnvFile(process.cwd(), named ?? path.join(root, '.env.local'));
  } catch (error) {
    if (error instanceof EnvFileError) throw new Refused(`${named ?? '.env.local'} does not exist. ${missing}`);
    throw error;
  }
  if (envFile === undefined) throw new Refused(missing);
  const vars = readEnvFile(envFile.path);
  if (isDemoCredentials(vars)) {
    throw new Refused(
      `${envFile.shown} holds the demo configuration (fake SIDs and the demo secret). Tokens signed with it are rejected by Twilio. Put your real values in .env.local.`,
    );
  }
  const report = await runDoctor(vars, { source: envFile.shown });
  process.stdout.write(formatChecklist(report, { color: wantsColor(process.stdout, process.env) }));
  if (!report.ok) throw new Refused('the configuration doctor found problems (above). Fix them, or see README "Troubleshooting".');

  const command = [require.resolve('twilio-run/bin/twilio-run.js'), 'deploy', '--env', envFile.path, ...passThrough];
  process.stdout.write(`Deploying dist/ with configuration from ${envFile.shown}\n`);
  if (dryRun) {
    process.stdout.write(`(dry run) would run: twilio-run ${command.slice(1).join(' ')}\n`);
    return 0;
  }
  return spawnSync(process.execPath, command, { cwd: root, stdio: 'inherit' }).status ?? 1;
}

if (require.main === module) {
  main(process.argv.slice(2)).then(
    (code) => {
      process.exitCode = code;
    },
    (error: unknown) => {
      const message = error instanceof Error ? error.message : String(error);
      process.stderr.write(error instanceof Refused ? `\nDeploy refused: ${message}\n\n` : `deploy: ${message}\n`);
      process.exitCode = 1;
    },
  );
}

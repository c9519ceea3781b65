/**
 * npm run deploy [-- --env FILE] [-- --dry-run [--json]] [-- twilio-run deploy flags]
 * Reads the env file with twilio-run's own parser, refuses the demo configuration, an ambiguous
 * secret or SID (a line other tools read differently) and a configuration the doctor fails,
 * prints the plan twilio-run's own code computes (functions, assets, dependencies, runtime,
 * variable names, credentials), then runs `twilio-run deploy` on the built dist/, and finally
 * points the TwiML App of OUTGOING_SID at the deployed /voice when its Voice URL is empty
 * (cli/lib/voice-url.ts). `--dry-run` stops after the plan. Real values live in the untracked .env.local (see .env.example).
 */
import { spawn } from 'node:child_process';
import path from 'node:path';
import { blockingIssues } from '../lib/config/env-issues';
import { isDemoCredentials } from '../lib/demo';
import { runDoctor } from '../lib/doctor';
import { formatChecklist } from '../lib/doctor/print';
import { wantsColor } from '../lib/terminal';
import { parseFlags, refuseNpmSwallowed, UsageError } from './lib/args';
import { deployPlan, formatPlan } from './lib/deploy-plan';
import { chooseEnvFile, EnvFileError, readEnvFileChecked } from './lib/env-file';
import { wireVoiceUrl } from './lib/voice-url';
import { runCli } from './lib/run';

class Refused extends Error {}

const DEPLOY_FLAGS = ['dry-run', 'json', 'env'] as const;

export async function main(argv: readonly string[], root = path.resolve(__dirname, '..', '..')): Promise<number> {
  let parsed;
  try {
    // Our own flags; every other one goes to twilio-run deploy as typed (--environment, --service-name, ...).
    // `npm run deploy --dry-run` (no --) would otherwise upload: npm keeps the flag for itself.
    refuseNpmSwallowed('deploy', DEPLOY_FLAGS, argv);
    parsed = parseFlags(argv, DEPLOY_FLAGS, { passThrough: true });
  } catch (error) {
    if (error instanceof UsageError) throw new Refused(error.message);
    throw error;
  }
  const { flags, rest: passThrough } = parsed;
  const dryRun = flags['dry-run'] === true;
  const json = flags.json === true;
  const named = flags.env;
  const missing = `Copy .env.example to .env.local, fill in your Account SID, API key and secret, TwiML App and service SIDs, then run npm run deploy again.`;
  let envFile;
  try {
    envFile = chooseEnvFile(process.cwd(), named ?? path.join(root, '.env.local'));
  } catch (error) {
    if (error instanceof EnvFileError) throw new Refused(`${named ?? '.env.local'} does not exist. ${missing}`);
    throw error;
  }
  if (envFile === undefined) throw new Refused(missing);
  const { vars, issues } = readEnvFileChecked(envFile.path);
  if (isDemoCredentials(vars)) {
    throw new Refused(
      `${envFile.shown} holds the demo configuration (fake SIDs and the demo secret). Tokens signed with it are rejected by Twilio. Put your real values in .env.local.`,
    );
  }
  const log = (text: string): void => void (json ? process.stderr : process.stdout).write(text);
  const report = await runDoctor(vars, { source: envFile.shown, envIssues: issues });
  log(formatChecklist(report, { color: wantsColor(process.stdout, process.env) }));
  const ambiguous = blockingIssues(issues);
  if (ambiguous.length > 0) {
    const lines = ambiguous.map((i) => `  ${envFile.shown} line ${i.line}: ${i.message}\n    fix: ${i.fix}`).join('\n');
    throw new Refused(
      `twilio-run would upload a secret or SID other tools read differently, so what the doctor checked may not be what runs:\n${lines}`,
    );
  }
  if (!report.ok) throw new Refused('the configuration doctor found problems (above). Fix them, or see docs/troubleshooting.md.');

  const args = ['--cwd', root, '--env', envFile.path, ...passThrough];
  const plan = await deployPlan(args, vars);
  if (json) process.stdout.write(`${JSON.stringify(plan, null, 2)}\n`);
  else log(`\n${formatPlan(plan, root)}`);
  if (!plan.credentials.usable) throw new Refused(plan.credentials.problem ?? 'no credentials to upload with');
  if (plan.functions.length === 0)
    throw new Refused('there is no built function in dist/functions: run npm run build (npm run deploy does).');
  if (plan.refusedAssets.length > 0) {
    const lines = plan.refusedAssets.map((f) => `  ${f.path} (${f.file}): ${f.reason}`).join('\n');
    throw new Refused(
      `twilio-run would publish these files of the assets folder, which the page does not use:\n${lines}\nRemove them: npm run build copies only index.html and what it references.`,
    );
  }
  const outgoing = vars.OUTGOING_SID?.trim();
  if (outgoing)
    log(
      `\nAfter the upload: the TwiML App ${outgoing} (OUTGOING_SID) is pointed at https://<the deployed domain>/voice if its Voice URL is empty.\n`,
    );
  if (dryRun) {
    log('\n(dry run) nothing was uploaded.\n');
    return 0;
  }
  log(`\nDeploying dist/ with configuration from ${envFile.shown}\n`);
  const child = spawn(process.execPath, [require.resolve('twilio-run/bin/twilio-run.js'), 'deploy', ...args], {
    cwd: root,
    stdio: 'inherit',
  });
  const uploaded = await new Promise<number>((resolve) => child.on('close', (code) => resolve(code ?? 1)));
  if (uploaded !== 0) return uploaded;
  return wireVoiceUrl(args, vars, log);
}

if (require.main === module) {
  runCli('deploy', () => main(process.argv.slice(2)), {
    describe: (error) =>
      error instanceof Refused
        ? `
Deploy refused: ${error.message}

`
        : undefined,
  });
}

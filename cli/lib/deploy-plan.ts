/**
 * What `twilio-run deploy` would upload, computed offline by the code it runs: the deploy
 * command's own flag parser and config reader (twilio-run 5.0.1 internals, pinned exactly in
 * package.json: the .twilioserverlessrc, the env file through its dotenv, credentials,
 * .twiliodeployinfo) and @twilio-labs/serverless-api's listing of functions and assets and of
 * dependencies. No network. Variable values never leave this module: the plan names them.
 */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';

/** scripts/lib/build-config.js (plain JS): the build's rule for what an assets folder may publish. */
const { assetRefusal, pageAssets } = require('../../scripts/lib/build-config') as {
  assetRefusal: (dir: string, rel: string) => string | undefined;
  pageAssets: (dir: string) => Set<string>;
};

export interface PlannedFile {
  /** The URL path: `/token`, `/index.html`. */
  path: string;
  access: 'public' | 'protected' | 'private';
  /** Relative to the project. */
  file: string;
  bytes: number;
}

export interface DeployPlan {
  credentials: { source: string; username: string; usable: boolean; problem?: string };
  service: { sid: string; from: string } | { uniqueName: string; from: string };
  /** The environment's domain suffix (`dev`), '' for production. */
  environment: string;
  /** null: no Runtime is sent and Twilio's default applies. */
  runtime: string | null;
  functions: PlannedFile[];
  assets: PlannedFile[];
  /**
   * Assets twilio-run would upload that the page does not use, or that may never be published
   * (a dotfile, a source map, a backup, a link): the deploy gate refuses while there is one.
   */
  refusedAssets: (PlannedFile & { reason: string })[];
  dependencies: { name: string; version: string }[];
  /** The names of the variables uploaded: the env file's non-empty ones, less ACCOUNT_SID and AUTH_TOKEN. */
  variables: string[];
  /** Empty in the file, so not uploaded: a value already on the service stays (deploy never deletes). */
  skippedEmpty: string[];
  envFile: string;
}

interface ServerlessResource {
  path: string;
  access: 'public' | 'protected' | 'private';
  filePath: string;
  content: string | Buffer;
}

interface TwilioRunDeployConfig {
  cwd: string;
  envPath: string;
  username: string;
  password: string;
  env: Record<string, string>;
  serviceSid?: string;
  serviceName?: string;
  pkgJson: { dependencies?: Record<string, string> };
  functionsEnv: string;
  functionsFolderName?: string;
  assetsFolderName?: string;
  noAssets: boolean;
  noFunctions: boolean;
  runtime?: string;
}

const twilioRunDir = (): string => path.dirname(require.resolve('twilio-run/package.json'));
const fromTwilioRun = <T>(id: string): T => require(require.resolve(id, { paths: [twilioRunDir()] })) as T;

function credentialsOf(argv: readonly string[], config: TwilioRunDeployConfig): DeployPlan['credentials'] {
  const flag = (name: string): boolean => argv.some((a) => a === name || a.startsWith(`${name}=`));
  const source =
    flag('--username') || flag('-u')
      ? flag('--password') || flag('-p')
        ? '--username and --password on the command line'
        : '--username on the command line, AUTH_TOKEN from the env file'
      : 'ACCOUNT_SID and AUTH_TOKEN from the env file (used to upload, never uploaded)';
  const shown = config.username === '' ? '(none)' : `${config.username.slice(0, 6)}…`;
  if (config.username === '' || config.password === '') {
    const missing = [
      config.username === '' ? 'an account (ACCOUNT_SID, or --username)' : '',
      config.password === '' ? 'its password (AUTH_TOKEN, or --password)' : '',
    ]
      .filter(Boolean)
      .join(' and ');
    return {
      source,
      username: shown,
      usable: false,
      problem: `No credentials to upload with: ${missing} is missing. Put ACCOUNT_SID and AUTH_TOKEN in the env file (they sign the upload and are not uploaded), or pass --username SK... --password <API key secret>.`,
    };
  }
  return { source, username: shown, usable: true };
}

/** What `twilio-run deploy` would run with for these flags, by its own flag parser and config reader. */
async function twilioRunConfig(argv: readonly string[]): Promise<TwilioRunDeployConfig> {
  const yargs = fromTwilioRun<(args: readonly string[]) => unknown>('yargs/yargs');
  const command = require('twilio-run/dist/commands/deploy') as { builder(y: unknown): { parse(): Record<string, unknown> } };
  const { getConfigFromFlags } = require('twilio-run/dist/config/deploy') as {
    getConfigFromFlags: (flags: Record<string, unknown>) => Promise<TwilioRunDeployConfig>;
  };
  return getConfigFromFlags(command.builder(yargs(argv)).parse());
}

/**
 * Where a deploy with these flags goes, read again after it (the service SID is then in
 * .twiliodeployinfo): the service, the environment's domain suffix and the upload credentials.
 * For npm run deploy to find the deployed domain; the password never leaves the process.
 */
export async function deployTarget(
  argv: readonly string[],
): Promise<{ serviceSid?: string; serviceName: string; environment: string; username: string; password: string }> {
  const config = await twilioRunConfig(argv);
  return {
    ...(config.serviceSid !== undefined && config.serviceSid !== '' ? { serviceSid: config.serviceSid } : {}),
    serviceName: config.serviceName ?? '',
    environment: config.functionsEnv,
    username: config.username,
    password: config.password,
  };
}

/**
 * The project's service name as twilio-run deploy reads it (.twilioserverlessrc serviceName, else
 * package.json name): npm run setup names what it creates after it.
 */
export function projectServiceName(root: string): string {
  const { readSpecializedConfig } = require('twilio-run/dist/config/global') as {
    readSpecializedConfig: (cwd: string, file: string, command: string, opts: object) => { serviceName?: unknown };
  };
  const rc = path.join(root, '.twilioserverlessrc');
  // An absolute path: twilio-run resolves a relative one against the working directory.
  const configured = readSpecializedConfig(root, existsSync(rc) ? rc : '', 'deploy', {}).serviceName;
  if (typeof configured === 'string' && configured !== '') return configured;
  const pkg = JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8')) as { name?: unknown };
  return typeof pkg.name === 'string' && pkg.name !== '' ? pkg.name : 'twilio-token-service';
}

/** `argv`: twilio-run deploy flags as npm run deploy passes them (`--cwd`, `--env`, and the user's). */
export async function deployPlan(argv: readonly string[], envFileVars: Record<string, string>): Promise<DeployPlan> {
  const { fsHelpers, getDependencies } = fromTwilioRun<{
    fsHelpers: {
      getListOfFunctionsAndAssets(cwd: string, options: object): Promise<{ functions: ServerlessResource[]; assets: ServerlessResource[] }>;
      getFirstMatchingDirectory(cwd: string, names: string[]): string;
    };
    getDependencies: (pkg: object) => { name: string; version: string }[];
  }>('@twilio-labs/serverless-api');

  const config = await twilioRunConfig(argv);
  const search: Record<string, string[]> = {};
  if (config.functionsFolderName !== undefined) search.functionsFolderNames = [config.functionsFolderName];
  if (config.assetsFolderName !== undefined) search.assetsFolderNames = [config.assetsFolderName];
  const listed = await fsHelpers.getListOfFunctionsAndAssets(config.cwd, search);
  const file = (r: ServerlessResource): PlannedFile => ({
    path: r.path,
    access: r.access,
    file: path.relative(config.cwd, r.filePath),
    bytes: Buffer.byteLength(r.content),
  });
  const assets = config.noAssets ? [] : listed.assets;
  const deployInfo = config.serviceSid !== undefined && !argv.includes('--service-sid');
  return {
    credentials: credentialsOf(argv, config),
    service:
      config.serviceSid !== undefined && config.serviceSid !== ''
        ? {
            sid: config.serviceSid,
            from: deployInfo ? '.twiliodeployinfo (the last deploy from this folder) or .twilioserverlessrc' : '--service-sid',
          }
        : {
            uniqueName: config.serviceName ?? '',
            from: 'package.json name or .twilioserverlessrc serviceName: created if it does not exist',
          },
    environment: config.functionsEnv,
    runtime: config.runtime ?? null,
    functions: config.noFunctions ? [] : listed.functions.map(file),
    assets: assets.map(file),
    refusedAssets: refusedAssets(
      assets,
      () => fsHelpers.getFirstMatchingDirectory(config.cwd, search.assetsFolderNames ?? ['assets', 'static']),
      file,
    ),
    dependencies: getDependencies(config.pkgJson),
    variables: Object.keys(config.env).sort(),
    skippedEmpty: Object.keys(envFileVars)
      .filter((name) => envFileVars[name] === '' && name !== 'ACCOUNT_SID' && name !== 'AUTH_TOKEN')
      .sort(),
    envFile: config.envPath,
  };
}

/** The listed assets that are not the page and what it references, each with why. */
function refusedAssets(
  listed: ServerlessResource[],
  assetsDir: () => string,
  file: (r: ServerlessResource) => PlannedFile,
): DeployPlan['refusedAssets'] {
  if (listed.length === 0) return [];
  const dir = assetsDir();
  const published = pageAssets(dir);
  return listed.flatMap((asset) => {
    const rel = path.relative(dir, asset.filePath).split(path.sep).join('/');
    const reason =
      assetRefusal(dir, rel) ?? (published.has(rel) ? undefined : 'not referenced by the page (index.html and what it links to)');
    return reason === undefined ? [] : [{ ...file(asset), reason }];
  });
}

const kb = (bytes: number): string => (bytes < 1024 ? `${bytes} B` : `${(bytes / 1024).toFixed(1)} KB`);

export function formatPlan(plan: DeployPlan, root: string): string {
  const lines = ["Deploy plan (computed by twilio-run's own code; nothing uploaded yet):"];
  const row = (label: string, text: string): void => void lines.push(`  ${label.padEnd(13)} ${text}`);
  row('credentials', `${plan.credentials.source}: ${plan.credentials.username}${plan.credentials.usable ? '' : '  MISSING'}`);
  row(
    'service',
    'sid' in plan.service ? `${plan.service.sid} (from ${plan.service.from})` : `${plan.service.uniqueName} (${plan.service.from})`,
  );
  row(
    'environment',
    plan.environment === '' ? 'production (no domain suffix)' : `${plan.environment} (domain suffix -${plan.environment})`,
  );
  row('runtime', plan.runtime ?? "not set: Twilio's default");
  const files = (label: string, list: PlannedFile[]): void => {
    if (list.length === 0) row(label, 'none');
    list.forEach((f, i) => row(i === 0 ? label : '', `${f.access.padEnd(9)} ${f.path.padEnd(20)} ${f.file} (${kb(f.bytes)})`));
  };
  files('functions', plan.functions);
  files('assets', plan.assets);
  plan.refusedAssets.forEach((f, i) => row(i === 0 ? 'refused' : '', `${f.path.padEnd(30)} ${f.file}: ${f.reason}`));
  row('dependencies', plan.dependencies.map((d) => `${d.name} ${d.version}`).join(', '));
  row('variables', `${plan.variables.join(', ')} (names only; ACCOUNT_SID and AUTH_TOKEN are never uploaded)`);
  if (plan.skippedEmpty.length > 0)
    row('', `empty, so not uploaded (a value already on the service stays; deploy never deletes): ${plan.skippedEmpty.join(', ')}`);
  row('env file', path.relative(root, plan.envFile) || plan.envFile);
  return `${lines.join('\n')}\n`;
}

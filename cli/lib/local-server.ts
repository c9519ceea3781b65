/**
 * The local server of npm start and npm run dev: Twilio's own development runtime
 * (@twilio/runtime-handler, the package the deployed service runs) serving the built functions
 * and assets of dist/ in one process (no fork per request), on the configuration of the env
 * file, behind the checks of local-front.ts. Listens on 127.0.0.1 unless told otherwise.
 * No entry point here: cli/serve.ts and cli/dev.ts are the commands.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { LocalDevelopmentServer, type RouteInfo } from '@twilio/runtime-handler/dev';
import { fsHelpers } from '@twilio-labs/serverless-api';
import { loadAuthConfig } from '../../lib/config/auth';
import { isHarmless } from '../../lib/config/env-issues';
import { isDemoCredentials } from '../../lib/demo';
import { describeBadOrigin, isWellFormedOrigin, originEntries } from '../../lib/config/origins';
import { ServiceError } from '../../lib/errors';
import { describeFlags, parseFlags, refuseNpmSwallowed, UsageError } from './args';
import { chooseEnvFile, EnvFileError, readEnvFileChecked, type EnvFile } from './env-file';
import { localFront } from './local-front';

/** scripts/lib/build-config.js (plain JS): the assets the page references, which alone are served. */
const { pageAssets } = require('../../scripts/lib/build-config') as { pageAssets: (dir: string) => Set<string> };

export interface LocalServerOptions {
  /** The configuration the functions get as `context`. */
  env: Record<string, string | undefined>;
  /** The project root: dist/functions and dist/assets are served from under it. */
  root: string;
  functionsFolder?: string;
  assetsFolder?: string;
  port?: number;
  host?: string;
  /** Serve these routes instead of what the folders hold (the bench adds its baselines). */
  routes?: RouteInfo;
  /** Re-read each function file on every request (npm run dev); off: loaded once, as deployed. */
  live?: boolean;
}

export interface LocalServer {
  url: string;
  port: number;
  routes: RouteInfo;
  /** Lists the folders again and serves what they hold now (a function added or removed). */
  refreshRoutes(): Promise<void>;
  /** Serves the next request with this configuration (npm run dev, after an env-file edit). */
  setEnv(env: LocalServerOptions['env']): void;
  close(): Promise<void>;
}

/**
 * The functions and assets of the built folders, listed the way twilio-run lists them; of the
 * assets only what the page references (the deploy gate refuses the rest), so a stray .env or a
 * link out of dist/assets is never served.
 */
export async function listRoutes(root: string, functionsFolder = 'dist/functions', assetsFolder = 'dist/assets'): Promise<RouteInfo> {
  const listed = await fsHelpers.getListOfFunctionsAndAssets(root, {
    functionsFolderNames: [functionsFolder],
    assetsFolderNames: [assetsFolder],
  });
  const assetsDir = path.resolve(root, assetsFolder);
  const published = pageAssets(assetsDir);
  const assets = listed.assets.filter(
    (asset) => asset.filePath !== undefined && published.has(path.relative(assetsDir, asset.filePath).split(path.sep).join('/')),
  );
  return { functions: listed.functions, assets };
}

/** Twilio's development runtime, in-process: no fork per request, no reload. */
function developmentRuntime(root: string, env: LocalServerOptions['env'], routes: RouteInfo, live = false): LocalDevelopmentServer {
  return new LocalDevelopmentServer(0, {
    baseDir: root,
    env,
    port: 0,
    url: '',
    detailedLogs: false,
    live,
    logs: false,
    legacyMode: false,
    appName: 'twilio-token-service',
    forkProcess: false,
    routes,
    enableDebugLogs: false,
  });
}

/**
 * The globals the runtime gives a function before requiring it (`Twilio` with its Response
 * class, `Runtime`, `Functions`), installed by the runtime's own constructor.
 */
export function installRuntimeGlobals(root: string): void {
  developmentRuntime(root, {}, { functions: [], assets: [] });
}

export async function startLocalServer(options: LocalServerOptions): Promise<LocalServer> {
  let routes = options.routes ?? (await listRoutes(options.root, options.functionsFolder, options.assetsFolder));
  const host = options.host ?? '127.0.0.1';
  const runtime = developmentRuntime(options.root, options.env, routes, options.live);
  let port = 0;
  const functionPaths = new Set(routes.functions.map((fn) => fn.path));
  const assetPaths = new Set(routes.assets.map((asset) => asset.path));
  const frontOptions = { env: options.env, port: () => port, host, functionPaths, assetPaths };
  const front = localFront(frontOptions, runtime.getApp());
  const http: Server = createServer(front);
  await new Promise<void>((resolve, reject) => {
    http.once('error', reject);
    http.listen(options.port ?? 0, host, () => resolve());
  });
  port = (http.address() as AddressInfo).port;
  const url = `http://${host.includes(':') ? `[${host}]` : host === '0.0.0.0' ? 'localhost' : host}:${port}`;
  // The runtime reads its config on every request: DOMAIN_NAME from config.url (point it at the
  // real port), the functions' context from config.env.
  const runtimeConfig = (runtime as unknown as { config: { url: string; env: LocalServerOptions['env'] } }).config;
  runtimeConfig.url = `http://localhost:${port}`;
  return {
    url,
    port,
    get routes() {
      return routes;
    },
    refreshRoutes: async () => {
      if (options.routes !== undefined) return;
      routes = await listRoutes(options.root, options.functionsFolder, options.assetsFolder);
      runtime.update(routes);
      functionPaths.clear();
      for (const fn of routes.functions) functionPaths.add(fn.path);
      assetPaths.clear();
      for (const asset of routes.assets) assetPaths.add(asset.path);
    },
    setEnv: (env) => {
      runtimeConfig.env = env;
      frontOptions.env = env;
    },
    close: () =>
      new Promise<void>((resolve, reject) => {
        http.closeAllConnections();
        http.close((error) => (error ? reject(error) : resolve()));
      }),
  };
}

const SERVE_FLAGS = ['port', 'host', 'env', 'allow-origin', 'help'] as const;

const USAGE = `Usage: npm start [-- options]

Serves the built functions and assets (dist/) on this machine with Twilio's development runtime.

Options:
${describeFlags(SERVE_FLAGS)}
`;

interface ServeArgs {
  port: number;
  host: string;
  envFile?: string;
  /** Origins allowed on top of ALLOWED_ORIGINS for this run (--allow-origin). */
  allowOrigins: string[];
  help: boolean;
}

export function parseArgs(argv: readonly string[]): ServeArgs {
  const { flags } = parseFlags(argv, SERVE_FLAGS);
  const port = flags.port === undefined ? 3000 : Number(flags.port);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new UsageError('--port must be a port number from 0 to 65535');
  const allowOrigins = flags['allow-origin'] ?? [];
  for (const origin of allowOrigins) {
    if (!isWellFormedOrigin(origin))
      throw new UsageError(
        `--allow-origin ${describeBadOrigin(origin)}; give the origin as the browser sends it, e.g. http://localhost:5173`,
      );
  }
  return {
    port,
    host: flags.host ?? '127.0.0.1',
    ...(flags.env !== undefined ? { envFile: flags.env } : {}),
    allowOrigins,
    help: flags.help === true,
  };
}

/** The configuration with --allow-origin's origins added to ALLOWED_ORIGINS, for this run only. */
export function withAllowedOrigins(env: Record<string, string>, origins: readonly string[]): Record<string, string> {
  if (origins.length === 0) return env;
  const listed = originEntries(env.ALLOWED_ORIGINS);
  return { ...env, ALLOWED_ORIGINS: [...new Set([...listed, ...origins])].join(',') };
}

export interface StartedServer {
  server: LocalServer;
  /** Where to reach it: http://localhost:PORT on loopback. */
  base: string;
  /** The env file served now. */
  envFile: EnvFile;
  /** Whether --env named it (else it is .env.local or .env, whichever exists, chosen again on each reload). */
  envNamed: boolean;
  /**
   * Reads the env file again (the one --env named, else .env.local or .env as they exist now) and
   * serves the next request with it; says what changed. npm run dev calls it when the file changes.
   */
  reloadEnv(): void;
}

/**
 * npm start and npm run dev: the arguments, the env file (with its ambiguities said), the local
 * server, and what it serves printed. `name` prefixes messages; `live` re-reads functions per request;
 * env files are found in `cwd` (npm runs scripts in the project root).
 */
export async function startFromArgs(
  argv: readonly string[],
  { name, live, cwd = process.cwd() }: { name: string; live: boolean; cwd?: string },
): Promise<StartedServer | number> {
  let args: ServeArgs;
  let envFile: EnvFile | undefined;
  try {
    // `npm start --port 4000` without --: npm keeps the flag and passes 4000 on alone.
    refuseNpmSwallowed(name, SERVE_FLAGS, argv);
    args = parseArgs(argv);
    if (args.help) {
      process.stdout.write(USAGE);
      return 0;
    }
    envFile = chooseEnvFile(cwd, args.envFile);
    if (envFile === undefined) throw new UsageError('no .env.local or .env here; copy .env.example to .env.local, or pass --env FILE');
  } catch (error) {
    if (!(error instanceof UsageError || error instanceof EnvFileError)) throw error;
    process.stderr.write(`${name}: ${error.message}\n\n${USAGE}`);
    return 2;
  }
  // dist/cli/<command>.js: the project is two folders up.
  const root = path.resolve(__dirname, '..', '..');
  const allowOrigins = args.allowOrigins;
  /** The file's configuration for this run, its ambiguities said on stderr (what other tools would read differently). */
  const readConfiguration = (file: EnvFile): Record<string, string> => {
    const { vars, issues } = readEnvFileChecked(file.path);
    for (const issue of issues.filter((i) => !isHarmless(i)))
      process.stderr.write(`${name}: warning: ${file.shown} line ${issue.line}: ${issue.message} Fix: ${issue.fix}\n`);
    return withAllowedOrigins(vars, allowOrigins);
  };
  let env = readConfiguration(envFile);
  const server = await startLocalServer({ env, root, port: args.port, host: args.host, live });
  const base = isLoopback(args.host) ? `http://localhost:${server.port}` : server.url;
  process.stdout.write(`Using configuration from ${describeSource(envFile, env)}\n`);
  if (allowOrigins.length > 0) process.stdout.write(`Also allowing pages on ${allowOrigins.join(', ')} (--allow-origin)\n`);
  process.stdout.write(`\nServing on ${base}\n`);
  process.stdout.write(`  the page  ${base}/index.html\n`);
  process.stdout.write(`  callers   ${describeAuth(env)}\n`);
  if (!isLoopback(args.host) && authModeOf(env) === 'none') {
    process.stderr.write(
      `\nWarning: listening on ${args.host} with AUTH_MODE none: anyone on your network can get tokens for any identity. Set AUTH_MODE=passcode or jwt in ${envFile.shown}, or leave out --host.\n\n`,
    );
  }
  for (const fn of server.routes.functions) process.stdout.write(`  function  ${base}${fn.path}\n`);
  for (const asset of server.routes.assets) process.stdout.write(`  asset     ${base}${asset.path}\n`);

  const started: StartedServer = {
    server,
    base,
    envFile,
    envNamed: args.envFile !== undefined,
    reloadEnv: () => {
      let file: EnvFile | undefined;
      try {
        file = chooseEnvFile(cwd, args.envFile);
      } catch (error) {
        if (!(error instanceof EnvFileError)) throw error;
      }
      if (file === undefined) {
        process.stderr.write(`${name}: ${started.envFile.shown} is gone; still serving the configuration read last.\n`);
        return;
      }
      let next: Record<string, string>;
      try {
        next = readConfiguration(file);
      } catch (error) {
        process.stderr.write(`${name}: could not read ${file.shown} (${String(error)}); still serving the configuration read last.\n`);
        return;
      }
      const switched = file.path !== started.envFile.path;
      const changed = changedNames(env, next);
      started.envFile = file;
      env = next;
      server.setEnv(next);
      const what = changed.length === 0 ? 'no variable changed' : `changed: ${changed.join(', ')}`;
      process.stdout.write(
        `${name}: ${switched ? `now using ${file.shown}` : `re-read ${file.shown}`} (${what}); the next request uses it. Callers: ${describeAuth(next)}\n`,
      );
    },
  };
  return started;
}

const isLoopback = (host: string): boolean => ['127.0.0.1', '::1', 'localhost'].includes(host.toLowerCase());

/** The file, and whether it is the demo configuration (so nobody mistakes its tokens for real ones). */
const describeSource = (file: EnvFile, env: Record<string, string>): string =>
  isDemoCredentials(env) ? `${file.shown} (the demo configuration: valid JWTs that Twilio rejects)` : file.shown;

/** Names of the variables whose value differs, never the values. */
function changedNames(before: Record<string, string>, after: Record<string, string>): string[] {
  return [...new Set([...Object.keys(before), ...Object.keys(after)])].filter((key) => before[key] !== after[key]).sort();
}

/** The caller authentication this local server runs with (none when unset, as locally it is). */
function authModeOf(env: Record<string, string>): string {
  try {
    return loadAuthConfig(env, { isLocal: true }).mode;
  } catch (error) {
    if (error instanceof ServiceError) return 'misconfigured';
    throw error;
  }
}

/** Who may get tokens, in one line for the banner. */
function describeAuth(env: Record<string, string>): string {
  switch (authModeOf(env)) {
    case 'none':
      return 'AUTH_MODE none: anyone who reaches this server gets tokens for any identity';
    case 'passcode':
      return 'AUTH_MODE passcode: callers send Authorization: Bearer <APP_PASSCODE> (the page asks for it)';
    case 'jwt':
      return "AUTH_MODE jwt: callers send their app's sign-in token as Authorization: Bearer <JWT> (the page asks for it)";
    default:
      return 'caller authentication is misconfigured: /token answers config_error (npm run doctor says why)';
  }
}

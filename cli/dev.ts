/**
 * npm run dev [-- --port 3000] [-- --host 127.0.0.1] [-- --env FILE] [-- --allow-origin ORIGIN]
 * The edit loop: esbuild watches functions/, lib/, cli/ and assets/ and rebuilds dist/ on every
 * change, and the local server (npm start's, with `live` on: each request re-reads the function
 * files) serves each rebuild without a restart. A build with errors writes nothing, so the last
 * good build keeps serving while the errors are printed. A function file added or removed is
 * picked up too, and so is an edit of the env file (or a .env.local created beside the demo
 * .env): the next request runs on it. (`twilio serverless:start` after `npm run build` serves
 * the same dist/.)
 */
import { mkdirSync, readdirSync, readFileSync, renameSync, rmSync, watch, writeFileSync } from 'node:fs';
import path from 'node:path';
import * as esbuild from 'esbuild';
import { startFromArgs } from './lib/local-server';
import { runCli } from './lib/run';

const { buildConfigs, copyStaticAssets } = require('../scripts/lib/build-config') as typeof import('../scripts/lib/build-config');

const root = path.resolve(__dirname, '..', '..');
const dist = path.join(root, 'dist');

/** Writes a build's files, each replaced at once (a request never reads half a file); unchanged ones are left alone. */
function writeOutputs(files: readonly esbuild.OutputFile[]): void {
  for (const file of files) {
    let current: Buffer | undefined;
    try {
      current = readFileSync(file.path);
    } catch {
      current = undefined;
    }
    if (current !== undefined && Buffer.compare(current, file.contents) === 0) continue;
    mkdirSync(path.dirname(file.path), { recursive: true });
    const staging = `${file.path}.${process.pid}.tmp`;
    writeFileSync(staging, file.contents);
    renameSync(staging, file.path);
  }
}

/**
 * Says how each rebuild went, and writes its files only when it succeeded: esbuild left to write
 * itself removes the outputs of a failed build, and the last good build must keep serving.
 */
function reporter(label: string, built: () => void): esbuild.Plugin {
  return {
    name: 'dev-reporter',
    setup(build) {
      let started = 0;
      build.onStart(() => {
        started = Date.now();
      });
      build.onEnd(async (result) => {
        if (result.errors.length > 0) {
          const formatted = await esbuild.formatMessages(result.errors, { kind: 'error', color: process.stderr.isTTY === true });
          process.stderr.write(`dev: ${label} failed to build; the last good build keeps serving.\n${formatted.join('')}`);
          return;
        }
        writeOutputs(result.outputFiles ?? []);
        process.stdout.write(`dev: rebuilt ${label} in ${Date.now() - started} ms\n`);
        built();
      });
    },
  };
}

const labelOf = (config: esbuild.BuildOptions): string => path.relative(dist, config.outdir ?? dist) || 'dist';

async function main(argv: readonly string[]): Promise<number> {
  let onFunctionsBuilt = (): void => undefined;
  const contextFor = (config: esbuild.BuildOptions): Promise<esbuild.BuildContext> => {
    const label = labelOf(config);
    const built = label === 'functions' ? () => onFunctionsBuilt() : () => undefined;
    return esbuild.context({ ...config, write: false, logLevel: 'silent', plugins: [...(config.plugins ?? []), reporter(label, built)] });
  };
  // First a complete build, so the server starts on what the sources say now.
  copyStaticAssets(root, dist);
  const contexts = new Map<string, esbuild.BuildContext>();
  for (const config of buildConfigs(root, dist)) contexts.set(labelOf(config), await contextFor(config));
  await Promise.all([...contexts.values()].map((context) => context.rebuild().catch(() => undefined)));

  const started = await startFromArgs(argv, { name: 'dev', live: true });
  if (typeof started === 'number') {
    await Promise.all([...contexts.values()].map((context) => context.dispose()));
    return started;
  }
  onFunctionsBuilt = () => void started.server.refreshRoutes();
  await Promise.all([...contexts.values()].map((context) => context.watch()));

  // A function file added or removed changes the entry points: a new context for functions/.
  const entriesOf = (): string => JSON.stringify(buildConfigs(root, dist).find((c) => labelOf(c) === 'functions')?.entryPoints ?? []);
  let entries = entriesOf();
  let restarting: NodeJS.Timeout | undefined;
  const functionWatcher = watch(path.join(root, 'functions'), { recursive: true }, () => {
    clearTimeout(restarting);
    restarting = setTimeout(() => {
      const now = entriesOf();
      if (now === entries) return;
      entries = now;
      void (async () => {
        await contexts.get('functions')?.dispose();
        const config = buildConfigs(root, dist).find((c) => labelOf(c) === 'functions');
        if (config === undefined) return;
        const context = await contextFor(config);
        contexts.set('functions', context);
        // Outputs of removed functions go (in subfolders too); the new ones are written by the rebuild.
        const source = path.join(root, 'functions');
        const kept = new Set((config.entryPoints as string[]).map((file) => path.relative(source, file).replace(/\.ts$/, '.js')));
        const built = path.join(dist, 'functions');
        for (const file of readdirSync(built, { recursive: true, encoding: 'utf8' }))
          if (file.endsWith('.js') && !kept.has(file)) rmSync(path.join(built, file), { force: true });
        await context.watch();
        process.stdout.write('dev: functions/ changed: serving its new list\n');
      })();
    }, 50);
  });

  let copying: NodeJS.Timeout | undefined;
  const assetWatcher = watch(path.join(root, 'assets'), { recursive: true }, (_event, file) => {
    if (file === null || file.endsWith('.ts')) return;
    clearTimeout(copying);
    copying = setTimeout(() => {
      copyStaticAssets(root, dist);
      void started.server.refreshRoutes();
      process.stdout.write(`dev: copied assets (${file})\n`);
    }, 50);
  });

  // The env file: an edit is served from the next request on. Editors save by writing a new file
  // and renaming it over the old one, so the folder is watched, not the file.
  const envDir = path.dirname(started.envFile.path);
  const envNames = (): string[] => [path.basename(started.envFile.path), ...(started.envNamed ? [] : ['.env.local', '.env'])];
  let rereading: NodeJS.Timeout | undefined;
  const envWatcher = watch(envDir, (_event, file) => {
    if (file === null || !envNames().includes(file)) return;
    clearTimeout(rereading);
    rereading = setTimeout(() => started.reloadEnv(), 100);
  });

  process.stdout.write(`\nWatching functions/, lib/, cli/, assets/ and ${started.envFile.shown}: save a file and reload. Ctrl+C stops.\n`);
  const stop = async (): Promise<void> => {
    envWatcher.close();
    assetWatcher.close();
    functionWatcher.close();
    await Promise.all([...contexts.values()].map((context) => context.dispose()));
    await started.server.close();
    process.exit(0);
  };
  for (const signal of ['SIGINT', 'SIGTERM'] as const) process.once(signal, () => void stop());
  return 0;
}

if (require.main === module) runCli('dev', () => main(process.argv.slice(2)));

/**
 * npm start [-- --port 3000] [-- --host 127.0.0.1] [-- --env FILE]
 * Serves dist/ with Twilio's development runtime, functions loaded once as deployed
 * (cli/lib/local-server.ts). npm run dev is the same server with rebuilds (cli/dev.ts).
 */
import { startFromArgs } from './lib/local-server';
import { runCli } from './lib/run';

export { installRuntimeGlobals, listRoutes, parseArgs, startLocalServer } from './lib/local-server';

async function main(argv: readonly string[]): Promise<number> {
  const started = await startFromArgs(argv, { name: 'start', live: false });
  if (typeof started === 'number') return started;
  for (const signal of ['SIGINT', 'SIGTERM'] as const) process.once(signal, () => void started.server.close().then(() => process.exit(0)));
  return 0;
}

if (require.main === module) runCli('start', () => main(process.argv.slice(2)));

/**
 * The real twilio-run development server (@twilio/runtime-handler), in-process (no fork per
 * request, no live reload) on an ephemeral loopback port, serving the built dist/ folder.
 */
import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import path from 'node:path';

const root = path.resolve(__dirname, '..', '..');

export interface TestServer {
  url: string;
  port: number;
  /** JSON log lines the functions printed while the server ran. */
  logs: string[];
  close(): Promise<void>;
}

export async function startServer(env: Record<string, string | undefined>, opts: { functionsDir?: string; assetsDir?: string } = {}): Promise<TestServer> {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { LocalDevelopmentServer } = require('@twilio/runtime-handler/dev');
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { fsHelpers } = require('@twilio-labs/serverless-api');
  const routes = await fsHelpers.getListOfFunctionsAndAssets(root, {
    functionsFolderNames: [opts.functionsDir ?? 'dist/functions'],
    assetsFolderNames: [opts.assetsDir ?? 'dist/assets'],
  });
  const server = new LocalDevelopmentServer(0, {
    baseDir: root,
    env,
    port: 0,
    url: '',
    detailedLogs: false,
    live: false,
    logs: false,
    legacyMode: false,
    appName: 'token-service-test',
    forkProcess: false,
    routes,
    enableDebugLogs: false,
  });
  const logs: string[] = [];
  const originalLog = console.log;
  console.log = (...args: unknown[]) => {
    const line = args.map(String).join(' ');
    if (line.startsWith('{')) logs.push(line);
    else originalLog(...args);
  };
  const http: Server = await new Promise((resolve) => {
    const s = server.getApp().listen(0, '127.0.0.1', () => resolve(s));
  });
  const port = (http.address() as AddressInfo).port;
  // DOMAIN_NAME is derived from config.url on every request; point it at the real port.
  server.config = { ...server.config, url: `http://127.0.0.1:${port}` };
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    logs,
    close: () =>
      new Promise<void>((resolve, reject) => {
        console.log = originalLog;
        http.closeAllConnections?.();
        http.close((err) => (err ? reject(err) : resolve()));
      }),
  };
}

/**
 * The one place tests meet the Twilio runtime (@twilio/runtime-handler, what the deployed
 * service runs), through its public entry only:
 * - the globals the runtime gives a function (`Twilio` with its Response class, `Runtime`,
 *   `Functions`), installed by the runtime's own constructor;
 * - a function called the way the runtime calls it, answer serialized as it goes on the wire;
 * - the in-process local server of cli/serve.ts on a loopback port, started and closed.
 */
import type { ChildProcess } from 'node:child_process';
import path from 'node:path';
import { installRuntimeGlobals, startLocalServer } from '../../cli/serve';
import { toTwilioResponse, type HttpResult, type ResponseLike } from '../../lib/http/result';

export const ROOT = path.resolve(__dirname, '..', '..');

const RUNTIME_GLOBALS = ['Twilio', 'Runtime', 'Functions', 'Response', 'twilioClient'] as const;

interface SerializedResponse {
  statusCode: number;
  headers: Record<string, unknown>;
  body: unknown;
}
type RuntimeResponse = ResponseLike & { serialize(): SerializedResponse };

/** What the runtime provides before it requires a function file. */
export function installTwilioGlobals(): void {
  installRuntimeGlobals(ROOT);
}

export function uninstallTwilioGlobals(): void {
  for (const name of RUNTIME_GLOBALS) delete (globalThis as Record<string, unknown>)[name];
}

/** The runtime's Response class (installs the globals when needed). */
export function runtimeResponse(): new () => RuntimeResponse {
  if ((globalThis as { Twilio?: unknown }).Twilio === undefined) installTwilioGlobals();
  return (globalThis as unknown as { Twilio: { Response: new () => RuntimeResponse } }).Twilio.Response;
}

/** Every console line of the process, whatever the level; the runtime ships them all to the logs. */
export class LogCapture {
  lines: string[] = [];
  private saved: Partial<Record<'log' | 'info' | 'warn' | 'error' | 'debug', (...args: unknown[]) => void>> = {};

  start(): void {
    for (const level of ['log', 'info', 'warn', 'error', 'debug'] as const) {
      this.saved[level] = console[level];
      console[level] = (...args: unknown[]) => void this.lines.push(args.map((a) => (typeof a === 'string' ? a : safeJson(a))).join(' '));
    }
  }

  stop(): void {
    for (const [level, fn] of Object.entries(this.saved)) (console as unknown as Record<string, unknown>)[level] = fn;
    this.saved = {};
  }

  take(): string[] {
    const taken = this.lines;
    this.lines = [];
    return taken;
  }
}

function safeJson(value: unknown): string {
  try {
    return JSON.stringify(value) ?? String(value);
  } catch {
    return String(value);
  }
}

export interface Answer {
  status: number;
  headers: Record<string, unknown>;
  /** The body as it goes on the wire. */
  raw: string;
  /** The parsed body; undefined when the body is empty or not JSON. */
  json: any;
  logs: string[];
}

function toAnswer(response: RuntimeResponse, logs: string[]): Answer {
  // serialize() is what the runtime sends: it JSON-encodes application/json bodies itself.
  const { statusCode, headers, body } = response.serialize();
  const raw = typeof body === 'string' ? body : body === undefined || body === null ? '' : JSON.stringify(body);
  const type = headers['Content-Type'];
  const isJson = typeof type === 'string' && type.startsWith('application/json');
  return { status: statusCode, headers, raw, json: raw === '' || !isJson ? undefined : JSON.parse(raw), logs };
}

/** A pipeline result (lib/endpoints) through the runtime's Response, as the function sends it. */
export function answerOf(result: HttpResult, logs: string[] = []): Answer {
  return toAnswer(toTwilioResponse(result, runtimeResponse()), logs);
}

type Callback = (error: unknown, response?: RuntimeResponse) => void;
export type FunctionHandler = (context: Record<string, unknown>, event: Record<string, unknown>, callback: Callback) => void;

const NEVER_ANSWERED_MS = 10_000;

/** A function file's handler, loaded as the runtime loads it (globals first). */
export function loadFunction(name: 'token' | 'inspect' | 'products' | 'voice.protected'): FunctionHandler {
  runtimeResponse();
  return (require(path.join(ROOT, 'functions', name)) as { handler: FunctionHandler }).handler;
}

/**
 * Calls the handler the way @twilio/runtime-handler does and resolves to what it would send.
 * Rejects when the handler throws, calls back with an error, calls back twice, or never.
 */
export async function invoke(
  handler: FunctionHandler,
  context: Record<string, unknown>,
  event: Record<string, unknown>,
  logs?: LogCapture,
): Promise<Answer> {
  logs?.take(); // lines a failed previous run left behind belong to no one
  let calls = 0;
  let timer: NodeJS.Timeout | undefined;
  const answered = new Promise<RuntimeResponse | undefined>((resolve, reject) => {
    timer = setTimeout(() => reject(new Error('the handler never called back')), NEVER_ANSWERED_MS);
    try {
      handler({ ...context, getTwilioClient: () => undefined }, event, (error, response) => {
        calls += 1;
        if (error !== null && error !== undefined)
          reject(new Error(`the handler called back with an error: ${error instanceof Error ? error.message : JSON.stringify(error)}`));
        else resolve(response);
      });
    } catch (error) {
      reject(new Error(`the handler threw: ${String(error)}`));
    }
  });
  let response: RuntimeResponse | undefined;
  try {
    response = await answered;
  } finally {
    clearTimeout(timer);
  }
  // A second callback would come from a later microtask of the same request.
  await new Promise((resolve) => setImmediate(resolve));
  if (calls !== 1) throw new Error(`the handler called back ${calls} times`);
  if (response === undefined) throw new Error('the handler called back without a response');
  return toAnswer(response, logs?.take() ?? []);
}

/** The runtime's event: the params, and the request headers (lower-case names) and cookies. */
export const eventOf = (params: Record<string, unknown>, headers: Record<string, string> = {}): Record<string, unknown> => ({
  ...params,
  request: { headers: Object.fromEntries(Object.entries(headers).map(([name, value]) => [name.toLowerCase(), value])), cookies: {} },
});

/**
 * A Node script that does in a fresh process what the runtime does: install its globals (with
 * @twilio/runtime-handler from the working directory), require FUNCTION_FILE, call its handler with the
 * [context, event] of CALL, and print the serialized answer (or {err}) on stdout.
 */
export const FUNCTION_RUNNER_SOURCE = `
// Resolved from the working directory, whose node_modules is the only one there is.
const { LocalDevelopmentServer } = require('@twilio/runtime-handler/dev');
new LocalDevelopmentServer(0, { baseDir: process.cwd(), env: {}, port: 0, url: '', detailedLogs: false, live: false, logs: false,
  legacyMode: false, appName: 'runner', forkProcess: false, routes: { functions: [], assets: [] }, enableDebugLogs: false });
console.log = () => {};
const { handler } = require(process.env.FUNCTION_FILE);
const [context, event] = JSON.parse(process.env.CALL);
handler(context, event, (err, res) => {
  process.stdout.write(JSON.stringify(err ? { err: String(err) } : res.serialize()));
});
`;

export interface TestServer {
  url: string;
  port: number;
  /** JSON log lines the functions printed while the server ran. */
  logs: string[];
  close(): Promise<void>;
}

/** The local server (cli/serve.ts) in-process on a loopback port, serving dist/ (or the given folders). */
export async function startServer(
  env: Record<string, string | undefined>,
  opts: { functionsDir?: string; assetsDir?: string } = {},
): Promise<TestServer> {
  const logs: string[] = [];
  const originalLog = console.log;
  console.log = (...args: unknown[]) => {
    const line = args.map(String).join(' ');
    if (line.startsWith('{')) logs.push(line);
    else originalLog(...args);
  };
  try {
    const server = await startLocalServer({ env, root: ROOT, functionsFolder: opts.functionsDir, assetsFolder: opts.assetsDir });
    return {
      url: server.url,
      port: server.port,
      logs,
      close: async () => {
        console.log = originalLog;
        await server.close();
      },
    };
  } catch (error) {
    console.log = originalLog;
    throw error;
  }
}

/**
 * The URL a local server started as a child process (dist/cli/serve.js) prints, with its output
 * up to that line; fails with that output when it exits first or prints nothing for 20 s.
 */
export function servingUrl(child: ChildProcess, timeoutMs = 20_000): Promise<{ base: string; stdout: string }> {
  let stdout = '';
  let stderr = '';
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`the server did not start:\n${stdout}\n${stderr}`)), timeoutMs);
    child.stderr?.on('data', (chunk: Buffer) => void (stderr += chunk.toString()));
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`the server exited with ${code}:\n${stdout}\n${stderr}`));
    });
    child.stdout!.on('data', (chunk: Buffer) => {
      stdout += chunk.toString();
      const base = /Serving on (http:\/\/localhost:\d+)/.exec(stdout)?.[1];
      if (base !== undefined) {
        clearTimeout(timer);
        resolve({ base, stdout });
      }
    });
  });
}

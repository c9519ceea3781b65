/**
 * The harness the fuzz properties share: a function module called exactly as the runtime calls
 * it (real Twilio.Response, the Twilio global), every console line it prints captured, and the
 * checks every answer must pass whatever the input.
 */
import { createSecretKey, type KeyObject } from 'node:crypto';
import { isDeepStrictEqual } from 'node:util';
import fc from 'fast-check';
import { jwtVerify } from 'jose';
import { installTwilioGlobals, LogCapture, loadFunction, type Answer, type FunctionHandler } from '../support/runtime';

export { invoke, LogCapture, type Answer, type FunctionHandler } from '../support/runtime';

/**
 * What every fuzz suite sets up around its properties: the function loaded as the runtime
 * loads it, every console line captured, and a check afterwards that no input wrote to
 * Object.prototype and friends. Call at the top of a describe (or file).
 */
export function fuzzHarness(name: 'token' | 'inspect'): { handler: () => FunctionHandler; logs: LogCapture } {
  const logs = new LogCapture();
  let handler: FunctionHandler | undefined;
  let prototypesUnchanged: () => void = () => undefined;
  beforeAll(() => {
    prototypesUnchanged = snapshotPrototypes();
    installTwilioGlobals();
    handler = loadFunction(name);
    logs.start();
  });
  afterAll(() => {
    logs.stop();
    prototypesUnchanged();
  });
  return {
    handler: () => {
      if (handler === undefined) throw new Error('the fuzz harness is not set up yet');
      return handler;
    },
    logs,
  };
}

/**
 * toEqual, but jest's expect() only on a mismatch, for its diff: each expect() call captures a
 * stack trace, which made expect() the largest cost of 10,000 runs.
 */
export function same(actual: unknown, expected: unknown): void {
  if (!isDeepStrictEqual(actual, expected)) expect(actual).toEqual(expected);
}

/** A JWS compact serialization of a JSON header (eyJ...) with an HS256-sized signature. */
export const JWT_SHAPE = /eyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{40,}/;
const SNAKE_CASE = /^[a-z][a-z0-9]*(_[a-z0-9]+)*$/;
const STACK_FRAME = /\n\s+at /;

/** Things never to be found in a response body or a log line, whatever the input was. */
export function assertNoLeak(text: string, secrets: readonly string[], where: string): void {
  for (const secret of secrets) {
    if (secret.length > 0 && text.includes(secret)) throw new Error(`${where} contains a secret (${secret.slice(0, 4)}...)`);
  }
  if (STACK_FRAME.test(text)) throw new Error(`${where} contains a stack trace`);
}

/** A log line must not carry a token: no JWT shape, not the minted token, not its signature. */
export function assertNoTokenInLog(line: string, tokens: readonly string[]): void {
  if (JWT_SHAPE.test(line)) throw new Error(`a log line contains a JWT: ${line.slice(0, 200)}`);
  for (const token of tokens) {
    const signature = token.split('.')[2] ?? '';
    if (line.includes(token) || (signature.length >= 16 && line.includes(signature)))
      throw new Error('a log line contains the minted token or its signature');
  }
}

/** The one shape every error answer has: {"error": {"code", "message", "field"?}} and nothing else. */
export function assertErrorBody(answer: Answer): { code: string; message: string; field?: string } {
  const { json } = answer;
  if (typeof json !== 'object' || json === null || Object.keys(json).join() !== 'error') {
    throw new Error(`status ${answer.status} without an error body: ${answer.raw.slice(0, 200)}`);
  }
  const error = json.error as Record<string, unknown>;
  const keys = Object.keys(error).sort().join();
  if (keys !== 'code,message' && keys !== 'code,field,message') throw new Error(`unexpected error keys ${keys}`);
  if (typeof error.code !== 'string' || !SNAKE_CASE.test(error.code)) throw new Error(`error code ${String(error.code)} is not snake_case`);
  if (typeof error.message !== 'string' || error.message.trim().length < 10)
    throw new Error(`error ${error.code} has no message a person can act on`);
  if (error.field !== undefined && (typeof error.field !== 'string' || error.field === ''))
    throw new Error(`error ${error.code} has an empty field`);
  // Messages quote at most a short excerpt of what was sent; a 100 KB input must not come back.
  if (answer.raw.length > 2_000) throw new Error(`error body of ${answer.raw.length} characters`);
  return error as { code: string; message: string; field?: string };
}

/** JSON answers are never cached by a CDN or the browser; they always vary on Origin. */
export function assertJsonHeaders(answer: Answer): void {
  const { headers } = answer;
  if (headers['Content-Type'] !== 'application/json') throw new Error(`Content-Type ${String(headers['Content-Type'])}`);
  if (headers['Cache-Control'] !== 'no-store') throw new Error(`Cache-Control ${String(headers['Cache-Control'])}`);
  if (headers.Vary !== 'Origin') throw new Error(`Vary ${String(headers.Vary)}`);
}

const ISO_TIME = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/;

/**
 * The request log line: exactly one JSON object per request, on one line, with the pipeline's
 * fields, short values, and the status and outcome of the answer it describes.
 */
export function assertLogLine(lines: string[], answer: Answer, path: string, allowedKeys: readonly string[]): Record<string, unknown> {
  if (lines.length !== 1) throw new Error(`${lines.length} log lines for one request: ${lines.map((l) => l.slice(0, 120)).join(' | ')}`);
  const line = lines[0]!;
  if (line.includes('\n') || line.length > 2_000) throw new Error(`log line is not one short line (${line.length} characters)`);
  const parsed = JSON.parse(line) as Record<string, unknown>;
  for (const key of Object.keys(parsed)) if (!allowedKeys.includes(key)) throw new Error(`unexpected log field ${key}`);
  if (typeof parsed.time !== 'string' || !ISO_TIME.test(parsed.time)) throw new Error(`log time ${String(parsed.time)}`);
  if (parsed.path !== path) throw new Error(`log path ${String(parsed.path)}`);
  if (parsed.status !== answer.status) throw new Error(`log status ${String(parsed.status)} for a ${answer.status}`);
  const expectedOutcome = answer.status === 200 ? 'ok' : answer.status === 204 ? 'preflight' : answer.json?.error?.code;
  if (parsed.outcome !== expectedOutcome) throw new Error(`log outcome ${String(parsed.outcome)} for ${String(expectedOutcome)}`);
  if (typeof parsed.ms !== 'number' || parsed.ms < 0) throw new Error(`log ms ${String(parsed.ms)}`);
  for (const [key, value] of Object.entries(parsed)) {
    // User-supplied strings are cut to 64 characters (+ "...") so a 100 KB identity cannot flood the logs.
    const strings = Array.isArray(value) ? value : [value];
    for (const item of strings) {
      if (typeof item === 'string' && key !== 'time' && key !== 'field' && key !== 'detail' && item.length > 67)
        throw new Error(`log field ${key} holds ${item.length} characters`);
      if (typeof item === 'object' && item !== null) throw new Error(`log field ${key} holds an object`);
    }
  }
  return parsed;
}

/** jose verifies with a KeyObject without re-importing the secret for each of 10,000 tokens. */
const verifyKeys = new Map<string, KeyObject>();
export async function verifyToken(
  token: string,
  secret: string,
): Promise<{ header: Record<string, unknown>; payload: Record<string, any> }> {
  let key = verifyKeys.get(secret);
  if (key === undefined) verifyKeys.set(secret, (key = createSecretKey(Buffer.from(secret, 'utf8'))));
  const { payload, protectedHeader } = await jwtVerify(token, key, { algorithms: ['HS256'] });
  return { header: protectedHeader, payload: payload as Record<string, any> };
}

/** Object.prototype and friends, to prove afterwards that no input wrote to them. */
export function snapshotPrototypes(): () => void {
  const targets = [Object.prototype, Array.prototype, String.prototype, Function.prototype, Number.prototype, Boolean.prototype];
  const before = targets.map((target) =>
    Object.getOwnPropertyNames(target).map((name) => [name, Object.getOwnPropertyDescriptor(target, name)?.value] as const),
  );
  return () => {
    targets.forEach((target, i) => {
      const now = Object.getOwnPropertyNames(target);
      const was = before[i]!;
      if (now.length !== was.length)
        throw new Error(`a prototype gained properties: ${now.filter((n) => !was.some(([w]) => w === n)).join(', ')}`);
      for (const [name, value] of was) {
        if (Object.getOwnPropertyDescriptor(target, name)?.value !== value) throw new Error(`prototype property ${name} was replaced`);
      }
    });
    const probe = {} as Record<string, unknown>;
    for (const key of ['polluted', 'identity', 'grants', 'isAdmin', 'token']) {
      if (probe[key] !== undefined) throw new Error(`every object now has a ${key} property`);
    }
  };
}

/**
 * npm test runs a quick pass, bounded by time as well as runs so a busy machine cannot time it
 * out; npm run test:fuzz (FUZZ_DEPTH=full, also run by .ci/run) keeps the full depth.
 * FUZZ_RUNS overrides the count.
 */
export const FULL_DEPTH = process.env.FUZZ_DEPTH === 'full';
export const RUNS = Number(process.env.FUZZ_RUNS ?? (FULL_DEPTH ? 10_000 : 1_500));
const TIME_LIMIT_MS = FULL_DEPTH ? 300_000 : 15_000;
/** For jest: the time limit of a property, plus room for the test around it. */
export const FUZZ_TEST_TIMEOUT_MS = TIME_LIMIT_MS + 60_000;

/** A counterexample readable in a terminal: 100 KB strings shown as their start, length and shape. */
export function describeValue(value: unknown, depth = 0): string {
  if (typeof value === 'string') {
    const shown = JSON.stringify(value.length > 80 ? value.slice(0, 40) : value);
    return value.length > 80 ? `${shown.slice(0, -1)}..." (${value.length} UTF-16 units)` : shown;
  }
  if (typeof value === 'number') return Object.is(value, -0) ? '-0' : String(value);
  if (value === undefined || value === null || typeof value !== 'object') return String(value);
  if (depth > 4) return '[...]';
  if (Array.isArray(value)) return `[${value.map((item) => describeValue(item, depth + 1)).join(', ')}]`;
  return `{${Object.keys(value)
    .map((key) => `${JSON.stringify(key)}: ${describeValue((value as Record<string, unknown>)[key], depth + 1)}`)
    .join(', ')}}`;
}

/** fc.assert options: RUNS runs, and a failure report that names the seed/path to replay with short values. */
export function fuzzOptions<T>(numRuns = RUNS): fc.Parameters<T> {
  return {
    numRuns,
    // An interrupted run passes with the runs it made (a counterexample found before still fails it).
    interruptAfterTimeLimit: TIME_LIMIT_MS,
    reporter(details) {
      if (!details.failed) return;
      const cause = details.errorInstance instanceof Error ? details.errorInstance.message : String(details.errorInstance);
      throw new Error(
        `Property failed after ${details.numRuns} runs (replay: { seed: ${details.seed}, path: ${JSON.stringify(details.counterexamplePath)} })\n` +
          `Counterexample: ${describeValue(details.counterexample)}\nCause: ${cause.slice(0, 3_000)}`,
      );
    },
  };
}

/**
 * The request pipeline every function shares: the CORS step, configuration, the shape of the
 * parameters, caller authentication, the endpoint's own work, error mapping and one structured
 * log line. Never throws; never puts a stack trace, a secret or a token in a response or a log line.
 */
import { authenticateCaller, type AuthDeps } from '../auth';
import { readEnvironment } from '../config/environment';
import type { ConfigVars } from '../config/schema';
import type { ServiceConfig } from '../config/service';
import { ServiceError } from '../errors';
import { applyCors, PREFLIGHT_HEADERS } from '../http/cors';
import { jsonResult, NOSNIFF, requestHeaders, type HttpResult } from '../http/result';
import type { Caller } from '../products';
import { requestLogLine, type LogFields } from './log';
import { checkParams } from './params';

export type { LogFields } from './log';

export interface EndpointInput {
  config: ServiceConfig;
  event: Record<string, unknown>;
  caller: Caller;
  /** Filled in as the endpoint learns them, so that failures are logged with what was known. */
  log: LogFields;
}

/** An answer that is not a JSON 200 (a script, a 304): the pipeline adds the CORS headers. */
export class RawAnswer {
  constructor(
    readonly result: HttpResult,
    /** The log line's outcome: `ok`, `not_modified`. */
    readonly outcome = 'ok',
  ) {}
}

export interface Endpoint {
  /** The path, for logs: `/token`. */
  path: string;
  /** The parameters it reads (near misses of them are refused, not ignored). */
  params: readonly string[];
  /** The answer body of a success (200), or a RawAnswer. */
  handle(input: EndpointInput): object | Promise<object>;
  /** false: no caller authentication (an answer the page needs before anyone signs in). Default true. */
  authenticate?: boolean;
  /** false: answers whatever the configuration (code, not credentials: /token-client.js). Default true. */
  requiresConfig?: boolean;
}

export interface EndpointDeps {
  /** Receives one JSON line per request. */
  log?: (line: string) => void;
  now?: () => number;
  /** Caller authentication knobs (tests shorten jose's JWKS refetch cooldown). */
  auth?: AuthDeps;
}

const defaultLog = (line: string): void => console.log(line);
const ANONYMOUS: Caller = { mode: 'none' };

/** The answer and its outcome code for the log: `ok`, `preflight` or the error code. */
async function answer(
  endpoint: Endpoint,
  vars: ConfigVars,
  event: Record<string, unknown>,
  deps: EndpointDeps,
  log: LogFields,
): Promise<{ result: HttpResult; outcome: string; origin?: string }> {
  const headers = requestHeaders(event);
  const environment = readEnvironment(vars);
  const cors = applyCors(headers, environment.cors);
  try {
    if (cors.refusal !== undefined) throw cors.refusal;
    if (cors.preflight) {
      // A preflight that reached us (the platform normally answers OPTIONS itself).
      const preflight = cors.origin !== undefined ? PREFLIGHT_HEADERS : {};
      return {
        result: { status: 204, headers: { ...cors.headers, ...preflight, 'Cache-Control': 'no-store', ...NOSNIFF } },
        outcome: 'preflight',
        origin: cors.origin,
      };
    }
    const { config, auth } = environment;
    if (config instanceof ServiceError && endpoint.requiresConfig !== false) throw config;
    checkParams(event, endpoint.params);
    let caller = ANONYMOUS;
    if (endpoint.authenticate !== false && !(config instanceof ServiceError)) {
      if (auth instanceof ServiceError) throw auth;
      if (auth !== undefined && auth.mode !== 'none') caller = await authenticateCaller(auth, config, headers, event, deps.auth);
    }
    const body = await endpoint.handle({ config: config as ServiceConfig, event, caller, log });
    if (body instanceof RawAnswer) {
      const raw = body.result;
      return { result: { ...raw, headers: { ...cors.headers, ...raw.headers, ...NOSNIFF } }, outcome: body.outcome, origin: cors.origin };
    }
    return { result: jsonResult(200, body, cors.headers), outcome: 'ok', origin: cors.origin };
  } catch (error) {
    if (error instanceof ServiceError) {
      if (error.field !== undefined) log.field = error.field;
      if (error.logDetail !== undefined) log.detail = error.logDetail;
      const challenge: Record<string, string> = error.status === 401 ? { 'WWW-Authenticate': 'Bearer' } : {};
      return {
        result: jsonResult(error.status, error.toBody(), { ...cors.headers, ...challenge }),
        outcome: error.code,
        origin: cors.origin,
      };
    }
    // A bug of ours: say so without details; the log line keeps the error's name and message.
    log.error = error instanceof Error ? `${error.name}: ${error.message}` : 'non-error thrown';
    const body = { error: { code: 'internal_error', message: 'The token service failed unexpectedly; see the function logs.' } };
    return { result: jsonResult(500, body, cors.headers), outcome: 'internal_error', origin: cors.origin };
  }
}

export async function runEndpoint(
  endpoint: Endpoint,
  vars: ConfigVars,
  event: Record<string, unknown>,
  deps: EndpointDeps = {},
): Promise<HttpResult> {
  const now = deps.now ?? Date.now;
  const started = now();
  const log: LogFields = {};
  const { result, outcome, origin } = await answer(endpoint, vars, event, deps, log);
  try {
    (deps.log ?? defaultLog)(
      requestLogLine({ started, path: endpoint.path, status: result.status, outcome, origin, fields: log, ms: now() - started }),
    );
  } catch {
    // A failing logger must not fail the request.
  }
  return result;
}

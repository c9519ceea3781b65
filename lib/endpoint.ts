import { authenticateCaller, type AuthDeps, type Caller } from './auth';
import { loadConfig, readCorsSettings, type ConfigVars, type ServiceConfig } from './config';
import { ServiceError } from './errors';
import { corsHeadersFor, header, isOriginAllowed, jsonResult, type HttpResult, type RequestHeaders } from './http';

/** Fields an endpoint adds to its request log line; never a token, a secret or a credential. */
export type LogFields = Record<string, string | number | boolean | string[] | undefined>;

export interface EndpointOutcome {
  status: number;
  body: object;
  log?: LogFields;
}

export interface EndpointInput {
  config: ServiceConfig;
  vars: ConfigVars;
  event: Record<string, unknown>;
  headers: RequestHeaders;
  caller: Caller;
  /** Filled in as the endpoint learns them, so that failures are logged with what was known. */
  log: LogFields;
}

export interface Endpoint {
  /** The path, for logs: `/token`. */
  path: string;
  handle(input: EndpointInput): Promise<EndpointOutcome> | EndpointOutcome;
}

export interface EndpointDeps {
  /** Receives one JSON line per request. */
  log?: (line: string) => void;
  now?: () => number;
  /** Caller authentication knobs (tests shorten jose's JWKS refetch cooldown). */
  auth?: AuthDeps;
}

const defaultLog = (line: string): void => console.log(line);

// eslint-disable-next-line no-control-regex
const CONTROL_CHAR = /[\u0000-\u001f\u007f]/;
// eslint-disable-next-line no-control-regex
const CONTROL_CHARS = /[\u0000-\u001f\u007f]/g;

/** Identities and origins are user input: keep log lines short and single-line whatever was sent. */
function forLogString(value: string): string {
  const clean = CONTROL_CHAR.test(value) ? value.replace(CONTROL_CHARS, '?') : value;
  return clean.length > 64 ? `${clean.slice(0, 64)}...` : clean;
}

function forLog(value: LogFields[string]): LogFields[string] {
  if (typeof value === 'string') return forLogString(value);
  return Array.isArray(value) ? value.map(forLogString) : value;
}

/** ISO-8601 with milliseconds; the date part is formatted once per second (a hot-path saving). */
let isoSecond = -1;
let isoPrefix = '';
function isoTime(ms: number): string {
  const second = Math.floor(ms / 1000);
  if (second !== isoSecond) {
    isoPrefix = new Date(second * 1000).toISOString().slice(0, 20);
    isoSecond = second;
  }
  return `${isoPrefix}${String(ms - second * 1000).padStart(3, '0')}Z`;
}

/**
 * The request pipeline every function shares: CORS policy, configuration, the endpoint's own
 * work, error mapping and one structured log line. Never throws; never puts a stack trace,
 * a secret or a token in a response or a log line.
 */
export async function runEndpoint(endpoint: Endpoint, vars: ConfigVars, event: Record<string, unknown>, deps: EndpointDeps = {}): Promise<HttpResult> {
  const now = deps.now ?? Date.now;
  const started = now();
  const request = event.request;
  const headers: RequestHeaders =
    typeof request === 'object' && request !== null && typeof (request as { headers?: unknown }).headers === 'object'
      ? ((request as { headers: RequestHeaders }).headers ?? {})
      : {};
  const origin = header(headers, 'origin');
  const cors = readCorsSettings(vars);
  const originAllowed = origin === undefined || isOriginAllowed(origin, cors, header(headers, 'host'));
  const corsHeaders = corsHeadersFor(origin, originAllowed);
  const log: LogFields = {};

  let result: HttpResult;
  let code = 'ok';
  try {
    if (!originAllowed) {
      throw new ServiceError(403, 'origin_not_allowed', `The origin ${JSON.stringify(origin.slice(0, 200))} may not call this service; add it to ALLOWED_ORIGINS (comma list of https://host origins).`, 'Origin');
    }
    if (header(headers, 'access-control-request-method') !== undefined) {
      // A preflight that reached us (the platform normally answers OPTIONS itself).
      code = 'preflight';
      result = { status: 204, headers: { ...corsHeaders, 'Cache-Control': 'no-store' } };
    } else {
      const config = loadConfig(vars);
      // Await only real promises (jwt verification, async endpoints): each await is a microtask turn.
      const authenticated = authenticateCaller(vars, config, headers, event, deps.auth);
      const caller = authenticated instanceof Promise ? await authenticated : authenticated;
      const handled = endpoint.handle({ config, vars, event, headers, caller, log });
      const outcome = handled instanceof Promise ? await handled : handled;
      Object.assign(log, outcome.log);
      result = jsonResult(outcome.status, outcome.body, corsHeaders);
    }
  } catch (error) {
    if (error instanceof ServiceError) {
      code = error.code;
      if (error.field !== undefined) log.field = error.field;
      const extra: Record<string, string> = error.status === 401 ? { 'WWW-Authenticate': 'Bearer' } : {};
      result = jsonResult(error.status, error.toBody(), { ...corsHeaders, ...extra });
    } else {
      // A bug of ours: say so without details; the log line keeps the error's name and message.
      code = 'internal_error';
      log.error = error instanceof Error ? `${error.name}: ${error.message}` : 'non-error thrown';
      result = jsonResult(500, { error: { code: 'internal_error', message: 'The token service failed unexpectedly; see the function logs.' } }, corsHeaders);
    }
  }

  const line: Record<string, unknown> = {
    time: isoTime(started),
    path: endpoint.path,
    status: result.status,
    outcome: code,
  };
  if (origin !== undefined) line.origin = forLogString(origin);
  for (const key of Object.keys(log)) {
    const value = log[key];
    // `field` is ours (a parameter or variable list), never caller input: not shortened.
    if (value !== undefined) line[key] = key === 'field' ? value : forLog(value);
  }
  line.ms = Math.max(0, now() - started);
  try {
    (deps.log ?? defaultLog)(JSON.stringify(line));
  } catch {
    // A failing logger must not fail the request.
  }
  return result;
}

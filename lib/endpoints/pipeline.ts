/**
 * The request pipeline both functions share: origin policy, configuration, the shape of the
 * parameters, caller authentication, the endpoint's own work, error mapping and one structured
 * log line. Never throws; never puts a stack trace, a secret or a token in a response or a log line.
 */
import { authenticateCaller, type AuthDeps, type Caller } from '../auth';
import { isWellFormedOrigin } from '../config/origins';
import type { ConfigVars } from '../config/schema';
import { loadConfig, readCorsSettings, type ServiceConfig } from '../config/service';
import { ServiceError } from '../errors';
import { corsHeadersFor, isOriginAllowed } from '../http/cors';
import { header, jsonResult, NOSNIFF, requestHeaders, type HttpResult } from '../http/result';
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

export interface Endpoint {
  /** The path, for logs: `/token`. */
  path: string;
  /** The parameters it reads (near misses of them are refused, not ignored). */
  params: readonly string[];
  /** The answer body of a success (200). */
  handle(input: EndpointInput): object | Promise<object>;
  /** false: no caller authentication (an answer the page needs before anyone signs in). Default true. */
  authenticate?: boolean;
}

export interface EndpointDeps {
  /** Receives one JSON line per request. */
  log?: (line: string) => void;
  now?: () => number;
  /** Caller authentication knobs (tests shorten jose's JWKS refetch cooldown). */
  auth?: AuthDeps;
}

const defaultLog = (line: string): void => console.log(line);

/** The 403 for an Origin outside the policy: names the fix for a real origin, says less for a forged one. */
export function originRefusal(origin: string): ServiceError {
  const shown = JSON.stringify(origin.slice(0, 200));
  return isWellFormedOrigin(origin) || origin === 'null'
    ? new ServiceError(
        'origin_not_allowed',
        `The origin ${shown} may not call this service; add it to ALLOWED_ORIGINS (comma list of https://host origins).`,
        'Origin',
      )
    : new ServiceError(
        'origin_not_allowed',
        `The Origin header ${shown} is not a browser origin (scheme://host[:port]); this request is refused.`,
        'Origin',
      );
}

/** The answer and its outcome code for the log: `ok`, `preflight` or the error code. */
async function answer(
  endpoint: Endpoint,
  vars: ConfigVars,
  event: Record<string, unknown>,
  deps: EndpointDeps,
  log: LogFields,
): Promise<{ result: HttpResult; outcome: string }> {
  const headers = requestHeaders(event);
  const origin = header(headers, 'origin');
  const originAllowed = origin === undefined || isOriginAllowed(origin, readCorsSettings(vars));
  const corsHeaders = corsHeadersFor(origin, originAllowed);
  try {
    if (!originAllowed) throw originRefusal(origin);
    if (header(headers, 'access-control-request-method') !== undefined) {
      // A preflight that reached us (the platform normally answers OPTIONS itself).
      return { result: { status: 204, headers: { ...corsHeaders, 'Cache-Control': 'no-store', ...NOSNIFF } }, outcome: 'preflight' };
    }
    const config = loadConfig(vars);
    checkParams(event, endpoint.params);
    const caller: Caller =
      endpoint.authenticate === false ? { mode: 'none' } : await authenticateCaller(vars, config, headers, event, deps.auth);
    const body = await endpoint.handle({ config, event, caller, log });
    return { result: jsonResult(200, body, corsHeaders), outcome: 'ok' };
  } catch (error) {
    if (error instanceof ServiceError) {
      if (error.field !== undefined) log.field = error.field;
      if (error.logDetail !== undefined) log.detail = error.logDetail;
      const challenge: Record<string, string> = error.status === 401 ? { 'WWW-Authenticate': 'Bearer' } : {};
      return { result: jsonResult(error.status, error.toBody(), { ...corsHeaders, ...challenge }), outcome: error.code };
    }
    // A bug of ours: say so without details; the log line keeps the error's name and message.
    log.error = error instanceof Error ? `${error.name}: ${error.message}` : 'non-error thrown';
    const body = { error: { code: 'internal_error', message: 'The token service failed unexpectedly; see the function logs.' } };
    return { result: jsonResult(500, body, corsHeaders), outcome: 'internal_error' };
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
  const { result, outcome } = await answer(endpoint, vars, event, deps, log);
  const origin = header(requestHeaders(event), 'origin');
  try {
    (deps.log ?? defaultLog)(
      requestLogLine({ started, path: endpoint.path, status: result.status, outcome, origin, fields: log, ms: now() - started }),
    );
  } catch {
    // A failing logger must not fail the request.
  }
  return result;
}

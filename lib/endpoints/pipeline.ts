/**
 * The request pipeline every function shares: the CORS step, configuration, the shape of the
 * parameters, caller authentication, the endpoint's own work, error mapping and one structured
 * log line. Never throws; never puts a stack trace, a secret or a token in a response or a log line.
 */
import { authenticateCaller, type AuthDeps, type CredentialReader } from '../auth';
import type { AuthMode } from '../config/auth';
import { readEnvironment } from '../config/environment';
import type { ConfigVars } from '../config/schema';
import type { ServiceConfig } from '../config/service';
import { ServiceError } from '../errors';
import { applyCors, PREFLIGHT_HEADERS, type CorsVerdict } from '../http/cors';
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

/** What an error renderer may take into account besides the error. */
export interface ErrorContext {
  /** The configured AUTH_MODE, when the configuration loaded. */
  authMode?: AuthMode;
}

/**
 * Writes an error as the endpoint's clients expect it (an app's own protocol): status, headers
 * and body, to which the pipeline adds the CORS headers, the 401 challenge and nosniff.
 */
export type ErrorRenderer = (error: ServiceError, context: ErrorContext) => HttpResult;

/** The service's own error answer: `{error: {code, message, field}}` JSON. */
export const renderJsonError: ErrorRenderer = (error) => jsonResult(error.status, error.toBody(), {});

export interface Endpoint {
  /** The path, for logs: `/token`. */
  path: string;
  /** The parameters it reads (near misses of them are refused, not ignored). */
  params: readonly string[];
  /** The answer body of a success (200), or a RawAnswer; a promise only when it must wait for something. */
  handle(input: EndpointInput): object | Promise<object>;
  /** false: no caller authentication (an answer the page needs before anyone signs in). Default true. */
  authenticate?: boolean;
  /** false: answers whatever the configuration (code, not credentials: /token-client.js). Default true. */
  requiresConfig?: boolean;
  /** Where callers put their credential; default Authorization: Bearer, or the passcode parameter. */
  readCredential?: CredentialReader;
  /** How errors are written; default renderJsonError. */
  renderError?: ErrorRenderer;
  /**
   * true: a webhook, whose caller chooses the parameters (Twilio's own, and whatever an app passes
   * to Device.connect()): none is refused as a near miss of `params`. Default false.
   */
  anyParams?: boolean;
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

interface Outcome {
  result: HttpResult;
  /** For the log line: `ok`, `preflight` or the error code. */
  outcome: string;
}

/** A value or a promise of it: the pipeline waits only for what really waits (jose, a key set, the inspector). */
export type MaybePromise<T> = T | Promise<T>;
type Maybe<T> = MaybePromise<T>;
const isPromise = <T>(value: Maybe<T>): value is Promise<T> => value instanceof Promise;
/** `next(value)` now or once the value is there; whatever fails on the way (a rejection or a throw) goes to `fail`. */
const then = <T, U>(value: Maybe<T>, next: (value: T) => Maybe<U>, fail: (error: unknown) => U): Maybe<U> => {
  if (isPromise(value)) return value.then(next).catch(fail);
  try {
    return next(value);
  } catch (error) {
    return fail(error);
  }
};

const UNEXPECTED = 'The token service failed unexpectedly; see the function logs.';

/** Every failure as an answer: a ServiceError as itself, anything else as a 500 that says nothing more. */
function failure(error: unknown, cors: Record<string, string>, log: LogFields, render: ErrorRenderer, context: ErrorContext): Outcome {
  let known: ServiceError;
  if (error instanceof ServiceError) {
    known = error;
    if (error.field !== undefined) log.field = error.field;
    if (error.logDetail !== undefined) log.detail = error.logDetail;
  } else {
    // A bug of ours: say so without details; the log line keeps the error's name and message.
    log.error = error instanceof Error ? `${error.name}: ${error.message}` : 'non-error thrown';
    known = new ServiceError('internal_error', UNEXPECTED);
  }
  const challenge: Record<string, string> = known.status === 401 ? { 'WWW-Authenticate': 'Bearer' } : {};
  const rendered = render(known, context);
  return { result: { ...rendered, headers: { ...cors, ...challenge, ...rendered.headers, ...NOSNIFF } }, outcome: known.code };
}

function success(body: object, cors: Record<string, string>): Outcome {
  if (!(body instanceof RawAnswer)) return { result: jsonResult(200, body, cors), outcome: 'ok' };
  const raw = body.result;
  return { result: { ...raw, headers: { ...cors, ...raw.headers, ...NOSNIFF } }, outcome: body.outcome };
}

/** The CORS step, the configuration, the parameters' shape, the caller, then the endpoint. */
function answer(
  endpoint: Endpoint,
  vars: ConfigVars,
  event: Record<string, unknown>,
  deps: EndpointDeps,
  log: LogFields,
  cors: CorsVerdict,
): Maybe<Outcome> {
  const context: ErrorContext = {};
  const fail = (error: unknown): Outcome => failure(error, cors.headers, log, endpoint.renderError ?? renderJsonError, context);
  try {
    if (cors.refusal !== undefined) throw cors.refusal;
    if (cors.preflight) {
      // A preflight that reached us (the platform normally answers OPTIONS itself).
      const preflight = cors.origin !== undefined ? PREFLIGHT_HEADERS : {};
      return {
        result: { status: 204, headers: { ...cors.headers, ...preflight, 'Cache-Control': 'no-store', ...NOSNIFF } },
        outcome: 'preflight',
      };
    }
    const { config, auth } = readEnvironment(vars);
    if (auth !== undefined && !(auth instanceof ServiceError)) context.authMode = auth.mode;
    if (config instanceof ServiceError && endpoint.requiresConfig !== false) throw config;
    if (endpoint.anyParams !== true) checkParams(event, endpoint.params);
    let caller: Maybe<Caller> = ANONYMOUS;
    if (endpoint.authenticate !== false && !(config instanceof ServiceError)) {
      if (auth instanceof ServiceError) throw auth;
      // A loaded configuration always comes with its auth settings (environment.ts).
      caller = authenticateCaller(auth!, config, requestHeaders(event), event, deps.auth, endpoint.readCredential);
    }
    return then(
      caller,
      (who) =>
        then(endpoint.handle({ config: config as ServiceConfig, event, caller: who, log }), (body) => success(body, cors.headers), fail),
      fail,
    );
  } catch (error) {
    return fail(error);
  }
}

/**
 * Answers one request, with one log line. Synchronous when nothing waits (the usual /token), so
 * the function calls back in the same turn; a promise when something does (jwt auth, /inspect).
 */
export function runEndpoint(
  endpoint: Endpoint,
  vars: ConfigVars,
  event: Record<string, unknown>,
  deps: EndpointDeps = {},
): Maybe<HttpResult> {
  const now = deps.now ?? Date.now;
  const started = now();
  const log: LogFields = {};
  // The CORS step first and outside the try: even a failure of ours carries the CORS headers, so the browser shows it.
  const cors = applyCors(requestHeaders(event), readEnvironment(vars).cors);
  const logged = ({ result, outcome }: Outcome): HttpResult => {
    try {
      (deps.log ?? defaultLog)(
        requestLogLine({
          started,
          path: endpoint.path,
          status: result.status,
          outcome,
          origin: cors.origin,
          fields: log,
          ms: now() - started,
        }),
      );
    } catch {
      // A failing logger must not fail the request.
    }
    return result;
  };
  const outcome = answer(endpoint, vars, event, deps, log, cors);
  return isPromise(outcome) ? outcome.then(logged) : logged(outcome);
}

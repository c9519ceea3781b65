/**
 * The token client: keeps one Access Token fresh for an app and the SDKs attached to it. Its own
 * timer decides when to refresh (SDK events are a second trigger, never the only one), one fetch
 * runs at a time, failures back off with jitter, and a refusal only a person can fix stops it.
 * No globals: time, timers, randomness and wake-up signals come from the environment it is given,
 * so the rules are tested with a fake clock and the browser entry (index.ts) passes the real ones.
 */
import type { ProductParamValues } from '../products';
import { attachSdk, type Detach } from './sdk';
import {
  clampLifetimeSeconds,
  isRetryable,
  MAX_TIMER_MS,
  planRefresh,
  REFRESH_MIN_DELAY_SECONDS,
  retryDelaySeconds,
  RETRY_MAX_SECONDS,
  timerDelayMs,
  type RefreshRule,
} from './schedule';

/**
 * The options: the client's own, /token's, and every product's parameters (`room`,
 * `incomingAllow`, `worker`: typed from lib/products), passed on as the app gives them; the
 * service judges them (a room without video is its 400, not the client's guess).
 */
export interface TokenClientOptions extends ProductParamValues {
  /** The /token endpoint: `https://your-service.twil.io/token`, or `/token` on the service's own pages. */
  url: string;
  /** As /token takes them: `['voice']`, `['chat', 'sync']`. */
  grants: string[];
  /** Leave out in jwt mode, where the identity comes from the sign-in token. */
  identity?: string;
  /**
   * The whole Authorization header value, asked for before every fetch: `Bearer ${await getIdToken()}`.
   * If it throws or rejects, that is the app's bug: `error` with code `authorization_failed`, and no
   * request until getToken() or refresh() is called again.
   */
  getAuthorization?: () => string | undefined | Promise<string | undefined>;
  /** Seconds; the service's default when left out. */
  ttl?: number;
  /** Refresh on its own timer (default true). Off: a token is fetched only when getToken() needs one. */
  autoRefresh?: boolean;
  /** Abort a /token request after this long (default 15 s); a timeout is retried like an outage. */
  timeoutMs?: number;
  /** Injectable for tests; defaults to the global fetch. */
  fetch?: typeof fetch;
}

export interface CurrentToken {
  token: string;
  identity: string;
  grants: string[];
  /** ISO-8601 of the token's exp, by the service's clock. */
  expiresAt: string;
  /** Lifetime in seconds, as the client plans with it: the token's exp - iat, read as 1 s to 86400 s. */
  ttl: number;
  /** The token's region when the service sets TWILIO_REGION: pass sdkOptionsForRegion(region) to the SDKs. */
  region?: string;
}

/** What /token refused with, or what went wrong on the way. */
export interface TokenClientError {
  /** The service's error code (`invalid_identity`, `unauthorized` ...), or the client's: `network_error`, `timeout`, `bad_answer`, `http_<status>`, `stopped`, `sdk_update_failed`, `authorization_failed` (the app's getAuthorization threw or rejected). */
  code: string;
  message: string;
  /** The request field the service named, when it named one. */
  field?: string;
  /** The HTTP status, when an answer came; 0 for authorization_failed (nothing was sent). */
  status?: number;
  /** From a 429 or 503's Retry-After header in seconds (at most 60): the retry waits at least this long. */
  retryAfterSeconds?: number;
}

export interface TokenClientStatus {
  fetching: boolean;
  /** Epoch ms of the next planned fetch, or null (none planned: off, stopped, or no token yet). */
  nextRefreshAt: number | null;
  /** Why then: a refresh rule, or `retry` after a failure. */
  rule: RefreshRule | 'retry' | null;
  /** Failed fetches in a row. */
  failures: number;
  lastError: TokenClientError | null;
  /** Stopped after a refusal only a person can fix; getToken() tries again. */
  stopped: boolean;
  autoRefresh: boolean;
  /** Tokens received so far. */
  received: number;
  /** Lifetime of the current token in seconds. */
  lifetimeSeconds: number | null;
}

export interface TokenClientEvents {
  /** A new token arrived (also after a refresh); attached SDKs have been given it. */
  token: (token: string, current: CurrentToken) => void;
  /** A fetch failed for a reason only a person can fix (a 4xx other than 429): refreshing stopped. */
  error: (error: TokenClientError) => void;
  /** The current token ran out before a new one came. */
  expired: (current: CurrentToken) => void;
  /** Anything in `status` changed (for a UI that shows it). */
  status: (status: Readonly<TokenClientStatus>) => void;
}

export type TokenClientEvent = keyof TokenClientEvents;

export interface TokenClient {
  /** The current token, fetching one (or the overdue refresh) when needed; never an expired one. */
  getToken(): Promise<string>;
  /** Fetches a new token now (joining one under way). */
  refresh(): Promise<string>;
  /** Null until the first token arrives. */
  readonly current: CurrentToken | null;
  readonly status: Readonly<TokenClientStatus>;
  /** Hands each new token to a Voice Device, Conversations Client or Sync Client and listens to its token events. Returns detach. */
  attach(sdkClient: object): Detach;
  on<E extends TokenClientEvent>(event: E, listener: TokenClientEvents[E]): () => void;
  setAutoRefresh(enabled: boolean): void;
  /** Stops timers, aborts a fetch under way, detaches every SDK. */
  stop(): void;
}

/** What the client needs from the world; index.ts gives it the browser's. */
export interface TokenClientEnvironment {
  now(): number;
  setTimeout(fn: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
  /** In [0, 1): the retry jitter. */
  random(): number;
  /** Calls `wake` when the page is shown again or the device comes back online; returns the unsubscribe. */
  onWake(wake: () => void): () => void;
  fetch?: typeof fetch;
}

const DEFAULT_TIMEOUT_MS = 15_000;
const ERROR_DETAIL_CHARS = 200;

/** Thrown by getToken()/refresh(): an Error carrying the service's code, message and field. */
export class TokenFetchError extends Error implements TokenClientError {
  readonly code: string;
  readonly field?: string;
  readonly status?: number;
  constructor(error: TokenClientError) {
    super(error.message);
    this.name = 'TokenFetchError';
    this.code = error.code;
    if (error.field !== undefined) this.field = error.field;
    if (error.status !== undefined) this.status = error.status;
  }
}

const isRecord = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);

/** exp - iat of the token itself (the truth), read without verifying: the client only schedules by it. */
function lifetimeOf(token: string): number | undefined {
  try {
    const part = token.split('.')[1] ?? '';
    const base64 = part.replace(/-/g, '+').replace(/_/g, '/') + '='.repeat((4 - (part.length % 4)) % 4);
    const payload: unknown = JSON.parse(atob(base64));
    if (!isRecord(payload) || typeof payload.exp !== 'number' || typeof payload.iat !== 'number') return undefined;
    const lifetime = payload.exp - payload.iat;
    return lifetime > 0 && Number.isFinite(lifetime) ? lifetime : undefined;
  } catch {
    return undefined;
  }
}

/** An ISO-8601 time as /token answers it; anything else (any server may answer) is dropped. */
const isTimestamp = (value: unknown): value is string =>
  typeof value === 'string' && value.length <= 40 && !Number.isNaN(Date.parse(value));

function answerError(status: number, body: unknown): TokenClientError {
  const error = isRecord(body) && isRecord(body.error) ? body.error : undefined;
  if (error !== undefined && typeof error.code === 'string' && typeof error.message === 'string') {
    return { code: error.code, message: error.message, status, ...(typeof error.field === 'string' ? { field: error.field } : {}) };
  }
  // Not the service's JSON: a proxy's error page, or no /token on this deployment.
  const message =
    status === 404
      ? 'There is no /token at this URL (404): check the url option, and that the functions are deployed.'
      : `The service answered HTTP ${status} without its usual JSON error.`;
  return { code: `http_${status}`, message, status };
}

type Listeners = { [E in TokenClientEvent]: Set<TokenClientEvents[E]> };

interface Held {
  current: CurrentToken;
  /** Local epoch ms the request for it was sent: its lifetime is counted from there (never later than the truth). */
  sentAt: number;
  /** Local epoch ms it arrived: the next request never leaves sooner than REFRESH_MIN_DELAY_SECONDS after. */
  receivedAt: number;
  lifetimeMs: number;
}

/** The app's own function failed: a bug to fix, which no retry would. */
function authorizationFailed(error: unknown): TokenClientError {
  const detail = (error instanceof Error ? `${error.name}: ${error.message}` : String(error)).slice(0, ERROR_DETAIL_CHARS);
  return {
    code: 'authorization_failed',
    status: 0,
    message: `The getAuthorization function passed to createTokenClient failed (${detail}), so no request was sent. Fix it in the app, then call getToken() or refresh() again.`,
  };
}

class Client implements TokenClient {
  private held: Held | undefined;
  private inFlight: Promise<string> | undefined;
  private abort: AbortController | undefined;
  private refreshTimer: unknown;
  private expiryTimer: unknown;
  private lastFailureAt = 0;
  /** The token `expired` was emitted for (once per token). */
  private expiredToken: Held | undefined;
  private ended = false;
  private readonly stopWaking: () => void;
  private readonly detachers = new Set<Detach>();
  private readonly listeners: Listeners = { token: new Set(), error: new Set(), expired: new Set(), status: new Set() };
  private state: TokenClientStatus;

  constructor(
    private readonly options: TokenClientOptions,
    private readonly env: TokenClientEnvironment,
  ) {
    this.state = {
      fetching: false,
      nextRefreshAt: null,
      rule: null,
      failures: 0,
      lastError: null,
      stopped: false,
      autoRefresh: options.autoRefresh ?? true,
      received: 0,
      lifetimeSeconds: null,
    };
    this.stopWaking = env.onWake(() => this.wake());
  }

  get current(): CurrentToken | null {
    return this.held?.current ?? null;
  }

  get status(): Readonly<TokenClientStatus> {
    return this.state;
  }

  on<E extends TokenClientEvent>(event: E, listener: TokenClientEvents[E]): () => void {
    const set = this.listeners[event] as Set<TokenClientEvents[E]>;
    set.add(listener);
    return () => set.delete(listener);
  }

  async getToken(): Promise<string> {
    if (this.ended) throw new TokenFetchError({ code: 'stopped', message: 'This token client was stopped; create a new one.' });
    const held = this.held;
    const now = this.env.now();
    if (held !== undefined && now < this.expiresAt(held)) {
      if (now < this.refreshAt(held)) return held.current.token;
      // Due for refresh (or stopped after a refusal, which the app may have fixed since): a fresh
      // token if one comes; else the current one while it lasts.
      try {
        return await this.refresh();
      } catch (error) {
        if (this.held === held && this.env.now() < this.expiresAt(held)) return held.current.token;
        throw error;
      }
    }
    return this.refresh();
  }

  refresh(): Promise<string> {
    if (this.ended)
      return Promise.reject(new TokenFetchError({ code: 'stopped', message: 'This token client was stopped; create a new one.' }));
    this.inFlight ??= this.fetchOnce().finally(() => {
      this.inFlight = undefined;
    });
    return this.inFlight;
  }

  attach(sdkClient: object): Detach {
    const detach = attachSdk(sdkClient, {
      sdkAsked: () => this.sdkAsked(),
      onToken: (listener) => this.on('token', (token) => listener(token)),
      reportError: (error) => this.emit('error', error),
    });
    const once: Detach = () => {
      if (!this.detachers.delete(once)) return;
      detach();
    };
    this.detachers.add(once);
    return once;
  }

  setAutoRefresh(enabled: boolean): void {
    this.update({ autoRefresh: enabled, ...(enabled ? { stopped: false, failures: 0, lastError: null } : {}) });
    this.schedule();
  }

  stop(): void {
    if (this.ended) return;
    this.ended = true;
    this.env.clearTimeout(this.refreshTimer);
    this.env.clearTimeout(this.expiryTimer);
    this.abort?.abort();
    this.stopWaking();
    for (const detach of [...this.detachers]) detach();
    this.update({ nextRefreshAt: null, rule: null, autoRefresh: false });
  }

  private timeoutMs(): number {
    const asked = this.options.timeoutMs;
    return typeof asked === 'number' && asked >= 1 && asked <= MAX_TIMER_MS ? asked : DEFAULT_TIMEOUT_MS;
  }

  private expiresAt(held: Held): number {
    return held.sentAt + held.lifetimeMs;
  }

  private refreshAt(held: Held): number {
    return held.sentAt + planRefresh(held.lifetimeMs / 1000).delaySeconds * 1000;
  }

  /**
   * An SDK says its token is about to expire (or has). A token the client got in the first half of
   * its life is handed over again (the SDK may have missed it); an older one is replaced.
   */
  private sdkAsked(): string | undefined {
    const held = this.held;
    if (held !== undefined && this.env.now() < held.sentAt + held.lifetimeMs / 2) return held.current.token;
    // After a refusal only the app's own getToken() asks again; after an outage the backoff's timer does.
    if (!this.state.stopped && !this.ended && this.state.failures === 0) this.refresh().catch(() => undefined);
    return undefined;
  }

  private wake(): void {
    if (this.ended) return;
    const held = this.held;
    if (held !== undefined && this.env.now() >= this.expiresAt(held)) this.expire(held);
    const due = this.state.nextRefreshAt;
    if (due !== null && due <= this.env.now() && this.inFlight === undefined) this.refresh().catch(() => undefined);
  }

  /** The app's header value; abandoned when the request times out, so a getAuthorization that never settles is an outage. */
  private async authorization(signal: AbortSignal): Promise<string | undefined> {
    const asked = Promise.resolve().then(() => this.options.getAuthorization?.());
    const aborted = new Promise<never>((_, reject) => signal.addEventListener('abort', () => reject(new Error('aborted')), { once: true }));
    const value = await Promise.race([asked, aborted]);
    return typeof value === 'string' && value !== '' ? value : undefined;
  }

  /** /token's parameters: every option that is not the client's own, as given. */
  private body(): Record<string, unknown> {
    const { url: _url, getAuthorization: _auth, autoRefresh: _auto, timeoutMs: _timeout, fetch: _fetch, ...params } = this.options;
    return Object.fromEntries(Object.entries(params).filter(([, value]) => value !== undefined));
  }

  /** One POST /token; the outcome updates the state and plans what comes next. */
  private async fetchOnce(): Promise<string> {
    this.env.clearTimeout(this.refreshTimer);
    this.update({ fetching: true, nextRefreshAt: null, rule: null });
    const sentAt = this.env.now();
    const controller = new AbortController();
    this.abort = controller;
    const timeoutMs = this.timeoutMs();
    const timer = this.env.setTimeout(() => controller.abort(), timeoutMs);
    let outcome: { token: string; held: Held } | { error: TokenClientError };
    try {
      outcome = await this.request(controller, sentAt);
    } catch (error) {
      outcome = {
        error: this.ended
          ? { code: 'stopped', message: 'This token client was stopped; create a new one.' }
          : controller.signal.aborted
            ? { code: 'timeout', message: `The service did not answer within ${timeoutMs / 1000} s.` }
            : {
                code: 'network_error',
                message: `The service could not be reached (${error instanceof Error ? error.message : 'network error'}).`,
              },
      };
    } finally {
      this.env.clearTimeout(timer);
      if (this.abort === controller) this.abort = undefined;
    }
    if (this.ended) throw new TokenFetchError({ code: 'stopped', message: 'This token client was stopped; create a new one.' });
    if ('token' in outcome) {
      this.accept(outcome.held);
      return outcome.token;
    }
    this.fail(outcome.error);
    throw new TokenFetchError(outcome.error);
  }

  private async request(controller: AbortController, sentAt: number): Promise<{ token: string; held: Held } | { error: TokenClientError }> {
    const headers: Record<string, string> = { 'Content-Type': 'application/json', Accept: 'application/json' };
    let authorization: string | undefined;
    try {
      authorization = await this.authorization(controller.signal);
    } catch (error) {
      if (controller.signal.aborted) throw error;
      return { error: authorizationFailed(error) };
    }
    if (authorization !== undefined) headers.Authorization = authorization;
    const doFetch = this.options.fetch ?? this.env.fetch;
    if (doFetch === undefined) return { error: { code: 'network_error', message: 'No fetch() here: pass the fetch option.' } };
    const res = await doFetch(this.options.url, {
      method: 'POST',
      headers,
      body: JSON.stringify(this.body()),
      // A POST answered no-store is never cached; no cookies are needed (the credential is the Authorization header).
      credentials: 'omit',
      signal: controller.signal,
    });
    let body: unknown;
    try {
      body = await res.json();
    } catch {
      body = undefined;
    }
    if (!res.ok) {
      const error = answerError(res.status, body);
      // 429 and 503 may say when to come back: seconds only, and never more than the longest backoff.
      const retryAfter = Number(res.headers.get('Retry-After'));
      return {
        error:
          Number.isFinite(retryAfter) && retryAfter > 0 ? { ...error, retryAfterSeconds: Math.min(retryAfter, RETRY_MAX_SECONDS) } : error,
      };
    }
    if (!isRecord(body) || typeof body.token !== 'string' || body.token === '') {
      return { error: { code: 'bad_answer', message: 'The service answered 200 without a token.', status: res.status } };
    }
    const claimed = lifetimeOf(body.token) ?? (typeof body.ttl === 'number' && body.ttl > 0 ? body.ttl : undefined);
    if (claimed === undefined)
      return { error: { code: 'bad_answer', message: 'The token has no usable lifetime (exp - iat).', status: res.status } };
    const lifetime = clampLifetimeSeconds(claimed);
    const current: CurrentToken = {
      token: body.token,
      identity: typeof body.identity === 'string' ? body.identity : '',
      grants: Array.isArray(body.grants) ? body.grants.filter((g): g is string => typeof g === 'string') : [],
      expiresAt: isTimestamp(body.expiresAt) ? body.expiresAt : '',
      ttl: lifetime,
      ...(typeof body.region === 'string' ? { region: body.region } : {}),
    };
    return { token: body.token, held: { current, sentAt, receivedAt: this.env.now(), lifetimeMs: lifetime * 1000 } };
  }

  private accept(held: Held): void {
    this.held = held;
    this.update({
      fetching: false,
      failures: 0,
      lastError: null,
      stopped: false,
      received: this.state.received + 1,
      lifetimeSeconds: held.lifetimeMs / 1000,
    });
    this.env.clearTimeout(this.expiryTimer);
    this.expiryTimer = this.env.setTimeout(() => this.expire(held), timerDelayMs(this.expiresAt(held) - this.env.now()));
    this.schedule();
    this.emit('token', held.current.token, held.current);
  }

  private fail(error: TokenClientError): void {
    if (!isRetryable(error.status) || error.code === 'bad_answer') {
      // Only a person can fix this: no request until the app asks again.
      this.update({ fetching: false, failures: this.state.failures + 1, lastError: error, stopped: true });
      this.schedule();
      this.emit('error', error);
      return;
    }
    this.lastFailureAt = this.env.now();
    this.update({ fetching: false, failures: this.state.failures + 1, lastError: error });
    this.schedule();
  }

  private expire(held: Held): void {
    if (this.held !== held || this.expiredToken === held) return;
    this.expiredToken = held;
    this.emit('expired', held.current);
  }

  /** Plans the next fetch: a retry after a failure, else the refresh rule of the current token. */
  private schedule(): void {
    this.env.clearTimeout(this.refreshTimer);
    this.refreshTimer = undefined;
    const held = this.held;
    if (this.ended || !this.state.autoRefresh || this.state.stopped || this.state.fetching) {
      this.update({ nextRefreshAt: null, rule: null });
      return;
    }
    let at: number;
    let rule: TokenClientStatus['rule'];
    if (this.state.failures > 0) {
      const retryAfter = Math.min(this.state.lastError?.retryAfterSeconds ?? 0, RETRY_MAX_SECONDS);
      const wait = Math.max(retryDelaySeconds(this.state.failures, this.env.random()), retryAfter);
      at = this.lastFailureAt + wait * 1000;
      rule = 'retry';
    } else if (held !== undefined) {
      // A slow answer may arrive when its refresh is already due: still never sooner than 1 s after it.
      at = Math.max(this.refreshAt(held), held.receivedAt + REFRESH_MIN_DELAY_SECONDS * 1000);
      rule = planRefresh(held.lifetimeMs / 1000).rule;
    } else {
      this.update({ nextRefreshAt: null, rule: null });
      return;
    }
    this.update({ nextRefreshAt: at, rule });
    this.refreshTimer = this.env.setTimeout(() => void this.refresh().catch(() => undefined), timerDelayMs(at - this.env.now()));
  }

  private update(change: Partial<TokenClientStatus>): void {
    const next = { ...this.state, ...change };
    if ((Object.keys(change) as (keyof TokenClientStatus)[]).every((k) => next[k] === this.state[k])) return;
    this.state = next;
    this.emit('status', this.state);
  }

  private emit<E extends TokenClientEvent>(event: E, ...args: Parameters<TokenClientEvents[E]>): void {
    for (const listener of [...this.listeners[event]]) {
      try {
        (listener as (...a: Parameters<TokenClientEvents[E]>) => void)(...args);
      } catch {
        // One failing listener must not stop the others, nor the client.
      }
    }
  }
}

export function createTokenClientWith(options: TokenClientOptions, env: TokenClientEnvironment): TokenClient {
  if (typeof options.url !== 'string' || options.url === '')
    throw new TypeError('createTokenClient: url is required (the /token endpoint).');
  if (!Array.isArray(options.grants) || options.grants.length === 0)
    throw new TypeError("createTokenClient: grants is required, e.g. ['voice'] or ['chat', 'sync'].");
  return new Client(options, env);
}

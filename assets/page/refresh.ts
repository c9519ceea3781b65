/**
 * Automatic refresh: fetches the next token before the current one expires, retries with
 * backoff when a fetch fails for a passing reason, stops (and says why) when it fails for one
 * that needs a person (wrong passcode, bad request).
 */
import { describeRule, planRefresh, retryDelaySeconds, RETRY_FIRST_SECONDS } from './schedule';

export type FetchOutcome =
  { ok: true; receivedAt: number; lifetimeSeconds: number } | { ok: false; aborted?: boolean; retryable: boolean; message: string };

export interface RefreshState {
  enabled: boolean;
  inFlight: boolean;
  /** Epoch ms of the next attempt, when one is planned. */
  nextAt?: number;
  /** Why then: `60 s before expiry`, `retry 2 after a failure`. */
  reason?: string;
  failures: number;
  lastError?: string;
  /** Set when refresh turned itself off; the message says what a person must do. */
  stoppedBecause?: string;
  refreshed: number;
  lastRefreshAt?: number;
}

export interface Clock {
  now(): number;
  setTimeout(fn: () => void, ms: number): number;
  clearTimeout(handle: number): void;
}

const browserClock: Clock = {
  now: () => Date.now(),
  setTimeout: (fn, ms) => window.setTimeout(fn, ms),
  clearTimeout: (handle) => window.clearTimeout(handle),
};

export class Refresher {
  private state: RefreshState = { enabled: false, inFlight: false, failures: 0, refreshed: 0 };
  private token?: { receivedAt: number; lifetimeSeconds: number };
  private lastFailureAt = 0;
  /** After a fetch gave way to one already under way: not before this (epoch ms). */
  private deferredUntil = 0;
  private timer?: number;

  constructor(
    private readonly fetchNext: () => Promise<FetchOutcome>,
    private readonly onChange: (state: Readonly<RefreshState>) => void,
    private readonly clock: Clock = browserClock,
  ) {}

  get current(): Readonly<RefreshState> {
    return this.state;
  }

  setEnabled(enabled: boolean): void {
    this.state = { ...this.state, enabled, failures: 0, lastError: undefined, stoppedBecause: undefined };
    this.schedule();
  }

  /** A new token is on the page (minted by hand or by a refresh): plan from its arrival. */
  tokenReceived(receivedAt: number, lifetimeSeconds: number): void {
    this.token = { receivedAt, lifetimeSeconds };
    this.deferredUntil = 0;
    this.state = { ...this.state, failures: 0, lastError: undefined, stoppedBecause: undefined };
    this.schedule();
  }

  /**
   * Timers are throttled in background tabs (to once a minute after a while): when the page is
   * shown again, an overdue refresh runs at once instead of waiting for a sleepy timer.
   */
  wake(): void {
    if (this.state.enabled && !this.state.inFlight && this.state.nextAt !== undefined && this.state.nextAt <= this.clock.now())
      void this.run();
  }

  private schedule(): void {
    if (this.timer !== undefined) this.clock.clearTimeout(this.timer);
    this.timer = undefined;
    if (!this.state.enabled || this.token === undefined || this.state.inFlight) {
      this.state = { ...this.state, nextAt: undefined, reason: undefined };
      this.onChange(this.state);
      return;
    }
    if (!(this.token.lifetimeSeconds > 0 && Number.isFinite(this.token.lifetimeSeconds))) {
      this.state = {
        ...this.state,
        nextAt: undefined,
        reason: undefined,
        stoppedBecause: 'the token has no usable lifetime (exp - iat), so there is no time to plan a refresh by.',
      };
      this.onChange(this.state);
      return;
    }
    let nextAt: number;
    let reason: string;
    if (this.state.failures > 0) {
      const wait = retryDelaySeconds(this.state.failures);
      nextAt = this.lastFailureAt + wait * 1000;
      reason = `retry ${this.state.failures} after a failed refresh, ${wait} s backoff`;
    } else {
      const plan = planRefresh(this.token.lifetimeSeconds);
      nextAt = this.token.receivedAt + plan.delaySeconds * 1000;
      reason = describeRule(plan, this.token.lifetimeSeconds);
    }
    if (nextAt < this.deferredUntil) {
      nextAt = this.deferredUntil;
      reason = 'after the token request under way';
    }
    this.state = { ...this.state, nextAt, reason };
    this.timer = this.clock.setTimeout(() => void this.run(), Math.max(0, nextAt - this.clock.now()));
    this.onChange(this.state);
  }

  private async run(): Promise<void> {
    if (this.state.inFlight || !this.state.enabled) return;
    if (this.timer !== undefined) this.clock.clearTimeout(this.timer);
    this.timer = undefined;
    this.state = { ...this.state, inFlight: true, nextAt: undefined };
    this.onChange(this.state);
    const outcome = await this.fetchNext();
    this.state = { ...this.state, inFlight: false };
    if (outcome.ok) {
      this.state = { ...this.state, refreshed: this.state.refreshed + 1, lastRefreshAt: this.clock.now() };
      this.tokenReceived(outcome.receivedAt, outcome.lifetimeSeconds);
      return;
    }
    if (outcome.aborted) {
      // A token is being minted by hand: its arrival plans the next refresh. Should that request
      // fail, try again shortly rather than at once (which would spin until it finishes).
      this.deferredUntil = this.clock.now() + RETRY_FIRST_SECONDS * 1000;
      this.schedule();
      return;
    }
    if (!outcome.retryable) {
      this.state = { ...this.state, enabled: false, lastError: outcome.message, stoppedBecause: outcome.message };
      this.schedule();
      return;
    }
    this.lastFailureAt = this.clock.now();
    this.state = { ...this.state, failures: this.state.failures + 1, lastError: outcome.message };
    this.schedule();
  }
}

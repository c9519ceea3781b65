/**
 * The page's refresh rules (assets/page/schedule.ts, refresh.ts) in Node with a fake clock: when
 * the next token is fetched, how failures back off, when refreshing stops. The browser test
 * (page.test.ts) shows the same machinery working against the real service.
 */
import { Refresher, type Clock, type FetchOutcome, type RefreshState } from '../../assets/page/refresh';
import { formatClock, formatLifetime, isRetryable, planRefresh, retryDelaySeconds } from '../../assets/page/schedule';

describe('planRefresh: 80% of the lifetime or 60 s before exp, whichever is earlier, never before half-life', () => {
  test.each([
    [86_400, 69_120, 'fraction'],
    [3600, 2880, 'fraction'],
    [600, 480, 'fraction'],
    [300, 240, 'fraction'],
    [240, 180, 'lead'],
    [120, 60, 'lead'],
    [90, 45, 'half'],
    [5, 2.5, 'half'],
    [1, 1, 'half'],
  ])('a %i s token is refreshed %d s after it arrived (%s)', (lifetime, delay, rule) => {
    expect(planRefresh(lifetime)).toEqual({ delaySeconds: delay, rule });
  });
});

test('failed refreshes back off 2, 4, 8 ... up to 60 s', () => {
  expect([1, 2, 3, 4, 5, 6, 7, 1000].map(retryDelaySeconds)).toEqual([2, 4, 8, 16, 32, 60, 60, 60]);
});

test('only outages and rate limits are retried on their own; a 4xx needs a person', () => {
  expect([undefined, 408, 429, 500, 502, 503].map(isRetryable)).toEqual([true, true, true, true, true, true]);
  expect([400, 401, 403, 404].map(isRetryable)).toEqual([false, false, false, false]);
});

test('countdown and lifetime texts', () => {
  expect([0, 9, 59, 600, 3599, 3600, 86_400].map(formatClock)).toEqual([
    '0:00',
    '0:09',
    '0:59',
    '10:00',
    '59:59',
    '1:00:00',
    '1 d 0:00:00',
  ]);
  expect([5, 90, 600, 3600, 5400, 86_400].map((s) => formatLifetime(s).replace(/\u00a0/g, ' '))).toEqual([
    '5 s',
    '1 min 30 s',
    '10 min',
    '1 h',
    '1 h 30 min',
    '24 h',
  ]);
});

/** Timers that run only when the test says time has passed. */
class FakeClock implements Clock {
  time = 1_000_000;
  private timers = new Map<number, { at: number; fn: () => void }>();
  private nextId = 1;
  now = (): number => this.time;
  setTimeout = (fn: () => void, ms: number): number => {
    const id = this.nextId++;
    this.timers.set(id, { at: this.time + ms, fn });
    return id;
  };
  clearTimeout = (id: number): void => {
    this.timers.delete(id);
  };
  /** Moves the clock, firing due timers in order, and lets their promises settle. */
  async advance(ms: number): Promise<void> {
    const end = this.time + ms;
    for (;;) {
      const due = [...this.timers.entries()].filter(([, t]) => t.at <= end).sort((a, b) => a[1].at - b[1].at)[0];
      if (due === undefined) break;
      this.timers.delete(due[0]);
      this.time = due[1].at;
      due[1].fn();
      for (let i = 0; i < 10; i++) await Promise.resolve();
    }
    this.time = end;
  }
}

function setup(outcomes: FetchOutcome[]) {
  const clock = new FakeClock();
  const fetches: number[] = [];
  const states: RefreshState[] = [];
  const refresher = new Refresher(
    () => {
      fetches.push(clock.now());
      const outcome = outcomes.shift();
      if (outcome === undefined) throw new Error('unexpected fetch');
      return Promise.resolve(outcome.ok ? { ...outcome, receivedAt: clock.now() } : outcome);
    },
    (state) => states.push({ ...state }),
    clock,
  );
  return { clock, fetches, states, refresher };
}

const ok = (lifetimeSeconds: number): FetchOutcome => ({ ok: true, receivedAt: 0, lifetimeSeconds });

describe('Refresher', () => {
  test('fetches at the planned time after each token, counted from its arrival', async () => {
    const { clock, fetches, refresher } = setup([ok(600), ok(600)]);
    const start = clock.now();
    refresher.tokenReceived(start, 600);
    await clock.advance(1000 * 1000);
    expect(fetches).toEqual([]); // off until enabled
    refresher.setEnabled(true);
    // Enabled late: the refresh point (480 s after arrival) has passed, so it runs at once.
    await clock.advance(0);
    expect(fetches).toEqual([start + 1000 * 1000]);
    await clock.advance(480 * 1000);
    expect(fetches).toEqual([start + 1000 * 1000, start + 1480 * 1000]);
    expect(refresher.current).toMatchObject({ enabled: true, refreshed: 2, failures: 0, nextAt: start + 1960 * 1000 });
  });

  test('backs off after passing failures, then plans from the new token', async () => {
    const fail = { ok: false, retryable: true, message: 'HTTP 503' } as const;
    const { clock, fetches, refresher } = setup([fail, fail, fail, ok(120)]);
    refresher.tokenReceived(clock.now(), 120);
    refresher.setEnabled(true);
    const start = clock.now();
    await clock.advance(60 * 1000); // 60 s before exp of a 120 s token
    await clock.advance(2000);
    await clock.advance(4000);
    expect(refresher.current).toMatchObject({ failures: 3, lastError: 'HTTP 503' });
    await clock.advance(8000);
    expect(fetches.map((t) => (t - start) / 1000)).toEqual([60, 62, 66, 74]);
    expect(refresher.current).toMatchObject({ failures: 0, refreshed: 1, nextAt: clock.now() + 60 * 1000 });
  });

  test('stops, and says why, when the service refuses for a reason only a person can fix', async () => {
    const { clock, fetches, refresher } = setup([{ ok: false, retryable: false, message: 'The passcode is wrong.' }]);
    refresher.tokenReceived(clock.now(), 10);
    refresher.setEnabled(true);
    await clock.advance(60 * 1000);
    expect(fetches).toHaveLength(1);
    expect(refresher.current).toMatchObject({ enabled: false, stoppedBecause: 'The passcode is wrong.', nextAt: undefined });
  });

  test('a refresh that gives way to a token minted by hand is no failure, and is tried again shortly', async () => {
    const { clock, fetches, refresher } = setup([{ ok: false, aborted: true, retryable: false, message: 'under way' }, ok(10)]);
    const start = clock.now();
    refresher.tokenReceived(start, 10);
    refresher.setEnabled(true);
    await clock.advance(5000);
    expect(refresher.current).toMatchObject({ enabled: true, failures: 0, inFlight: false, nextAt: start + 7000 });
    await clock.advance(2000);
    expect(fetches.map((t) => t - start)).toEqual([5000, 7000]);
    expect(refresher.current).toMatchObject({ refreshed: 1, failures: 0, nextAt: start + 12_000 });
  });
});

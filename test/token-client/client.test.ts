/**
 * The browser token client (lib/token-client) with a fake clock and a fetch that answers through
 * the real /token endpoint core (handleToken, real AccessTokens): every rule of issue 13, no
 * real time waited.
 */
import { EventEmitter } from 'node:events';
import { handleToken } from '../../lib/endpoints/token';
import {
  createTokenClientWith,
  TokenFetchError,
  type TokenClient,
  type TokenClientEnvironment,
  type TokenClientError,
  type TokenClientOptions,
} from '../../lib/token-client/client';
import { sdkOptionsForRegion } from '../../lib/token-client/region';
import { planRefresh, retryBaseSeconds, retryDelaySeconds, timerDelayMs } from '../../lib/token-client/schedule';
import { fakeDateOnly } from '../support/clock';
import { realVars, TEST_SECRET } from '../support/env';
import { verifyTwilioToken } from '../support/jwt';

/**
 * What a platform's setTimeout does with a delay out of its range: Node fires one above 2^31 - 1
 * ms (or NaN, or Infinity) after 1 ms; a browser converts it to a 32-bit integer (Infinity and NaN
 * become 0, 2^31 wraps negative, hence 0).
 */
type TimerPlatform = 'node' | 'browser';
const platformDelay = (platform: TimerPlatform, ms: number): number =>
  platform === 'node' ? (ms <= 2 ** 31 - 1 ? Math.max(0, ms) : 1) : Math.max(0, ms | 0);

/** Timers that run only when the test moves time; `sleep` moves it without running them (a throttled background tab). */
class FakeEnvironment implements TokenClientEnvironment {
  time: number;
  randomValue = 0.5;
  wakeListeners = new Set<() => void>();
  private timers = new Map<number, { at: number; fn: () => void }>();
  private nextId = 1;
  constructor(
    start = Date.UTC(2026, 10, 29, 12),
    private readonly platform: TimerPlatform = 'node',
  ) {
    this.time = start;
  }
  now = (): number => this.time;
  random = (): number => this.randomValue;
  setTimeout = (fn: () => void, ms: number): number => {
    const id = this.nextId++;
    this.timers.set(id, { at: this.time + platformDelay(this.platform, ms), fn });
    return id;
  };
  clearTimeout = (id: unknown): void => {
    this.timers.delete(id as number);
  };
  onWake = (wake: () => void): (() => void) => {
    this.wakeListeners.add(wake);
    return () => this.wakeListeners.delete(wake);
  };
  get pendingTimers(): number {
    return this.timers.size;
  }
  /** Moves the clock, firing due timers in order, and lets the promises they start settle. */
  async advance(ms: number): Promise<void> {
    const end = this.time + ms;
    for (;;) {
      await settle();
      const due = [...this.timers.entries()].filter(([, t]) => t.at <= end).sort((a, b) => a[1].at - b[1].at)[0];
      if (due === undefined) break;
      this.timers.delete(due[0]);
      this.time = due[1].at;
      due[1].fn();
    }
    this.time = end;
    await settle();
  }
  /** Time passes but no timer fires: a hidden tab, a laptop lid closed. */
  sleep(ms: number): void {
    this.time += ms;
  }
  wake(): void {
    for (const wake of this.wakeListeners) wake();
  }
}

const settle = async (): Promise<void> => {
  for (let i = 0; i < 20; i++) await new Promise<void>((resolve) => setImmediate(resolve));
};

type Reply = 'token' | { status: number; body?: unknown; headers?: Record<string, string> } | 'network_error' | 'hang';

interface Sent {
  at: number;
  url: string;
  body: Record<string, unknown>;
  headers: Record<string, string>;
  signal?: AbortSignal | null;
}

/**
 * A fetch answering from a script of replies; `token` asks the real /token core for one, minted
 * at the fake clock's time (tokens minted in the same second are byte-identical), or at the real
 * time when `serverClock` is 'real' (a browser clock that is off).
 */
function fakeFetch(env: FakeEnvironment, replies: Reply[], vars = realVars(), serverClock: 'fake' | 'real' = 'fake') {
  const sent: Sent[] = [];
  // The client sends a string URL and a JSON string body.
  const fetch = async (url: string, init?: RequestInit & { body?: string }): Promise<Response> => {
    const body = JSON.parse(init?.body ?? 'null') as Record<string, unknown>;
    sent.push({ at: env.now(), url, body, headers: init?.headers as Record<string, string>, signal: init?.signal });
    const reply = replies.shift() ?? 'token';
    if (reply === 'network_error') throw new TypeError('Failed to fetch');
    if (reply === 'hang') {
      return new Promise((_, reject) => init?.signal?.addEventListener('abort', () => reject(new DOMException('aborted', 'AbortError'))));
    }
    if (reply === 'token') {
      jest.setSystemTime(serverClock === 'fake' ? env.now() : realNow());
      const result = await handleToken(vars, { ...body, request: { headers: {} } }, { log: () => undefined });
      return new Response(JSON.stringify(result.body), { status: result.status, headers: { 'Content-Type': 'application/json' } });
    }
    return new Response(typeof reply.body === 'string' ? reply.body : JSON.stringify(reply.body ?? {}), {
      status: reply.status,
      headers: reply.headers,
    });
  };
  return { fetch: fetch as unknown as typeof globalThis.fetch, sent };
}

function setup(replies: Reply[] = [], options: Partial<TokenClientOptions> = {}, vars = realVars()) {
  const env = new FakeEnvironment();
  const { fetch, sent } = fakeFetch(env, replies, vars);
  const client = createTokenClientWith(
    { url: 'https://tokens.example/token', identity: 'alice', grants: ['voice'], fetch, ...options },
    env,
  );
  const events: { at: number; event: string; detail?: unknown }[] = [];
  client.on('token', (token) => events.push({ at: env.now(), event: 'token', detail: token }));
  client.on('error', (error) => events.push({ at: env.now(), event: 'error', detail: error }));
  client.on('expired', () => events.push({ at: env.now(), event: 'expired' }));
  return { env, client, sent, events, since: (t0: number) => sent.map((s) => (s.at - t0) / 1000) };
}

const ok = { status: 503, body: { error: { code: 'service_unavailable', message: 'Try again shortly.' } } };
const unavailable = (): Reply => ({ ...ok });

const realNow = Date.now;
// Only Date is faked (the server core mints with it); timers stay real, the client gets FakeEnvironment's.
beforeEach(() => fakeDateOnly());
afterEach(() => jest.useRealTimers());

describe('the refresh rules (pure)', () => {
  test.each([
    [86_400, 69_120, 'fraction'],
    [3600, 2880, 'fraction'],
    [600, 480, 'fraction'],
    [300, 240, 'fraction'],
    [240, 180, 'lead'],
    [120, 60, 'lead'],
    [90, 45, 'half'],
    [30, 15, 'half'],
    [1, 1, 'half'],
  ])('a %i s token is refreshed %d s after it was requested (%s)', (lifetime, delay, rule) => {
    expect(planRefresh(lifetime)).toEqual({ delaySeconds: delay, rule });
  });

  test('lifetimes are planned as 1 s to a day, and timers never get a delay the platform would wrap', () => {
    expect([0.001, 0, -5, NaN].map(planRefresh)).toEqual(Array(4).fill({ delaySeconds: 1, rule: 'half' }));
    expect([86_401, 60 * 86_400, Infinity].map(planRefresh)).toEqual(Array(3).fill({ delaySeconds: 69_120, rule: 'fraction' }));
    expect([-1, 0, 1500, 2 ** 31, Infinity, NaN].map(timerDelayMs)).toEqual([0, 0, 1500, 2 ** 31 - 1, 2 ** 31 - 1, 2 ** 31 - 1]);
  });

  test('failures back off 2, 4, 8 ... 60 s, each moved by at most 20% either way', () => {
    expect([1, 2, 3, 4, 5, 6, 7, 1000].map(retryBaseSeconds)).toEqual([2, 4, 8, 16, 32, 60, 60, 60]);
    expect([0, 0.5, 0.999999].map((r) => retryDelaySeconds(1, r))).toEqual([1.6, 2, expect.closeTo(2.4, 4)]);
    expect(retryDelaySeconds(10, 0)).toBe(48);
  });

  test('the SDK options for a region: an edge for Voice, a region for Conversations and Sync', () => {
    expect(sdkOptionsForRegion(undefined)).toEqual({ voice: {}, conversations: {}, sync: {} });
    expect(sdkOptionsForRegion('us1')).toEqual({ voice: {}, conversations: {}, sync: {} });
    expect(sdkOptionsForRegion('ie1')).toEqual({ voice: { edge: 'dublin' }, conversations: { region: 'ie1' }, sync: { region: 'ie1' } });
    expect(sdkOptionsForRegion('au1')).toEqual({ voice: { edge: 'sydney' }, conversations: { region: 'au1' }, sync: { region: 'au1' } });
    // A legacy Voice region: Voice goes there, Conversations and Sync stay on us1 with the account's keys.
    expect(sdkOptionsForRegion('de1')).toEqual({ voice: { edge: 'frankfurt' }, conversations: {}, sync: {} });
    expect(sdkOptionsForRegion('in1')).toEqual({ voice: {}, conversations: {}, sync: {} });
    expect(sdkOptionsForRegion('mars1')).toEqual({ voice: {}, conversations: {}, sync: {} });
  });
});

describe('createTokenClient', () => {
  test('current is null until the first token; getToken() fetches it with the options as /token takes them', async () => {
    const { client, sent, env } = setup([], {
      grants: ['voice', 'video'],
      ttl: 600,
      room: 'standup',
      incomingAllow: false,
      getAuthorization: () => Promise.resolve('Bearer app-sign-in-token'),
    });
    expect(client.current).toBeNull();
    const token = await client.getToken();
    expect(sent).toHaveLength(1);
    expect(sent[0]).toMatchObject({
      url: 'https://tokens.example/token',
      body: { identity: 'alice', grants: ['voice', 'video'], ttl: 600, room: 'standup', incomingAllow: false },
      headers: { 'Content-Type': 'application/json', Accept: 'application/json', Authorization: 'Bearer app-sign-in-token' },
    });
    const { payload } = await verifyTwilioToken(token, TEST_SECRET);
    expect(payload.grants).toMatchObject({ identity: 'alice', video: { room: 'standup' } });
    expect(client.current).toEqual({
      token,
      identity: 'alice',
      grants: ['voice', 'video'],
      ttl: 600,
      expiresAt: new Date(payload.exp! * 1000).toISOString(),
    });
    // A second call is answered from memory.
    await env.advance(60_000);
    await expect(client.getToken()).resolves.toBe(token);
    expect(sent).toHaveLength(1);
  });

  test('no identity in jwt mode, no Authorization header when getAuthorization gives nothing', async () => {
    const { client, sent } = setup([{ status: 401, body: { error: { code: 'unauthorized', message: 'Sign in first.' } } }], {
      identity: undefined,
      getAuthorization: () => undefined,
    });
    await expect(client.getToken()).rejects.toBeInstanceOf(TokenFetchError);
    expect(sent[0]!.body).toEqual({ grants: ['voice'] });
    expect(sent[0]!.headers.Authorization).toBeUndefined();
  });

  test('one fetch at a time: concurrent getToken() calls and refresh() share it', async () => {
    const { client, sent } = setup();
    const results = await Promise.all([client.getToken(), client.getToken(), client.refresh(), client.getToken()]);
    expect(new Set(results).size).toBe(1);
    expect(sent).toHaveLength(1);
  });

  test.each([
    [600, 480],
    [120, 60],
    [30, 15],
  ])('its own timer: a %i s token is refreshed %i s after it was requested, again and again', async (ttl, delay) => {
    const { client, env, since, events } = setup([], { ttl });
    const t0 = env.now();
    await client.getToken();
    await env.advance(delay * 3 * 1000 + 500);
    expect(since(t0)).toEqual([0, delay, 2 * delay, 3 * delay]);
    expect(events.filter((e) => e.event === 'token')).toHaveLength(4);
    expect(events.some((e) => e.event === 'expired')).toBe(false);
    expect(client.status).toMatchObject({ nextRefreshAt: env.now() - 500 + delay * 1000, failures: 0, received: 4 });
  });

  test('counted from the request, not from exp: a local clock ten years off refreshes on time', async () => {
    const env = new FakeEnvironment(Date.UTC(2016, 0, 1));
    const { fetch, sent } = fakeFetch(env, [], realVars(), 'real');
    const client = createTokenClientWith({ url: '/token', identity: 'alice', grants: ['video'], ttl: 600, fetch }, env);
    const token = await client.getToken();
    await env.advance(479_000);
    expect(sent).toHaveLength(1);
    await expect(client.getToken()).resolves.toBe(token);
    await env.advance(1000);
    expect(sent).toHaveLength(2);
  });

  test('a slow answer: the lifetime counts from when the request left, so the refresh is never late', async () => {
    const { client, env, since } = setup([], { ttl: 120 });
    const t0 = env.now();
    const pending = client.getToken();
    await env.advance(0);
    await pending;
    await env.advance(60_000);
    expect(since(t0)).toEqual([0, 60]);
  });

  test('failures back off 2, 4, 8, 16, 32, 60 s (jitter at 0.5: none), then the new token plans as usual', async () => {
    const fails = Array.from({ length: 7 }, unavailable);
    const { client, env, since, events } = setup(['token', ...fails], { ttl: 3600 });
    const t0 = env.now();
    await client.getToken();
    await env.advance((2880 + 2 + 4 + 8 + 16 + 32 + 60 + 60) * 1000);
    expect(since(t0)).toEqual([0, 2880, 2882, 2886, 2894, 2910, 2942, 3002, 3062]);
    expect(events.filter((e) => e.event === 'error')).toEqual([]);
    expect(client.status).toMatchObject({ failures: 0, received: 2, rule: 'fraction', nextRefreshAt: env.now() + 2880 * 1000 });
  });

  test('the jitter moves each retry by at most 20%', async () => {
    const low = setup(['token', unavailable(), unavailable(), unavailable()], { ttl: 600 });
    low.env.randomValue = 0;
    const high = setup(['token', unavailable(), unavailable(), unavailable()], { ttl: 600 });
    high.env.randomValue = 0.999;
    for (const run of [low, high]) {
      const t0 = run.env.now();
      await run.client.getToken();
      await run.env.advance(600_000);
      const gaps = run
        .since(t0)
        .slice(1)
        .map((t, i, all) => (i === 0 ? 0 : t - all[i - 1]!));
      run.client.stop();
      expect(gaps.slice(1, 3)).toEqual(
        run === low ? [expect.closeTo(1.6, 2), expect.closeTo(3.2, 2)] : [expect.closeTo(2.4, 2), expect.closeTo(4.8, 2)],
      );
    }
  });

  test('429 is retried, no sooner than its Retry-After', async () => {
    const { client, env, since } = setup(
      ['token', { status: 429, body: { error: { code: 'rate_limited', message: 'Slow down.' } }, headers: { 'Retry-After': '30' } }],
      { ttl: 600 },
    );
    const t0 = env.now();
    await client.getToken();
    await env.advance(520_000);
    expect(since(t0)).toEqual([0, 480, 510]);
  });

  test('network errors and timeouts are outages: retried', async () => {
    const { client, env, since } = setup(['token', 'network_error', 'hang'], { ttl: 600, timeoutMs: 10_000 });
    const t0 = env.now();
    await client.getToken();
    await env.advance(480_000 + 2_000 + 10_000 + 4_000 + 100);
    expect(since(t0)).toEqual([0, 480, 482, 496]);
    expect(client.status).toMatchObject({ failures: 0, received: 2 });
  });

  test("a 4xx other than 429 stops it: 'error' with the service's code, message and field, and no request until getToken()", async () => {
    const refusal = {
      status: 403,
      body: { error: { code: 'origin_not_allowed', message: 'Add this origin to ALLOWED_ORIGINS.', field: 'Origin' } },
    };
    const { client, env, sent, events } = setup(['token', refusal], { ttl: 600 });
    const first = await client.getToken();
    await env.advance(480_000);
    expect(events.filter((e) => e.event === 'error').map((e) => e.detail)).toEqual([
      { code: 'origin_not_allowed', message: 'Add this origin to ALLOWED_ORIGINS.', field: 'Origin', status: 403 },
    ]);
    expect(client.status).toMatchObject({ stopped: true, nextRefreshAt: null });
    await env.advance(24 * 3600 * 1000);
    expect(sent).toHaveLength(2);
    // The token expired on the way, and the client said so.
    expect(events.filter((e) => e.event === 'expired')).toHaveLength(1);
    // The app fixed things and asks again: one request, and the refresh timer runs again.
    const next = await client.getToken();
    expect(next).not.toBe(first);
    expect(client.status).toMatchObject({ stopped: false, failures: 0, rule: 'fraction' });
  });

  test("getToken() rejects with the service's error as a TokenFetchError (code, field, status)", async () => {
    const { client } = setup([
      {
        status: 400,
        body: { error: { code: 'invalid_identity', message: 'Voice identities are letters, digits and _.', field: 'identity' } },
      },
    ]);
    const error = (await client.getToken().catch((e: unknown) => e)) as TokenFetchError;
    expect(error).toBeInstanceOf(TokenFetchError);
    expect(error).toBeInstanceOf(Error);
    expect({ code: error.code, field: error.field, status: error.status, message: error.message }).toEqual({
      code: 'invalid_identity',
      field: 'identity',
      status: 400,
      message: 'Voice identities are letters, digits and _.',
    });
  });

  test('a 404 without the JSON error, and a 200 without a token, are named', async () => {
    const missing = setup([{ status: 404, body: '<html>Not Found</html>' }]);
    await expect(missing.client.getToken()).rejects.toMatchObject({
      code: 'http_404',
      message: expect.stringMatching(/no \/token at this URL/),
    });
    const empty = setup([{ status: 200, body: { hello: 'world' } }]);
    await expect(empty.client.getToken()).rejects.toMatchObject({ code: 'bad_answer' });
  });

  test("'expired' when the token runs out before a new one came; getToken() never resolves to an expired token", async () => {
    const { client, env, events, sent } = setup(['token', ...Array.from({ length: 40 }, unavailable)], { ttl: 120 });
    await client.getToken();
    // Refresh at 60 s fails, and so does every retry.
    await env.advance(119_000);
    expect(events.filter((e) => e.event === 'expired')).toEqual([]);
    // Due for refresh, the refresh fails: the current token, while it lasts.
    await expect(client.getToken()).resolves.toBe(client.current!.token);
    await env.advance(1_000);
    expect(events.filter((e) => e.event === 'expired')).toEqual([{ at: env.now(), event: 'expired' }]);
    const before = sent.length;
    await expect(client.getToken()).rejects.toMatchObject({ code: 'service_unavailable' });
    expect(sent.length).toBe(before + 1);
  });

  test('wakes up right: after a sleep in which no timer ran, the overdue refresh runs at once', async () => {
    const { client, env, since } = setup([], { ttl: 600 });
    const t0 = env.now();
    await client.getToken();
    env.sleep(2 * 3600 * 1000);
    expect(since(t0)).toEqual([0]);
    env.wake();
    await env.advance(0);
    expect(since(t0)).toEqual([0, 7200]);
    expect(client.status.nextRefreshAt).toBe(env.now() + 480_000);
  });

  test('autoRefresh off: no timer; getToken() fetches when the token is due', async () => {
    const { client, env, sent } = setup([], { ttl: 600, autoRefresh: false });
    await client.getToken();
    await env.advance(3600_000);
    expect(sent).toHaveLength(1);
    await client.getToken();
    expect(sent).toHaveLength(2);
    client.setAutoRefresh(true);
    expect(client.status).toMatchObject({ autoRefresh: true, rule: 'fraction' });
  });

  test('stop(): the fetch under way is aborted, no timer is left, getToken() rejects', async () => {
    const { client, env, sent } = setup(['token', 'hang'], { ttl: 600 });
    await client.getToken();
    await env.advance(480_000);
    expect(sent[1]!.signal?.aborted).toBe(false);
    client.stop();
    expect(sent[1]!.signal?.aborted).toBe(true);
    await env.advance(0);
    expect(env.pendingTimers).toBe(0);
    expect(env.wakeListeners.size).toBe(0);
    await expect(client.getToken()).rejects.toMatchObject({ code: 'stopped' });
  });

  test("the /token answer's region is in current (TWILIO_REGION set)", async () => {
    const { client } = setup([], {}, realVars({ TWILIO_REGION: 'ie1' }));
    await client.getToken();
    expect(client.current?.region).toBe('ie1');
  });
});

/** An unsigned JWT-shaped token with these claims: the client reads exp - iat, never verifies. */
const tokenWith = (claims: Record<string, unknown>): string =>
  ['{"alg":"HS256","typ":"JWT"}', JSON.stringify(claims)].map((part) => Buffer.from(part).toString('base64url')).join('.') + '.c2ln';

/**
 * The same raw answer (text, so it can hold 1e999) to every request, on the given platform's
 * timers; how many requests 3 s of fake time saw. A runaway client is stopped at 1000.
 */
async function requestsIn3s(
  answer: { status?: number; text: string; headers?: Record<string, string> },
  platform: TimerPlatform,
): Promise<{ requests: number; expired: number; errors: TokenClientError[]; client: TokenClient }> {
  const env = new FakeEnvironment(undefined, platform);
  let requests = 0;
  const runaway = { client: undefined as TokenClient | undefined };
  const fetch = (): Promise<Response> => {
    requests += 1;
    if (requests >= 1000) runaway.client?.stop();
    return Promise.resolve(
      new Response(answer.text, { status: answer.status ?? 200, headers: { 'Content-Type': 'application/json', ...answer.headers } }),
    );
  };
  const client = createTokenClientWith({ url: 'https://anywhere.example/token', grants: ['voice'], fetch }, env);
  runaway.client = client;
  let expired = 0;
  const errors: TokenClientError[] = [];
  client.on('expired', () => (expired += 1));
  client.on('error', (error) => errors.push(error));
  await client.getToken().catch(() => undefined);
  await env.advance(3000);
  client.stop();
  return { requests, expired, errors, client };
}

describe('an answer from anywhere cannot make it flood the service (the url may point at any server)', () => {
  const iat = Math.floor(Date.UTC(2026, 10, 29, 12) / 1000);
  const day = 86_400;
  const answerFor = (claims: Record<string, unknown>, extra = ''): { text: string } => ({
    text: `{"token":"${tokenWith(claims)}","identity":"alice","grants":["voice"],"expiresAt":"soon"${extra}}`,
  });

  test.each<TimerPlatform>(['node', 'browser'])('a 60-day token (timer past 2^31 ms): one request in 3 s, %s timers', async (platform) => {
    const run = await requestsIn3s(answerFor({ iat, exp: iat + 60 * day }), platform);
    expect(run.requests).toBe(1);
    // Planned as the longest token Twilio accepts: refreshed 80% into a day. An expiresAt that is no time is dropped.
    expect(run.client.current).toMatchObject({ ttl: day, expiresAt: '' });
  });

  test.each<TimerPlatform>(['node', 'browser'])('a 30-day token is not reported expired when it arrives, %s timers', async (platform) => {
    const run = await requestsIn3s(answerFor({ iat, exp: iat + 30 * day }), platform);
    expect({ requests: run.requests, expired: run.expired }).toEqual({ requests: 1, expired: 0 });
  });

  test.each<TimerPlatform>(['node', 'browser'])('a 0.001 s lifetime: no more than one request a second, %s timers', async (platform) => {
    const run = await requestsIn3s(answerFor({ iat, exp: iat + 0.001 }), platform);
    // At 0, 1, 2 and 3 s.
    expect(run.requests).toBeLessThanOrEqual(4);
    expect(run.client.current?.ttl).toBe(1);
  });

  test.each<[string, { text: string }, number]>([
    ['no exp and a ttl of 1e999 (Infinity once parsed)', answerFor({ iat }, ',"ttl":1e999'), 1],
    ['no exp and a ttl of 1e-300', answerFor({ iat }, ',"ttl":1e-300'), 4],
    ['exp before iat and a ttl of 1e12', answerFor({ iat, exp: iat - 10 }, ',"ttl":1e12'), 1],
    ['exp and iat of 1e308 apart (Infinity), ttl "600" as text', answerFor({ iat: -1e308, exp: 1e308 }, ',"ttl":"600"'), 1],
    ['a negative ttl and no exp', answerFor({ iat }, ',"ttl":-5'), 1],
  ])('garbage lifetimes: %s', async (_, answer, most) => {
    for (const platform of ['node', 'browser'] as const) {
      const run = await requestsIn3s(answer, platform);
      expect(run.requests).toBeLessThanOrEqual(most);
    }
  });

  test.each(['1e12', '99999999999999999999', 'Infinity', '-5', 'NaN', '0.0001', 'Wed, 21 Oct 2015 07:28:00 GMT'])(
    'a 503 with Retry-After: %s is retried on the backoff (2 s at most once in 3 s), and says at most 60 s',
    async (retryAfter) => {
      for (const platform of ['node', 'browser'] as const) {
        const run = await requestsIn3s(
          { status: 503, text: '{"error":{"code":"busy","message":"Later."}}', headers: { 'Retry-After': retryAfter } },
          platform,
        );
        expect(run.requests).toBeLessThanOrEqual(2);
        expect(run.client.status.lastError?.retryAfterSeconds ?? 0).toBeLessThanOrEqual(60);
      }
    },
  );

  test('a slow answer whose refresh is already due when it arrives: the next request still waits 1 s after it', async () => {
    const env = new FakeEnvironment();
    const sentAt: number[] = [];
    const arrivedAt: number[] = [];
    const fetch = async (): Promise<Response> => {
      sentAt.push(env.now());
      // Five seconds on the way for a 2 s token.
      await new Promise<void>((resolve) => env.setTimeout(resolve, 5000));
      const now = Math.floor(env.now() / 1000);
      arrivedAt.push(env.now());
      return new Response(JSON.stringify({ token: tokenWith({ iat: now, exp: now + 2 }) }), { status: 200 });
    };
    const client = createTokenClientWith({ url: '/token', grants: ['voice'], fetch: fetch }, env);
    const first = client.getToken();
    await env.advance(0);
    await env.advance(5000);
    await first;
    await env.advance(30_000);
    client.stop();
    const gaps = sentAt.slice(1).map((at, i) => at - arrivedAt[i]!);
    expect(gaps.length).toBeGreaterThan(2);
    for (const gap of gaps) expect(gap).toBeGreaterThanOrEqual(1000);
  });

  test('a timeoutMs of Infinity, NaN or 0 falls back to 15 s instead of aborting every request at once', async () => {
    for (const timeoutMs of [Infinity, NaN, 0, -1, 2 ** 40]) {
      const { client, env, sent } = setup(['hang'], { timeoutMs });
      const pending = client.getToken().catch((e: unknown) => e);
      await env.advance(14_000);
      expect(sent[0]!.signal?.aborted).toBe(false);
      await env.advance(1_000);
      expect(await pending).toMatchObject({ code: 'timeout' });
      client.stop();
    }
  });
});

describe("the app's getAuthorization failing is the app's bug, not an outage", () => {
  test.each([
    ['throws', () => getIdTokenIsNotDefined()],
    ['rejects', () => Promise.reject(new ReferenceError('getIdToken is not defined'))],
  ])("it %s: 'error' authorization_failed once, nothing sent, no retry until getToken()", async (_, failing) => {
    let broken = true;
    const { client, env, sent, events } = setup([], {
      getAuthorization: () => (broken ? failing() : 'Bearer app-sign-in-token'),
    });
    const error = (await client.getToken().catch((e: unknown) => e)) as TokenFetchError;
    expect(error).toBeInstanceOf(TokenFetchError);
    const expected = {
      code: 'authorization_failed',
      status: 0,
      message: expect.stringMatching(
        /^The getAuthorization function passed to createTokenClient failed \(ReferenceError: getIdToken is not defined\)/,
      ),
    };
    expect({ code: error.code, status: error.status, message: error.message }).toEqual(expected);
    expect(sent).toEqual([]);
    await env.advance(3600_000);
    expect(sent).toEqual([]);
    expect(events.filter((e) => e.event === 'error').map((e) => e.detail)).toEqual([expected]);
    expect(client.status).toMatchObject({ stopped: true, nextRefreshAt: null, lastError: expected });
    // The app fixed its function and asks again.
    broken = false;
    await expect(client.getToken()).resolves.toEqual(expect.any(String));
    expect(sent).toHaveLength(1);
    expect(sent[0]!.headers.Authorization).toBe('Bearer app-sign-in-token');
    expect(client.status).toMatchObject({ stopped: false, failures: 0, rule: 'fraction' });
  });

  test('one that never settles is a timeout like any outage: retried on the backoff', async () => {
    let calls = 0;
    const { client, env, sent } = setup([], {
      timeoutMs: 10_000,
      getAuthorization: () => (++calls === 1 ? new Promise<string>(() => undefined) : 'Bearer later'),
    });
    const first = client.getToken().catch((e: unknown) => e);
    await env.advance(10_000);
    expect(await first).toMatchObject({ code: 'timeout' });
    expect(sent).toEqual([]);
    await env.advance(2_000);
    expect(sent).toHaveLength(1);
    expect(client.current).not.toBeNull();
  });
});

/** What an app's getAuthorization does when it calls a function it never defined. */
function getIdTokenIsNotDefined(): never {
  throw new ReferenceError('getIdToken is not defined');
}

/** The SDKs' shapes, as far as attach() looks: their methods and their token events. */
class FakeVoiceDevice extends EventEmitter {
  state = 'registered';
  tokens: string[] = [];
  calls: string[] = [];
  updateToken(token: string): void {
    this.tokens.push(token);
  }
  register(): Promise<void> {
    this.calls.push('register');
    return Promise.resolve();
  }
  unregister(): Promise<void> {
    this.calls.push('unregister');
    return Promise.resolve();
  }
  connect(): Promise<void> {
    return Promise.resolve();
  }
}

class FakeTwilsockClient extends EventEmitter {
  tokens: string[] = [];
  refuse = false;
  updateToken(token: string): Promise<void> {
    this.tokens.push(token);
    return this.refuse ? Promise.reject(new Error('SyncError 51130: token rejected')) : Promise.resolve();
  }
}
class FakeConversationsClient extends FakeTwilsockClient {
  getConversationBySid(): Promise<void> {
    return Promise.resolve();
  }
}
class FakeSyncClient extends FakeTwilsockClient {
  document(): Promise<void> {
    return Promise.resolve();
  }
  map(): Promise<void> {
    return Promise.resolve();
  }
}

describe('attach()', () => {
  async function attached<T extends object>(
    sdk: T,
    ttl = 600,
  ): Promise<{ client: TokenClient; env: FakeEnvironment; sdk: T; sent: Sent[]; errors: TokenClientError[] }> {
    const run = setup([], { ttl });
    const errors: TokenClientError[] = [];
    run.client.on('error', (e) => errors.push(e));
    await run.client.getToken();
    run.client.attach(sdk);
    return { client: run.client, env: run.env, sdk, sent: run.sent, errors };
  }

  test.each([
    ['a Voice Device', () => new FakeVoiceDevice()],
    ['a Conversations Client', () => new FakeConversationsClient()],
    ['a Sync Client', () => new FakeSyncClient()],
  ])('%s gets every new token once, from the client own timer', async (_, make) => {
    const { client, env, sdk } = await attached(make());
    await env.advance(480_000 * 2 + 1);
    expect(sdk.tokens).toHaveLength(2);
    expect(sdk.tokens[1]).toBe(client.current!.token);
  });

  test('Voice tokenWillExpire for an old token refreshes; for a fresh one the Device is given it again', async () => {
    const { client, env, sdk, sent } = await attached(new FakeVoiceDevice());
    sdk.emit('tokenWillExpire');
    await env.advance(0);
    expect(sent).toHaveLength(1);
    expect(sdk.tokens).toEqual([client.current!.token]);
    await env.advance(400_000);
    sdk.emit('tokenWillExpire');
    await env.advance(0);
    expect(sent).toHaveLength(2);
    expect(sdk.tokens).toEqual([expect.any(String), client.current!.token]);
  });

  test('Voice error 20104 while registered: the next token is followed by unregister and register', async () => {
    const { env, sdk, sent } = await attached(new FakeVoiceDevice());
    await env.advance(400_000);
    sdk.emit('error', { code: 20104, name: 'AccessTokenExpired' });
    await env.advance(0);
    expect(sent).toHaveLength(2);
    expect(sdk.calls).toEqual(['unregister', 'register']);
    // Any other error is not ours to handle.
    sdk.emit('error', { code: 31005 });
    await env.advance(0);
    expect(sent).toHaveLength(2);
  });

  test.each([
    ['Conversations', () => new FakeConversationsClient()],
    ['Sync', () => new FakeSyncClient()],
  ])('%s: tokenAboutToExpire and tokenExpired trigger the refresh, and share the fetch under way', async (_, make) => {
    const { env, sdk, sent } = await attached(make());
    await env.advance(400_000);
    sdk.emit('tokenAboutToExpire');
    sdk.emit('tokenExpired');
    await env.advance(0);
    expect(sent).toHaveLength(2);
    expect(sdk.tokens).toHaveLength(1);
  });

  test('an SDK event during the backoff after an outage waits for the planned retry', async () => {
    const run = setup(['token', unavailable()], { ttl: 600 });
    await run.client.getToken();
    const sdk = new FakeConversationsClient();
    run.client.attach(sdk);
    await run.env.advance(480_000);
    expect(run.sent).toHaveLength(2);
    sdk.emit('tokenAboutToExpire');
    await run.env.advance(1_000);
    expect(run.sent).toHaveLength(2);
    await run.env.advance(1_000);
    expect(run.sent).toHaveLength(3);
    expect(sdk.tokens).toHaveLength(1);
  });

  test("an SDK refusing the token is reported as 'error' sdk_update_failed", async () => {
    const { env, sdk, errors } = await attached(new FakeSyncClient());
    sdk.refuse = true;
    await env.advance(480_000);
    expect(errors).toEqual([{ code: 'sdk_update_failed', message: 'The SDK refused the new token: SyncError 51130: token rejected' }]);
  });

  test('detach removes every listener and stops the updates; stop() detaches too', async () => {
    const { client, env } = await attached(new FakeVoiceDevice());
    const device = new FakeVoiceDevice();
    const detach = client.attach(device);
    expect(device.listenerCount('tokenWillExpire') + device.listenerCount('error')).toBe(2);
    detach();
    expect(device.listenerCount('tokenWillExpire') + device.listenerCount('error')).toBe(0);
    await env.advance(480_000);
    expect(device.tokens).toEqual([]);
    const sync = new FakeSyncClient();
    client.attach(sync);
    client.stop();
    expect(sync.listenerCount('tokenAboutToExpire')).toBe(0);
  });

  test('Video (no updateToken) is refused with what to do instead', async () => {
    const { client } = await attached(new FakeSyncClient());
    const video = { connect: () => undefined, createLocalTracks: () => undefined };
    expect(() => client.attach(video)).toThrow(/Video has no updateToken: pass await client.getToken\(\) to Video.connect\(\)/);
  });
});

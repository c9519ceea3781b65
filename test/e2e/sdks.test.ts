/**
 * The token client with the real SDKs (issue 13): an app on another origin imports
 * /token-client.js from the real service (twilio-run, in process), builds a Voice Device, a
 * Conversations Client and a Sync Client from the npm packages, and attaches them. Twilio's servers
 * are a loopback stand-in (test/support/sdk-standin) that verifies every token with the service's
 * secret and expires it as Twilio does: Voice answers only a socket's first listen with
 * `connected` (tokenWillExpire fires once, twilio-voice.js #93) and twilsock warns 60 s ahead (so
 * a 20 s token is never warned about). Nothing leaves 127.0.0.1.
 *
 * These scenarios take real time (20 s tokens, run side by side, about 35 s): the SDKs' own timers
 * and sockets are the thing under test, so the clock is not faked here. The rules themselves are
 * tested with a fake clock in test/token-client.
 */
import { readFileSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { describeWithChromium, launchChromium } from '../support/browser';
import { realVars, TEST_SECRET } from '../support/env';
import { startServer, type TestServer } from '../support/runtime';
import { installTwilioStandin, type StandinLog } from '../support/sdk-standin';

jest.setTimeout(120_000);

const root = path.resolve(__dirname, '..', '..');
/** Read by path: @twilio/voice-sdk's `exports` hides dist/ from require.resolve. */
const FILES: Record<string, [string, string]> = {
  '/': [path.join(__dirname, 'sdk-app', 'index.html'), 'text/html'],
  '/sdk/voice.js': [path.join(root, 'node_modules/@twilio/voice-sdk/dist/twilio.js'), 'text/javascript'],
  '/sdk/conversations.js': [path.join(root, 'node_modules/@twilio/conversations/builds/twilio-conversations.js'), 'text/javascript'],
  '/sdk/sync.js': [path.join(root, 'node_modules/twilio-sync/builds/twilio-sync.js'), 'text/javascript'],
};

const TTL = 20;

interface AppEvent {
  t: number;
  sdk: string;
  event: string;
  data: unknown;
}

interface Run {
  page: Page;
  context: BrowserContext;
  app: AppEvent[];
  standin: StandinLog;
  pageErrors: string[];
  tokenPosts: number[];
}

let browser: Browser;
let service: TestServer;
let appServer: http.Server;
let appOrigin: string;

async function startAppServer(): Promise<void> {
  appServer = http.createServer((req, res) => {
    const file = FILES[new URL(req.url ?? '/', 'http://127.0.0.1').pathname];
    if (file === undefined) return void res.writeHead(404).end();
    res.writeHead(200, { 'Content-Type': file[1] }).end(readFileSync(file[0]));
  });
  await new Promise<void>((resolve) => appServer.listen(0, '127.0.0.1', resolve));
  appOrigin = `http://127.0.0.1:${(appServer.address() as AddressInfo).port}`;
}

/** Opens the app in its own context, with Twilio stood in, and starts it. `failFirstRefresh`: answer the first refresh 503. */
async function runApp(options: { attach: boolean; failFirstRefresh?: boolean }): Promise<Run> {
  const context = await browser.newContext();
  const standin = await installTwilioStandin(context, { secret: TEST_SECRET, voiceConnectedOnce: true, twilsockLeadSeconds: 60 });
  const start = Date.now();
  const run: Run = { page: undefined as unknown as Page, context, app: [], standin, pageErrors: [], tokenPosts: [] };
  // Registered after the stand-in's catch-all, so it is asked first.
  await context.route(`${service.url}/token`, async (route) => {
    if (route.request().method() !== 'POST') return route.continue();
    run.tokenPosts.push(Date.now() - start);
    if (options.failFirstRefresh === true && run.tokenPosts.length === 2) {
      return route.fulfill({
        status: 503,
        contentType: 'application/json',
        headers: { 'Access-Control-Allow-Origin': appOrigin, Vary: 'Origin' },
        body: JSON.stringify({ error: { code: 'service_unavailable', message: 'Try again shortly.' } }),
      });
    }
    return route.continue();
  });
  const page = await context.newPage();
  run.page = page;
  page.on('pageerror', (error) => run.pageErrors.push(error.message));
  await page.exposeFunction('report', (sdk: string, event: string, data: unknown) =>
    run.app.push({ t: (Date.now() - start) / 1000, sdk, event, data }),
  );
  await page.goto(`${appOrigin}/`);
  await page.evaluate((args) => (window as unknown as { runApp(a: unknown): Promise<void> }).runApp(args), {
    service: service.url,
    identity: 'alice',
    ttl: TTL,
    attach: options.attach,
  });
  return run;
}

const snapshot = (run: Run): Promise<Record<string, unknown>> =>
  run.page.evaluate(() => (window as unknown as { snapshot(): Record<string, unknown> }).snapshot());
const events = (run: Run, sdk: string, event?: string): AppEvent[] =>
  run.app.filter((e) => e.sdk === sdk && (event === undefined || e.event === event));

describeWithChromium('the token client keeps the real SDKs connected (stand-in Twilio)', () => {
  let attached: Run;
  let unattached: Run;
  let outage: Run;

  beforeAll(async () => {
    await startAppServer();
    [browser, service] = await Promise.all([
      launchChromium(['--autoplay-policy=no-user-gesture-required']),
      // The app is on another origin: the service lets it in by ALLOWED_ORIGINS, as a deployment would.
      startServer(realVars({ AUTH_MODE: 'none', ALLOWED_ORIGINS: appOrigin })),
    ]);
    // Side by side: the three scenarios share the time. 35 s: tokens at 0, 10, 20, 30 s; the first two expire on the way.
    [attached, unattached, outage] = await Promise.all([
      runApp({ attach: true }),
      runApp({ attach: false }),
      runApp({ attach: true, failFirstRefresh: true }),
    ]);
    await new Promise((resolve) => setTimeout(resolve, TTL * 1000 * 1.75));
  });

  afterAll(async () => {
    for (const run of [attached, unattached, outage]) await run?.context.close().catch(() => undefined);
    await browser?.close();
    await service?.close();
    await new Promise((resolve) => appServer?.close(resolve));
  });

  test('attached: Voice, Conversations and Sync stay connected across two refreshes and more, each given every new token', async () => {
    const state = await snapshot(attached);
    expect(state).toMatchObject({ voice: 'registered', conversations: 'connected', sync: 'connected' });
    expect(events(attached, 'conversations', 'stateChanged').map((e) => e.data)).toContain('initialized');
    expect(attached.pageErrors).toEqual([]);
    // The client's own timer: a token at 0 s, then every 10 s (half of 20 s).
    const tokens = events(attached, 'client', 'token');
    expect(tokens.length).toBeGreaterThanOrEqual(3);
    expect(events(attached, 'client', 'expired')).toEqual([]);
    // Twilio never warned Conversations or Sync (20 s is under its 60 s lead) and Voice warned once: the timer carried it.
    expect(events(attached, 'conversations', 'tokenAboutToExpire')).toEqual([]);
    expect(events(attached, 'voice', 'tokenWillExpire').length).toBeLessThanOrEqual(1);
    // No SDK lost its token.
    for (const sdk of ['conversations', 'sync']) expect(events(attached, sdk, 'tokenExpired')).toEqual([]);
    expect(events(attached, 'voice', 'error')).toEqual([]);
    expect(attached.standin.of(/./, /^S>C (close 410|error)$/)).toEqual([]);
    // Each stand-in accepted each new token: the first at connect, then at least two updates.
    const accepted = (who: string | RegExp, what: string): string[] =>
      attached.standin
        .of(who, what)
        .filter((e) => e.detail?.verdict === 'ok')
        .map((e) => String(e.detail?.tail));
    const voiceTokens = accepted('voice', 'C>S listen');
    const chatTokens = [...accepted('twilsock/ip_messaging', 'C>S init'), ...accepted('twilsock/ip_messaging', 'C>S update')];
    const syncTokens = [...accepted('twilsock/data_sync', 'C>S init'), ...accepted('twilsock/data_sync', 'C>S update')];
    const latest =
      attached.app.length > 0
        ? String(
            await attached.page.evaluate(
              () => (window as unknown as { app: { tokens: { current: { token: string } } } }).app.tokens.current.token,
            ),
          ).slice(-6)
        : '';
    for (const seen of [voiceTokens, chatTokens, syncTokens]) {
      expect(new Set(seen).size).toBeGreaterThanOrEqual(3);
      expect(seen.at(-1)).toBe(latest);
    }
    // Still registered with the latest token, well past the first token's expiry.
    expect(attached.standin.of('voice', 'C>S register').length).toBeGreaterThanOrEqual(1);
  });

  test('unattached: the same run ends in tokenExpired and 20104', async () => {
    expect(unattached.pageErrors).toEqual([]);
    expect(events(unattached, 'client', 'token')).toHaveLength(1);
    expect(events(unattached, 'voice', 'error').map((e) => (e.data as { code: number }).code)).toContain(20104);
    expect(events(unattached, 'conversations', 'tokenExpired')).toHaveLength(1);
    expect(events(unattached, 'sync', 'tokenExpired')).toHaveLength(1);
    expect(unattached.standin.of('voice', 'S>C error').map((e) => e.detail?.code)).toContain(31205);
    expect((await snapshot(unattached)).sync).not.toBe('connected');
  });

  test('a 503 from /token during a refresh is retried after about 2 s, and the SDKs never notice', async () => {
    expect(outage.pageErrors).toEqual([]);
    expect(events(outage, 'client', 'retrying')).toEqual([expect.objectContaining({ data: { failures: 1, code: 'service_unavailable' } })]);
    const [first, failed, retried] = outage.tokenPosts as [number, number, number];
    expect(failed - first).toBeGreaterThanOrEqual(9_000);
    expect(retried - failed).toBeGreaterThanOrEqual(1_500);
    expect(retried - failed).toBeLessThan(4_000);
    expect(events(outage, 'client', 'expired')).toEqual([]);
    expect(events(outage, 'client', 'error')).toEqual([]);
    expect(await snapshot(outage)).toMatchObject({ voice: 'registered', conversations: 'connected', sync: 'connected' });
    expect(outage.standin.of(/./, /^S>C (close 410|error)$/)).toEqual([]);
  });

  test('nothing left 127.0.0.1; the module came from the service, cross-origin, for the allowed origin only', async () => {
    for (const run of [attached, unattached, outage]) expect(run.standin.of(/^(http|ws)$/, 'REFUSED')).toEqual([]);
    const res = await fetch(`${service.url}/token-client.js`, { headers: { Origin: appOrigin } });
    expect(res.status).toBe(200);
    expect(
      Object.fromEntries(
        ['content-type', 'access-control-allow-origin', 'vary', 'cache-control', 'x-content-type-options'].map((h) => [
          h,
          res.headers.get(h),
        ]),
      ),
    ).toEqual({
      'content-type': 'text/javascript; charset=utf-8',
      'access-control-allow-origin': appOrigin,
      vary: 'Origin',
      'cache-control': 'public, max-age=300, must-revalidate',
      'x-content-type-options': 'nosniff',
    });
    // A page on an origin the service does not list cannot import it (the browser enforces the 403 without CORS headers).
    const stranger = await attached.context.newPage();
    await stranger.route('http://127.0.0.1:9/', (route) =>
      route.fulfill({ contentType: 'text/html', body: '<!doctype html><title>another app</title>' }),
    );
    await stranger.goto('http://127.0.0.1:9/');
    // A string, not a function: the test transform would turn import() into require().
    const refused = await stranger.evaluate(`import('${service.url}/token-client.js').then(() => 'imported', (error) => String(error))`);
    expect(refused).toMatch(/Failed to fetch dynamically imported module/);
    const foreign = await fetch(`${service.url}/token-client.js`, { headers: { Origin: 'http://127.0.0.1:9' } });
    expect(foreign.status).toBe(403);
    expect(foreign.headers.get('access-control-allow-origin')).toBeNull();
  });
});

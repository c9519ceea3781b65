/**
 * Issue 11, tried as an attacker would, in Debian's Chromium: pages on other sites (and a page
 * that rebinds its own name to 127.0.0.1) try to read a token from a local instance left
 * running with AUTH_MODE none. Names are mapped to loopback by Chromium's host resolver rules,
 * so nothing leaves this machine.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Browser, Page } from 'playwright-core';
import { describeWithChromium, launchChromium } from '../support/browser';
import { demoVars } from '../support/env';
import { startServer, type TestServer } from '../support/runtime';

/** What a script in the page got: the body it could read, or that the browser kept it from the page. */
type Outcome = { read: true; status: number; body: string } | { read: false; error: string };

let browser: Browser;
let service: TestServer;
/** The same service, but listing the attacker's origin in ALLOWED_ORIGINS: the control that proves the attacks can succeed. */
let permissive: TestServer;
/** The attacker's own web server, reached as http://evil.test:PORT. */
let attacker: Server;
let attackerPort: number;

beforeAll(async () => {
  attacker = createServer((_, res) => res.writeHead(200, { 'Content-Type': 'text/html' }).end('<!doctype html><title>cute cats</title>'));
  await new Promise<void>((resolve) => attacker.listen(0, '127.0.0.1', resolve));
  attackerPort = (attacker.address() as AddressInfo).port;
  service = await startServer(demoVars());
  permissive = await startServer(demoVars({ ALLOWED_ORIGINS: `http://evil.test:${attackerPort}` }));
  browser = await launchChromium([
    `--host-resolver-rules=MAP evil.test 127.0.0.1, MAP rebind.test 127.0.0.1`,
    // Chromium's own Local Network Access checks would stop the rebinding page before the server
    // is asked; Firefox and Safari have none. Off, so the server's Host check is what is tested.
    '--disable-features=LocalNetworkAccessChecks,BlockInsecurePrivateNetworkRequests,PrivateNetworkAccessSendPreflights',
  ]);
});

afterAll(async () => {
  await browser?.close();
  await permissive?.close();
  await service?.close();
  await new Promise((resolve) => attacker?.close(resolve));
});

/** The servers share the process's console: the last one started collects every function's log line. */
const logLines = (): string[] => [...service.logs, ...permissive.logs];
const clearLogs = (): void => {
  service.logs.splice(0);
  permissive.logs.splice(0);
};

async function attackerPage(): Promise<Page> {
  const page = await (await browser.newContext()).newPage();
  await page.goto(`http://evil.test:${attackerPort}/`);
  return page;
}

/** Runs `fetch(url, init)` in the page and reports what the page could read. */
function fetchFrom(
  page: Page,
  url: string,
  init: { method?: string; headers?: Record<string, string>; body?: string } = {},
): Promise<Outcome> {
  return page.evaluate(
    async ([target, options]) => {
      try {
        const response = await fetch(target, options);
        return { read: true as const, status: response.status, body: await response.text() };
      } catch (error) {
        return { read: false as const, error: String(error) };
      }
    },
    [url, init] as const,
  );
}

const FORGED = (port: number): string => `request[headers][origin]=http://evil.test:${port}&request[headers][host]=evil.test:${port}`;

describeWithChromium('an attacker page against a local instance (AUTH_MODE none)', () => {
  test('control: a page on an origin the service lists reads a token, so the browser setup lets attacks through', async () => {
    const page = await attackerPage();
    const outcome = await fetchFrom(page, `${permissive.url}/token?identity=victim&grants=video`);
    expect(outcome).toMatchObject({ read: true, status: 200, body: expect.stringContaining('"token":"eyJ') });
  });

  test('forged request headers in the query: the page reads nothing, the server refused it', async () => {
    const page = await attackerPage();
    clearLogs();
    const outcome = await fetchFrom(page, `${service.url}/token?identity=victim&grants=video&${FORGED(attackerPort)}`);
    expect(outcome).toEqual({ read: false, error: expect.stringMatching(/TypeError: Failed to fetch/) });
    expect(logLines().map((line) => JSON.parse(line) as Record<string, unknown>)).toEqual([
      expect.objectContaining({
        path: '/token',
        status: 400,
        outcome: 'invalid_param',
        field: 'request',
        origin: `http://evil.test:${attackerPort}`,
      }),
    ]);
  });

  test('forged request headers in a JSON body (after the preflight the runtime answers): the page reads nothing', async () => {
    const page = await attackerPage();
    clearLogs();
    const body = JSON.stringify({
      identity: 'victim',
      grants: 'video',
      request: { headers: { origin: `http://evil.test:${attackerPort}`, host: `evil.test:${attackerPort}` }, cookies: {} },
    });
    const outcome = await fetchFrom(page, `${service.url}/token`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body,
    });
    expect(outcome).toEqual({ read: false, error: expect.stringMatching(/TypeError: Failed to fetch/) });
    expect(logLines().map((line) => JSON.parse(line) as Record<string, unknown>)).toEqual([
      expect.objectContaining({ status: 400, outcome: 'invalid_param', field: 'request' }),
    ]);
  });

  test('DNS rebinding: a page whose name now points at 127.0.0.1 asks "its own" server and gets a 403', async () => {
    const page = await (await browser.newContext()).newPage();
    // The first answer for rebind.test came from the attacker; from here on the name resolves to 127.0.0.1.
    const origin = `http://rebind.test:${service.port}`;
    await page.route(`${origin}/`, (route) =>
      route.fulfill({ status: 200, contentType: 'text/html', body: '<!doctype html><title>rebound</title>' }),
    );
    await page.goto(`${origin}/`);
    const outcome = await fetchFrom(page, '/token?identity=victim&grants=video');
    expect(outcome).toMatchObject({ read: true, status: 403, body: expect.stringContaining('host_not_allowed') });
    expect(outcome.read && outcome.body).not.toContain('eyJ');
    const page2 = await fetchFrom(page, '/index.html');
    expect(page2).toMatchObject({ read: true, status: 403 });
  });

  test('control: the service page itself (its own origin and Host) still gets a token', async () => {
    const page = await (await browser.newContext()).newPage();
    await page.goto(`${service.url}/index.html`);
    const outcome = await fetchFrom(page, '/token?identity=alice&grants=video');
    expect(outcome).toMatchObject({ read: true, status: 200, body: expect.stringContaining('"token":"eyJ') });
  });
});

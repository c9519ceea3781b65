/**
 * /token-client.js as deployed: the built function file (dist/functions/token-client.js.js, self-
 * contained, the module inlined by the build) called the way the runtime calls it, with the real
 * Twilio.Response. The browser test (test/e2e/sdks.test.ts) imports it cross-origin in Chromium.
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import { realVars } from '../support/env';
import { invoke, LogCapture, ROOT, runtimeResponse, type FunctionHandler } from '../support/runtime';

const built = path.join(ROOT, 'dist', 'functions', 'token-client.js.js');
let handler: FunctionHandler;
const logs = new LogCapture();

beforeAll(() => {
  if (!existsSync(built))
    throw new Error('dist/functions/token-client.js.js is missing: run `npm run build --silent` first (npm test does)');
  runtimeResponse();
  handler = (require(built) as { handler: FunctionHandler }).handler;
});
beforeEach(() => logs.start());
afterEach(() => logs.stop());

const vars = realVars({
  ALLOWED_ORIGINS: 'https://app.example.com',
  AUTH_MODE: 'passcode',
  APP_PASSCODE: 'VvrhovVnpSgbWL21zghi1isyDGfgYykT',
});
const event = (headers: Record<string, string> = {}) => ({ request: { headers, cookies: {} } });

describe('functions/token-client.js', () => {
  test('an allowed origin gets the ES module: JavaScript, CORS for that origin, Vary, cacheable, nosniff, an ETag; no caller auth needed', async () => {
    const answer = await invoke(handler, vars, event({ origin: 'https://app.example.com' }), logs);
    expect(answer.status).toBe(200);
    expect(answer.headers).toMatchObject({
      'Content-Type': 'text/javascript; charset=utf-8',
      'Access-Control-Allow-Origin': 'https://app.example.com',
      Vary: 'Origin',
      'Cache-Control': 'public, max-age=300, must-revalidate',
      'X-Content-Type-Options': 'nosniff',
      ETag: expect.stringMatching(/^"[A-Za-z0-9_-]{27}"$/),
    });
    expect(answer.raw).toMatch(/^\/\/ Twilio Access Token client/);
    expect(answer.raw).toMatch(/export\s*\{[^}]*\bcreateTokenClient\b/);
    expect(answer.raw).toMatch(/export\s*\{[^}]*\bsdkOptionsForRegion\b/);
    expect(answer.raw).not.toMatch(/\brequire\(/);
    expect(JSON.parse(answer.logs.at(-1)!)).toMatchObject({
      path: '/token-client.js',
      status: 200,
      outcome: 'ok',
      origin: 'https://app.example.com',
    });
  });

  test("the service's own pages (no Origin on a same-origin GET, or its own) get it too", async () => {
    expect((await invoke(handler, vars, event(), logs)).status).toBe(200);
    const own = await invoke(handler, vars, event({ origin: 'https://token-service-1234-dev.twil.io' }), logs);
    expect(own.headers['Access-Control-Allow-Origin']).toBe('https://token-service-1234-dev.twil.io');
  });

  test('a known ETag: 304 without the body', async () => {
    const first = await invoke(handler, vars, event({ origin: 'https://app.example.com' }), logs);
    const again = await invoke(
      handler,
      vars,
      event({ origin: 'https://app.example.com', 'if-none-match': String(first.headers.ETag) }),
      logs,
    );
    expect(again.status).toBe(304);
    expect(again.raw).toBe('');
    expect(again.headers).toMatchObject({
      ETag: first.headers.ETag,
      'Access-Control-Allow-Origin': 'https://app.example.com',
      Vary: 'Origin',
    });
  });

  test('an origin outside the policy: 403 origin_not_allowed as JSON, no CORS grant, never cached', async () => {
    const answer = await invoke(handler, vars, event({ origin: 'https://evil.example' }), logs);
    expect(answer.status).toBe(403);
    expect(answer.headers['Access-Control-Allow-Origin']).toBeUndefined();
    expect(answer.headers['Cache-Control']).toBe('no-store');
    expect(answer.json).toEqual({
      error: { code: 'origin_not_allowed', field: 'Origin', message: expect.stringContaining('ALLOWED_ORIGINS') },
    });
  });
});

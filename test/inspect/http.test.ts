/**
 * /inspect over real HTTP through the in-process twilio-run server serving dist/
 * (run `npm run build --silent` first; `npm test` does).
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import { realVars, TEST_SECRET } from '../support/env';
import { startServer, type TestServer } from '../support/runtime';
import { findingKeys, sign, twilioPayload } from './support';

const built = path.resolve(__dirname, '..', '..', 'dist', 'functions', 'inspect.js');

let server: TestServer;
beforeAll(async () => {
  if (!existsSync(built))
    throw new Error('dist/functions/inspect.js is missing: run `npm run build --silent` before the integration tests');
  server = await startServer(realVars({ AUTH_MODE: 'none', ALLOWED_ORIGINS: 'https://app.example.com' }));
});
afterAll(() => server?.close());

const postJson = (body: unknown, headers: Record<string, string> = {}) =>
  fetch(`${server.url}/inspect`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', ...headers },
    body: JSON.stringify(body),
  });

function expectLogsFreeOf(token: string): void {
  const lines = server.logs.filter((line) => line.includes('"/inspect"'));
  expect(lines.length).toBeGreaterThan(0);
  for (const part of token.split('.')) if (part.length > 8) expect(lines.join('\n')).not.toContain(part);
}

describe('/inspect over HTTP', () => {
  test('a token minted by /token inspects clean through POST JSON; the log line has no token', async () => {
    const minted = await fetch(`${server.url}/token?identity=alice&grants=voice,video,chat,sync&ttl=600`);
    expect(minted.status).toBe(200);
    const { token } = (await minted.json()) as { token: string };

    const res = await postJson({ token }, { Origin: 'https://app.example.com' });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^application\/json/);
    expect(res.headers.get('access-control-allow-origin')).toBe('https://app.example.com');
    const text = await res.text();
    expect(text).not.toContain(TEST_SECRET);
    const report = JSON.parse(text);
    expect(report).toMatchObject({
      valid: true,
      signature: 'valid',
      findings: [],
      identity: 'alice',
      times: { status: 'active', lifetimeSeconds: 600 },
    });
    expect(report.grants.map((g: { key: string }) => g.key)).toEqual(['voice', 'video', 'chat', 'data_sync']);
    expectLogsFreeOf(token);
  });

  test('a form-encoded POST works too, and an expired token is reported with 20104', async () => {
    const token = await sign(twilioPayload(Math.floor(Date.now() / 1000), { age: 5000 }));
    const res = await fetch(`${server.url}/inspect`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ token }).toString(),
    });
    expect(res.status).toBe(200);
    const report = await res.json();
    expect(findingKeys(report)).toEqual(['error 20104 payload.exp']);
    expect(report.valid).toBe(false);
    expectLogsFreeOf(token);
  });

  test('no token is a 400 missing_token naming the field', async () => {
    const res = await postJson({});
    expect(res.status).toBe(400);
    expect(await res.json()).toEqual({
      error: { code: 'missing_token', field: 'token', message: expect.stringContaining('token is required') },
    });
  });
});

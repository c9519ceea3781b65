/**
 * The /token function as the runtime calls it: real Twilio.Response, the Twilio global the
 * runtime provides, the event shape of @twilio/runtime-handler (params + request.headers).
 */
import { DEMO_CONFIG } from '../../lib/demo';
import { demoVars, realVars, TEST_SECRET } from '../support/env';
import { verifyTwilioToken } from '../support/jwt';
import { invoke, loadFunction } from '../support/runtime';

let logs: string[] = [];
beforeEach(() => {
  logs = [];
  jest.spyOn(console, 'log').mockImplementation((line: string) => void logs.push(line));
});
afterEach(() => jest.restoreAllMocks());

async function call(
  vars: Record<string, unknown>,
  event: Record<string, unknown>,
): Promise<{ status: number; headers: Record<string, unknown>; json: Record<string, any> }> {
  const { status, headers, json } = await invoke(loadFunction('token'), vars, event);
  return { status, headers, json: json ?? {} };
}

const withHeaders = (params: Record<string, unknown>, headers: Record<string, string> = {}) => ({
  ...params,
  request: { headers, cookies: {} },
});

describe('functions/token handler', () => {
  test('answers a Twilio.Response with a verified token and JSON headers', async () => {
    const { status, headers, json } = await call(demoVars(), withHeaders({ identity: 'alice', grants: 'chat' }));
    expect(status).toBe(200);
    expect(headers).toMatchObject({ 'Content-Type': 'application/json', 'Cache-Control': 'no-store', Vary: 'Origin' });
    const { payload } = await verifyTwilioToken(json.token, DEMO_CONFIG.API_SECRET);
    expect(payload.grants).toEqual({ identity: 'alice', chat: { service_sid: DEMO_CONFIG.CHAT_SERVICE_SID } });
  });

  test('a client mistake is a 400 JSON error with code and field, with CORS for an allowed origin', async () => {
    const { status, headers, json } = await call(
      realVars({ ALLOWED_ORIGINS: 'https://app.example.com' }),
      withHeaders({ identity: 'alice smith', grants: 'voice' }, { origin: 'https://app.example.com' }),
    );
    expect(status).toBe(400);
    expect(json).toEqual({ error: { code: 'invalid_identity', field: 'identity', message: expect.stringMatching(/letters A-Z/) } });
    expect(headers['Access-Control-Allow-Origin']).toBe('https://app.example.com');
  });

  test('a disallowed origin is 403 origin_not_allowed without an allow-origin header', async () => {
    const { status, headers, json } = await call(
      realVars(),
      withHeaders({ identity: 'alice', grants: 'video' }, { origin: 'https://evil.example.com' }),
    );
    expect(status).toBe(403);
    expect(json.error.code).toBe('origin_not_allowed');
    expect(headers['Access-Control-Allow-Origin']).toBeUndefined();
  });

  test('a broken configuration is a 500 config_error naming variables, never values, and the CORS headers stay', async () => {
    const { status, headers, json } = await call(
      realVars({ API_KEY: 'AC' + '9'.repeat(32), ALLOWED_ORIGINS: 'https://app.example.com' }),
      withHeaders({ identity: 'alice', grants: 'video' }, { origin: 'https://app.example.com' }),
    );
    expect(status).toBe(500);
    expect(json.error).toMatchObject({ code: 'config_error', field: 'API_KEY' });
    expect(JSON.stringify(json)).not.toContain('9'.repeat(32));
    expect(headers['Access-Control-Allow-Origin']).toBe('https://app.example.com');
  });

  test('a preflight that reaches the function gets 204 and the CORS headers', async () => {
    const { status, headers } = await call(
      realVars({ ALLOWED_ORIGINS: 'https://app.example.com' }),
      withHeaders(
        {},
        {
          origin: 'https://app.example.com',
          'access-control-request-method': 'POST',
          'access-control-request-headers': 'authorization,content-type',
        },
      ),
    );
    expect(status).toBe(204);
    expect(headers).toMatchObject({
      'Access-Control-Allow-Origin': 'https://app.example.com',
      'Access-Control-Allow-Headers': 'Authorization, Content-Type',
    });
  });

  test('logs one JSON line with identity, grants, ttl and outcome, and neither the token nor the secret', async () => {
    const { json } = await call(realVars(), withHeaders({ identity: 'dave', grants: 'sync,video', ttl: '120' }));
    expect(logs).toHaveLength(1);
    const line = JSON.parse(logs[0]!);
    expect(line).toEqual({
      time: expect.any(String),
      path: '/token',
      status: 200,
      outcome: 'ok',
      identity: 'dave',
      grants: ['sync', 'video'],
      ttl: 120,
      ms: expect.any(Number),
    });
    expect(logs[0]).not.toContain(json.token);
    expect(logs[0]).not.toContain(json.token.split('.')[2]);
    expect(logs[0]).not.toContain(TEST_SECRET);
  });
});

describe('issue 11: every header value is untrusted text, and the own origin comes from configuration only', () => {
  test('a page elsewhere naming our Host (the old Origin host == Host rule) is 403, not an echoed origin', async () => {
    const vars = realVars();
    const { status, headers } = await call(
      vars,
      withHeaders({ identity: 'alice', grants: 'video' }, { origin: 'https://evil.example', host: 'evil.example' }),
    );
    expect(status).toBe(403);
    expect(headers['Access-Control-Allow-Origin']).toBeUndefined();
  });

  test.each([
    ['CR/LF', 'https://app.example.com\r\nSet-Cookie: stolen=1'],
    ['NUL', 'https://app.example.com\u0000'],
    ['non-Latin-1 text', 'https://app.example.com\u2603'],
  ])('an Origin with %s is 403 even with ALLOWED_ORIGINS=*, and the log line says so', async (_, origin) => {
    const { status, headers, json } = await call(
      realVars({ ALLOWED_ORIGINS: '*' }),
      withHeaders({ identity: 'alice', grants: 'video' }, { origin }),
    );
    expect(status).toBe(403);
    expect(json.error).toMatchObject({
      code: 'origin_not_allowed',
      field: 'Origin',
      message: expect.stringMatching(/not a browser origin/),
    });
    expect(headers['Access-Control-Allow-Origin']).toBeUndefined();
    expect(logs).toHaveLength(1);
    expect(JSON.parse(logs[0]!)).toMatchObject({ status: 403, outcome: 'origin_not_allowed' });
    expect(logs[0]).not.toMatch(/[\r\n\u0000]/);
  });

  test('every answer says X-Content-Type-Options: nosniff, errors and preflights included', async () => {
    for (const event of [
      withHeaders({ identity: 'alice', grants: 'video' }),
      withHeaders({ grants: 'video' }),
      withHeaders({}, { origin: 'https://evil.example' }),
      withHeaders({}, { origin: 'https://svc.example', 'access-control-request-method': 'POST' }),
    ]) {
      const { headers } = await call(realVars({ ALLOWED_ORIGINS: 'https://svc.example' }), event);
      expect(headers['X-Content-Type-Options']).toBe('nosniff');
    }
  });
});

describe('issue 11: parameters that cannot be what the caller meant', () => {
  test('an event whose only parameter is JSON text (a body sent without Content-Type) is 415 with the hint', async () => {
    const { status, json } = await call(realVars(), withHeaders({ '{"identity":"alice","grants":"video"}': '' }));
    expect(status).toBe(415);
    expect(json.error).toEqual({
      code: 'unsupported_media_type',
      field: 'Content-Type',
      message: expect.stringMatching(/Content-Type: application\/json/),
    });
  });

  test.each([
    ['incoming_allow', { identity: 'alice', grants: 'voice', incoming_allow: 'false' }, 'incomingAllow'],
    ['Identity', { Identity: 'alice', grants: 'video' }, 'identity'],
    ['grant', { identity: 'alice', grant: 'video' }, 'grants'],
    ['TTL', { identity: 'alice', grants: 'video', TTL: '60' }, 'ttl'],
  ])('a near miss %s is a 400 that names the right parameter', async (name, params, meant) => {
    const { status, json } = await call(realVars(), withHeaders(params));
    expect(status).toBe(400);
    expect(json.error).toEqual({ code: 'unknown_param', field: name, message: expect.stringContaining(`did you mean ${meant}?`) });
  });

  test('other extra parameters (a cache buster, say) are still ignored', async () => {
    expect((await call(realVars(), withHeaders({ identity: 'alice', grants: 'video', _: '1712345678', callback: 'x' }))).status).toBe(200);
  });
});

import { startServer, type TestServer } from '../support/runtime';
import { demoVars } from '../support/env';
import { expectedPayload, verifyTwilioToken } from '../support/jwt';
import { DEMO_CONFIG } from '../../lib/demo';

let server: TestServer;
beforeAll(async () => {
  server = await startServer(demoVars({ ALLOWED_ORIGINS: 'https://app.example.com' }));
});
afterAll(() => server.close());

describe('/token over HTTP through twilio-run', () => {
  test('GET mints a voice+video token that jose verifies, with exactly the requested grants', async () => {
    const res = await fetch(`${server.url}/token?identity=alice&grants=voice,video&ttl=600`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^application\/json/);
    expect(res.headers.get('cache-control')).toBe('no-store');
    const body = await res.json();
    const { header, payload } = await verifyTwilioToken(body.token, DEMO_CONFIG.API_SECRET);
    expect(header).toEqual({ alg: 'HS256', typ: 'JWT', cty: 'twilio-fpa;v=1' });
    expect(payload).toEqual(
      expectedPayload({
        accountSid: DEMO_CONFIG.ACCOUNT_SID,
        apiKey: DEMO_CONFIG.API_KEY,
        iat: payload.iat!,
        ttl: 600,
        grants: {
          identity: 'alice',
          voice: { incoming: { allow: true }, outgoing: { application_sid: DEMO_CONFIG.OUTGOING_SID } },
          video: {},
        },
      }),
    );
    expect(body).toEqual({
      token: body.token,
      identity: 'alice',
      grants: ['voice', 'video'],
      ttl: 600,
      expiresAt: new Date((payload.iat! + 600) * 1000).toISOString(),
    });
  });
});

describe('/token request forms and errors over HTTP', () => {
  test('POST JSON and POST form bodies are read like query strings (incomingAllow "false" is false)', async () => {
    const json = await fetch(`${server.url}/token`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ identity: 'bob', grants: ['voice'], incomingAllow: false }),
    });
    const form = await fetch(`${server.url}/token`, {
      method: 'POST',
      body: new URLSearchParams({ identity: 'bob', grants: 'voice', incomingAllow: 'false' }),
    });
    for (const res of [json, form]) {
      expect(res.status).toBe(200);
      const { payload } = await verifyTwilioToken((await res.json()).token, DEMO_CONFIG.API_SECRET);
      expect(payload.grants).toEqual({ identity: 'bob', voice: { outgoing: { application_sid: DEMO_CONFIG.OUTGOING_SID } } });
    }
  });

  test('conversations is an alias of the chat grant', async () => {
    const res = await fetch(`${server.url}/token?identity=carol&grants=conversations,sync`);
    const body = await res.json();
    expect(body.grants).toEqual(['chat', 'sync']);
    const { payload } = await verifyTwilioToken(body.token, DEMO_CONFIG.API_SECRET);
    expect(payload.grants).toEqual({
      identity: 'carol',
      chat: { service_sid: DEMO_CONFIG.CHAT_SERVICE_SID },
      data_sync: { service_sid: 'default' },
    });
  });

  test.each([
    ['?grants=voice', 400, 'missing_identity', 'identity'],
    ['?identity=alice', 400, 'missing_grants', 'grants'],
    ['?identity=alice&grants=fax', 400, 'invalid_grant', 'grants'],
    ['?identity=alice%20smith&grants=voice', 400, 'invalid_identity', 'identity'],
    ['?identity=alice&identity=bob&grants=chat', 400, 'invalid_identity', 'identity'],
    ['?identity=alice&grants=video&ttl=86401', 400, 'invalid_ttl', 'ttl'],
    ['?identity=alice&grants=video&ttl=abc', 400, 'invalid_ttl', 'ttl'],
    ['?identity=alice&grants=video&room=' + 'r'.repeat(129), 400, 'invalid_room', 'room'],
    ['?identity=alice&grants=chat&room=standup', 400, 'invalid_param', 'room'],
  ])('%s -> %i %s', async (query, status, code, field) => {
    const res = await fetch(`${server.url}/token${query}`, { headers: { Origin: 'https://app.example.com' } });
    expect(res.status).toBe(status);
    expect(res.headers.get('content-type')).toMatch(/^application\/json/);
    // Errors carry CORS headers too, so the browser shows the message instead of a CORS failure.
    expect(res.headers.get('access-control-allow-origin')).toBe('https://app.example.com');
    expect(res.headers.get('vary')).toMatch(/Origin/);
    expect(await res.json()).toEqual({ error: { code, field, message: expect.any(String) } });
  });

  test('an allowed origin is echoed on success; an unknown one is refused with 403 and no allow-origin', async () => {
    const ok = await fetch(`${server.url}/token?identity=a&grants=video`, { headers: { Origin: 'https://app.example.com' } });
    expect(ok.status).toBe(200);
    expect(ok.headers.get('access-control-allow-origin')).toBe('https://app.example.com');
    const refused = await fetch(`${server.url}/token?identity=a&grants=video`, { headers: { Origin: 'https://evil.example.com' } });
    expect(refused.status).toBe(403);
    expect(refused.headers.get('access-control-allow-origin')).toBeNull();
    expect((await refused.json()).error).toMatchObject({ code: 'origin_not_allowed', field: 'Origin' });
  });

  test("the service's own page origin is always allowed", async () => {
    const res = await fetch(`${server.url}/token?identity=a&grants=video`, { headers: { Origin: server.url } });
    expect(res.status).toBe(200);
    expect(res.headers.get('access-control-allow-origin')).toBe(server.url);
  });

  test('OPTIONS preflight is answered by the platform itself with Authorization allowed', async () => {
    const res = await fetch(`${server.url}/token`, {
      method: 'OPTIONS',
      headers: {
        Origin: 'https://app.example.com',
        'Access-Control-Request-Method': 'POST',
        'Access-Control-Request-Headers': 'authorization',
      },
    });
    expect(res.status).toBe(204);
    expect(res.headers.get('access-control-allow-headers')).toMatch(/Authorization/);
  });

  test('each request logs one JSON line without the token', async () => {
    server.logs.length = 0;
    const body = await (await fetch(`${server.url}/token?identity=erin&grants=sync`)).json();
    expect(server.logs).toHaveLength(1);
    expect(JSON.parse(server.logs[0]!)).toMatchObject({
      path: '/token',
      status: 200,
      outcome: 'ok',
      identity: 'erin',
      grants: ['sync'],
      ttl: 3600,
    });
    expect(server.logs[0]).not.toContain(body.token.split('.')[1]);
  });
});

describe('/token with a broken configuration', () => {
  test('answers 500 config_error naming the variable and keeps serving', async () => {
    const broken = await startServer(demoVars({ OUTGOING_SID: 'PN123', ALLOWED_ORIGINS: 'https://app.example.com' }));
    try {
      for (let i = 0; i < 2; i++) {
        const res = await fetch(`${broken.url}/token?identity=a&grants=video`, { headers: { Origin: 'https://app.example.com' } });
        expect(res.status).toBe(500);
        expect(res.headers.get('access-control-allow-origin')).toBe('https://app.example.com');
        const body = await res.json();
        expect(body.error).toMatchObject({ code: 'config_error', field: 'OUTGOING_SID' });
        expect(JSON.stringify(body)).not.toContain('PN123');
      }
    } finally {
      await broken.close();
    }
  });
});

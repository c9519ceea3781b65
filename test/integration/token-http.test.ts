import { startServer, type TestServer } from '../support/server';
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
        grants: { identity: 'alice', voice: { incoming: { allow: true }, outgoing: { application_sid: DEMO_CONFIG.OUTGOING_SID } }, video: {} },
      }),
    );
    expect(body).toEqual({ token: body.token, identity: 'alice', grants: ['voice', 'video'], ttl: 600, expiresAt: new Date((payload.iat! + 600) * 1000).toISOString() });
  });
});

/**
 * twilio-conversations-demo-react against /conversations-app/token, as its src/api.ts
 * (CONVERSATIONS_DEMO_COMMIT) asks: GET with `identity` and `password`, `response.data` is the
 * token, a 401's body is shown as the error, and the same call again on tokenAboutToExpire and
 * tokenExpired (src/components/AppContainer.tsx). No REST call is made, so the local server runs
 * in-process.
 */
import { decodeJwt } from 'jose';
import { REAL_LOOKING } from '../support/env';
import { expectRealLookingToken } from '../support/jwt';
import { startServer, type TestServer } from '../support/runtime';
import { appEnv, APP_ORIGIN, conversationsDemoGetToken, PASSCODE } from './support';

const CHAT = { service_sid: REAL_LOOKING.CHAT_SERVICE_SID };

async function withServer(env: Record<string, string | undefined>, run: (url: string, server: TestServer) => Promise<void>): Promise<void> {
  const server = await startServer(env);
  try {
    await run(`${server.url}/conversations-app/token`, server);
  } finally {
    await server.close();
  }
}

describe('AUTH_MODE=passcode: the password is the passcode', () => {
  let server: TestServer;
  let url: string;
  beforeAll(async () => {
    server = await startServer(appEnv({ AUTH_MODE: 'passcode', APP_PASSCODE: PASSCODE }));
    url = `${server.url}/conversations-app/token`;
  });
  afterAll(() => server.close());

  test('200 text/plain: the JWT itself, a chat grant for CHAT_SERVICE_SID, minted at the call', async () => {
    const before = Math.floor(Date.now() / 1000);
    const answer = await conversationsDemoGetToken(url, 'user00', PASSCODE);
    expect(answer.status).toBe(200);
    expect(answer.headers.get('content-type')).toBe('text/plain; charset=utf-8');
    expect(answer.headers.get('access-control-allow-origin')).toBe(APP_ORIGIN);
    expect(answer.headers.get('cache-control')).toBe('no-store');
    const { payload } = await expectRealLookingToken(answer.text, { identity: 'user00', chat: CHAT });
    expect(payload.iat).toBeGreaterThanOrEqual(before);
    expect(payload.iat).toBeLessThanOrEqual(Math.floor(Date.now() / 1000));
  });

  test('the refetch on tokenAboutToExpire (minutes later) gets a token of its own time, not a cached one', async () => {
    const first = await conversationsDemoGetToken(url, 'user00', PASSCODE);
    // Only the clock is faked: the server's sockets and timers run as they are.
    jest.useFakeTimers({
      now: Date.now() + 57 * 60_000,
      doNotFake: [
        'nextTick',
        'setImmediate',
        'clearImmediate',
        'setTimeout',
        'clearTimeout',
        'setInterval',
        'clearInterval',
        'queueMicrotask',
        'hrtime',
        'performance',
      ],
    });
    try {
      const again = await conversationsDemoGetToken(url, 'user00', PASSCODE);
      expect(again.text).not.toBe(first.text);
      expect(decodeJwt(again.text).iat! - decodeJwt(first.text).iat!).toBeGreaterThanOrEqual(57 * 60);
    } finally {
      jest.useRealTimers();
    }
  });

  test('a wrong password: 401 text/plain with a sentence the demo shows as it is', async () => {
    const answer = await conversationsDemoGetToken(url, 'user00', 'guess');
    expect(answer.status).toBe(401);
    expect(answer.headers.get('content-type')).toBe('text/plain; charset=utf-8');
    expect(answer.text).toBe('The passcode is wrong.');
    expect(answer.headers.get('access-control-allow-origin')).toBe(APP_ORIGIN);
  });

  test('an empty password: 401 saying what to enter', async () => {
    const answer = await conversationsDemoGetToken(url, 'user00', '');
    expect(answer.status).toBe(401);
    expect(answer.text).toBe("Enter the token service's passcode as the password.");
  });

  test('an empty username: 400 text/plain', async () => {
    const answer = await conversationsDemoGetToken(url, '', PASSCODE);
    expect(answer.status).toBe(400);
    expect(answer.text).toBe('Enter a username (the identity parameter is missing).');
    const line = JSON.parse(server.logs.at(-1)!);
    expect(line).toMatchObject({ path: '/conversations-app/token', status: 400, outcome: 'missing_identity', field: 'identity' });
  });

  test('a log line per token, with the identity and never the token or the password', async () => {
    const answer = await conversationsDemoGetToken(url, 'user01', PASSCODE);
    const line = JSON.parse(server.logs.at(-1)!);
    expect(line).toMatchObject({
      path: '/conversations-app/token',
      status: 200,
      outcome: 'ok',
      identity: 'user01',
      grants: ['chat'],
      ttl: 3600,
    });
    expect(server.logs.join('\n')).not.toContain(answer.text.split('.')[2]);
    expect(server.logs.join('\n')).not.toContain(PASSCODE);
  });
});

test('AUTH_MODE=none: the password is ignored', async () => {
  await withServer(appEnv({ AUTH_MODE: 'none' }), async (url) => {
    const answer = await conversationsDemoGetToken(url, 'user00', 'anything');
    expect(answer.status).toBe(200);
    await expectRealLookingToken(answer.text, { identity: 'user00', chat: CHAT });
  });
});

test('AUTH_MODE=jwt: 401 text/plain saying this endpoint needs passcode or none', async () => {
  const env = appEnv({ AUTH_MODE: 'jwt', AUTH_JWT_SECRET: 'KKy_ZdK_3khhdRhg4ih9Vj1sGOjMHHKDAyqIJaw43OCMH6PejafhY1E5MFCgOW9D' });
  await withServer(env, async (url) => {
    const answer = await conversationsDemoGetToken(url, 'user00', 'anything');
    expect(answer.status).toBe(401);
    expect(answer.headers.get('content-type')).toBe('text/plain; charset=utf-8');
    expect(answer.text).toBe(
      'This endpoint needs AUTH_MODE=passcode (the password is the passcode) or AUTH_MODE=none; this service uses AUTH_MODE=jwt, whose sign-in tokens the Conversations demo cannot send.',
    );
  });
});

test('without CHAT_SERVICE_SID: 500 text/plain naming it', async () => {
  await withServer(appEnv({ AUTH_MODE: 'none', CHAT_SERVICE_SID: undefined }), async (url) => {
    const answer = await conversationsDemoGetToken(url, 'user00', '');
    expect(answer.status).toBe(500);
    expect(answer.headers.get('content-type')).toBe('text/plain; charset=utf-8');
    expect(answer.text).toBe(
      "The chat grant needs CHAT_SERVICE_SID (the Conversations service SID, IS...); set it in the service's environment.",
    );
  });
});

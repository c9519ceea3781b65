/**
 * /video-app/token through the pipeline in-process, for what needs no REST API or shows the
 * pipeline's options at work: a form body, the answer in the same turn when nothing waits, a bug
 * rendered in the app's error shape, bounded work for hostile rules, and the runtime's own
 * getTwilioClient() without an Auth Token. The apps' traffic end to end is test/apps/.
 */
import { handleVideoAppToken, type VideoAppDeps } from '../../lib/endpoints/video-app';
import type { RestClient } from '../../lib/rest/call';
import { REAL_LOOKING } from '../support/env';
import { expectRealLookingToken } from '../support/jwt';
import { answerOf, eventOf, startServer } from '../support/runtime';
import { appEnv, APP_ORIGIN, PASSCODE, videoAppFetchToken } from '../apps/support';

const vars = appEnv({ AUTH_MODE: 'passcode', APP_PASSCODE: PASSCODE });
const noRest = (): RestClient => {
  throw new Error('no REST call expected');
};

function call(params: Record<string, unknown>, deps: Partial<VideoAppDeps> = {}) {
  const logs: string[] = [];
  const result = handleVideoAppToken(vars, eventOf(params, { origin: APP_ORIGIN }), {
    restClient: noRest,
    log: (line) => logs.push(line),
    ...deps,
  });
  return { result, logs };
}

test('a form-encoded passcode check ("false" strings) is answered in the same turn, with a token', async () => {
  const { result } = call({
    user_identity: 'temp-name',
    room_name: 'temp-room',
    passcode: PASSCODE,
    create_room: 'false',
    create_conversation: 'false',
  });
  expect(result).not.toBeInstanceOf(Promise);
  const answer = answerOf(result as Exclude<typeof result, Promise<unknown>>);
  expect(answer.status).toBe(200);
  await expectRealLookingToken(
    answer.json.token,
    { identity: 'temp-name', video: { room: 'temp-room' }, chat: { service_sid: REAL_LOOKING.CHAT_SERVICE_SID } },
    14_400,
  );
});

test('TOKEN_MAX_TTL below 4 h caps the lifetime', async () => {
  const logs: string[] = [];
  const result = await handleVideoAppToken(
    { ...vars, TOKEN_MAX_TTL: '1800', TOKEN_TTL: '600' },
    eventOf({ user_identity: 'a', room_name: 'r', passcode: PASSCODE, create_room: false }),
    { restClient: noRest, log: (line) => logs.push(line) },
  );
  const answer = answerOf(result);
  await expectRealLookingToken(
    answer.json.token,
    { identity: 'a', video: { room: 'r' }, chat: { service_sid: REAL_LOOKING.CHAT_SERVICE_SID } },
    1800,
  );
});

test("a bug of ours is a 500 in the app's shape that says nothing more; the log line keeps the error", async () => {
  const broken = { video: { v1: { rooms: { page: () => Promise.reject(new TypeError('boom')) } } } } as unknown as RestClient;
  const { result, logs } = call({ user_identity: 'alice', room_name: 'r', passcode: PASSCODE }, { restClient: () => broken });
  const answer = answerOf(await result);
  expect(answer.status).toBe(500);
  expect(answer.json).toEqual({
    error: {
      message: 'internal error',
      explanation: 'The token service failed unexpectedly; see the function logs.',
      code: 'internal_error',
    },
  });
  expect(answer.headers['Access-Control-Allow-Origin']).toBe(APP_ORIGIN);
  expect(JSON.parse(logs[0]!)).toMatchObject({ status: 500, outcome: 'internal_error', error: 'TypeError: boom' });
});

test('hostile recording rules cost bounded work: 400 in about the same time at 1,000 or 1,000,000 entries', () => {
  const room_sid = 'RM' + 'a'.repeat(32);
  const time = (rules: unknown): number => {
    const started = performance.now();
    const { result } = call({ room_sid, rules, passcode: PASSCODE });
    expect(answerOf(result as Exclude<typeof result, Promise<unknown>>).status).toBe(400);
    return performance.now() - started;
  };
  const entry = { type: 'include', all: true };
  time(Array(1000).fill(entry)); // warm-up
  const small = Math.min(time(Array(1000).fill(entry)), time('x'.repeat(5000)));
  const big = Math.max(time(Array(1_000_000).fill(entry)), time('['.repeat(1_000_000)));
  // Refused on their size, before anything reads them: generous for a busy 2-core machine.
  expect(big).toBeLessThan(Math.max(50, small * 20));
});

test('locally without AUTH_TOKEN, a room request is config_error naming ACCOUNT_SID and AUTH_TOKEN (the runtime cannot build its client)', async () => {
  const server = await startServer(appEnv({ AUTH_MODE: 'passcode', APP_PASSCODE: PASSCODE, AUTH_TOKEN: undefined }));
  try {
    const answer = await videoAppFetchToken(`${server.url}/video-app/token`, 'alice', 'room', PASSCODE);
    expect(answer.status).toBe(500);
    expect(answer.json.error).toEqual({
      message: 'service misconfigured',
      explanation: expect.stringContaining('set ACCOUNT_SID and AUTH_TOKEN in the env file'),
      code: 'config_error',
      field: 'ACCOUNT_SID,AUTH_TOKEN',
    });
    // The passcode check needs no client, so it works without the Auth Token.
    const check = await videoAppFetchToken(`${server.url}/video-app/token`, 'temp-name', 'temp-room', PASSCODE, false, false);
    expect(check.status).toBe(200);
  } finally {
    await server.close();
  }
});

test('a body mixing a token request and recording rules is refused, naming the field', () => {
  const { result } = call({
    room_sid: 'RM' + 'a'.repeat(32),
    rules: [{ type: 'include', all: true }],
    user_identity: 'alice',
    passcode: PASSCODE,
  });
  const answer = answerOf(result as Exclude<typeof result, Promise<unknown>>);
  expect(answer.status).toBe(400);
  expect(answer.json.error).toMatchObject({ code: 'invalid_param', field: 'user_identity', message: 'invalid parameter' });
});

/**
 * twilio-video-app-react against /video-app/token, request for request as its code sends them
 * (test/apps/support.ts names the files, from VIDEO_APP_COMMIT), answered as the backend it was
 * written for answers (@twilio-labs/plugin-rtc's src/serverless/functions/token.js and
 * recordingrules.js, PLUGIN_RTC_COMMIT): `{token, room_type}`, the room created once however many
 * participants race for it, its conversation created once with every participant added, the
 * passcode check without a REST call, errors as `{error: {message, explanation, code}}`.
 * `npm start`'s server runs as a child process; the Video Rooms and Conversations APIs are the
 * loopback stand-in, reached by the real `twilio` library through HTTP_PROXY.
 */
import { decodeJwt } from 'jose';
import { REAL_LOOKING } from '../support/env';
import { expectRealLookingToken } from '../support/jwt';
import { startTwilioApiStandIn, twilioError, type StandInCall, type TwilioApiStandIn } from '../support/twilio-api-standin';
import { ALLOWED_ORIGIN, AUDIENCE, ISSUER, providerKey, startJwksServer, type JwksServer, type ProviderKey } from '../auth/support';
import {
  appEnv,
  appWorld,
  APP_ORIGIN,
  barrier,
  gates,
  PASSCODE,
  startChildServer,
  videoAppErrorMessage,
  videoAppFetchToken,
  videoAppFirebaseGetToken,
  videoAppGetToken,
  videoAppUpdateRecordingRules,
  videoAppVerifyPasscode,
  type ChildServer,
} from './support';

jest.setTimeout(60_000);

const CHAT = { service_sid: REAL_LOOKING.CHAT_SERVICE_SID };
/** plugin-rtc's MAX_ALLOWED_SESSION_DURATION: the app never refreshes its token. */
const FOUR_HOURS = 14_400;

let standIn: TwilioApiStandIn;
const world = appWorld();
beforeAll(async () => {
  standIn = await startTwilioApiStandIn(world, { proxy: true });
});
afterAll(() => standIn.close());

const restCalls = (): string[] => standIn.requests.map((r) => `${r.method} ${r.host} ${r.path} ${r.status}`);
const roomsNamed = (name: string) => (world.rooms ?? []).filter((room) => room.uniqueName === name);
const conversationOf = (roomSid: string) => (world.conversations ?? []).filter((c) => c.uniqueName === roomSid);
const participantsOf = (conversationSid: string) =>
  (world.participants ?? []).filter((p) => p.conversationSid === conversationSid).map((p) => p.identity);
const isRoomLookUp = (call: StandInCall): boolean => call.method === 'GET' && call.path === '/v1/Rooms';
const isConversationLookUp = (call: StandInCall): boolean => call.method === 'GET' && /\/Conversations\/RM[0-9a-f]{32}$/.test(call.path);

describe('AUTH_MODE=passcode (the app built with REACT_APP_SET_AUTH=passcode)', () => {
  let server: ChildServer;
  let endpoint: string;
  beforeAll(async () => {
    server = await startChildServer(appEnv({ AUTH_MODE: 'passcode', APP_PASSCODE: PASSCODE }), standIn);
    endpoint = `${server.base}/video-app/token`;
  });
  afterAll(() => server.close());

  test('the passcode check (create_room and create_conversation false) answers a token and calls no REST API', async () => {
    const before = standIn.requests.length;
    const { answer, verification } = await videoAppVerifyPasscode(endpoint, PASSCODE);
    expect(verification).toEqual({ isValid: true });
    expect(answer.status).toBe(200);
    expect(Object.keys(answer.json).sort()).toEqual(['room_type', 'token']);
    expect(answer.json.room_type).toBe('group');
    await expectRealLookingToken(answer.json.token, { identity: 'temp-name', video: { room: 'temp-room' }, chat: CHAT }, FOUR_HOURS);
    expect(standIn.requests.length).toBe(before);
    expect(answer.headers.get('access-control-allow-origin')).toBe(APP_ORIGIN);
  });

  test('a wrong passcode is 401 "passcode incorrect", which the app shows as "Passcode is incorrect"', async () => {
    const before = standIn.requests.length;
    const { answer, verification } = await videoAppVerifyPasscode(endpoint, `${PASSCODE}x`);
    expect(answer.status).toBe(401);
    expect(answer.json).toEqual({
      error: { message: 'passcode incorrect', explanation: 'The passcode is wrong.', code: 'unauthorized', field: 'Authorization' },
    });
    expect(videoAppErrorMessage(verification?.error)).toBe('Passcode is incorrect');
    expect(standIn.requests.length).toBe(before);
  });

  test('two participants racing for a new room: created once (53113 for the second create), one conversation, both added', async () => {
    // Both look-ups miss before either create, and both conversation look-ups too.
    standIn.gate = gates(barrier(2, isRoomLookUp), barrier(2, isConversationLookUp));
    const first = standIn.requests.length;
    const [alice, bob] = await Promise.all([
      videoAppFetchToken(endpoint, 'alice', 'daily-standup', PASSCODE),
      videoAppFetchToken(endpoint, 'bob', 'daily-standup', PASSCODE),
    ]);
    standIn.gate = undefined;
    expect([alice.status, bob.status]).toEqual([200, 200]);
    const [room, ...others] = roomsNamed('daily-standup');
    expect(others).toEqual([]);
    expect(room).toMatchObject({ type: 'group', status: 'in-progress' });
    const [conversation, ...moreConversations] = conversationOf(room!.sid);
    expect(moreConversations).toEqual([]);
    expect(conversation!.timers).toEqual({ closed: 'P1D' });
    expect(participantsOf(conversation!.sid).sort()).toEqual(['alice', 'bob']);

    const calls = restCalls().slice(first);
    // One create won, the other was told the room exists and looked it up again; the same for the conversation.
    expect(calls.filter((c) => c.startsWith('POST video.twilio.com /v1/Rooms ')).sort()).toEqual([
      'POST video.twilio.com /v1/Rooms 201',
      'POST video.twilio.com /v1/Rooms 400',
    ]);
    expect(
      calls
        .filter((c) => / \/v1\/Services\/IS[0-9a-f]+\/Conversations \d+$/.test(c))
        .map((c) => c.split(' ').at(-1))
        .sort(),
    ).toEqual(['201', '409']);
    for (const [answer, identity] of [
      [alice, 'alice'],
      [bob, 'bob'],
    ] as const) {
      expect(answer.json.room_type).toBe('group');
      await expectRealLookingToken(answer.json.token, { identity, video: { room: 'daily-standup' }, chat: CHAT }, FOUR_HOURS);
    }
    const lines = server.logs.map((line) => JSON.parse(line)).filter((line) => line.room === 'daily-standup');
    expect(lines.map((line) => line.room_created).sort()).toEqual([false, true]);
    expect(lines.every((line) => line.room_sid === room!.sid && line.path === '/video-app/token' && line.status === 200)).toBe(true);
    expect(server.logs.join('\n')).not.toContain(alice.json.token.split('.')[2]);
  });

  test('a participant who joins again is already in the conversation (50433): still 200, nothing created', async () => {
    const [room] = roomsNamed('daily-standup');
    const answer = await videoAppFetchToken(endpoint, 'alice', 'daily-standup', PASSCODE);
    expect(answer.status).toBe(200);
    expect(roomsNamed('daily-standup')).toHaveLength(1);
    expect(conversationOf(room!.sid)).toHaveLength(1);
    expect(participantsOf(conversationOf(room!.sid)[0]!.sid).sort()).toEqual(['alice', 'bob']);
    expect(standIn.requests.at(-1)).toMatchObject({ method: 'POST', status: 409 });
  });

  test("the recording button updates the room's recording rules (plugin-rtc recordingrules.js)", async () => {
    const [room] = roomsNamed('daily-standup');
    const stop = await videoAppUpdateRecordingRules(endpoint, room!.sid, [{ type: 'exclude', all: true }], PASSCODE);
    expect(stop.status).toBe(200);
    expect(stop.json).toEqual({ room_sid: room!.sid, rules: [{ type: 'exclude', all: true }], date_created: '2015-07-30T20:00:00.000Z' });
    expect(room!.recordingRules).toEqual([{ type: 'exclude', all: true }]);
    const start = await videoAppUpdateRecordingRules(endpoint, room!.sid, [{ type: 'include', all: true }], PASSCODE);
    expect(start.status).toBe(200);
    expect(room!.recordingRules).toEqual([{ type: 'include', all: true }]);
  });

  test('recording rules need the passcode too', async () => {
    const [room] = roomsNamed('daily-standup');
    const answer = await videoAppUpdateRecordingRules(endpoint, room!.sid, [{ type: 'exclude', all: true }]);
    expect(answer.status).toBe(401);
    expect(answer.json.error).toMatchObject({ message: 'passcode incorrect', code: 'unauthorized' });
  });

  test.each([
    [
      'create_room not a boolean',
      { create_room: 'yes' },
      {
        message: 'invalid parameter',
        code: 'invalid_param',
        field: 'create_room',
        explanation: expect.stringContaining('A boolean value must be provided for the create_room parameter'),
      },
    ],
    [
      'create_conversation not a boolean',
      { create_conversation: 1 },
      {
        message: 'invalid parameter',
        code: 'invalid_param',
        field: 'create_conversation',
        explanation: expect.stringContaining('create_conversation'),
      },
    ],
    [
      'no user_identity',
      { user_identity: undefined },
      {
        message: 'missing user_identity',
        code: 'missing_identity',
        field: 'user_identity',
        explanation: 'The user_identity parameter is missing.',
      },
    ],
    [
      'no room_name',
      { room_name: undefined },
      {
        message: 'invalid room_name',
        code: 'invalid_room',
        field: 'room_name',
        explanation: 'The room_name parameter is missing; it is required when create_room is true.',
      },
    ],
    [
      'an identity too long for Video',
      { user_identity: 'a'.repeat(129) },
      {
        message: 'invalid user_identity',
        code: 'invalid_identity',
        field: 'user_identity',
        explanation: expect.stringContaining('at most 128'),
      },
    ],
  ])("%s: 400 in the app's shape, before any REST call", async (_, change, error) => {
    const before = standIn.requests.length;
    const body = {
      user_identity: 'carol',
      room_name: 'errors',
      passcode: PASSCODE,
      create_room: true,
      create_conversation: true,
      ...change,
    };
    const res = await fetch(endpoint, {
      method: 'POST',
      headers: { 'content-type': 'application/json', Origin: APP_ORIGIN },
      body: JSON.stringify(body),
    });
    expect(res.status).toBe(400);
    expect(await res.json()).toEqual({ error: error });
    expect(standIn.requests.length).toBe(before);
  });

  test('a REST failure is 502 twilio_api_error naming the Twilio code, no token, no stack trace', async () => {
    standIn.faults.push({
      matches: (call) => call.method === 'POST' && call.path === '/v1/Rooms',
      answer: twilioError(429, 53119, 'The concurrent Rooms quota was exceeded'),
      times: 1,
    });
    const answer = await videoAppFetchToken(endpoint, 'dave', 'quota-room', PASSCODE);
    expect(answer.status).toBe(502);
    expect(answer.json).toEqual({
      error: {
        message: 'error from the Twilio REST API',
        explanation:
          'Twilio refused to create the Video room: Twilio error 53119 (The concurrent Rooms quota was exceeded); see https://www.twilio.com/docs/api/errors/53119.',
        code: 'twilio_api_error',
      },
    });
    expect(answer.text).not.toMatch(/token|\bat \w+ \(|\.js:\d+/);
    expect(roomsNamed('quota-room')).toEqual([]);
    const line = JSON.parse(server.logs.at(-1)!);
    expect(line).toMatchObject({
      path: '/video-app/token',
      status: 502,
      outcome: 'twilio_api_error',
      detail: 'HTTP 429, Twilio error 53119',
    });
  });

  test("the service's credentials refused (20003) say so, in a 502", async () => {
    standIn.faults.push({
      matches: (call) => call.host === 'conversations.twilio.com',
      answer: {
        status: 401,
        body: { code: 20003, message: 'Authenticate', more_info: 'https://www.twilio.com/docs/errors/20003', status: 401 },
      },
      times: 1,
    });
    const answer = await videoAppFetchToken(endpoint, 'erin', 'credentials-room', PASSCODE);
    expect(answer.status).toBe(502);
    expect(answer.json.error.explanation).toBe(
      "Twilio refused to look up the conversation: Twilio error 20003 (Authenticate); the service's own credentials were refused (locally ACCOUNT_SID and AUTH_TOKEN in the env file; deployed, the runtime's); see https://www.twilio.com/docs/api/errors/20003.",
    );
  });

  test('a recording rule Twilio would refuse (53120) is a 400 here, before any REST call', async () => {
    const before = standIn.requests.length;
    const [room] = roomsNamed('daily-standup');
    const answer = await videoAppUpdateRecordingRules(endpoint, room!.sid, [{ type: 'include', all: true, kind: 'audio' }], PASSCODE);
    expect(answer.status).toBe(400);
    expect(answer.json.error).toMatchObject({ message: 'invalid parameter', code: 'invalid_param', field: 'rules' });
    expect(standIn.requests.length).toBe(before);
  });
});

describe('AUTH_MODE=none without CHAT_SERVICE_SID, VIDEO_ROOM_TYPE=group-small (the default mode, REACT_APP_SET_AUTH unset)', () => {
  let server: ChildServer;
  let endpoint: string;
  beforeAll(async () => {
    server = await startChildServer(appEnv({ AUTH_MODE: 'none', CHAT_SERVICE_SID: undefined, VIDEO_ROOM_TYPE: 'group-small' }), standIn);
    endpoint = `${server.base}/video-app/token`;
  });
  afterAll(() => server.close());

  test('create_conversation true (every build unless REACT_APP_DISABLE_TWILIO_CONVERSATIONS=true) is config_error naming CHAT_SERVICE_SID', async () => {
    const before = standIn.requests.length;
    const answer = await videoAppGetToken(endpoint, 'frank', 'no-chat');
    expect(answer.status).toBe(500);
    expect(answer.json.error).toEqual({
      message: 'service misconfigured',
      explanation: expect.stringContaining(
        'set CHAT_SERVICE_SID to your Conversations service (IS...), or rebuild the app with REACT_APP_DISABLE_TWILIO_CONVERSATIONS=true',
      ),
      code: 'config_error',
      field: 'CHAT_SERVICE_SID',
    });
    expect(standIn.requests.length).toBe(before);
  });

  test('built with REACT_APP_DISABLE_TWILIO_CONVERSATIONS=true: a video-only token, the room created as VIDEO_ROOM_TYPE', async () => {
    const answer = await videoAppGetToken(endpoint, 'frank', 'small-room', true);
    expect(answer.status).toBe(200);
    expect(answer.json.room_type).toBe('group-small');
    await expectRealLookingToken(answer.json.token, { identity: 'frank', video: { room: 'small-room' } }, FOUR_HOURS);
    expect(roomsNamed('small-room')).toMatchObject([{ type: 'group-small' }]);
  });

  test("the default mode's recording button posts {room_sid, rules} to the same endpoint", async () => {
    const [room] = roomsNamed('small-room');
    const answer = await videoAppUpdateRecordingRules(endpoint, room!.sid, [{ type: 'exclude', all: true }]);
    expect(answer.status).toBe(200);
    expect(room!.recordingRules).toEqual([{ type: 'exclude', all: true }]);
  });

  test('recording rules for a room Twilio does not know: 502 naming 20404', async () => {
    const answer = await videoAppUpdateRecordingRules(endpoint, 'RM' + 'f'.repeat(32), [{ type: 'exclude', all: true }]);
    expect(answer.status).toBe(502);
    expect(answer.json.error).toMatchObject({ code: 'twilio_api_error', explanation: expect.stringContaining('Twilio error 20404') });
  });

  test("the app's preflight (a JSON POST, with Authorization in the Firebase mode) is allowed", async () => {
    const res = await fetch(endpoint, {
      method: 'OPTIONS',
      headers: {
        Origin: APP_ORIGIN,
        'Access-Control-Request-Method': 'POST',
        'Access-Control-Request-Headers': 'authorization,content-type',
      },
    });
    expect(res.status).toBe(204);
    // The runtime answers preflights itself, as the deployed platform does.
    expect(Object.fromEntries(res.headers)).toMatchObject({
      'access-control-allow-origin': '*',
      'access-control-allow-methods': expect.stringContaining('POST'),
      'access-control-allow-headers': expect.stringMatching(/authorization.*content-type|content-type.*authorization/i),
    });
  });
});

describe('AUTH_MODE=jwt with an RS256 key set (the Firebase mode, REACT_APP_SET_AUTH=firebase)', () => {
  let server: ChildServer;
  let endpoint: string;
  let jwks: JwksServer;
  let key: ProviderKey;
  beforeAll(async () => {
    key = await providerKey('RS256', 'firebase-1');
    jwks = await startJwksServer([key.publicJwk]);
    server = await startChildServer(
      appEnv({
        AUTH_MODE: 'jwt',
        AUTH_JWKS_URL: jwks.url(),
        AUTH_ISSUER: ISSUER,
        AUTH_AUDIENCE: AUDIENCE,
        AUTH_IDENTITY_CLAIM: 'email',
        ALLOWED_ORIGINS: `${APP_ORIGIN},${ALLOWED_ORIGIN}`,
      }),
      standIn,
    );
    endpoint = `${server.base}/video-app/token`;
  });
  afterAll(async () => {
    await server.close();
    await jwks.close();
  });

  test('Authorization: <ID token> without Bearer: the identity is the verified claim, not the user_identity the app sends', async () => {
    const idToken = await key.sign({ sub: 'firebase-uid-1', email: 'grace@example.com' });
    const answer = await videoAppFirebaseGetToken(endpoint, idToken, 'Grace Hopper', 'firebase-room');
    expect(answer.status).toBe(200);
    await expectRealLookingToken(
      answer.json.token,
      { identity: 'grace@example.com', video: { room: 'firebase-room' }, chat: CHAT },
      FOUR_HOURS,
    );
    const [room] = roomsNamed('firebase-room');
    expect(participantsOf(conversationOf(room!.sid)[0]!.sid)).toEqual(['grace@example.com']);
  });

  test('with Bearer as well', async () => {
    const idToken = await key.sign({ email: 'heidi@example.com' });
    const answer = await videoAppFirebaseGetToken(endpoint, `Bearer ${idToken}`, 'heidi', 'firebase-room');
    expect(answer.status).toBe(200);
    expect(decodeJwt(answer.json.token)).toMatchObject({ grants: { identity: 'heidi@example.com' } });
  });

  test("no sign-in token, or a forged one: 401 in the app's shape, nothing created", async () => {
    const before = standIn.requests.length;
    const none = await videoAppGetToken(endpoint, 'mallory', 'forged-room');
    expect(none.status).toBe(401);
    expect(none.json.error).toMatchObject({ message: 'unauthorized', code: 'unauthorized' });
    const forged = (await key.sign({ email: 'mallory@example.com' })).slice(0, -4) + 'AAAA';
    const bad = await videoAppFirebaseGetToken(endpoint, forged, 'mallory', 'forged-room');
    expect(bad.status).toBe(401);
    expect(bad.json.error.explanation).toContain('bad signature');
    expect(standIn.requests.length).toBe(before);
  });
});

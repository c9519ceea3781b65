/**
 * The doctor's online checks through the real `twilio` client, over real HTTP, against a
 * loopback stand-in of the Twilio REST API (test/support/twilio-api-standin.ts): the same code
 * path as production except for the injected stand-in request client.
 */
import { runDoctor, runOnlineChecks, type CheckResult, type CheckStatus } from '../../lib/doctor';
import { createClient, isLoopbackBaseUrl, redirectedUri } from '../../lib/doctor/online/client';
import { REAL_LOOKING } from '../support/env';
import { startTwilioApiStandIn, type StandInWorld, type TwilioApiStandIn } from '../support/twilio-api-standin';

const sid = (prefix: string, hex: string): string => prefix + hex.repeat(32 / hex.length);

const ACCOUNT = REAL_LOOKING.ACCOUNT_SID;
const AUTH_TOKEN = '0123abcd4567ef890123abcd4567ef89';
const SUBACCOUNT = sid('AC', '5a');
const OTHER_ACCOUNT = sid('AC', '6b');
const SUSPENDED = sid('AC', '7c');
const TEST_ACCOUNT = sid('AC', '8d');

const secret = (seed: string): string => `Sec${seed}`.padEnd(32, 'Q').slice(0, 32);
const MAIN_KEY = { sid: sid('SK', '11'), secret: secret('Main') };
const STANDARD_KEY = { sid: REAL_LOOKING.API_KEY, secret: secret('Standard') };
const RESTRICTED_KEY = { sid: sid('SK', '33'), secret: secret('Restricted') };
const MESSAGING_ONLY_KEY = { sid: sid('SK', '34'), secret: secret('Messaging') };
const OTHER_ACCOUNT_KEY = { sid: sid('SK', '44'), secret: secret('Other') };
const SUSPENDED_KEY = { sid: sid('SK', '55'), secret: secret('Suspended') };
const IE1_KEY = { sid: sid('SK', '66'), secret: secret('Dublin') };
const TEST_KEY = { sid: sid('SK', '77'), secret: secret('Test') };

const APP = REAL_LOOKING.OUTGOING_SID;
const APP_WITHOUT_URL = sid('AP', '9a');
const APP_ELSEWHERE = 'AP' + '6d'.repeat(16);
const OTHER_ACCOUNT_APP = sid('AP', '9b');
const CHAT = REAL_LOOKING.CHAT_SERVICE_SID;
const SYNC = REAL_LOOKING.SYNC_SERVICE_SID;
const PUSH = REAL_LOOKING.PUSH_CREDENTIAL_SID;

const WORLD: StandInWorld = {
  accounts: [
    { sid: ACCOUNT, friendlyName: 'Acme production', status: 'active', type: 'Full', authToken: AUTH_TOKEN },
    { sid: SUBACCOUNT, friendlyName: 'Acme staging', status: 'active', type: 'Full', ownerAccountSid: ACCOUNT, authToken: 'f'.repeat(32) },
    { sid: OTHER_ACCOUNT, friendlyName: 'Someone else', status: 'active', type: 'Trial', authToken: 'e'.repeat(32) },
    { sid: SUSPENDED, friendlyName: 'Unpaid', status: 'suspended', type: 'Full', authToken: 'd'.repeat(32) },
    {
      sid: TEST_ACCOUNT,
      friendlyName: 'Acme test credentials',
      status: 'active',
      type: 'Full',
      authToken: 'c'.repeat(32),
      testCredentials: true,
    },
  ],
  keys: [
    { ...MAIN_KEY, accountSid: ACCOUNT, type: 'main', friendlyName: 'ops main key' },
    { ...STANDARD_KEY, accountSid: ACCOUNT, type: 'standard', friendlyName: 'token service' },
    { ...RESTRICTED_KEY, accountSid: ACCOUNT, type: 'restricted', friendlyName: 'calls only', allow: ['/twilio/voice'] },
    { ...MESSAGING_ONLY_KEY, accountSid: ACCOUNT, type: 'restricted', friendlyName: 'sms only', allow: ['/twilio/messaging'] },
    { ...OTHER_ACCOUNT_KEY, accountSid: OTHER_ACCOUNT, type: 'standard', friendlyName: 'not ours' },
    { ...SUSPENDED_KEY, accountSid: SUSPENDED, type: 'main', friendlyName: 'unpaid main key' },
    { ...IE1_KEY, accountSid: ACCOUNT, type: 'standard', friendlyName: 'dublin', region: 'ie1' },
    { ...TEST_KEY, accountSid: TEST_ACCOUNT, type: 'standard', friendlyName: 'test' },
  ],
  applications: [
    { sid: APP, accountSid: ACCOUNT, friendlyName: 'Browser calls', voiceUrl: 'https://token-service-1234-dev.twil.io/voice' },
    { sid: APP_WITHOUT_URL, accountSid: ACCOUNT, friendlyName: 'Half set up', voiceUrl: '' },
    { sid: APP_ELSEWHERE, accountSid: ACCOUNT, friendlyName: 'IVR', voiceUrl: 'https://ivr.example.com/answer', voiceMethod: 'GET' },
    { sid: OTHER_ACCOUNT_APP, accountSid: OTHER_ACCOUNT, friendlyName: 'Theirs', voiceUrl: 'https://example.com/voice' },
  ],
  credentials: [{ sid: PUSH, accountSid: ACCOUNT, friendlyName: 'iOS VoIP', type: 'apn', sandbox: true }],
  conversationsServices: [{ sid: CHAT, accountSid: ACCOUNT, friendlyName: 'Support chat' }],
  syncServices: [{ sid: SYNC, accountSid: ACCOUNT, friendlyName: 'Presence' }],
  workspaces: [{ sid: REAL_LOOKING.TASKROUTER_WORKSPACE_SID, accountSid: ACCOUNT, friendlyName: 'Support desk' }],
};

let standIn: TwilioApiStandIn;
beforeAll(async () => {
  standIn = await startTwilioApiStandIn(WORLD);
});
afterAll(() => standIn.close());
beforeEach(() => {
  standIn.hang = false;
  standIn.requests.length = 0;
});

const GOOD: Record<string, string> = { ...REAL_LOOKING, API_KEY: MAIN_KEY.sid, API_SECRET: MAIN_KEY.secret };

const withKey = (
  key: { sid: string; secret: string },
  extra: Record<string, string | undefined> = {},
): Record<string, string | undefined> => ({
  ...GOOD,
  API_KEY: key.sid,
  API_SECRET: key.secret,
  ...extra,
});

async function online(
  vars: Record<string, string | undefined>,
  opts: { timeoutMs?: number; apiBaseUrl?: string } = {},
): Promise<CheckResult[]> {
  return runOnlineChecks(vars, true, { apiBaseUrl: opts.apiBaseUrl ?? standIn.url, timeoutMs: opts.timeoutMs ?? 5000 });
}

const statusMap = (rows: CheckResult[]): Record<string, CheckStatus> =>
  Object.fromEntries(rows.map((r) => [r.id.replace(/^online\./, ''), r.status]));
const detailOf = (rows: CheckResult[], id: string): string => rows.find((r) => r.id === `online.${id}`)?.detail ?? '';

const ALL_PASS = {
  credentials: 'pass',
  account: 'pass',
  api_key: 'pass',
  twiml_app: 'pass',
  push_credential: 'pass',
  conversations_service: 'pass',
  sync_service: 'pass',
  taskrouter_workspace: 'pass',
};
const REJECTED = {
  credentials: 'fail',
  account: 'skip',
  api_key: 'skip',
  twiml_app: 'skip',
  push_credential: 'skip',
  conversations_service: 'skip',
  sync_service: 'skip',
  taskrouter_workspace: 'skip',
};

test("a Voice URL that is not this service's /voice: where it points, and that npm run deploy leaves it", async () => {
  const rows = await online({ ...GOOD, OUTGOING_SID: APP_ELSEWHERE });
  expect(statusMap(rows).twiml_app).toBe('pass');
  expect(detailOf(rows, 'twiml_app')).toBe(
    'TwiML App "IVR" sends calls to GET https://ivr.example.com/answer. That is not a /voice of this service: npm run deploy leaves it as it is.',
  );
});

test('a Main key of the right account: every resource exists and is usable', async () => {
  const rows = await online(GOOD);
  expect(statusMap(rows)).toEqual(ALL_PASS);
  expect(detailOf(rows, 'account')).toBe('Account "Acme production" is active (main account, Full).');
  expect(detailOf(rows, 'twiml_app')).toBe('TwiML App "Browser calls" sends calls to POST https://token-service-1234-dev.twil.io/voice.');
  expect(detailOf(rows, 'push_credential')).toBe('Push credential "iOS VoIP" (apn, sandbox).');
  // Every request authenticated as the API key the tokens are signed with, over the API the twilio client chose.
  expect(standIn.requests.map((r) => `${r.user} ${r.host} ${r.path} ${r.status}`)).toEqual([
    `${MAIN_KEY.sid} api.twilio.com /2010-04-01/Accounts/${ACCOUNT}/Applications.json 200`,
    `${MAIN_KEY.sid} api.twilio.com /2010-04-01/Accounts/${ACCOUNT}.json 200`,
    `${MAIN_KEY.sid} api.twilio.com /2010-04-01/Accounts/${ACCOUNT}/Keys/${MAIN_KEY.sid}.json 200`,
    `${MAIN_KEY.sid} iam.twilio.com /v1/Keys/${MAIN_KEY.sid} 200`,
    `${MAIN_KEY.sid} api.twilio.com /2010-04-01/Accounts/${ACCOUNT}/Applications/${APP}.json 200`,
    `${MAIN_KEY.sid} conversations.twilio.com /v1/Credentials/${PUSH} 200`,
    `${MAIN_KEY.sid} conversations.twilio.com /v1/Services/${CHAT} 200`,
    `${MAIN_KEY.sid} sync.twilio.com /v1/Services/${SYNC} 200`,
    `${MAIN_KEY.sid} taskrouter.twilio.com /v1/Workspaces/${REAL_LOOKING.TASKROUTER_WORKSPACE_SID} 200`,
  ]);
});

test('the report never contains a secret, not even the auth_token the Accounts answer carries', async () => {
  const report = await runDoctor(withKey(MAIN_KEY, { AUTH_TOKEN }), { online: true, onlineOptions: { apiBaseUrl: standIn.url } });
  const json = JSON.stringify(report);
  for (const value of [MAIN_KEY.secret, AUTH_TOKEN]) expect(json).not.toContain(value);
});

describe('key types', () => {
  test('a Standard key (the right kind) cannot read /Accounts or /Keys: those two are skipped, not failed', async () => {
    const rows = await online(withKey(STANDARD_KEY));
    expect(statusMap(rows)).toEqual({ ...ALL_PASS, account: 'skip', api_key: 'skip' });
    expect(detailOf(rows, 'account')).toMatch(/only Main keys may read \/Accounts/);
  });

  test('a Standard key with AUTH_TOKEN in the file: the Main-only reads use the Auth Token', async () => {
    const rows = await online(withKey(STANDARD_KEY, { AUTH_TOKEN }));
    expect(statusMap(rows)).toEqual(ALL_PASS);
    expect(detailOf(rows, 'api_key')).toBe('API_KEY "token service" exists in ACCOUNT_SID (not Restricted).');
    expect(standIn.requests.filter((r) => r.user === ACCOUNT).map((r) => r.path)).toEqual([
      `/2010-04-01/Accounts/${ACCOUNT}.json`,
      `/2010-04-01/Accounts/${ACCOUNT}/Keys/${STANDARD_KEY.sid}.json`,
      `/v1/Keys/${STANDARD_KEY.sid}`,
    ]);
  });

  test('a Restricted key fails: Twilio does not accept Access Tokens signed with one', async () => {
    const rows = await online(withKey(RESTRICTED_KEY, { AUTH_TOKEN }));
    expect(statusMap(rows)).toEqual({
      ...ALL_PASS,
      api_key: 'fail',
      push_credential: 'fail',
      conversations_service: 'fail',
      sync_service: 'fail',
      taskrouter_workspace: 'fail',
    });
    expect(detailOf(rows, 'api_key')).toMatch(/Restricted key/);
    expect(detailOf(rows, 'conversations_service')).toMatch(/HTTP 401, Twilio error 20003.*Restricted key/);
  });

  test('a Restricted key that may not even read TwiML Apps: rejected, and named as Restricted when AUTH_TOKEN lets the doctor ask', async () => {
    const rows = await online(withKey(MESSAGING_ONLY_KEY, { AUTH_TOKEN }));
    expect(statusMap(rows)).toEqual(REJECTED);
    expect(detailOf(rows, 'credentials')).toMatch(/Asked with AUTH_TOKEN: API_KEY is a Restricted key of this account/);
  });

  test('a stale AUTH_TOKEN fails the Main-only reads: npm run deploy uploads with it', async () => {
    const rows = await online(withKey(STANDARD_KEY, { AUTH_TOKEN: 'b'.repeat(32) }));
    expect(statusMap(rows)).toEqual({ ...ALL_PASS, account: 'fail', api_key: 'fail' });
    expect(detailOf(rows, 'account')).toMatch(
      /AUTH_TOKEN was rejected too \(HTTP 401, Twilio error 20003 \(Authenticate\)\).*npm run deploy/,
    );
  });
});

describe('credentials Twilio rejects (401, 20003)', () => {
  test('a wrong secret: named as 20107 when AUTH_TOKEN lets the doctor ask', async () => {
    const rows = await online(withKey({ sid: STANDARD_KEY.sid, secret: secret('Wrong') }, { AUTH_TOKEN }));
    expect(statusMap(rows)).toEqual(REJECTED);
    expect(detailOf(rows, 'credentials')).toBe(
      'Twilio rejected API_KEY with API_SECRET for ACCOUNT_SID: HTTP 401, Twilio error 20003 (Authenticate). Asked with AUTH_TOKEN: API_KEY exists in this account, so API_SECRET is not its secret: every token fails with 20107 (invalid signature).',
    );
  });

  test('a wrong secret without AUTH_TOKEN: both likely token errors are named', async () => {
    const rows = await online(withKey({ sid: STANDARD_KEY.sid, secret: secret('Wrong') }));
    expect(statusMap(rows)).toEqual(REJECTED);
    expect(detailOf(rows, 'credentials')).toMatch(/20107 \(invalid signature\).*20103 \(invalid issuer\)/);
  });

  test('the Auth Token used as the secret is rejected like any wrong secret', async () => {
    const rows = await online(withKey({ sid: STANDARD_KEY.sid, secret: AUTH_TOKEN }));
    expect(statusMap(rows)).toEqual(REJECTED);
  });

  test('a key from another account: 20103, named when AUTH_TOKEN lets the doctor ask', async () => {
    const rows = await online(withKey(OTHER_ACCOUNT_KEY, { AUTH_TOKEN }));
    expect(statusMap(rows)).toEqual(REJECTED);
    expect(detailOf(rows, 'credentials')).toMatch(/API_KEY is not a key of this account .*20103 \(invalid issuer\)/);
  });

  test('a key created in IE1 while the tokens say us1', async () => {
    const rows = await online(withKey(IE1_KEY));
    expect(statusMap(rows)).toEqual(REJECTED);
    expect(rows[0]?.fix).toMatch(/in the region of TWILIO_REGION/);
  });

  test('the IE1 API down is named as such', async () => {
    const down = await startTwilioApiStandIn(WORLD);
    await down.close();
    const rows = await online(withKey(IE1_KEY, { TWILIO_REGION: 'ie1' }), { apiBaseUrl: down.url });
    expect(detailOf(rows, 'credentials')).toMatch(
      /^Could not reach the REST API stand-in at http:\/\/127\.0\.0\.1:\d+ \(TWILIO_API_BASE_URL, in place of api\.dublin\.ie1\.twilio\.com\): ECONNREFUSED/,
    );
  });

  test('the same IE1 key with TWILIO_REGION=ie1 goes to the IE1 API and authenticates', async () => {
    const rows = await online(withKey(IE1_KEY, { TWILIO_REGION: 'ie1' }));
    expect(rows[0]?.status).toBe('pass');
    expect(standIn.requests[0]?.host).toBe('api.dublin.ie1.twilio.com');
  });

  test('test credentials: 403, 20008', async () => {
    const rows = await online(withKey(TEST_KEY, { ACCOUNT_SID: TEST_ACCOUNT }));
    expect(statusMap(rows)).toEqual(REJECTED);
    expect(detailOf(rows, 'credentials')).toMatch(/HTTP 403, Twilio error 20008.*test credentials/);
  });
});

describe('resources in another account or missing (404, 20404)', () => {
  test("a parent account's Main key used for a subaccount: the key is not in ACCOUNT_SID (20103)", async () => {
    const rows = await online(
      withKey(MAIN_KEY, {
        ACCOUNT_SID: SUBACCOUNT,
        OUTGOING_SID: undefined,
        PUSH_CREDENTIAL_SID: undefined,
        CHAT_SERVICE_SID: undefined,
        SYNC_SERVICE_SID: 'default',
        TASKROUTER_WORKSPACE_SID: undefined,
      }),
    );
    expect(statusMap(rows)).toEqual({
      credentials: 'pass',
      account: 'pass',
      api_key: 'fail',
      twiml_app: 'skip',
      push_credential: 'skip',
      conversations_service: 'skip',
      sync_service: 'skip',
      taskrouter_workspace: 'skip',
    });
    expect(detailOf(rows, 'account')).toBe(`Account "Acme staging" is active (subaccount of ${ACCOUNT}, Full).`);
    expect(detailOf(rows, 'api_key')).toMatch(
      /^API_KEY is not a key of ACCOUNT_SID \(HTTP 404, Twilio error 20404 \(The requested resource .* was not found\)\).*20103/,
    );
  });

  test('a TwiML App of another account: 21218 on calls', async () => {
    const rows = await online(withKey(MAIN_KEY, { OUTGOING_SID: OTHER_ACCOUNT_APP }));
    expect(statusMap(rows)).toEqual({ ...ALL_PASS, twiml_app: 'fail' });
    expect(detailOf(rows, 'twiml_app')).toMatch(/HTTP 404, Twilio error 20404.*21218/);
  });

  test('a TwiML App without a Voice URL', async () => {
    const rows = await online(withKey(MAIN_KEY, { OUTGOING_SID: APP_WITHOUT_URL }));
    expect(statusMap(rows)).toEqual({ ...ALL_PASS, twiml_app: 'fail' });
    expect(detailOf(rows, 'twiml_app')).toMatch(/^TwiML App "Half set up" has no Voice URL/);
  });

  test('push credential, Conversations service and Sync service that do not exist', async () => {
    const rows = await online(withKey(MAIN_KEY, { PUSH_CREDENTIAL_SID: sid('CR', '01'), CHAT_SERVICE_SID: SYNC, SYNC_SERVICE_SID: CHAT }));
    expect(statusMap(rows)).toEqual({ ...ALL_PASS, push_credential: 'fail', conversations_service: 'fail', sync_service: 'fail' });
    expect(detailOf(rows, 'conversations_service')).toMatch(/^CHAT_SERVICE_SID is not in the account ACCOUNT_SID .*20106/);
  });

  test('a TaskRouter Workspace of another account (or deleted): the TaskRouter SDK cannot connect', async () => {
    const rows = await online(withKey(MAIN_KEY, { TASKROUTER_WORKSPACE_SID: sid('WS', '0b') }));
    expect(statusMap(rows)).toEqual({ ...ALL_PASS, taskrouter_workspace: 'fail' });
    expect(detailOf(rows, 'taskrouter_workspace')).toMatch(/^TASKROUTER_WORKSPACE_SID is not in the account ACCOUNT_SID \(HTTP 404/);
    expect(detailOf(await online(GOOD), 'taskrouter_workspace')).toBe('TaskRouter Workspace "Support desk" exists.');
  });

  test('default Sync service and no push credential: nothing to fetch', async () => {
    const rows = await online(withKey(MAIN_KEY, { PUSH_CREDENTIAL_SID: undefined, SYNC_SERVICE_SID: 'default' }));
    expect(statusMap(rows)).toEqual({ ...ALL_PASS, push_credential: 'skip', sync_service: 'skip' });
  });
});

test('a suspended account fails the account check', async () => {
  const rows = await online(
    withKey(SUSPENDED_KEY, {
      ACCOUNT_SID: SUSPENDED,
      OUTGOING_SID: undefined,
      PUSH_CREDENTIAL_SID: undefined,
      CHAT_SERVICE_SID: undefined,
      SYNC_SERVICE_SID: 'default',
      TASKROUTER_WORKSPACE_SID: undefined,
    }),
  );
  expect(statusMap(rows)).toEqual({
    credentials: 'pass',
    account: 'fail',
    api_key: 'pass',
    twiml_app: 'skip',
    push_credential: 'skip',
    conversations_service: 'skip',
    sync_service: 'skip',
    taskrouter_workspace: 'skip',
  });
  expect(detailOf(rows, 'account')).toBe(
    'Account "Unpaid" is suspended: Twilio refuses its API calls (20003) and its tokens until it is active again.',
  );
});

describe('no answer', () => {
  test('the API is down: one clear failure, everything else skipped', async () => {
    const down = await startTwilioApiStandIn(WORLD);
    const url = down.url;
    await down.close();
    const rows = await online(GOOD, { apiBaseUrl: url });
    expect(statusMap(rows)).toEqual(REJECTED);
    // Issue 19: a stand-in that is down is not "could not reach api.twilio.com".
    expect(detailOf(rows, 'credentials')).toBe(
      `Could not reach the REST API stand-in at ${url} (TWILIO_API_BASE_URL, in place of api.twilio.com): ECONNREFUSED (connection refused). Nothing online was checked.`,
    );
    expect(rows[0]?.fix).toBe('start the stand-in again, or unset TWILIO_API_BASE_URL to ask Twilio; the offline checks above still hold');
    expect(rows[1]?.detail).toBe('Not run: the REST API stand-in could not be reached.');
  });

  test('the API accepts the connection but never answers: the deadline ends it', async () => {
    standIn.hang = true;
    const rows = await online(GOOD, { timeoutMs: 300 });
    expect(statusMap(rows)).toEqual(REJECTED);
    expect(detailOf(rows, 'credentials')).toMatch(/: no answer within 0.3 s\./);
  });
});

test('offline failures on the credentials skip the online checks without a single request', async () => {
  const report = await runDoctor(
    { ...GOOD, API_SECRET: 'demo-secret-not-a-real-twilio-key' },
    { online: true, onlineOptions: { apiBaseUrl: standIn.url } },
  );
  expect(report.checks.filter((c) => c.id.startsWith('online.')).every((c) => c.status === 'skip')).toBe(true);
  expect(standIn.requests).toEqual([]);
});

describe('the stand-in redirect', () => {
  test('only loopback base URLs are accepted: the redirect carries the key and secret', () => {
    expect(isLoopbackBaseUrl('http://127.0.0.1:4010')).toBe(true);
    expect(isLoopbackBaseUrl('http://localhost:4010/')).toBe(true);
    expect(isLoopbackBaseUrl('https://api.example.com')).toBe(false);
    expect(isLoopbackBaseUrl('not a url')).toBe(false);
    expect(() =>
      createClient(MAIN_KEY.sid, MAIN_KEY.secret, ACCOUNT, undefined, { timeoutMs: 1000, apiBaseUrl: 'https://evil.example.com' }),
    ).toThrow(/loopback/);
  });

  test('rewrites Twilio URLs only', () => {
    expect(redirectedUri('https://api.dublin.ie1.twilio.com/2010-04-01/Accounts/AC1.json?PageSize=1', 'http://127.0.0.1:9/')).toBe(
      'http://127.0.0.1:9/api.dublin.ie1.twilio.com/2010-04-01/Accounts/AC1.json?PageSize=1',
    );
    expect(() => redirectedUri('https://example.com/x', 'http://127.0.0.1:9')).toThrow(/not for the Twilio API/);
  });
});

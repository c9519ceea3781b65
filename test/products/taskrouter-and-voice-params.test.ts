/**
 * The two behaviours issue #18 added as product modules, through the /token function as the
 * runtime calls it: the TaskRouter grant (the worker from the request, or from the verified
 * sign-in token in jwt mode) and Voice outgoing parameters (from verified claims only). Every
 * minted token is verified with jose and its grants compared whole.
 */
import { signHs, APP_JWT_SECRET } from '../auth/support';
import { realVars, REAL_LOOKING, TEST_SECRET, WORKER_SID } from '../support/env';
import { verifyTwilioToken } from '../support/jwt';
import { invoke, loadFunction } from '../support/runtime';

const logs: string[] = [];
beforeEach(() => {
  logs.length = 0;
  jest.spyOn(console, 'log').mockImplementation((line: string) => void logs.push(line));
});
afterEach(() => jest.restoreAllMocks());

const jwtMode = (extra: Record<string, string | undefined> = {}) =>
  realVars({ AUTH_MODE: 'jwt', AUTH_JWT_SECRET: APP_JWT_SECRET, ...extra });

async function call(vars: Record<string, unknown>, params: Record<string, unknown>, headers: Record<string, string> = {}) {
  const { status, json } = await invoke(loadFunction('token'), vars, { ...params, request: { headers, cookies: {} } });
  return { status, json: json ?? {} };
}

const bearer = async (claims: Record<string, unknown>) => ({ authorization: `Bearer ${await signHs({ claims })}` });

const OTHER_WORKER = 'WK' + 'c9'.repeat(16);
const taskRouterGrant = (worker: string) => ({
  workspace_sid: REAL_LOOKING.TASKROUTER_WORKSPACE_SID,
  worker_sid: worker,
  role: 'worker',
});

describe('grants=taskrouter', () => {
  test('with AUTH_MODE none, the worker parameter: grants.task_router {workspace_sid, worker_sid, role: worker} and sub', async () => {
    const { status, json } = await call(realVars(), { identity: 'alice', grants: 'taskrouter', worker: WORKER_SID });
    expect(status).toBe(200);
    expect(json.grants).toEqual(['taskrouter']);
    const { payload } = await verifyTwilioToken(json.token, TEST_SECRET);
    expect(payload.sub).toBe(REAL_LOOKING.ACCOUNT_SID);
    expect(payload.grants).toEqual({ identity: 'alice', task_router: taskRouterGrant(WORKER_SID) });
  });

  test.each([
    ['missing', {}, /worker is required with the taskrouter grant: a TaskRouter Worker SID \(WK \+ 32 hex digits\)/],
    ['a Workspace SID', { worker: REAL_LOOKING.TASKROUTER_WORKSPACE_SID }, /worker must be a TaskRouter Worker SID/],
    ['one digit short', { worker: WORKER_SID.slice(0, -1) }, /worker must be a TaskRouter Worker SID/],
    ['a list', { worker: [WORKER_SID, OTHER_WORKER] }, /worker must be a TaskRouter Worker SID/],
  ])('the worker parameter %s is 400 invalid_param on worker', async (_, extra, message) => {
    const { status, json } = await call(realVars(), { identity: 'alice', grants: 'taskrouter', ...extra });
    expect(status).toBe(400);
    expect(json.error).toEqual({ code: 'invalid_param', field: 'worker', message: expect.stringMatching(message) });
  });

  test('a worker without the taskrouter grant is refused, like room without video', async () => {
    const { status, json } = await call(realVars(), { identity: 'alice', grants: 'video', worker: WORKER_SID });
    expect(status).toBe(400);
    expect(json.error).toMatchObject({
      code: 'invalid_param',
      field: 'worker',
      message: expect.stringMatching(/only applies to the taskrouter grant/),
    });
  });

  test('without TASKROUTER_WORKSPACE_SID it is a 500 config_error naming it', async () => {
    const { status, json } = await call(realVars({ TASKROUTER_WORKSPACE_SID: undefined }), {
      identity: 'alice',
      grants: 'taskrouter',
      worker: WORKER_SID,
    });
    expect(status).toBe(500);
    expect(json.error).toMatchObject({ code: 'config_error', field: 'TASKROUTER_WORKSPACE_SID' });
  });

  test('with AUTH_MODE passcode the worker still comes from the parameter', async () => {
    const passcode = 'VvrhovVnpSgbWL21zghi1isyDGfgYykT';
    const { status, json } = await call(
      realVars({ AUTH_MODE: 'passcode', APP_PASSCODE: passcode }),
      { identity: 'alice', grants: 'taskrouter', worker: WORKER_SID },
      { authorization: `Bearer ${passcode}` },
    );
    expect(status).toBe(200);
    expect((await verifyTwilioToken(json.token, TEST_SECRET)).payload.grants).toEqual({
      identity: 'alice',
      task_router: taskRouterGrant(WORKER_SID),
    });
  });

  describe('with AUTH_MODE jwt the worker comes from the verified claim, never from the caller', () => {
    test('the default claim, twilio_worker_sid', async () => {
      const { status, json } = await call(jwtMode(), { grants: 'taskrouter' }, await bearer({ twilio_worker_sid: WORKER_SID }));
      expect(status).toBe(200);
      expect((await verifyTwilioToken(json.token, TEST_SECRET)).payload.grants).toEqual({
        identity: 'alice',
        task_router: taskRouterGrant(WORKER_SID),
      });
    });

    test('AUTH_WORKER_CLAIM names another claim', async () => {
      const { json } = await call(
        jwtMode({ AUTH_WORKER_CLAIM: 'https://example.com/worker' }),
        { grants: 'taskrouter' },
        await bearer({ 'https://example.com/worker': OTHER_WORKER, twilio_worker_sid: WORKER_SID }),
      );
      expect((await verifyTwilioToken(json.token, TEST_SECRET)).payload.grants).toMatchObject({
        task_router: taskRouterGrant(OTHER_WORKER),
      });
    });

    test('a worker parameter is 400 invalid_param, even naming the same worker', async () => {
      const { status, json } = await call(
        jwtMode(),
        { grants: 'taskrouter', worker: WORKER_SID },
        await bearer({ twilio_worker_sid: WORKER_SID }),
      );
      expect(status).toBe(400);
      expect(json.error).toMatchObject({ code: 'invalid_param', field: 'worker', message: expect.stringMatching(/sign-in token/) });
    });

    test.each([
      ['missing', {}],
      ['not a Worker SID', { twilio_worker_sid: REAL_LOOKING.TASKROUTER_WORKSPACE_SID }],
      ['a number', { twilio_worker_sid: 42 }],
    ])('a claim %s is 403 missing_claim on the claim name', async (_, claims) => {
      const { status, json } = await call(jwtMode(), { grants: 'taskrouter' }, await bearer(claims));
      expect(status).toBe(403);
      expect(json.error).toEqual({
        code: 'missing_claim',
        field: 'twilio_worker_sid',
        message: expect.stringMatching(/no "twilio_worker_sid" claim holding a TaskRouter Worker SID/),
      });
    });
  });
});

describe('Voice outgoing parameters (AUTH_VOICE_PARAMS), from verified claims only', () => {
  const voiceParams = jwtMode({ AUTH_VOICE_PARAMS: 'tenant, plan,seats,trial' });

  test('each listed claim that is a string, number or boolean goes into outgoing.params as a string', async () => {
    const claims = { tenant: 'acme', plan: 'gold', seats: 12, trial: false, other: 'not listed' };
    const { status, json } = await call(voiceParams, { grants: 'voice' }, await bearer(claims));
    expect(status).toBe(200);
    expect((await verifyTwilioToken(json.token, TEST_SECRET)).payload.grants).toEqual({
      identity: 'alice',
      voice: {
        incoming: { allow: true },
        outgoing: {
          application_sid: REAL_LOOKING.OUTGOING_SID,
          params: { tenant: 'acme', plan: 'gold', seats: '12', trial: 'false' },
        },
        push_credential_sid: REAL_LOOKING.PUSH_CREDENTIAL_SID,
      },
    });
  });

  test('absent when no listed claim is present (or with no AUTH_VOICE_PARAMS)', async () => {
    for (const vars of [voiceParams, jwtMode()]) {
      const { json } = await call(vars, { grants: 'voice' }, await bearer({ tenant: vars === voiceParams ? undefined : 'acme' }));
      const { payload } = await verifyTwilioToken(json.token, TEST_SECRET);
      expect((payload.grants as any).voice.outgoing).toEqual({ application_sid: REAL_LOOKING.OUTGOING_SID });
    }
  });

  test.each([
    ['an object', { tenant: { id: 'acme' } }],
    ['an array', { tenant: ['acme'] }],
  ])('a listed claim holding %s is 403 invalid_claim on the claim', async (_, claims) => {
    const { status, json } = await call(voiceParams, { grants: 'voice' }, await bearer(claims));
    expect(status).toBe(403);
    expect(json.error).toMatchObject({ code: 'invalid_claim', field: 'tenant' });
  });

  test('other modes never set them: AUTH_MODE none mints without params', async () => {
    const { json } = await call(realVars({ AUTH_VOICE_PARAMS: 'tenant' }), { identity: 'alice', grants: 'voice', tenant: 'acme' });
    const { payload } = await verifyTwilioToken(json.token, TEST_SECRET);
    expect((payload.grants as any).voice.outgoing).toEqual({ application_sid: REAL_LOOKING.OUTGOING_SID });
  });

  test.each([
    ['params', { params: '{"tenant":"acme"}' }],
    ['params as an object (qs: params[tenant]=acme)', { params: { tenant: 'acme' } }],
    ['outgoingApplicationParams', { outgoingApplicationParams: 'tenant=acme' }],
    ['params[tenant] (a form body read without qs)', { 'params[tenant]': 'acme' }],
    ['params.tenant', { 'params.tenant': 'acme' }],
  ])('a request parameter %s is 400 invalid_param saying why, in every mode and with any grant', async (_, extra) => {
    const [name] = Object.keys(extra);
    for (const [vars, headers] of [
      [realVars(), {}],
      [voiceParams, await bearer({ tenant: 'acme' })],
    ] as const) {
      for (const grants of ['voice', 'video']) {
        const identity = vars === voiceParams ? {} : { identity: 'alice' };
        const { status, json } = await call(vars, { ...identity, grants, ...extra }, headers);
        expect(status).toBe(400);
        expect(json.error).toEqual({
          code: 'invalid_param',
          field: name,
          message: expect.stringMatching(/trusts them as this service's own/),
        });
      }
    }
  });
});

import AccessToken from 'twilio/lib/jwt/AccessToken';
import { loadConfig } from '../../lib/config/service';
import { ServiceError } from '../../lib/errors';
import type { ServiceConfig } from '../../lib/config/service';
import { GRANT_NAMES, type GrantName } from '../../lib/products';
import { mintToken } from '../../lib/token/mint';
import { parseTokenRequest } from '../../lib/token/request';
import { realVars, REAL_LOOKING, TEST_SECRET, WORKER_SID } from '../support/env';
import { expectRealLookingToken, verifyTwilioToken } from '../support/jwt';

const config = loadConfig(realVars());

/** A token for the request /token would read from this event. */
const mint = (event: Record<string, unknown>, with_: ServiceConfig = config) => mintToken(parseTokenRequest(event, with_), with_);

/** Twilio's payload shape for each product, as the SDKs read it. */
const EXPECTED_GRANT: Record<GrantName, [string, unknown]> = {
  voice: [
    'voice',
    {
      incoming: { allow: true },
      outgoing: { application_sid: REAL_LOOKING.OUTGOING_SID },
      push_credential_sid: REAL_LOOKING.PUSH_CREDENTIAL_SID,
    },
  ],
  video: ['video', {}],
  chat: ['chat', { service_sid: REAL_LOOKING.CHAT_SERVICE_SID }],
  sync: ['data_sync', { service_sid: REAL_LOOKING.SYNC_SERVICE_SID }],
  taskrouter: ['task_router', { workspace_sid: REAL_LOOKING.TASKROUTER_WORKSPACE_SID, worker_sid: WORKER_SID, role: 'worker' }],
};

const allCombinations: GrantName[][] = [];
for (let mask = 1; mask < 1 << GRANT_NAMES.length; mask++) {
  allCombinations.push(GRANT_NAMES.filter((_, i) => mask & (1 << i)));
}

describe('mintToken', () => {
  test.each(allCombinations.map((g) => [g.join('+'), g] as const))(
    '%s: verifies with the secret and carries exactly those grants',
    async (_, grants) => {
      const minted = mint({ identity: 'alice', grants: [...grants], ...(grants.includes('taskrouter') ? { worker: WORKER_SID } : {}) });
      const { header, payload } = await expectRealLookingToken(minted.token, {
        identity: 'alice',
        ...Object.fromEntries(grants.map((g) => EXPECTED_GRANT[g])),
      });
      expect(header).toEqual({ alg: 'HS256', typ: 'JWT', cty: 'twilio-fpa;v=1' });
      expect(minted).toEqual({
        token: minted.token,
        identity: 'alice',
        grants,
        ttl: 3600,
        expiresAt: new Date((payload.iat! + 3600) * 1000).toISOString(),
      });
    },
  );

  test('room, ttl, incoming calls off and the region header', async () => {
    const regional = loadConfig(realVars({ TWILIO_REGION: 'au1', PUSH_CREDENTIAL_SID: undefined }));
    const minted = mint({ identity: 'bob', grants: ['voice', 'video'], ttl: 60, room: 'standup', incomingAllow: false }, regional);
    const { header, payload } = await verifyTwilioToken(minted.token, TEST_SECRET);
    expect(header).toEqual({ alg: 'HS256', typ: 'JWT', cty: 'twilio-fpa;v=1', twr: 'au1' });
    expect(payload.exp! - payload.iat!).toBe(60);
    // The SDKs do not read twr: the answer names the region for the app (the token client's sdkOptionsForRegion).
    expect(minted.region).toBe('au1');
    expect(payload.grants).toEqual({
      identity: 'bob',
      voice: { outgoing: { application_sid: REAL_LOOKING.OUTGOING_SID } },
      video: { room: 'standup' },
    });
  });

  test('the cached KeyObject signs byte-identical tokens to the plain string secret', () => {
    jest.useFakeTimers({ now: new Date('2026-11-23T10:00:00Z'), doNotFake: ['nextTick', 'setImmediate'] });
    try {
      const ours = mint({ identity: 'carol', grants: ['chat', 'video'] }).token;
      const plain = new AccessToken(REAL_LOOKING.ACCOUNT_SID, REAL_LOOKING.API_KEY, TEST_SECRET, { identity: 'carol', ttl: 3600 });
      plain.addGrant(new AccessToken.ChatGrant({ serviceSid: REAL_LOOKING.CHAT_SERVICE_SID }));
      plain.addGrant(new AccessToken.VideoGrant());
      expect(ours).toBe(plain.toJwt());
    } finally {
      jest.useRealTimers();
    }
  });

  test('a rotated secret is used at once (the key cache follows the secret)', async () => {
    const rotated = loadConfig(realVars({ API_SECRET: 'another-secret-of-thirty-two-chr' }));
    mint({ identity: 'a', grants: ['sync'] });
    const token = mint({ identity: 'a', grants: ['sync'] }, rotated).token;
    await expect(verifyTwilioToken(token, 'another-secret-of-thirty-two-chr')).resolves.toBeDefined();
    await expect(verifyTwilioToken(token, TEST_SECRET)).rejects.toThrow();
  });

  test.each([
    ['voice', 'OUTGOING_SID', { OUTGOING_SID: undefined }],
    ['chat', 'CHAT_SERVICE_SID', { CHAT_SERVICE_SID: undefined }],
    ['taskrouter', 'TASKROUTER_WORKSPACE_SID', { TASKROUTER_WORKSPACE_SID: undefined }],
  ] as const)('a %s grant without %s is a config_error naming it', (grant, variable, override) => {
    const partial = loadConfig(realVars(override));
    let error: unknown;
    try {
      mint({ identity: 'a', grants: [grant], worker: grant === 'taskrouter' ? WORKER_SID : undefined }, partial);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ServiceError);
    expect(error).toMatchObject({ status: 500, code: 'config_error', field: variable });
  });

  test("sync without SYNC_SERVICE_SID uses the account's default service", async () => {
    const minted = mint({ identity: 'a', grants: ['sync'] }, loadConfig(realVars({ SYNC_SERVICE_SID: undefined })));
    expect((await verifyTwilioToken(minted.token, TEST_SECRET)).payload.grants).toEqual({
      identity: 'a',
      data_sync: { service_sid: 'default' },
    });
  });
});

describe('expiresAt is exp, whether or not the clock crossed a second while signing', () => {
  const T = 1_800_000_000_250;
  afterEach(() => jest.restoreAllMocks());
  const minted = () => mintToken(parseTokenRequest({ identity: 'alice', grants: 'video', ttl: 600 }, config), config);

  test('a clock that stays within a second: exp from the clock, equal to the signed exp', async () => {
    jest.spyOn(Date, 'now').mockReturnValue(T);
    const answer = minted();
    const { payload } = await verifyTwilioToken(answer.token, TEST_SECRET);
    expect({ exp: payload.exp, expiresAt: answer.expiresAt }).toEqual({
      exp: 1_800_000_600,
      expiresAt: new Date(1_800_000_600_000).toISOString(),
    });
  });

  test('a clock that crosses a second while signing: exp read back from the token', async () => {
    jest
      .spyOn(Date, 'now')
      .mockReturnValueOnce(T)
      .mockReturnValue(T + 1_000);
    const answer = minted();
    const { payload } = await verifyTwilioToken(answer.token, TEST_SECRET);
    expect({ exp: payload.exp, expiresAt: answer.expiresAt }).toEqual({
      exp: 1_800_000_601,
      expiresAt: new Date(1_800_000_601_000).toISOString(),
    });
  });
});

/** Every token /token mints, for every grant combination and configuration, inspects clean. */
import { loadConfig } from '../../lib/config/service';
import { expectationsFromConfig, inspectToken } from '../../lib/inspect';
import { GRANT_NAMES, PRODUCTS, type GrantName } from '../../lib/products';
import { handleToken } from '../../lib/endpoints/token';
import { demoVars, realVars, WORKER_SID } from '../support/env';
import { findingKeys } from './support';

const combinations: GrantName[][] = [];
for (let mask = 1; mask < 1 << GRANT_NAMES.length; mask++) combinations.push(GRANT_NAMES.filter((_, i) => mask & (1 << i)));

// A deployed service must choose an AUTH_MODE; anonymous callers are enough here.
const deployed = (extra: Record<string, string | undefined> = {}) => realVars({ AUTH_MODE: 'none', ...extra });

const configurations: [string, Record<string, string | undefined>, string[]][] = [
  // Issue 12: the demo SIDs are placeholders Twilio refuses, so a demo token is not valid: one error, 20103, and nothing else.
  ['demo .env', demoVars(), ['error 20103 payload.sub']],
  ['real-looking', deployed(), []],
  ['real-looking, region ie1', deployed({ TWILIO_REGION: 'ie1' }), []],
  ['real-looking, no push credential, default Sync service', deployed({ PUSH_CREDENTIAL_SID: undefined, SYNC_SERVICE_SID: 'default' }), []],
  ['real-looking, legacy SERVICE_SID for chat', deployed({ CHAT_SERVICE_SID: undefined, SERVICE_SID: 'IS' + '4d'.repeat(16) }), []],
];

const cases = configurations.flatMap(([name, vars, notes]) =>
  combinations.map((grants) => [`${name}: ${grants.join('+')}`, vars, grants, notes] as const),
);

describe('tokens minted by /token inspect clean (demo tokens: the one error that says they are demo tokens)', () => {
  test.each(cases)('%s', async (_, vars, grants, notes) => {
    const params: Record<string, unknown> = { identity: 'alice_01', grants: grants.join(',') };
    if (grants.includes('video')) params.room = 'daily-standup';
    if (grants.includes('taskrouter')) params.worker = WORKER_SID;
    const result = await handleToken(vars, params, { log: () => {} });
    expect(result).toMatchObject({ status: 200 });
    const { token } = result.body as { token: string };
    const report = await inspectToken(token, { expect: expectationsFromConfig(loadConfig(vars)) });
    expect(findingKeys(report)).toEqual(notes);
    expect(report.valid).toBe(notes.length === 0);
    expect(report.signature).toBe('valid');
    expect(report.identity).toBe('alice_01');
    expect(report.grants.map((g) => g.key)).toEqual(grants.map((g) => PRODUCTS[g].payloadKey));
    expect(report.times.status).toBe('active');
  });

  test.each([
    ['the longest ttl Twilio allows', { ttl: '86400' }],
    ['the shortest ttl', { ttl: '1' }],
    ['incoming calls off', { incomingAllow: 'false' }],
  ])('%s', async (_, extra) => {
    const vars = deployed();
    const result = await handleToken(vars, { identity: 'alice', grants: 'voice,video', ...extra }, { log: () => {} });
    const report = await inspectToken((result.body as { token: string }).token, { expect: expectationsFromConfig(loadConfig(vars)) });
    expect(findingKeys(report)).toEqual([]);
    expect(report.valid).toBe(true);
  });
});

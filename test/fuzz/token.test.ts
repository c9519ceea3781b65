/**
 * Property-based fuzzing of /token through the real function handler: 10,000 generated events
 * per property (hostile types, unicode, huge strings, prototype-pollution keys, random headers),
 * each answer checked against an independent model of the contract and for leaks.
 */
import fc from 'fast-check';
import { ALLOWED_ORIGIN, anyTokenEvent, DOMAIN_NAME, tokenEvent } from './arbitraries';
import { expectTokenAnswer, type Expectation, type ModelConfig } from './oracle';
import { checkTokenAnswer, count, expectCoverage, REQUEST_ERRORS, type Tally } from './checks';
import { fuzzHarness, fuzzOptions, FUZZ_TEST_TIMEOUT_MS, invoke, RUNS } from './support';
import { REAL_LOOKING, TEST_SECRET } from '../support/env';

jest.setTimeout(FUZZ_TEST_TIMEOUT_MS);

const { handler: fn, logs } = fuzzHarness('token');

/** The full deployed configuration: every product, a push credential, an origin list. */
const FULL_VARS = {
  ...REAL_LOOKING,
  DOMAIN_NAME,
  ALLOWED_ORIGINS: `${ALLOWED_ORIGIN},http://localhost:5173`,
  AUTH_MODE: 'none',
};
const FULL_MODEL: ModelConfig = {
  accountSid: REAL_LOOKING.ACCOUNT_SID,
  apiKey: REAL_LOOKING.API_KEY,
  outgoingSid: REAL_LOOKING.OUTGOING_SID,
  chatServiceSid: REAL_LOOKING.CHAT_SERVICE_SID,
  syncServiceSid: REAL_LOOKING.SYNC_SERVICE_SID,
  pushCredentialSid: REAL_LOOKING.PUSH_CREDENTIAL_SID,
  workspaceSid: REAL_LOOKING.TASKROUTER_WORKSPACE_SID,
  defaultTtl: 3600,
  maxTtl: 86_400,
  allowedOrigins: [ALLOWED_ORIGIN, 'http://localhost:5173'],
  domainName: DOMAIN_NAME,
};

/**
 * A partial deployment: no TwiML App, the runtime's own ZS SID in SERVICE_SID (never a chat
 * service), a TaskRouter Workspace, a region, a short TTL cap. Voice and chat requests are
 * config_errors by design.
 */
const PARTIAL_VARS = {
  ACCOUNT_SID: REAL_LOOKING.ACCOUNT_SID,
  API_KEY: REAL_LOOKING.API_KEY,
  API_SECRET: TEST_SECRET,
  TASKROUTER_WORKSPACE_SID: REAL_LOOKING.TASKROUTER_WORKSPACE_SID,
  SERVICE_SID: 'ZS' + '0a'.repeat(16),
  TWILIO_REGION: 'ie1',
  TOKEN_TTL: '300',
  TOKEN_MAX_TTL: '600',
  ALLOWED_ORIGINS: '*',
  DOMAIN_NAME,
  AUTH_MODE: 'none',
};
const PARTIAL_MODEL: ModelConfig = {
  accountSid: REAL_LOOKING.ACCOUNT_SID,
  apiKey: REAL_LOOKING.API_KEY,
  syncServiceSid: 'default',
  workspaceSid: REAL_LOOKING.TASKROUTER_WORKSPACE_SID,
  region: 'ie1',
  defaultTtl: 300,
  maxTtl: 600,
  allowedOrigins: '*',
  domainName: DOMAIN_NAME,
};

/** Checks one answer against the model and the leak rules; returns the minted token, if any. */
function fuzz(vars: Record<string, string>, model: ModelConfig, tally: Tally) {
  return fc.asyncProperty(anyTokenEvent, async (event) => {
    const expected = expectTokenAnswer(event, model);
    const answer = await invoke(fn(), vars, event, logs);
    count(tally, answer);
    await checkTokenAnswer(answer, expected, { secrets: [TEST_SECRET] });
  });
}

describe('/token under generated input', () => {
  test(`full configuration: ${RUNS} events answer as the contract says, never 5xx, never leak`, async () => {
    const tally: Tally = new Map();
    await fc.assert(fuzz(FULL_VARS, FULL_MODEL, tally), fuzzOptions());
    expectCoverage(tally, ['200 token', '204 preflight', '403 origin_not_allowed', '415 unsupported_media_type', ...REQUEST_ERRORS], 0.1);
  });

  test(`partial configuration: ${RUNS} events; the only 5xx is config_error for the unconfigured voice/chat grants`, async () => {
    const tally: Tally = new Map();
    await fc.assert(fuzz(PARTIAL_VARS, PARTIAL_MODEL, tally), fuzzOptions());
    expectCoverage(tally, ['200 token', '204 preflight', '500 config_error', '415 unsupported_media_type', ...REQUEST_ERRORS], 0.01);
  });

  test(`the API secret pasted into every other variable: ${RUNS} events get config_error naming variables, never the value`, async () => {
    const vars = {
      ACCOUNT_SID: TEST_SECRET,
      API_KEY: REAL_LOOKING.API_KEY,
      API_SECRET: TEST_SECRET,
      OUTGOING_SID: TEST_SECRET,
      CHAT_SERVICE_SID: TEST_SECRET,
      SYNC_SERVICE_SID: TEST_SECRET,
      PUSH_CREDENTIAL_SID: TEST_SECRET,
      TASKROUTER_WORKSPACE_SID: TEST_SECRET,
      TWILIO_REGION: TEST_SECRET,
      TOKEN_TTL: TEST_SECRET,
      TOKEN_MAX_TTL: TEST_SECRET,
      ALLOWED_ORIGINS: `${ALLOWED_ORIGIN},${TEST_SECRET},https://${TEST_SECRET}.example.com/`,
      DOMAIN_NAME,
      AUTH_MODE: 'none',
    };
    const model: ModelConfig = { ...FULL_MODEL, allowedOrigins: [ALLOWED_ORIGIN] };
    await fc.assert(
      fc.asyncProperty(tokenEvent, async (event) => {
        const expected = expectTokenAnswer(event, model);
        const answer = await invoke(fn(), vars, event, logs);
        const configured: Expectation =
          expected.kind === 'forbidden_origin' || expected.kind === 'preflight'
            ? expected
            : {
                kind: 'error',
                origin: expected.origin,
                status: 500,
                accepted: [
                  'config_error ACCOUNT_SID,OUTGOING_SID,PUSH_CREDENTIAL_SID,CHAT_SERVICE_SID,SYNC_SERVICE_SID,TASKROUTER_WORKSPACE_SID,TWILIO_REGION,TOKEN_MAX_TTL,TOKEN_TTL,ALLOWED_ORIGINS',
                ],
              };
        await checkTokenAnswer(answer, configured, { secrets: [TEST_SECRET] });
      }),
      fuzzOptions(),
    );
  });
});

import { loadConfig, readCorsSettings } from '../../lib/config/service';
import { isDemoCredentials } from '../../lib/demo';
import { ServiceError } from '../../lib/errors';
import { demoVars, realVars, REAL_LOOKING, TEST_SECRET } from '../support/env';

function configErrorOf(vars: Record<string, unknown>): ServiceError {
  try {
    loadConfig(vars);
  } catch (error) {
    if (error instanceof ServiceError) return error;
    throw error;
  }
  throw new Error('expected a config_error');
}

describe('loadConfig', () => {
  test('reads a complete deployment configuration', () => {
    const vars = realVars({
      TWILIO_REGION: 'IE1',
      TOKEN_TTL: '600',
      TOKEN_MAX_TTL: '7200',
      ALLOWED_ORIGINS: 'https://a.example.com, http://localhost:5173',
    });
    expect(loadConfig(vars)).toEqual({
      accountSid: REAL_LOOKING.ACCOUNT_SID,
      apiKey: REAL_LOOKING.API_KEY,
      apiSecret: TEST_SECRET,
      region: 'ie1',
      isLocal: false,
      defaultTtl: 600,
      maxTtl: 7200,
      products: {
        voice: {
          applicationSid: REAL_LOOKING.OUTGOING_SID,
          pushCredentialSid: REAL_LOOKING.PUSH_CREDENTIAL_SID,
          paramClaims: [],
          dialPrefixes: [],
        },
        video: { roomType: 'group' },
        chat: { serviceSid: REAL_LOOKING.CHAT_SERVICE_SID },
        sync: { serviceSid: REAL_LOOKING.SYNC_SERVICE_SID },
        taskrouter: { workspaceSid: REAL_LOOKING.TASKROUTER_WORKSPACE_SID, workerClaim: 'twilio_worker_sid' },
      },
    });
    // The CORS settings are read on their own (leniently, so errors carry CORS headers too).
    expect(readCorsSettings(vars)).toEqual({
      allowedOrigins: { anyOrigin: false, origins: new Set(['https://a.example.com', 'http://localhost:5173']) },
      domainName: 'token-service-1234-dev.twil.io',
    });
    expect(isDemoCredentials(vars)).toBe(false);
  });

  test('the demo configuration loads locally and defaults ttl to 3600 with a 24 h cap', () => {
    const vars = demoVars({ TOKEN_TTL: undefined, TOKEN_MAX_TTL: undefined, DOMAIN_NAME: 'localhost:3000' });
    expect(loadConfig(vars)).toMatchObject({
      isLocal: true,
      defaultTtl: 3600,
      maxTtl: 86400,
      products: { sync: { serviceSid: 'default' } },
    });
    expect(isDemoCredentials(vars)).toBe(true);
  });

  test('the demo configuration on a deployed domain is refused', () => {
    const error = configErrorOf(demoVars({ DOMAIN_NAME: 'token-1234-dev.twil.io' }));
    expect(error.status).toBe(500);
    expect(error.message).toMatch(/demo configuration/);
  });

  test('missing credentials are all named in one error, and no value is printed', () => {
    const error = configErrorOf({ OUTGOING_SID: 'not-a-sid' });
    expect(error.code).toBe('config_error');
    expect(error.field).toBe('ACCOUNT_SID,API_KEY,API_SECRET,OUTGOING_SID');
    expect(error.message).not.toContain('not-a-sid');
  });

  // #17: callers learn the variable and what it must be; what it holds (its prefix, its length, its
  // shape) is for the operator: the log line's detail and the doctor.
  test.each([
    [
      'ACCOUNT_SID',
      'SK' + 'a'.repeat(32),
      /must be an Account SID \(AC \+ 32 hex digits\)/,
      /holds an API Key SID \(SK\.\.\.\) where an Account SID/,
    ],
    ['API_KEY', 'AC' + 'a'.repeat(32), /must be an API Key SID/, /holds an Account SID \(AC\.\.\.\) where an API Key SID/],
    ['API_KEY', 'SKshort', /must be an API Key SID \(SK \+ 32 hex digits\)/, /7 characters given, 34 expected/],
    ['OUTGOING_SID', 'PN' + 'a'.repeat(32), /must be a TwiML App SID/, /starts with PN/],
    ['PUSH_CREDENTIAL_SID', 'AP' + 'a'.repeat(32), /must be a Push Credential SID/, /TwiML App SID/],
    ['CHAT_SERVICE_SID', 'ZS' + 'a'.repeat(32), /must be a Conversations\/Chat or Sync service SID/, /Serverless service SID/],
    ['SYNC_SERVICE_SID', 'nope', /must be a Conversations\/Chat or Sync service SID/, /must start with IS/],
    ['TASKROUTER_WORKSPACE_SID', 'WK' + 'a'.repeat(32), /must be a TaskRouter Workspace SID/, /TaskRouter Worker SID/],
    ['TWILIO_REGION', 'mars1', /must be one of us1/, /must be one of us1/],
    ['TOKEN_TTL', '90000', /rejects tokens living over 24 h/, /is 90000 s/],
    ['TOKEN_MAX_TTL', '100000', /rejects tokens living over 24 h/, /is 100000 s/],
    ['TOKEN_TTL', '1h', /whole number of seconds/, /whole number of seconds/],
    ['ALLOWED_ORIGINS', 'https://a.example.com/', /comma list of origins/, /ends with a slash/],
    ['ALLOWED_ORIGINS', 'a.example.com', /comma list of origins/, /has no scheme/],
    ['ALLOWED_ORIGINS', 'https://a.example.com/app', /comma list of origins/, /has a path/],
    ['AUTH_VOICE_PARAMS', 'tenant, my plan', /comma list of claim names/, /comma list of claim names/],
    ['AUTH_WORKER_CLAIM', 'worker sid', /a claim name without spaces/, /a claim name without spaces/],
    ['API_KEY_PREVIOUS', 'AC' + 'a'.repeat(32), /must be an API Key SID/, /holds an Account SID/],
    ['VOICE_CALLER_ID', '555-0100', /must be a phone number in E\.164 form/, /E\.164/],
    ['VOICE_DIAL_PREFIXES', '+1,44', /comma list of \+ and digits/, /comma list of \+ and digits/],
  ])(
    '%s=%s is a config_error naming the variable and what it must be; what it holds goes to the log',
    (name, value, forCallers, forOperator) => {
      const error = configErrorOf(realVars({ [name]: value }));
      expect(error.field).toBe(name);
      expect(error.message).toMatch(forCallers);
      expect(error.logDetail ?? error.message).toMatch(forOperator);
      expect(error.message).not.toMatch(
        /characters given|holds an? |starts with [A-Z]{2}|is \d+ s|ends with a slash|has no scheme|has a path/,
      );
      expect(error.message).not.toContain(value);
    },
  );

  test('the previous key of a rotation: kept beside the current one while both it and its secret are set, never minted with', () => {
    const previous = 'SK' + '5e'.repeat(16);
    const secret = 'Pr3v10usS3cr3tPr3v10usS3cr3tXyZw';
    expect(loadConfig(realVars({ API_KEY_PREVIOUS: previous, API_SECRET_PREVIOUS: secret })).previousKey).toEqual({
      apiKey: previous,
      apiSecret: secret,
    });
    expect(loadConfig(realVars({ API_KEY_PREVIOUS: previous })).previousKey).toBeUndefined();
    expect(loadConfig(realVars({ API_KEY_PREVIOUS: REAL_LOOKING.API_KEY, API_SECRET_PREVIOUS: secret })).previousKey).toBeUndefined();
    expect(loadConfig(realVars({ API_KEY_PREVIOUS: previous, API_SECRET_PREVIOUS: secret })).apiKey).toBe(REAL_LOOKING.API_KEY);
  });

  test('VOICE_CALLER_ID and VOICE_DIAL_PREFIXES: the voice settings /voice dials with', () => {
    const voice = loadConfig(realVars({ VOICE_CALLER_ID: '+15005550006', VOICE_DIAL_PREFIXES: ' +1, +44,,+1' })).products.voice;
    expect([voice.callerId, voice.dialPrefixes]).toEqual(['+15005550006', ['+1', '+44']]);
  });

  test('TOKEN_TTL above TOKEN_MAX_TTL is a config_error', () => {
    expect(configErrorOf(realVars({ TOKEN_TTL: '7200', TOKEN_MAX_TTL: '3600' })).field).toBe('TOKEN_TTL');
  });

  test("the runtime's own ZS service SID in SERVICE_SID never becomes the chat service", () => {
    const config = loadConfig(realVars({ CHAT_SERVICE_SID: undefined, SERVICE_SID: 'ZS' + '0a'.repeat(16) }));
    expect(config.products.chat.serviceSid).toBeUndefined();
  });

  test('SERVICE_SID holding an IS SID is the chat service (the tutorials name), CHAT_SERVICE_SID wins over it', () => {
    const legacy = 'IS' + '77'.repeat(16);
    expect(loadConfig(realVars({ CHAT_SERVICE_SID: undefined, SERVICE_SID: legacy })).products.chat.serviceSid).toBe(legacy);
    expect(loadConfig(realVars({ SERVICE_SID: legacy })).products.chat.serviceSid).toBe(REAL_LOOKING.CHAT_SERVICE_SID);
  });

  test('ALLOWED_ORIGINS=* allows any origin; unset allows none besides the service itself', () => {
    expect(() => loadConfig(realVars({ ALLOWED_ORIGINS: '*' }))).not.toThrow();
    expect(readCorsSettings(realVars({ ALLOWED_ORIGINS: '*' })).allowedOrigins).toEqual({ anyOrigin: true });
    expect(readCorsSettings(realVars()).allowedOrigins).toEqual({ anyOrigin: false, origins: new Set() });
  });

  test('readCorsSettings keeps the good origins of a bad list so errors still carry CORS headers', () => {
    expect(readCorsSettings({ ALLOWED_ORIGINS: 'https://ok.example.com,bad/', DOMAIN_NAME: 'x.twil.io' })).toEqual({
      allowedOrigins: { anyOrigin: false, origins: new Set(['https://ok.example.com']) },
      domainName: 'x.twil.io',
    });
  });
});

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
      outgoingApplicationSid: REAL_LOOKING.OUTGOING_SID,
      chatServiceSid: REAL_LOOKING.CHAT_SERVICE_SID,
      syncServiceSid: REAL_LOOKING.SYNC_SERVICE_SID,
      pushCredentialSid: REAL_LOOKING.PUSH_CREDENTIAL_SID,
      region: 'ie1',
      isLocal: false,
      defaultTtl: 600,
      maxTtl: 7200,
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
    expect(loadConfig(vars)).toMatchObject({ isLocal: true, defaultTtl: 3600, maxTtl: 86400, syncServiceSid: 'default' });
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

  test.each([
    ['ACCOUNT_SID', 'SK' + 'a'.repeat(32), /holds an API Key SID \(SK\.\.\.\) where an Account SID/],
    ['API_KEY', 'AC' + 'a'.repeat(32), /holds an Account SID \(AC\.\.\.\) where an API Key SID/],
    ['API_KEY', 'SKshort', /32 hex digits/],
    ['OUTGOING_SID', 'PN' + 'a'.repeat(32), /must start with AP|starts with PN/],
    ['PUSH_CREDENTIAL_SID', 'AP' + 'a'.repeat(32), /TwiML App SID/],
    ['CHAT_SERVICE_SID', 'ZS' + 'a'.repeat(32), /Serverless service SID/],
    ['SYNC_SERVICE_SID', 'nope', /must start with IS/],
    ['TWILIO_REGION', 'mars1', /must be one of us1/],
    ['TOKEN_TTL', '90000', /rejects tokens living over 86400/],
    ['TOKEN_MAX_TTL', '100000', /rejects tokens living over 86400/],
    ['TOKEN_TTL', '1h', /whole number of seconds/],
    ['ALLOWED_ORIGINS', 'https://a.example.com/', /ends with a slash/],
    ['ALLOWED_ORIGINS', 'a.example.com', /has no scheme/],
    ['ALLOWED_ORIGINS', 'https://a.example.com/app', /has a path/],
  ])('%s=%s is a config_error naming the variable', (name, value, message) => {
    const error = configErrorOf(realVars({ [name]: value }));
    expect(error.field).toBe(name);
    expect(error.message).toMatch(message);
  });

  test('TOKEN_TTL above TOKEN_MAX_TTL is a config_error', () => {
    expect(configErrorOf(realVars({ TOKEN_TTL: '7200', TOKEN_MAX_TTL: '3600' })).field).toBe('TOKEN_TTL');
  });

  test("the runtime's own ZS service SID in SERVICE_SID never becomes the chat service", () => {
    const config = loadConfig(realVars({ CHAT_SERVICE_SID: undefined, SERVICE_SID: 'ZS' + '0a'.repeat(16) }));
    expect(config.chatServiceSid).toBeUndefined();
  });

  test('SERVICE_SID holding an IS SID is the chat service (the tutorials name), CHAT_SERVICE_SID wins over it', () => {
    const legacy = 'IS' + '77'.repeat(16);
    expect(loadConfig(realVars({ CHAT_SERVICE_SID: undefined, SERVICE_SID: legacy })).chatServiceSid).toBe(legacy);
    expect(loadConfig(realVars({ SERVICE_SID: legacy })).chatServiceSid).toBe(REAL_LOOKING.CHAT_SERVICE_SID);
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

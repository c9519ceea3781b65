/**
 * The request log: one JSON line per request, in the exact shape operators search and alert on,
 * for a success and for every class of failure, through the function handlers the runtime calls.
 * No line ever carries the minted or inspected token, API_SECRET, APP_PASSCODE, AUTH_JWT_SECRET
 * or the caller's bearer credential.
 */
import { SignJWT } from 'jose';
import AccessToken from 'twilio/lib/jwt/AccessToken';
import { handleToken } from '../../lib/endpoints/token';
import { invoke, LogCapture, type Answer, type FunctionHandler } from '../fuzz/support';
import { installTwilioGlobals } from '../support/runtime';
import { realVars, REAL_LOOKING, TEST_SECRET } from '../support/env';

const ORIGIN = 'https://app.example.com';
const PASSCODE = 'logging-test-passcode-5e8d1c2b';
const JWT_SECRET = 'logging-test-app-jwt-secret-9a8b7c6d5e4f3a2b1c0d';
const TIME = expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
const MS = expect.any(Number);

const logs = new LogCapture();
let token: FunctionHandler;
let inspect: FunctionHandler;

beforeAll(() => {
  installTwilioGlobals();

  token = require('../../functions/token').handler;
  inspect = require('../../functions/inspect').handler;

  logs.start();
});
afterAll(() => logs.stop());

const open = realVars({ AUTH_MODE: 'none', ALLOWED_ORIGINS: ORIGIN });
const event = (params: Record<string, unknown>, headers: Record<string, string> = {}) => ({ ...params, request: { headers, cookies: {} } });

/** Every secret of every mode, and what the caller presented: none may be in a log line. */
const NEVER_LOGGED = [TEST_SECRET, PASSCODE, JWT_SECRET];

function onlyLine(answer: Answer, alsoHidden: string[] = []): Record<string, unknown> {
  expect(answer.logs).toHaveLength(1);
  const line = answer.logs[0]!;
  expect(line).not.toContain('\n');
  for (const hidden of [...NEVER_LOGGED, ...alsoHidden]) expect(line).not.toContain(hidden);
  // Nothing JWT-shaped at all, whoever's token it is.
  expect(line).not.toMatch(/eyJ[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\./);
  return JSON.parse(line);
}

/** The token and its signature alone (a log that kept only the signature would still be a leak). */
const tokenParts = (jwt: string): string[] => [jwt, jwt.split('.')[2]!];

describe('/token request log lines', () => {
  test('success: time, path, status, outcome, identity, grants, ttl, ms; with the origin when one was sent', async () => {
    const answer = await invoke(token, open, event({ identity: 'alice', grants: 'voice,video', ttl: '600' }, { origin: ORIGIN }), logs);
    expect(answer.status).toBe(200);
    expect(onlyLine(answer, tokenParts(answer.json.token))).toEqual({
      time: TIME,
      path: '/token',
      status: 200,
      outcome: 'ok',
      origin: ORIGIN,
      identity: 'alice',
      grants: ['voice', 'video'],
      ttl: 600,
      ms: MS,
    });
  });

  test('the time is when the request arrived and ms how long it took', async () => {
    const before = Date.now();
    const answer = await invoke(token, open, event({ identity: 'alice', grants: 'chat' }), logs);
    const line = onlyLine(answer, tokenParts(answer.json.token));
    expect(Date.parse(line.time as string)).toBeGreaterThanOrEqual(before - 1);
    expect(line.ms).toBeGreaterThanOrEqual(0);
    expect(line).toEqual({
      time: TIME,
      path: '/token',
      status: 200,
      outcome: 'ok',
      identity: 'alice',
      grants: ['chat'],
      ttl: 3600,
      ms: MS,
    });
  });

  test.each([
    ['missing_identity', { grants: 'video' }, {}],
    ['invalid_identity', { identity: 'alice smith', grants: 'voice' }, { identity: 'alice smith' }],
    ['missing_grants', { identity: 'alice' }, { identity: 'alice' }],
    ['invalid_grant', { identity: 'alice', grants: 'video,phone' }, { identity: 'alice' }],
    ['invalid_ttl', { identity: 'alice', grants: 'video', ttl: '90000' }, { identity: 'alice' }],
    ['invalid_room', { identity: 'alice', grants: 'video', room: ' lobby' }, { identity: 'alice' }],
    ['invalid_param', { identity: 'alice', grants: 'video', incomingAllow: 'false' }, { identity: 'alice' }],
  ])('400 %s: the outcome is the error code, field names the parameter, the identity as sent', async (code, params, logged) => {
    const answer = await invoke(token, open, event(params), logs);
    expect(answer.status).toBe(400);
    expect(onlyLine(answer)).toEqual({
      time: TIME,
      path: '/token',
      status: 400,
      outcome: code,
      ...logged,
      field: answer.json.error.field,
      ms: MS,
    });
  });

  test('user input in the line is one line and at most 64 characters: control characters become ?', async () => {
    const answer = await invoke(token, open, event({ identity: `a\nb\u0000${'x'.repeat(100)}`, grants: 'chat' }), logs);
    expect(onlyLine(answer)).toEqual({
      time: TIME,
      path: '/token',
      status: 400,
      outcome: 'invalid_identity',
      identity: `a?b?${'x'.repeat(60)}...`,
      field: 'identity',
      ms: MS,
    });
  });

  test('403 origin_not_allowed: the origin and field Origin', async () => {
    const answer = await invoke(token, open, event({ identity: 'alice', grants: 'video' }, { origin: 'https://evil.example.com' }), logs);
    expect(onlyLine(answer)).toEqual({
      time: TIME,
      path: '/token',
      status: 403,
      outcome: 'origin_not_allowed',
      origin: 'https://evil.example.com',
      field: 'Origin',
      ms: MS,
    });
  });

  test('204 preflight', async () => {
    const answer = await invoke(token, open, event({}, { origin: ORIGIN, 'access-control-request-method': 'POST' }), logs);
    expect(onlyLine(answer)).toEqual({ time: TIME, path: '/token', status: 204, outcome: 'preflight', origin: ORIGIN, ms: MS });
  });

  test('500 config_error while loading the configuration: the variables, never their values', async () => {
    const answer = await invoke(token, { ...open, API_KEY: TEST_SECRET }, event({ identity: 'alice', grants: 'video' }), logs);
    // #17: the caller reads what API_KEY must be; what it holds (its shape, never its value) is the operator's.
    expect(onlyLine(answer)).toEqual({
      time: TIME,
      path: '/token',
      status: 500,
      outcome: 'config_error',
      field: 'API_KEY',
      detail:
        'The token service is misconfigured: API_KEY must start with SK (an API Key SID looks like SKxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx).',
      ms: MS,
    });
  });

  test('500 config_error for a grant that is not configured: what was asked, and the variable', async () => {
    const answer = await invoke(token, { ...open, OUTGOING_SID: undefined }, event({ identity: 'alice', grants: 'voice' }), logs);
    expect(onlyLine(answer)).toEqual({
      time: TIME,
      path: '/token',
      status: 500,
      outcome: 'config_error',
      identity: 'alice',
      grants: ['voice'],
      field: 'OUTGOING_SID',
      ms: MS,
    });
  });

  test('500 internal_error (a bug of ours): the error name and message, no stack, nothing in the answer', async () => {
    const lines: string[] = [];
    // twilio's grants, but a token class that fails as a bug of ours would.
    const Broken = class {
      static VideoGrant = AccessToken.VideoGrant;
      constructor() {
        throw new TypeError('boom');
      }
    };
    const result = await handleToken(open, event({ identity: 'alice', grants: 'video' }), {
      log: (line) => lines.push(line),
      AccessToken: Broken as never,
    });
    expect(result.body).toEqual({ error: { code: 'internal_error', message: expect.not.stringContaining('boom') } });
    expect(lines).toHaveLength(1);
    expect(lines[0]).not.toMatch(/\n|\s+at /);
    expect(JSON.parse(lines[0]!)).toEqual({
      time: TIME,
      path: '/token',
      status: 500,
      outcome: 'internal_error',
      identity: 'alice',
      grants: ['video'],
      error: 'TypeError: boom',
      ms: MS,
    });
  });
});

describe('/token log lines with caller authentication', () => {
  const passcodeVars = { ...open, AUTH_MODE: 'passcode', APP_PASSCODE: PASSCODE };
  const jwtVars = { ...open, AUTH_MODE: 'jwt', AUTH_JWT_SECRET: JWT_SECRET };
  const appJwt = (claims: Record<string, unknown>, secret = JWT_SECRET) =>
    new SignJWT({ sub: 'alice', ...claims })
      .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
      .setIssuedAt()
      .setExpirationTime('5m')
      .sign(new TextEncoder().encode(secret));

  test('passcode accepted: the usual success line, no passcode in it', async () => {
    const answer = await invoke(
      token,
      passcodeVars,
      event({ identity: 'alice', grants: 'video' }, { authorization: `Bearer ${PASSCODE}` }),
      logs,
    );
    expect(onlyLine(answer, tokenParts(answer.json.token))).toEqual({
      time: TIME,
      path: '/token',
      status: 200,
      outcome: 'ok',
      identity: 'alice',
      grants: ['video'],
      ttl: 3600,
      ms: MS,
    });
  });

  test.each([
    ['a wrong passcode', { authorization: 'Bearer wrong-passcode-but-long-enough' }, {}],
    ['a passcode param', {}, { passcode: 'wrong-passcode-param-value-123' }],
    ['no credential', {}, {}],
  ])('401 unauthorized for %s: field Authorization, no credential in the line', async (_, headers, params) => {
    const answer = await invoke(token, passcodeVars, event({ identity: 'alice', grants: 'video', ...params }, headers), logs);
    expect(answer.status).toBe(401);
    expect(onlyLine(answer, ['wrong-passcode-but-long-enough', 'wrong-passcode-param-value-123'])).toEqual({
      time: TIME,
      path: '/token',
      status: 401,
      outcome: 'unauthorized',
      field: 'Authorization',
      ms: MS,
    });
  });

  test('jwt accepted: the identity is the verified claim; neither the app JWT nor the minted token is logged', async () => {
    const credential = await appJwt({ sub: 'carol' });
    const answer = await invoke(token, jwtVars, event({ grants: 'chat' }, { authorization: `Bearer ${credential}` }), logs);
    expect(onlyLine(answer, [...tokenParts(answer.json.token), ...tokenParts(credential)])).toEqual({
      time: TIME,
      path: '/token',
      status: 200,
      outcome: 'ok',
      identity: 'carol',
      grants: ['chat'],
      ttl: 3600,
      ms: MS,
    });
  });

  test('jwt with a bad signature: 401, the credential not logged', async () => {
    const credential = await appJwt({}, 'an-attacker-secret-that-is-long-enough-000');
    const answer = await invoke(token, jwtVars, event({ grants: 'chat' }, { authorization: `Bearer ${credential}` }), logs);
    expect(onlyLine(answer, tokenParts(credential))).toEqual({
      time: TIME,
      path: '/token',
      status: 401,
      outcome: 'unauthorized',
      field: 'Authorization',
      ms: MS,
    });
  });

  test('403 identity_mismatch: the verified identity, not the one asked for', async () => {
    const credential = await appJwt({ sub: 'carol' });
    const answer = await invoke(
      token,
      jwtVars,
      event({ identity: 'mallory', grants: 'chat' }, { authorization: `Bearer ${credential}` }),
      logs,
    );
    expect(onlyLine(answer, tokenParts(credential))).toEqual({
      time: TIME,
      path: '/token',
      status: 403,
      outcome: 'identity_mismatch',
      identity: 'carol',
      field: 'identity',
      ms: MS,
    });
  });

  test('403 grant_not_allowed: identity and the grants asked for', async () => {
    const credential = await appJwt({ sub: 'carol', twilio_grants: ['chat'] });
    const answer = await invoke(token, jwtVars, event({ grants: 'chat,voice' }, { authorization: `Bearer ${credential}` }), logs);
    expect(onlyLine(answer, tokenParts(credential))).toEqual({
      time: TIME,
      path: '/token',
      status: 403,
      outcome: 'grant_not_allowed',
      identity: 'carol',
      grants: ['chat', 'voice'],
      field: 'grants',
      ms: MS,
    });
  });
});

describe('/inspect request log lines', () => {
  test('a report: its verdict, the algorithm and the finding codes, never the token', async () => {
    const minted = await invoke(token, open, event({ identity: 'alice', grants: 'video' }), logs);
    const answer = await invoke(inspect, open, event({ token: minted.json.token }), logs);
    expect(answer.status).toBe(200);
    expect(onlyLine(answer, tokenParts(minted.json.token))).toEqual({
      time: TIME,
      path: '/inspect',
      status: 200,
      outcome: 'ok',
      alg: 'HS256',
      valid: answer.json.valid,
      signature: 'valid',
      findings: answer.json.findings.map((f: { code: unknown }) => String(f.code)),
      found: 1,
      ms: MS,
    });
  });

  test('a token carrying the secret: flagged, and still neither secret nor token in the line', async () => {
    const carrier = await new SignJWT({ iss: realVars().API_KEY, leaked: TEST_SECRET })
      .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
      .sign(new TextEncoder().encode(TEST_SECRET));
    const answer = await invoke(inspect, open, event({ token: carrier }), logs);
    expect(answer.raw).not.toContain(TEST_SECRET);
    const line = onlyLine(answer, tokenParts(carrier));
    expect(line).toMatchObject({ path: '/inspect', status: 200, outcome: 'ok', valid: false });
    expect(line.findings).toContain('secret_in_token');
  });

  test.each([
    ['missing_token', {}],
    ['invalid_token', { token: ['a', 'b'] }],
  ])('400 %s: the code and field token', async (code, params) => {
    const answer = await invoke(inspect, open, event(params), logs);
    expect(onlyLine(answer)).toEqual({ time: TIME, path: '/inspect', status: 400, outcome: code, field: 'token', ms: MS });
  });
});

describe('log line time', () => {
  test.each([1795420310000, 1795420310007, 1795420310042, 1795420310999, 1795420311000])(
    'is the exact ISO-8601 of the request start (%i ms)',
    async (ms) => {
      const lines: string[] = [];
      await handleToken(
        { ...REAL_LOOKING, AUTH_MODE: 'none', DOMAIN_NAME: 'localhost:3000' },
        { identity: 'a', grants: 'video' },
        { log: (l) => void lines.push(l), now: () => ms },
      );
      expect(JSON.parse(lines[0]!).time).toBe(new Date(ms).toISOString());
    },
  );
});

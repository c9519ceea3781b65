/**
 * The bugs the fuzz properties found, pinned as plain examples so they stay fixed even when a
 * fuzz run happens not to generate them.
 */
import { loadConfig } from '../../lib/config/service';
import { ServiceError } from '../../lib/errors';
import { header, jsonResult } from '../../lib/http/result';
import { mintToken } from '../../lib/token/mint';
import { parseTokenRequest } from '../../lib/token/request';
import { handleToken } from '../../lib/endpoints/token';
import { realVars, TEST_SECRET } from '../support/env';
import { verifyTwilioToken } from '../support/jwt';
import { startServer } from '../support/runtime';

const vars = realVars({ ALLOWED_ORIGINS: 'https://app.example.com', AUTH_MODE: 'none' });

async function answer(event: Record<string, unknown>): Promise<{ status: number; body: any; log: Record<string, unknown> }> {
  const lines: string[] = [];
  const result = await handleToken(vars, event, { log: (line) => lines.push(line) });
  return { status: result.status, body: result.body, log: JSON.parse(lines[0]!) };
}

function errorOf(run: () => unknown): ServiceError {
  try {
    run();
  } catch (error) {
    if (error instanceof ServiceError) return error;
    throw error;
  }
  throw new Error('expected a ServiceError');
}

describe('headers that are not strings (a JSON body or a qs query can override event.request)', () => {
  test.each([
    ['an object', {}],
    ['a number', 5],
    ['null', null],
    ['a list holding an object', [{}]],
  ])('an Origin that is %s is no Origin: a token, not a 500', async (_, origin) => {
    const { status, body, log } = await answer({ identity: 'alice', grants: 'video', request: { headers: { origin }, cookies: {} } });
    expect({ status, outcome: log.outcome, origin: log.origin }).toEqual({ status: 200, outcome: 'ok', origin: undefined });
    expect(body.token).toEqual(expect.any(String));
  });

  test('a non-string access-control-request-method is not a preflight', async () => {
    const { status } = await answer({ identity: 'alice', grants: 'video', request: { headers: { 'access-control-request-method': 0 } } });
    expect(status).toBe(200);
  });

  test('header() reads strings and the first of a repeated header, nothing else', () => {
    expect([
      header({ a: 'x' }, 'a'),
      header({ a: ['x', 'y'] }, 'a'),
      header({ a: {} as never }, 'a'),
      header({ a: [1] as never }, 'a'),
      header({}, 'a'),
    ]).toEqual(['x', 'x', undefined, undefined, undefined]);
  });

  test('over HTTP: ?request[headers][origin][x]=1 (qs would nest it into event.request) is refused by the local server, not a 500', async () => {
    const server = await startServer(vars);
    try {
      const response = await fetch(`${server.url}/token?identity=alice&grants=video&request[headers][origin][x]=1`);
      // #11: the local server refuses a query that would replace event.request (it was a 200 before).
      expect(response.status).toBe(400);
      expect((await response.json()).error).toMatchObject({ code: 'invalid_param', field: 'request' });
    } finally {
      await server.close();
    }
  });
});

describe('config_error messages are public answers: they never quote a value', () => {
  test('a secret pasted into ALLOWED_ORIGINS is described by position to the operator, not echoed', () => {
    const error = errorOf(() =>
      loadConfig(realVars({ ALLOWED_ORIGINS: `https://ok.example.com,${TEST_SECRET},https://${TEST_SECRET}.example.com/` })),
    );
    expect({ code: error.code, field: error.field }).toEqual({ code: 'config_error', field: 'ALLOWED_ORIGINS' });
    // #17: the caller reads the rule; the entries' shapes are the operator's (the log line's detail).
    expect(error.message).toBe(
      'The token service is misconfigured: ALLOWED_ORIGINS must be a comma list of origins like https://app.example.com.',
    );
    expect(error.logDetail).toContain('entry 2 has no scheme');
    expect(error.logDetail).toContain('entry 3 ends with a slash');
    expect(error.logDetail).not.toContain(TEST_SECRET);
  });
});

const LIMITS = { maxTtl: 86400, products: loadConfig(realVars()).products };

describe('identities and rooms must be valid Unicode text', () => {
  test.each(['\ud800', 'alice\udfff', '\ude00x'])('identity %j (a lone surrogate) is invalid_identity', (identity) => {
    const error = errorOf(() => parseTokenRequest({ identity, grants: 'chat' }, LIMITS));
    expect({ status: error.status, code: error.code, field: error.field }).toEqual({
      status: 400,
      code: 'invalid_identity',
      field: 'identity',
    });
    expect(error.message).toMatch(/valid Unicode/);
  });

  test('a room with a lone surrogate is invalid_room; whole emoji are fine', () => {
    expect(errorOf(() => parseTokenRequest({ identity: 'a', grants: 'video', room: 'party\ud83c' }, LIMITS))).toMatchObject({
      code: 'invalid_room',
      field: 'room',
    });
    expect(parseTokenRequest({ identity: '👩‍👩‍👧', grants: 'video', room: '🎉 party' }, LIMITS)).toMatchObject({
      identity: '👩‍👩‍👧',
      options: { video: { room: '🎉 party' } },
    });
  });
});

describe('the hot-path optimisations keep their behaviour', () => {
  test('expiresAt follows each token exp when ttl alternates (one-entry ISO cache)', async () => {
    const config = loadConfig(realVars());
    for (const ttl of [60, 120, 60, 3600, 60]) {
      const minted = mintToken({ identity: 'alice', grants: ['video'], ttl, options: {} }, config);
      const { payload } = await verifyTwilioToken(minted.token, TEST_SECRET);
      expect(minted.expiresAt).toBe(new Date(payload.exp! * 1000).toISOString());
    }
  });

  test('jsonResult gives every answer its own headers object', () => {
    const cors = { Vary: 'Origin' };
    const first = jsonResult(200, {}, cors);
    first.headers['X-Changed'] = 'yes';
    expect(cors).toEqual({ Vary: 'Origin' });
    expect(jsonResult(400, {}, cors).headers).toEqual({
      Vary: 'Origin',
      'Content-Type': 'application/json',
      'Cache-Control': 'no-store',
      'X-Content-Type-Options': 'nosniff',
    });
  });

  test('the configuration memo follows every change of a variable, including its removal', () => {
    const withTtl = realVars({ TOKEN_TTL: '600' });
    expect(loadConfig(withTtl).defaultTtl).toBe(600);
    expect(loadConfig(realVars({ TOKEN_TTL: '900' })).defaultTtl).toBe(900);
    expect(loadConfig(realVars()).defaultTtl).toBe(3600);
    expect(loadConfig(withTtl).defaultTtl).toBe(600);
    expect(() => loadConfig(realVars({ API_SECRET: undefined }))).toThrow(ServiceError);
  });
});

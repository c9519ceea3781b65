/**
 * The /inspect function as the runtime calls it: the real Twilio.Response, the event shape of
 * @twilio/runtime-handler (params + request.headers), the deployment's own configuration.
 */
import { handleInspect, MAX_PASTE_CHARS } from '../../lib/endpoints/inspect';
import { MAX_TOKEN_CHARS } from '../../lib/inspect';
import { realVars, REAL_LOOKING, TEST_SECRET } from '../support/env';
import { findingKeys, sign, twilioPayload, twilioToken } from '../inspect/support';
import { invoke, loadFunction } from '../support/runtime';

const vars = (extra: Record<string, string | undefined> = {}) =>
  realVars({ AUTH_MODE: 'none', ALLOWED_ORIGINS: 'https://app.example.com', ...extra });
const withHeaders = (params: Record<string, unknown>, headers: Record<string, string> = {}) => ({
  ...params,
  request: { headers, cookies: {} },
});

let logs: string[] = [];
beforeEach(() => {
  logs = [];
  jest.spyOn(console, 'log').mockImplementation((line: string) => void logs.push(line));
});
afterEach(() => jest.restoreAllMocks());

async function call(
  context: Record<string, unknown>,
  event: Record<string, unknown>,
): Promise<{ status: number; headers: Record<string, unknown>; body: string; json: Record<string, any> }> {
  const { status, headers, raw, json } = await invoke(loadFunction('inspect'), context, event);
  return { status, headers, body: raw, json: json ?? {} };
}

/** The log must never hold the token: no part of it, not even the signature. */
function expectNoTokenIn(text: string, token: string): void {
  for (const part of token.split('.')) if (part.length > 8) expect(text).not.toContain(part);
}

describe('functions/inspect handler', () => {
  test('a token of this deployment: 200 with the report, valid, signature verified; the log has a fingerprint, not the token', async () => {
    const token = twilioToken();
    const { status, headers, body, json } = await call(vars(), withHeaders({ token }, { origin: 'https://app.example.com' }));
    expect(status).toBe(200);
    expect(headers).toMatchObject({
      'Content-Type': 'application/json',
      'Cache-Control': 'no-store',
      'Access-Control-Allow-Origin': 'https://app.example.com',
    });
    expect(json).toMatchObject({
      valid: true,
      signature: 'valid',
      identity: 'alice',
      findings: [],
      checkedAgainst: { accountSid: REAL_LOOKING.ACCOUNT_SID, secretKnown: true },
    });
    expect(body).not.toContain(TEST_SECRET);

    expect(logs).toHaveLength(1);
    const line = JSON.parse(logs[0]!);
    expect(line).toEqual({
      time: expect.any(String),
      path: '/inspect',
      status: 200,
      outcome: 'ok',
      origin: 'https://app.example.com',
      alg: 'HS256',
      valid: true,
      signature: 'valid',
      findings: [],
      found: 1,
      ms: expect.any(Number),
    });
    expectNoTokenIn(logs[0]!, token);
  });

  test('a token of another deployment: "signed with another secret" (20107) and "issued for another account" (20103)', async () => {
    const secret = 'ffffffffffffffffffffffffffffffff';
    const token = await sign({ ...twilioPayload(Math.floor(Date.now() / 1000)), sub: 'AC' + '99'.repeat(16) }, { secret });
    const { status, json } = await call(vars(), withHeaders({ token }));
    expect(status).toBe(200);
    expect(findingKeys(json as never)).toEqual(['error 20103 payload.sub', 'error 20107 signature']);
    expect(json.valid).toBe(false);
    const line = JSON.parse(logs[0]!);
    expect(line).toMatchObject({ valid: false, signature: 'invalid', findings: ['20103', '20107'] });
  });

  test('an expired token is a 200 answer whose report says 20104', async () => {
    const token = await sign(twilioPayload(Math.floor(Date.now() / 1000), { age: 7200 }));
    const { status, json } = await call(vars(), withHeaders({ token: `Bearer ${token}` }));
    expect(status).toBe(200);
    expect(findingKeys(json as never)).toEqual(['error 20104 payload.exp']);
    expect(json.times.summary).toBe('expired 1 h ago');
  });

  test('a token carrying the API secret: the answer and the log hold no secret', async () => {
    const token = await sign({ ...twilioPayload(Math.floor(Date.now() / 1000)), leaked: TEST_SECRET });
    const { body, json } = await call(vars(), withHeaders({ token }));
    expect(body).not.toContain(TEST_SECRET);
    expect(logs.join('\n')).not.toContain(TEST_SECRET);
    expect(json.findings.map((f: { code: unknown }) => f.code)).toContain('secret_in_token');
  });

  test("the deployment's own API_SECRET pasted: named as its secret, to rotate if shared; neither the answer nor the log holds it (issue 19)", async () => {
    const { status, body, json } = await call(vars(), withHeaders({ token: `API_SECRET=${TEST_SECRET}\n` }));
    expect(status).toBe(200);
    expect(json).toEqual({
      valid: false,
      found: 0,
      source: 'the pasted text',
      findings: [
        {
          code: 'api_secret_pasted',
          severity: 'error',
          field: 'token',
          twilioCode: 20160,
          message:
            "This is API_SECRET, the secret of this service's API key (API_KEY), not an Access Token: whoever has it can mint tokens for your account.",
          hint: expect.stringMatching(/^If you shared it, rotate it: create a new API key/),
        },
      ],
    });
    expect(body + logs.join('\n')).not.toContain(TEST_SECRET);
    expect(JSON.parse(logs[0]!)).toMatchObject({ found: 0, findings: ['api_secret_pasted'] });
  });

  test('garbage is a 200 answer saying it is not a token (Twilio would answer 20160), and the log still holds no input', async () => {
    const { status, json } = await call(vars(), withHeaders({ token: 'not-a-token-at-all-but-long-enough' }));
    expect(status).toBe(200);
    // Issue 12: what the text is instead, not an empty report around a 20160.
    expect(json).toEqual({
      valid: false,
      found: 0,
      source: 'the pasted text',
      findings: [expect.objectContaining({ code: 'not_a_token', severity: 'error', field: 'token', twilioCode: 20160 })],
    });
    expect(logs[0]).not.toContain('not-a-token');
    expect(JSON.parse(logs[0]!)).toMatchObject({ alg: 'absent', valid: false, found: 0, findings: ['not_a_token'] });
  });

  test.each([
    ['no token', 400, 'missing_token', {}],
    ['an empty token', 400, 'missing_token', { token: '' }],
    ['a blank token', 400, 'missing_token', { token: '   ' }],
    ['the token sent twice', 400, 'invalid_token', { token: ['a.b.c', 'd.e.f'] }],
    ['a number', 400, 'invalid_token', { token: 42 }],
    ['text over the size limit (256 KB)', 400, 'invalid_token', { token: 'a'.repeat(MAX_PASTE_CHARS + 1) }],
  ])('%s: %i %s with field token', async (_, status, code, params) => {
    const { status: got, json } = await call(vars(), withHeaders(params));
    expect(got).toBe(status);
    expect(json).toEqual({ error: { code, field: 'token', message: expect.any(String) } });
    expect(JSON.parse(logs[0]!)).toMatchObject({ path: '/inspect', status, outcome: code, field: 'token' });
  });

  test('a deeply nested payload within the size limit is a 200 report, not a 500', async () => {
    const part = (text: string) => Buffer.from(text).toString('base64url');
    const token = `${part('{"alg":"HS256","typ":"JWT","cty":"twilio-fpa;v=1"}')}.${part(`{"a":${'['.repeat(5900)}${']'.repeat(5900)}}`)}.c2ln`;
    expect(token.length).toBeLessThanOrEqual(MAX_TOKEN_CHARS);
    const { status, json } = await call(vars(), withHeaders({ token }));
    expect(status).toBe(200);
    expect(findingKeys(json as never)).toEqual(['error 20101 payload']);
  });

  test('text at the size limit is still inspected', async () => {
    const { status } = await call(vars(), withHeaders({ token: 'a'.repeat(MAX_PASTE_CHARS) }));
    expect(status).toBe(200);
  });

  test('a disallowed origin is 403 before any inspection', async () => {
    const { status, json } = await call(vars(), withHeaders({ token: twilioToken() }, { origin: 'https://evil.example.com' }));
    expect(status).toBe(403);
    expect(json.error.code).toBe('origin_not_allowed');
  });

  test('a broken configuration is a 500 config_error naming the variable, never its value', async () => {
    const { status, body, json } = await call(vars({ API_KEY: 'AC' + '9'.repeat(32) }), withHeaders({ token: twilioToken() }));
    expect(status).toBe(500);
    expect(json.error).toMatchObject({ code: 'config_error', field: 'API_KEY' });
    expect(body).not.toContain('9'.repeat(32));
    expect(body).not.toContain(TEST_SECRET);
  });

  test('caller authentication applies as for /token (passcode mode)', async () => {
    const passcode = 'correct-horse-battery-staple';
    const context = vars({ AUTH_MODE: 'passcode', APP_PASSCODE: passcode });
    const token = twilioToken();
    const refused = await call(context, withHeaders({ token }));
    expect(refused.status).toBe(401);
    expect(refused.json.error.code).toBe('unauthorized');
    const allowed = await call(context, withHeaders({ token }, { authorization: `Bearer ${passcode}` }));
    expect(allowed.status).toBe(200);
    expect(allowed.json.valid).toBe(true);
  });
});

describe('handleInspect clock', () => {
  test('the injected clock is the inspection time', async () => {
    const token = await sign(twilioPayload(1_700_000_000));
    const result = await handleInspect(realVars({ AUTH_MODE: 'none' }), { token }, { now: () => 1_700_000_000 * 1000, log: () => {} });
    expect(result.body).toMatchObject({ valid: true, times: { checkedAt: '2023-11-14T22:13:20.000Z', summary: 'expires in 59 min' } });
  });
});

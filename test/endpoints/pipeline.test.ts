/**
 * The answers the pipeline gives before an endpoint runs (#22 item 10): a preflight that reached
 * the function, and the 403 for an Origin outside the policy, whose echo of the header is capped.
 */
import { handleInspect } from '../../lib/endpoints/inspect';
import type { Caller } from '../../lib/auth';
import { RawAnswer, renderJsonError, runEndpoint, type Endpoint, type ErrorContext } from '../../lib/endpoints/pipeline';
import { handleToken } from '../../lib/endpoints/token';
import { realVars, STRONG_PASSCODE } from '../support/env';
import { eventOf } from '../support/runtime';

const ALLOWED = 'https://app.example.com';
const vars = realVars({ ALLOWED_ORIGINS: ALLOWED });
const quiet = { log: () => undefined };

describe('a preflight that reaches the function', () => {
  test.each([
    ['/token', handleToken],
    ['/inspect', handleInspect],
  ])('%s: 204, the CORS headers, no-store and nosniff, no body', async (_, handle) => {
    const result = await handle(vars, eventOf({}, { Origin: ALLOWED, 'Access-Control-Request-Method': 'POST' }), quiet);
    expect(result).toEqual({
      status: 204,
      headers: {
        Vary: 'Origin',
        'Access-Control-Allow-Origin': ALLOWED,
        'Access-Control-Allow-Methods': 'GET, POST, OPTIONS',
        'Access-Control-Allow-Headers': 'Authorization, Content-Type',
        'Access-Control-Expose-Headers': 'WWW-Authenticate',
        'Access-Control-Max-Age': '600',
        'Cache-Control': 'no-store',
        'X-Content-Type-Options': 'nosniff',
      },
    });
  });

  test('from an origin outside the policy: 403, no CORS headers', async () => {
    const result = await handleToken(
      vars,
      eventOf({}, { Origin: 'https://evil.example.com', 'Access-Control-Request-Method': 'POST' }),
      quiet,
    );
    expect({ status: result.status, allow: result.headers['Access-Control-Allow-Origin'] }).toEqual({ status: 403, allow: undefined });
  });
});

describe('the 403 for an origin outside the policy quotes at most 200 characters of it', () => {
  async function refusal(origin: string): Promise<{ status: number; message: string }> {
    const { status, body } = await handleToken(vars, eventOf({ identity: 'alice', grants: 'video' }, { Origin: origin }), quiet);
    return { status, message: (body as { error: { message: string } }).error.message };
  }

  test('a long real-looking origin: named, cut at 200 characters', async () => {
    const origin = `https://${'a'.repeat(5000)}.example`;
    const { status, message } = await refusal(origin);
    expect(status).toBe(403);
    expect(message).toBe(
      `The origin "${origin.slice(0, 200)}" may not call this service; add it to ALLOWED_ORIGINS, a comma list of exact origins as the browser sends them (scheme://host[:port], e.g. https://app.example.com or http://localhost:5173).`,
    );
  });

  test('a long forged header: quoted as JSON, cut at 200 characters', async () => {
    const origin = `x\r\n${'b'.repeat(5000)}`;
    const { status, message } = await refusal(origin);
    expect(status).toBe(403);
    expect(message).toBe(
      `The Origin header ${JSON.stringify(origin.slice(0, 200))} is not a browser origin (scheme://host[:port]); this request is refused.`,
    );
  });

  test('an origin of exactly 200 characters is quoted whole', async () => {
    const origin = `https://${'c'.repeat(200 - 'https://.example'.length)}.example`;
    expect(origin).toHaveLength(200);
    expect((await refusal(origin)).message).toContain(`"${origin}"`);
  });
});

test('the log line says how long the request took, by the clock it is given', async () => {
  const lines: string[] = [];
  const times = [1_700_000_000_000, 1_700_000_000_042];
  await handleToken(vars, eventOf({ identity: 'alice', grants: 'video' }), { log: (line) => lines.push(line), now: () => times.shift()! });
  expect(JSON.parse(lines[0]!)).toMatchObject({ time: '2023-11-14T22:13:20.000Z', outcome: 'ok', ms: 42 });
});

/**
 * The pipeline's options, each through a stub endpoint that records what it was handed: an
 * answer that is not JSON, a failure that is not an Error, a preflight without an Origin, the
 * context error renderers see, code that answers whatever the configuration, webhooks that take
 * any parameter, and endpoints without caller authentication.
 */
describe('the pipeline options an endpoint chooses', () => {
  const seen: { callers: Caller[]; contexts: ErrorContext[] } = { callers: [], contexts: [] };
  beforeEach(() => {
    seen.callers = [];
    seen.contexts = [];
  });
  const stub = (options: Partial<Endpoint> = {}): Endpoint => ({
    path: '/stub',
    params: ['identity'],
    handle: ({ caller }) => {
      seen.callers.push(caller);
      return { ok: true };
    },
    renderError: (error, context) => {
      seen.contexts.push({ ...context });
      return renderJsonError(error, context);
    },
    ...options,
  });
  async function run(endpoint: Endpoint, event: Record<string, unknown>, env = vars) {
    const lines: string[] = [];
    const result = await runEndpoint(endpoint, env, event, { log: (line) => lines.push(line) });
    return { result, log: JSON.parse(lines[0]!) as Record<string, unknown> };
  }
  const NOSNIFF = { 'X-Content-Type-Options': 'nosniff' };

  test('a RawAnswer is sent as it is, with the CORS headers and nosniff, logged as ok unless it says otherwise', async () => {
    const script = stub({
      handle: () => new RawAnswer({ status: 200, headers: { 'Content-Type': 'text/javascript' }, body: 'export {}' }),
    });
    const { result, log } = await run(script, eventOf({}, { Origin: ALLOWED }));
    expect(result).toEqual({
      status: 200,
      headers: {
        Vary: 'Origin',
        'Access-Control-Allow-Origin': ALLOWED,
        'Access-Control-Expose-Headers': 'WWW-Authenticate',
        'Content-Type': 'text/javascript',
        ...NOSNIFF,
      },
      body: 'export {}',
    });
    expect(log.outcome).toBe('ok');
    const notModified = stub({ handle: () => new RawAnswer({ status: 304, headers: { ETag: '"v1"' } }, 'not_modified') });
    expect(await run(notModified, eventOf({}))).toEqual({
      result: { status: 304, headers: { Vary: 'Origin', ETag: '"v1"', ...NOSNIFF } },
      log: expect.objectContaining({ status: 304, outcome: 'not_modified' }) as unknown,
    });
  });

  test('a thrown value that is not an Error: the same 500, and the log line says what kind of failure it was', async () => {
    const { result, log } = await run(
      stub({
        handle: () => {
          // eslint-disable-next-line @typescript-eslint/only-throw-error -- what a careless dependency does
          throw 'boom';
        },
      }),
      eventOf({}),
    );
    expect({ status: result.status, body: result.body }).toEqual({
      status: 500,
      body: { error: { code: 'internal_error', message: 'The token service failed unexpectedly; see the function logs.' } },
    });
    expect(log).toMatchObject({ outcome: 'internal_error', error: 'non-error thrown' });
  });

  test('a preflight without an Origin: 204 with no CORS grant at all', async () => {
    const { result } = await run(stub(), eventOf({}, { 'Access-Control-Request-Method': 'POST' }));
    expect(result).toEqual({ status: 204, headers: { Vary: 'Origin', 'Cache-Control': 'no-store', ...NOSNIFF } });
  });

  test('error renderers are told the configured AUTH_MODE, and nothing when it did not load', async () => {
    await run(stub(), eventOf({ Identity: 'alice' }), realVars({ AUTH_MODE: 'passcode', APP_PASSCODE: STRONG_PASSCODE }));
    await run(stub(), eventOf({ Identity: 'alice' }), realVars({ AUTH_MODE: 'jwt' }));
    expect(seen.contexts).toEqual([{ authMode: 'passcode' }, {}]);
  });

  test('requiresConfig false answers whatever the configuration, to an anonymous caller; the default is the config_error', async () => {
    const broken = realVars({ ACCOUNT_SID: 'AC123' });
    expect((await run(stub({ requiresConfig: false }), eventOf({}), broken)).result.status).toBe(200);
    expect(seen.callers).toStrictEqual([{ mode: 'none' }]);
    const { result } = await run(stub(), eventOf({}), broken);
    expect({ status: result.status, code: (result.body as { error: { code: string } }).error.code }).toEqual({
      status: 500,
      code: 'config_error',
    });
  });

  test("anyParams takes a webhook's parameters as they come; the default refuses a near miss", async () => {
    expect((await run(stub({ anyParams: true }), eventOf({ Identity: 'alice' }))).result.status).toBe(200);
    const { result } = await run(stub(), eventOf({ Identity: 'alice' }));
    expect({ status: result.status, code: (result.body as { error: { code: string } }).error.code }).toEqual({
      status: 400,
      code: 'unknown_param',
    });
  });

  test('authenticate false: an anonymous caller even when callers must sign in; the default asks for the credential', async () => {
    const passcode = realVars({ AUTH_MODE: 'passcode', APP_PASSCODE: STRONG_PASSCODE });
    expect((await run(stub({ authenticate: false }), eventOf({}), passcode)).result.status).toBe(200);
    expect(seen.callers).toStrictEqual([{ mode: 'none' }]);
    expect((await run(stub(), eventOf({}), passcode)).result.status).toBe(401);
    expect((await run(stub(), eventOf({ passcode: STRONG_PASSCODE }), passcode)).result.status).toBe(200);
    expect(seen.callers).toStrictEqual([{ mode: 'none' }, { mode: 'passcode' }]);
  });
});

/**
 * The answers the pipeline gives before an endpoint runs (#22 item 10): a preflight that reached
 * the function, and the 403 for an Origin outside the policy, whose echo of the header is capped.
 */
import { handleInspect } from '../../lib/endpoints/inspect';
import { handleToken } from '../../lib/endpoints/token';
import { realVars } from '../support/env';
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

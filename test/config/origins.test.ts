/**
 * Origins at their edges: the shape of a browser's Origin (junk before, inside and after a real
 * one), ALLOWED_ORIGINS as people write it (a trailing comma, junk in front of an entry), and the
 * local host names that unlock demo credentials, an http:// JWKS URL and AUTH_MODE=none.
 */
import { isLocalHost, isWellFormedOrigin, parseAllowedOrigins } from '../../lib/config/origins';
import type { CorsSettings } from '../../lib/config/service';
import { runDoctor } from '../../lib/doctor';
import { handleToken } from '../../lib/endpoints/token';
import { isOriginAllowed } from '../../lib/http/cors';
import { demoVars, realVars } from '../support/env';
import { eventOf } from '../support/runtime';

const ORIGIN = 'https://a.example';

/** /token's answer as the pipeline builds it (the headers it sets, before the runtime adds its own). */
async function tokenAnswer(vars: Record<string, string | undefined>, headers: Record<string, string> = {}) {
  const lines: string[] = [];
  const {
    status,
    headers: sent,
    body,
  } = await handleToken(vars, eventOf({ identity: 'alice', grants: 'video' }, headers), {
    log: (line) => lines.push(line),
  });
  // What went wrong in detail is for the function logs; callers get the variable and its shape.
  const detail = (JSON.parse(lines[0]!) as { detail?: string }).detail;
  return { status, headers: sent, json: body as Record<string, any>, detail };
}

/** What callers are told of any malformed entry: the variable and the shape, never a value. */
const PUBLIC_ORIGINS_PROBLEM =
  'The token service is misconfigured: ALLOWED_ORIGINS must be a comma list of origins like https://app.example.com.';

/** A real origin with junk around or inside it: what a forged or mangled Origin header looks like. */
const FORGED = [
  ['CR/LF and text before', `x\r\n${ORIGIN}`],
  ['a word and a space before', `evil ${ORIGIN}`],
  ['a space before', ` ${ORIGIN}`],
  ['a letter glued before', `x${ORIGIN}`],
  ['another origin before', `https://evil.example${ORIGIN}`],
  ['a NUL before', `\u0000${ORIGIN}`],
  ['a space inside the host', 'https://a .example'],
  ['CR/LF inside the host', 'https://a\r\n.example'],
  ['user info inside', 'https://user@a.example'],
  ['a port that is too long', `${ORIGIN}:123456`],
  ['an empty port', `${ORIGIN}:`],
  ['CR/LF after', `${ORIGIN}\r\n`],
  ['a space and a word after', `${ORIGIN} evil`],
  ['a path after', `${ORIGIN}/`],
  ['a query after', `${ORIGIN}?x=1`],
  ['another origin after', `${ORIGIN}https://evil.example`],
] as const;

describe('the shape of an Origin (#22 item 1)', () => {
  test.each([ORIGIN, 'http://localhost:3000', 'http://127.0.0.1:8080', 'http://[::1]:3000', 'https://a-b.c.example:65535'])(
    '%j is a browser origin',
    (origin) => {
      expect(isWellFormedOrigin(origin)).toBe(true);
    },
  );

  test.each(FORGED)('%s: %j is not', (_, origin) => {
    expect(isWellFormedOrigin(origin)).toBe(false);
  });

  const anyOrigin: CorsSettings = { allowedOrigins: { anyOrigin: true }, domainName: 'svc-1234-dev.twil.io' };
  const listed: CorsSettings = { allowedOrigins: { anyOrigin: false, origins: new Set([ORIGIN]) }, domainName: 'svc-1234-dev.twil.io' };

  test.each(FORGED)('%s: refused under ALLOWED_ORIGINS=* and under a list naming the real one', (_, origin) => {
    expect([isOriginAllowed(origin, anyOrigin), isOriginAllowed(origin, listed)]).toEqual([false, false]);
    expect([isOriginAllowed(ORIGIN, anyOrigin), isOriginAllowed(ORIGIN, listed)]).toEqual([true, true]);
  });

  test('through /token with ALLOWED_ORIGINS=*: a forged Origin is a 403 and never echoed in Access-Control-Allow-Origin', async () => {
    for (const origin of [`x\r\n${ORIGIN}`, `evil ${ORIGIN}`]) {
      const answer = await tokenAnswer(realVars({ ALLOWED_ORIGINS: '*' }), { Origin: origin });
      expect({ status: answer.status, code: answer.json.error.code, field: answer.json.error.field }).toEqual({
        status: 403,
        code: 'origin_not_allowed',
        field: 'Origin',
      });
      expect(answer.json.error.message).toMatch(/is not a browser origin/);
      expect(answer.headers).toEqual({
        Vary: 'Origin',
        'Content-Type': 'application/json',
        'Cache-Control': 'no-store',
        'X-Content-Type-Options': 'nosniff',
      });
    }
    const real = await tokenAnswer(realVars({ ALLOWED_ORIGINS: '*' }), { Origin: ORIGIN });
    expect({ status: real.status, allow: real.headers['Access-Control-Allow-Origin'] }).toEqual({ status: 200, allow: ORIGIN });
  });

  test('an ALLOWED_ORIGINS entry with junk in front is reported, not accepted silently', () => {
    for (const entry of [`junk ${ORIGIN}`, `x${ORIGIN}`, `"${ORIGIN}"`]) {
      const { policy, bad } = parseAllowedOrigins(`https://b.example,${entry}`);
      expect({ policy, bad }).toEqual({
        policy: { anyOrigin: false, origins: new Set(['https://b.example']) },
        bad: [{ entry, position: 2 }],
      });
    }
  });

  test('through /token: the entry with junk in front is a config_error naming ALLOWED_ORIGINS by position, not a silent allow', async () => {
    const answer = await tokenAnswer(realVars({ ALLOWED_ORIGINS: `https://b.example, junk ${ORIGIN}` }), { Origin: 'https://b.example' });
    expect({ status: answer.status, code: answer.json.error.code, field: answer.json.error.field }).toEqual({
      status: 500,
      code: 'config_error',
      field: 'ALLOWED_ORIGINS',
    });
    expect(answer.json.error.message).toBe(PUBLIC_ORIGINS_PROBLEM);
    expect(answer.detail).toMatch(/entry 2 has no scheme/);
  });
});

describe('ALLOWED_ORIGINS as people write it (#22 item 4)', () => {
  test.each([
    ['a trailing comma', `${ORIGIN},`],
    ['a leading comma', `,${ORIGIN}`],
    ['an empty entry between two', `${ORIGIN},, https://b.example`],
    ['a blank entry between two', `${ORIGIN},   ,https://b.example`],
    ['spaces around entries', `  ${ORIGIN} ,  https://b.example  `],
  ])('%s: empty entries are skipped, the others kept', (_, raw) => {
    const { policy, bad } = parseAllowedOrigins(raw);
    expect(bad).toEqual([]);
    expect(policy.anyOrigin).toBe(false);
    expect(policy.anyOrigin === false && [...policy.origins].filter((o) => o !== 'https://b.example')).toEqual([ORIGIN]);
  });

  test('"*" among empty entries still means any origin', () => {
    expect(parseAllowedOrigins(' , * ,')).toEqual({ policy: { anyOrigin: true }, bad: [] });
  });

  test('unset or blank: no origin besides the service own pages', () => {
    const empty = { policy: { anyOrigin: false, origins: new Set() }, bad: [] };
    expect([parseAllowedOrigins(undefined), parseAllowedOrigins(''), parseAllowedOrigins(' , ')]).toEqual([empty, empty, empty]);
  });

  test('through /token: a trailing comma mints (not a config_error on every request)', async () => {
    const answer = await tokenAnswer(realVars({ ALLOWED_ORIGINS: `${ORIGIN},` }), { Origin: ORIGIN });
    expect({ status: answer.status, allow: answer.headers['Access-Control-Allow-Origin'] }).toEqual({ status: 200, allow: ORIGIN });
  });
});

describe('a malformed ALLOWED_ORIGINS entry is described for what is wrong with it', () => {
  // [entry, the logged config_error (by position, never the value), the doctor's line (quoted, with the fix)]
  test.each([
    ['app.example.com', 'has no scheme (write https://host)', '"app.example.com" has no scheme; write https://app.example.com'],
    ['//app.example.com', 'has no scheme (write https://host)', '"//app.example.com" has no scheme; write https://app.example.com'],
    ['x https://app.example.com', 'has no scheme (write https://host)', undefined],
    ['ftp://files.example.com', 'must use http:// or https://', '"ftp://files.example.com" must use http:// or https://'],
    ['ftp://mirror.example/https://app.example.com', 'must use http:// or https://', undefined],
    [
      'https://app.example.com/',
      'ends with a slash (browsers send none)',
      '"https://app.example.com/" ends with a slash; browsers send https://app.example.com',
    ],
    [
      'http://localhost:5173/',
      'ends with a slash (browsers send none)',
      '"http://localhost:5173/" ends with a slash; browsers send http://localhost:5173',
    ],
    [
      'https://app.example.com/chat',
      'has a path (an origin is scheme://host[:port] only)',
      '"https://app.example.com/chat" has a path; an origin is scheme://host[:port] only',
    ],
    ['http://localhost:5173/app', 'has a path (an origin is scheme://host[:port] only)', undefined],
    ['https://app.example.com/https://cdn.example.com/', 'has a path (an origin is scheme://host[:port] only)', undefined],
    [
      'https://App.Example.com',
      'has upper-case letters (browsers send lower case)',
      '"https://App.Example.com" has upper-case letters; browsers send https://app.example.com',
    ],
    [
      'https://app_1.example.com',
      'is not an origin of the form https://app.example.com',
      '"https://app_1.example.com" is not an origin of the form https://app.example.com',
    ],
  ])('%j', async (entry, publicText, doctorText) => {
    const { status, json, detail } = await tokenAnswer(realVars({ ALLOWED_ORIGINS: entry }));
    expect({ status, code: json.error.code, field: json.error.field }).toEqual({
      status: 500,
      code: 'config_error',
      field: 'ALLOWED_ORIGINS',
    });
    expect(json.error.message).toBe(PUBLIC_ORIGINS_PROBLEM);
    expect(detail?.split(': ').at(-1)).toBe(`entry 1 ${publicText}.`);
    if (doctorText !== undefined) {
      const row = (await runDoctor(realVars({ ALLOWED_ORIGINS: entry }))).checks.find((check) => check.id === 'allowed_origins');
      expect(row?.detail).toBe(
        `Browsers send an exact origin, so these entries never match, and lib/config refuses them (config_error): ${doctorText}.`,
      );
    }
  });
});

describe('local hosts (#22 item 9)', () => {
  test.each([
    'localhost',
    'localhost:3000',
    'LOCALHOST:3000',
    '127.0.0.1',
    '127.0.0.1:8080',
    '[::1]',
    '[::1]:3000',
    'app.localhost',
    'app.localhost:5173',
    'a.b.localhost',
  ])('%j is local', (host) => {
    expect(isLocalHost(host)).toBe(true);
  });

  test.each([
    'example.com',
    'localhost.example.com',
    'notlocalhost',
    'localhost-1',
    'localhostx:3000',
    '127.0.0.2',
    '[::2]',
    '[::1].example.com',
    'token-1234-dev.twil.io',
    '',
  ])('%j is not', (host) => {
    expect(isLocalHost(host)).toBe(false);
  });

  test.each(['[::1]:3000', 'app.localhost:3000'])(
    'on DOMAIN_NAME %j: the demo credentials mint, without AUTH_MODE, for the local pages',
    async (domain) => {
      const answer = await tokenAnswer(demoVars({ DOMAIN_NAME: domain }), { Origin: `http://${domain}` });
      expect({ status: answer.status, allow: answer.headers['Access-Control-Allow-Origin'] }).toEqual({
        status: 200,
        allow: `http://${domain}`,
      });
    },
  );

  test('on a deployed DOMAIN_NAME the same demo configuration is a config_error', async () => {
    const answer = await tokenAnswer(demoVars({ DOMAIN_NAME: 'localhost.example.com' }));
    expect({ status: answer.status, code: answer.json.error.code }).toEqual({ status: 500, code: 'config_error' });
  });

  test.each([
    ['http://[::1]:9999/jwks.json', 401],
    ['http://idp.localhost:9999/jwks.json', 401],
    ['http://idp.example.com/jwks.json', 500],
  ])('AUTH_JWKS_URL %j: http:// is accepted for a local host only (%i)', async (url, status) => {
    // No credential: a usable configuration answers 401 before any fetch; an unusable one is a config_error.
    const answer = await tokenAnswer(
      realVars({ AUTH_MODE: 'jwt', AUTH_JWKS_URL: url, AUTH_ISSUER: 'https://idp.example/', AUTH_AUDIENCE: 'token-service' }),
    );
    expect(answer.status).toBe(status);
    expect(answer.json.error.code).toBe(status === 401 ? 'unauthorized' : 'config_error');
  });
});

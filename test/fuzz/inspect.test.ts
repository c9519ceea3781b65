/**
 * /inspect under generated garbage: real tokens (good, wrong secret, tampered, carrying the
 * secret), pasted-token wrappings, JWT-shaped junk with hostile JSON, random text, huge input and
 * non-string values, through the real function handler. Never a 5xx or a crash, always a report
 * or a JSON error, the secret never in an answer, the token never in a log line.
 */
import fc from 'fast-check';
import { SignJWT } from 'jose';
import {
  anyString,
  anyValue,
  ALLOWED_ORIGIN,
  DOMAIN_NAME,
  field,
  hugeString,
  objectFrom,
  POLLUTION_KEYS,
  requestValue,
  ABSENT,
} from './arbitraries';
import { expectOrigin, expectParamShape } from './oracle';
import {
  assertErrorBody,
  assertJsonHeaders,
  assertLogLine,
  assertNoLeak,
  fuzzHarness,
  fuzzOptions,
  FUZZ_TEST_TIMEOUT_MS,
  invoke,
  JWT_SHAPE,
  RUNS,
  same,
  type Answer,
} from './support';
import { MAX_TOKEN_CHARS } from '../../lib/inspect';
import { twilioToken as mintTestToken } from '../inspect/support';
import { REAL_LOOKING, TEST_SECRET } from '../support/env';

jest.setTimeout(FUZZ_TEST_TIMEOUT_MS);

const LOG_KEYS = ['time', 'path', 'status', 'outcome', 'origin', 'alg', 'valid', 'signature', 'findings', 'found', 'field', 'detail', 'ms'];
/** What /inspect reads at most (issue 12: pasted text, HAR files); longer input is refused before reading. */
const MAX_PASTE_CHARS = 256 * 1024;

const VARS = { ...REAL_LOOKING, DOMAIN_NAME, ALLOWED_ORIGINS: ALLOWED_ORIGIN, AUTH_MODE: 'none' };
const CORS_MODEL = { allowedOrigins: [ALLOWED_ORIGIN], domainName: DOMAIN_NAME };

type Grant = 'voice' | 'video' | 'chat' | 'sync';

/** A token exactly as this deployment mints it (twilio's AccessToken), optionally with another secret. */
const twilioToken = (identity: string, grants: Grant[], ttl: number, secret = TEST_SECRET): string =>
  mintTestToken({ identity, grants, ttl, secret });

const b64 = (text: string): string => Buffer.from(text, 'utf8').toString('base64url');

/** What the generated input is, so the property knows what the report must say. */
type Verdict = 'good' | 'bad_signature' | 'carries_secret' | 'junk';
interface Input {
  token: unknown;
  verdict: Verdict;
}

const realToken = fc.record({
  identity: fc.stringMatching(/^[A-Za-z0-9_]{1,30}$/),
  grants: fc.subarray(['voice', 'video', 'chat', 'sync'] as Grant[], { minLength: 1 }),
  ttl: fc.integer({ min: 600, max: 86_400 }),
});

/** Ways people paste a token: quotes, Bearer, line wrapping, the whole /token JSON answer. */
const wrapping = fc.constantFrom<(token: string) => string>(
  (t) => t,
  (t) => `  ${t}\n`,
  (t) => `"${t}"`,
  (t) => `Bearer ${t}`,
  (t) => `Authorization: Bearer ${t}`,
  (t) => `${t.slice(0, 40)}\n${t.slice(40)}`,
  (t) => JSON.stringify({ token: t, identity: 'x' }),
);

/** JSON for a header or payload segment: hostile keys, huge numbers, nesting, the secret itself. */
const claimValue = fc.oneof(anyValue, fc.constantFrom(TEST_SECRET, 1e21, -1, 2 ** 53, 1.5, Date.now(), 'twilio-fpa;v=1'));
const claims = fc
  .array(
    fc.tuple(
      fc.oneof(
        fc.constantFrom(...POLLUTION_KEYS, 'iss', 'sub', 'exp', 'iat', 'nbf', 'jti', 'grants', 'alg', 'typ', 'cty', 'twr', 'kid'),
        fc.string({ maxLength: 6 }),
      ),
      claimValue,
    ),
    { maxLength: 6 },
  )
  .map(objectFrom);

const inputs: fc.Arbitrary<Input> = fc.oneof(
  {
    arbitrary: fc
      .tuple(realToken, wrapping)
      .map(([t, wrap]): Input => ({ token: wrap(twilioToken(t.identity, t.grants, t.ttl)), verdict: 'good' })),
    weight: 4,
  },
  {
    arbitrary: realToken.map((t): Input => ({
      token: twilioToken(t.identity, t.grants, t.ttl, 'some-other-secret-0123456789abcd'),
      verdict: 'bad_signature',
    })),
    weight: 2,
  },
  {
    // The payload changed after signing, as an attacker would (the signature no longer matches).
    arbitrary: fc.tuple(realToken, claims).map(([t, extra]): Input => {
      const [header, payload, signature] = twilioToken(t.identity, t.grants, t.ttl).split('.') as [string, string, string];
      const original = JSON.parse(Buffer.from(payload, 'base64url').toString()) as Record<string, unknown>;
      // iss stays: a token naming another key is one the inspector rightly cannot judge.
      const changed = { ...original, ...extra, iss: original.iss, grants: { identity: 'mallory', video: {} } };
      return { token: `${header}.${b64(JSON.stringify(changed))}.${signature}`, verdict: 'bad_signature' };
    }),
    weight: 2,
  },
  // Structurally anything: JSON-ish segments (signed below when asked), random text, junk segments.
  {
    arbitrary: fc
      .tuple(claims, claims, fc.constantFrom('HS256', 'HS384', 'HS512', 'none', 'RS256', 'hs256', ''))
      .map(([h, p, alg]): Input => ({ token: { sign: { header: { ...h, alg }, payload: p } }, verdict: 'junk' })),
    weight: 3,
  },
  {
    arbitrary: fc
      .tuple(anyString, anyString, anyString)
      .map(([h, p, s]): Input => ({ token: `${b64(h)}.${b64(p)}.${s}`, verdict: 'junk' })),
    weight: 2,
  },
  {
    arbitrary: fc
      .array(fc.oneof(anyString, fc.constantFrom('eyJ', 'e30', '.', '..', '=', '+/', 'eyJhbGciOiJub25lIn0')), { maxLength: 6 })
      .map((parts): Input => ({ token: parts.join(''), verdict: 'junk' })),
    weight: 2,
  },
  {
    arbitrary: fc
      .constantFrom(
        '',
        ' ',
        'null',
        '{}',
        '{"token":1}',
        '{"token":"a.b.c"}',
        'a.b',
        'a.b.c.d',
        '...',
        'Bearer',
        '"',
        `${'a'.repeat(MAX_TOKEN_CHARS)}`,
        `${'a'.repeat(MAX_TOKEN_CHARS + 1)}`,
      )
      .map((token): Input => ({ token, verdict: 'junk' })),
    weight: 1,
  },
  { arbitrary: hugeString.map((token): Input => ({ token, verdict: 'junk' })), weight: 1 },
  { arbitrary: anyValue.map((token): Input => ({ token, verdict: 'junk' })), weight: 1 },
);

/** Junk asked to be signed is signed with jose (with the real secret, so only its content is wrong). */
async function materialize(input: Input): Promise<Input> {
  const spec = input.token as { sign?: { header: Record<string, unknown>; payload: Record<string, unknown> } };
  if (typeof spec !== 'object' || spec === null || spec.sign === undefined) return input;
  const { header, payload } = spec.sign;
  const carriesSecret = JSON.stringify(spec.sign).includes(TEST_SECRET);
  const verdict: Verdict = carriesSecret ? 'carries_secret' : 'junk';
  const alg = header.alg;
  if (alg === 'HS256' || alg === 'HS384' || alg === 'HS512') {
    try {
      const token = await new SignJWT(payload).setProtectedHeader({ ...header, alg }).sign(new TextEncoder().encode(TEST_SECRET));
      return { token, verdict };
    } catch {
      // jose refuses some headers (crit, b64): hand the segments over unsigned instead.
    }
  }
  return { token: `${b64(JSON.stringify(header))}.${b64(JSON.stringify(payload))}.`, verdict };
}

const FINDING_KEYS = 'code,field,hint,message,severity';
/** Findings this service names itself also carry the Twilio error such input gets. */
const NAMED_FINDING_KEYS = 'code,field,hint,message,severity,twilioCode';

function checkReport(answer: Answer, input: Input): void {
  const report = answer.json as Record<string, any>;
  const keys = Object.keys(report);
  if (report.found === 0) {
    // Issue 12: text with no JWT in it: what it is instead, and nothing else.
    same(keys.sort(), ['findings', 'found', 'source', 'valid']);
    same(report.valid, false);
    if (input.verdict !== 'junk') throw new Error(`a ${input.verdict} token was not found in its own text`);
    if (report.findings.length !== 1 || Object.keys(report.findings[0]).sort().join() !== NAMED_FINDING_KEYS)
      throw new Error(`no-token findings ${JSON.stringify(report.findings).slice(0, 200)}`);
    if (!['auth_token_pasted', 'api_secret_pasted', 'sid_pasted', 'not_a_token'].includes(report.findings[0].code))
      throw new Error(`no-token code ${report.findings[0].code}`);
    return;
  }
  for (const key of ['valid', 'findings', 'grants', 'times', 'signature', 'checkedAgainst', 'source', 'found', 'tokens'])
    if (!keys.includes(key)) throw new Error(`report without ${key}`);
  if (typeof report.found !== 'number' || report.found !== report.tokens.length + 1)
    throw new Error(`found ${report.found} with ${report.tokens.length} other reports`);
  if (typeof report.valid !== 'boolean' || !['valid', 'invalid', 'unknown'].includes(report.signature))
    throw new Error(`report verdict ${report.valid} / ${report.signature}`);
  for (const finding of report.findings as Record<string, unknown>[]) {
    const shape = Object.keys(finding).sort().join();
    if (shape !== FINDING_KEYS && shape !== NAMED_FINDING_KEYS) throw new Error(`finding shape ${JSON.stringify(finding).slice(0, 200)}`);
    if (!['error', 'warning', 'info'].includes(finding.severity as string)) throw new Error(`finding severity ${String(finding.severity)}`);
    if (finding.code === 'internal_error') throw new Error(`the inspector crashed on this input: ${String(finding.message)}`);
  }
  same(report.valid, !(report.findings as { severity: string }[]).some((f) => f.severity === 'error'));
  same(report.checkedAgainst.secretKnown, true);
  // Issue 17: text longer than any token (MAX_TOKEN_CHARS, a length worth generating around) is reported, not decoded.
  if (typeof input.token === 'string' && input.token.trim().length > MAX_TOKEN_CHARS && input.verdict !== 'junk') {
    same([report.signature, report.valid, report.payload], ['unknown', false, undefined]);
    same(report.findings[0], expect.objectContaining({ code: 20160, field: 'token' }));
    return;
  }
  if (input.verdict === 'good') same([report.signature, report.valid, report.identity], ['valid', true, report.payload?.grants?.identity]);
  if (input.verdict === 'bad_signature') same([report.signature, report.valid], ['invalid', false]);
  if (input.verdict === 'carries_secret') {
    same(report.valid, false);
    if (report.signature === 'valid' && !(report.findings as { code: unknown }[]).some((f) => f.code === 'secret_in_token'))
      throw new Error('a signed token carrying the secret is not flagged secret_in_token');
  }
  if (input.verdict === 'junk' && report.signature === 'valid' && report.valid) throw new Error('junk judged a valid token');
}

/** Pieces of the inspected token long enough to identify it: never in a log line. */
function tokenPieces(token: unknown): string[] {
  if (typeof token !== 'string') return [];
  return [token.trim(), ...token.split(/[.\s"]+/)].filter((piece) => piece.length >= 16);
}

describe('/inspect under generated garbage tokens', () => {
  const { handler: fn, logs } = fuzzHarness('inspect');

  test(`${RUNS} inputs: a report or a JSON error, never 5xx, the secret never answered, the token never logged`, async () => {
    const seen = new Map<string, number>();
    const extras = fc.array(
      fc.tuple(fc.oneof(fc.constantFrom(...POLLUTION_KEYS, 'identity', 'grants'), fc.string({ maxLength: 8 })), anyValue),
      { maxLength: 2 },
    );
    await fc.assert(
      fc.asyncProperty(inputs, field(requestValue, 1, 6), extras, async (generated, request, extra) => {
        const input = await materialize(generated);
        const entries: [string, unknown][] = [...extra.filter(([key]) => key !== 'token' && key !== 'request'), ['token', input.token]];
        if (request !== ABSENT) entries.push(['request', request]);
        const event = objectFrom(entries);
        const answer = await invoke(fn(), VARS, event, logs);
        const key = answer.status === 200 ? `200 ${input.verdict}` : `${answer.status} ${answer.json?.error?.code}`;
        seen.set(key, (seen.get(key) ?? 0) + 1);

        // The caller may send the secret themselves; only then may it come back.
        const sentSecret = typeof input.token === 'string' && input.token.includes(TEST_SECRET);
        assertNoLeak(answer.raw, sentSecret ? [] : [TEST_SECRET], 'the response body');
        const line = assertLogLine(answer.logs, answer, '/inspect', LOG_KEYS);
        assertNoLeak(answer.logs[0]!, [TEST_SECRET], 'a log line');
        if (JWT_SHAPE.test(answer.logs[0]!)) throw new Error('a log line contains a JWT');
        for (const piece of tokenPieces(input.token))
          if (answer.logs[0]!.includes(piece)) throw new Error('a log line contains the inspected token');
        if (answer.status >= 500) throw new Error(`${answer.status}: ${answer.raw.slice(0, 300)}`);

        const cors = expectOrigin(event, CORS_MODEL);
        if (cors.kind === 'forbidden_origin') {
          same([answer.status, assertErrorBody(answer).code], [403, 'origin_not_allowed']);
          return;
        }
        if (cors.kind === 'preflight') {
          same([answer.status, answer.raw], [204, '']);
          return;
        }
        assertJsonHeaders(answer);
        same(answer.headers['Access-Control-Allow-Origin'], cors.origin);
        const shape = expectParamShape(event, ['token', 'passcode']);
        if (shape !== undefined) {
          const error = assertErrorBody(answer);
          if (answer.status !== shape.status || !shape.accepted.includes(`${error.code} ${error.field}`))
            throw new Error(`${answer.status} ${error.code} ${error.field}, expected one of ${shape.accepted.join(' | ')}`);
          return;
        }
        const token = input.token;
        const missing = token === undefined || token === null || (typeof token === 'string' && token.trim() === '');
        const expectedError = missing
          ? 'missing_token'
          : typeof token !== 'string' || token.length > MAX_PASTE_CHARS
            ? 'invalid_token'
            : undefined;
        if (expectedError !== undefined) {
          const error = assertErrorBody(answer);
          same([answer.status, error.code, error.field, line.field], [400, expectedError, 'token', 'token']);
          return;
        }
        same(answer.status, 200);
        checkReport(answer, input);
        same([line.valid, line.signature, line.found], [answer.json.valid, answer.json.signature, answer.json.found]);
      }),
      fuzzOptions(),
    );
    if (process.env.FUZZ_TALLY) process.stderr.write(`${JSON.stringify([...seen])}\n`);
    for (const key of [
      '200 good',
      '200 bad_signature',
      '200 junk',
      '200 carries_secret',
      '400 missing_token',
      '400 invalid_token',
      '403 origin_not_allowed',
    ]) {
      if (!seen.has(key)) throw new Error(`no run produced ${key}: ${JSON.stringify([...seen])}`);
    }
  });
});

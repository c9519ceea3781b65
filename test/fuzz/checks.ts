/**
 * The checks every /token answer must pass against the model's expectation, shared by the
 * properties with and without caller authentication.
 */
import type { Expectation } from './oracle';
import {
  assertErrorBody,
  assertJsonHeaders,
  assertLogLine,
  assertNoLeak,
  assertNoTokenInLog,
  same,
  verifyToken,
  type Answer,
} from './support';
import { REAL_LOOKING, TEST_SECRET } from '../support/env';

export const TOKEN_LOG_KEYS = ['time', 'path', 'status', 'outcome', 'origin', 'identity', 'grants', 'ttl', 'field', 'detail', 'ms'];

/** How the pipeline logs a string: control characters as ?, cut to 64 characters. */
export const logged = (text: string): string => {
  // C0, DEL, C1 and the Unicode line/paragraph separators (lib/text's one rule since #10).
  const clean = text.replace(/[\u0000-\u001f\u007f-\u009f\u2028\u2029]/g, '?');
  return clean.length > 64 ? `${clean.slice(0, 64)}...` : clean;
};

export interface CheckOptions {
  /** Never in a body or a log line: API_SECRET, passcodes, JWT secrets. */
  secrets: string[];
  /** What the caller presented (bearer credentials): never in a log line, never echoed in a body. */
  credentials?: string[];
}

/** Long-enough pieces of a credential: a JWT's segments, or the whole thing. */
function credentialPieces(credentials: readonly string[]): string[] {
  return credentials.flatMap((credential) => [credential, ...credential.split('.')]).filter((piece) => piece.length >= 16);
}

export async function checkTokenAnswer(answer: Answer, expected: Expectation, options: CheckOptions): Promise<void> {
  const hidden = [...options.secrets, ...credentialPieces(options.credentials ?? [])];
  assertNoLeak(answer.raw, hidden, 'the response body');
  const line = assertLogLine(answer.logs, answer, '/token', TOKEN_LOG_KEYS);
  for (const text of answer.logs) assertNoLeak(text, hidden, 'a log line');
  if (answer.status >= 500) {
    // The only 5xx is the one configured on purpose.
    same({ status: answer.status, kind: expected.kind }, { status: 500, kind: 'error' });
  }
  if (answer.status !== 204) assertJsonHeaders(answer);
  // 401 answers tell the browser which scheme to use (and CORS exposes the header).
  same(answer.headers['WWW-Authenticate'], answer.status === 401 ? 'Bearer' : undefined);

  if (expected.kind === 'forbidden_origin') {
    const error = assertErrorBody(answer);
    same(
      [answer.status, error.code, error.field, answer.headers['Access-Control-Allow-Origin']],
      [403, 'origin_not_allowed', 'Origin', undefined],
    );
    return;
  }
  if (expected.kind === 'preflight') {
    same([answer.status, answer.raw, answer.headers['Access-Control-Allow-Origin']], [204, '', expected.origin]);
    return;
  }
  same(
    [answer.headers['Access-Control-Allow-Origin'], line.origin],
    [expected.origin, expected.origin === undefined ? undefined : logged(expected.origin)],
  );

  if (answer.status === 200) {
    if (expected.kind !== 'token' && expected.kind !== 'open')
      throw new Error(`200 where the contract demands ${JSON.stringify(expected)}`);
    const before = Math.floor(Date.now() / 1000);
    const { token } = answer.json as { token: string };
    const { header, payload } = await verifyToken(token, TEST_SECRET);
    assertNoTokenInLog(answer.logs[0]!, [token]);
    if (expected.kind === 'open') return;
    const iat = payload.iat as number;
    if (Math.abs(iat - before) > 2) throw new Error(`iat ${iat} is not the time of the call (${before})`);
    // twilio's toJwt() reads the clock for jti, then jsonwebtoken reads it again for iat: across a
    // second boundary jti carries the previous second (fuzzing hit it; Twilio only needs jti unique).
    const jti = payload.jti === `${REAL_LOOKING.API_KEY}-${iat - 1}` ? payload.jti : `${REAL_LOOKING.API_KEY}-${iat}`;
    same(
      { header, payload, body: answer.json },
      {
        header: expected.header,
        payload: {
          jti,
          iss: REAL_LOOKING.API_KEY,
          sub: REAL_LOOKING.ACCOUNT_SID,
          iat,
          exp: iat + expected.ttl,
          grants: expected.payloadGrants,
        },
        body: {
          token,
          identity: expected.identity,
          grants: expected.grants,
          ttl: expected.ttl,
          expiresAt: new Date((iat + expected.ttl) * 1000).toISOString(),
          ...(expected.region !== undefined ? { region: expected.region } : {}),
        },
      },
    );
    same([line.identity, line.grants, line.ttl, line.field], [logged(expected.identity), expected.grants, expected.ttl, undefined]);
    return;
  }

  const error = assertErrorBody(answer);
  if (expected.kind === 'token') throw new Error(`${answer.status} ${error.code} (${error.message}) where the contract demands a token`);
  if (expected.kind === 'error') {
    const statuses = Array.isArray(expected.status) ? expected.status : [expected.status];
    if (!statuses.includes(answer.status)) same(answer.status, expected.status);
    if (!expected.accepted.includes(`${error.code} ${error.field}`)) expect(expected.accepted).toContain(`${error.code} ${error.field}`);
  }
  // `field` is the pipeline's own (a parameter or a variable list): logged whole.
  same(line.field, error.field);
}

/** How often each answer came up: proof that the generators reach every path, the mint included. */
export type Tally = Map<string, number>;

export function count(tally: Tally, answer: Answer): void {
  const key =
    answer.status === 200 ? '200 token' : answer.status === 204 ? '204 preflight' : `${answer.status} ${answer.json?.error?.code}`;
  tally.set(key, (tally.get(key) ?? 0) + 1);
}

/** Below this many runs (a time-limited pass on a busy machine) a 1% outcome may not appear yet. */
const MIN_RUNS_FOR_COVERAGE = 1_000;

export function expectCoverage(tally: Tally, keys: string[], minTokenShare: number): void {
  if (process.env.FUZZ_TALLY) process.stderr.write(`${JSON.stringify([...tally])}\n`);
  const runs = [...tally.values()].reduce((a, b) => a + b, 0);
  if (runs < MIN_RUNS_FOR_COVERAGE) return;
  for (const key of keys) if (!tally.has(key)) throw new Error(`no run produced ${key}: ${JSON.stringify([...tally])}`);
  if ((tally.get('200 token') ?? 0) < runs * minTokenShare) throw new Error(`too few tokens minted: ${JSON.stringify([...tally])}`);
}

export const REQUEST_ERRORS = [
  '400 missing_identity',
  '400 invalid_identity',
  '400 missing_grants',
  '400 invalid_grant',
  '400 invalid_ttl',
  '400 invalid_room',
  '400 invalid_param',
  '400 unknown_param',
];

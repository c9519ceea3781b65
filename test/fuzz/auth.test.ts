/**
 * /token with caller authentication under generated input (passcode and HS-secret JWT modes):
 * random Authorization headers, passcode params, app JWTs with random claims, signatures and
 * lifetimes. Never a 5xx, a token only for a caller who proved who they are (and then exactly
 * the identity of their JWT and the grants its policy allows), and no passcode, JWT secret or
 * bearer credential in any body or log line.
 */
import fc from 'fast-check';
import { SignJWT } from 'jose';
import {
  ABSENT,
  workerValue,
  WORKER_SID,
  anyString,
  anyValue,
  ALLOWED_ORIGIN,
  DOMAIN_NAME,
  field,
  GRANT_WORDS,
  identityValue,
  objectFrom,
  tokenEvent,
} from './arbitraries';
import { checkTokenAnswer, count, expectCoverage, type Tally } from './checks';
import { expectTokenAnswer, type Expectation, type ModelConfig } from './oracle';
import { fuzzHarness, fuzzOptions, FUZZ_TEST_TIMEOUT_MS, invoke, RUNS } from './support';
import { REAL_LOOKING, TEST_SECRET } from '../support/env';

jest.setTimeout(FUZZ_TEST_TIMEOUT_MS);

const PASSCODE = 'fuzz-passcode-7f3a9c1e5b2d8f40';
const JWT_SECRET = 'fuzz-app-jwt-secret-0f1e2d3c4b5a69788796a5b4c3d2e1f0';
const WRONG_SECRET = 'not-the-app-jwt-secret-00000000000000000000000000000';

const { handler: fn, logs } = fuzzHarness('token');

const BASE_VARS = { ...REAL_LOOKING, DOMAIN_NAME, ALLOWED_ORIGINS: ALLOWED_ORIGIN };
const MODEL: ModelConfig = {
  accountSid: REAL_LOOKING.ACCOUNT_SID,
  apiKey: REAL_LOOKING.API_KEY,
  outgoingSid: REAL_LOOKING.OUTGOING_SID,
  chatServiceSid: REAL_LOOKING.CHAT_SERVICE_SID,
  syncServiceSid: REAL_LOOKING.SYNC_SERVICE_SID,
  pushCredentialSid: REAL_LOOKING.PUSH_CREDENTIAL_SID,
  workspaceSid: REAL_LOOKING.TASKROUTER_WORKSPACE_SID,
  defaultTtl: 3600,
  maxTtl: 86_400,
  allowedOrigins: [ALLOWED_ORIGIN],
  domainName: DOMAIN_NAME,
};

const own = (object: unknown, key: string): unknown =>
  typeof object === 'object' && object !== null && Object.prototype.hasOwnProperty.call(object, key)
    ? (object as Record<string, unknown>)[key]
    : undefined;

/** `event` with `request.headers.authorization` set (when the event has a usable headers object) and other params replaced. */
function withAuth(event: Record<string, unknown>, authorization: unknown, params: Record<string, unknown>): Record<string, unknown> {
  const entries = Object.keys(event)
    .filter((key) => !Object.prototype.hasOwnProperty.call(params, key))
    .map((key): [string, unknown] => [key, event[key]]);
  for (const [key, value] of Object.entries(params)) if (value !== ABSENT) entries.push([key, value]);
  if (own(event, 'request') === undefined) entries.push(['request', { headers: {}, cookies: {} }]);
  const request = objectFrom(entries).request;
  const headers = typeof request === 'object' && request !== null ? (request as { headers?: unknown }).headers : undefined;
  if (typeof headers === 'object' && headers !== null && !Array.isArray(headers)) {
    // The generated header replaces whatever the base event had (absent means no header at all).
    const headerEntries = Object.keys(headers)
      .filter((key) => key !== 'authorization')
      .map((key): [string, unknown] => [key, (headers as Record<string, unknown>)[key]]);
    if (authorization !== ABSENT) headerEntries.push(['authorization', authorization]);
    const index = entries.findIndex(([key]) => key === 'request');
    entries[index] = ['request', { headers: objectFrom(headerEntries), cookies: {} }];
  }
  return objectFrom(entries);
}

type Bearer = { kind: 'absent' } | { kind: 'refused' } | { kind: 'credential'; credential: string };

/** What the pipeline reads from the Authorization header (RFC 6750 Bearer, one credential). */
function bearerOf(event: Record<string, unknown>): Bearer {
  const request = own(event, 'request') ?? (event as { request?: unknown }).request;
  const headers = typeof request === 'object' && request !== null ? (request as { headers?: unknown }).headers : undefined;
  const raw = own(headers, 'authorization');
  if (raw === undefined || (Array.isArray(raw) && raw.length === 0)) return { kind: 'absent' };
  if (typeof raw !== 'string') return { kind: 'refused' };
  const match = /^Bearer +(\S+) *$/i.exec(raw);
  return match === null ? { kind: 'refused' } : { kind: 'credential', credential: match[1]! };
}

const UNAUTHORIZED = (origin: string | undefined): Expectation => ({
  kind: 'error',
  origin,
  status: 401,
  accepted: ['unauthorized Authorization'],
});

/** Header values a caller might send: the right passcode in its accepted spellings, near misses, junk. */
const credential = fc.stringMatching(/^[A-Za-z0-9_-]{16,40}$/).map((text) => `cred${text}`);
function authorizationFor(secretWord: string): fc.Arbitrary<unknown> {
  return fc.oneof(
    { arbitrary: fc.constantFrom(`Bearer ${secretWord}`, `bearer ${secretWord}`, `BEARER  ${secretWord}  `), weight: 12 },
    { arbitrary: credential.map((c) => `Bearer ${c}`), weight: 3 },
    {
      arbitrary: fc.constantFrom(
        `Bearer ${secretWord}x`,
        `Bearer ${secretWord.slice(0, -1)}`,
        `Bearer ${secretWord} ${secretWord}`,
        `Basic ${Buffer.from(`u:${secretWord}`).toString('base64')}`,
        `Token ${secretWord}`,
        `Bearer\t${secretWord}`,
        'Bearer',
        'Bearer ',
        '',
        ' ',
      ),
      weight: 2,
    },
    // Repeated headers arrive as arrays (the only non-string the runtime itself produces).
    { arbitrary: fc.array(fc.constantFrom(`Bearer ${secretWord}`, 'Bearer x'), { maxLength: 3 }), weight: 1 },
    { arbitrary: anyString, weight: 1 },
    // A JSON body or a qs query can replace event.request: the header may be any value.
    { arbitrary: anyValue, weight: 1 },
  );
}

describe('/token in passcode mode under generated input', () => {
  const vars = { ...BASE_VARS, AUTH_MODE: 'passcode', APP_PASSCODE: PASSCODE };

  function expectPasscodeAnswer(event: Record<string, unknown>): Expectation {
    const base = expectTokenAnswer(event, MODEL);
    if (base.kind === 'forbidden_origin' || base.kind === 'preflight' || (base.kind === 'error' && base.beforeAuth === true)) return base;
    const bearer = bearerOf(event);
    let presented: unknown;
    if (bearer.kind === 'refused') return UNAUTHORIZED(base.origin);
    if (bearer.kind === 'credential') presented = bearer.credential;
    else presented = own(event, 'passcode');
    return presented === PASSCODE ? base : UNAUTHORIZED(base.origin);
  }

  test(`${RUNS} events with random Authorization headers and passcode params: 401 unless the passcode is right, never a leak`, async () => {
    const tally: Tally = new Map();
    const passcodeParam = fc.oneof(fc.constant(PASSCODE), credential, fc.constant(''), anyValue);
    await fc.assert(
      fc.asyncProperty(
        tokenEvent,
        field(authorizationFor(PASSCODE), 1, 6),
        field(passcodeParam, 3, 1),
        async (base, authorization, passcode) => {
          const event = withAuth(base, authorization, { passcode });
          const expected = expectPasscodeAnswer(event);
          const answer = await invoke(fn(), vars, event, logs);
          count(tally, answer);
          const presented = [authorization, passcode].filter((value): value is string => typeof value === 'string');
          await checkTokenAnswer(answer, expected, { secrets: [TEST_SECRET, PASSCODE], credentials: presented });
        },
      ),
      fuzzOptions(),
    );
    expectCoverage(tally, ['200 token', '401 unauthorized', '400 invalid_identity', '403 origin_not_allowed'], 0.05);
  });

  // A JSON body or a qs query (?request[headers][authorization][x]=1) can make the header an object.
  test('a non-string Authorization header is a 401, not a 500', async () => {
    for (const authorization of [{}, 5, null, { x: '1' }]) {
      const answer = await invoke(
        fn(),
        vars,
        { identity: 'alice', grants: 'video', request: { headers: { authorization }, cookies: {} } },
        logs,
      );
      expect({ status: answer.status, code: answer.json.error.code }).toEqual({ status: 401, code: 'unauthorized' });
    }
  });
});

describe('/token in jwt mode (AUTH_JWT_SECRET) under generated input', () => {
  const vars = { ...BASE_VARS, AUTH_MODE: 'jwt', AUTH_JWT_SECRET: JWT_SECRET };
  const now = (): number => Math.floor(Date.now() / 1000);

  interface CallerToken {
    claims: Record<string, unknown>;
    /** How the token is signed: only `good` (with AUTH_JWT_SECRET, HS256/384/512) can pass. */
    signing: 'good' | 'wrong_secret' | 'tampered' | 'none';
    alg: 'HS256' | 'HS384' | 'HS512';
    /** `too_long`: exp beyond AUTH_MAX_TOKEN_AGE; `future_iat`: issued an hour ahead (issue 11). */
    lifetime: 'valid' | 'expired' | 'no_exp' | 'not_yet' | 'too_long' | 'future_iat';
    /** Issue 11: dressed as a Twilio Access Token (cty twilio-fpa;v=1, or a grants claim): never a sign-in token. */
    accessTokenShape: 'none' | 'cty' | 'grants';
  }

  const grantPolicy = fc.oneof(
    { arbitrary: fc.subarray([...GRANT_WORDS, 'admin', 'Video']), weight: 4 },
    { arbitrary: anyValue, weight: 1 },
  );
  const callerToken: fc.Arbitrary<CallerToken> = fc.record({
    claims: fc
      .record({
        sub: field(fc.oneof({ arbitrary: identityValue, weight: 4 }, { arbitrary: anyValue, weight: 1 }), 1, 12),
        twilio_grants: field(grantPolicy, 2, 1),
        // Issue 18: the worker a taskrouter grant acts as, from the verified claim only.
        twilio_worker_sid: field(fc.oneof({ arbitrary: fc.constant(WORKER_SID), weight: 6 }, workerValue), 1, 6),
      })
      .map(({ sub, twilio_grants, twilio_worker_sid }) =>
        objectFrom([
          ...(sub !== ABSENT ? [['sub', sub] as const] : []),
          ...(twilio_grants !== ABSENT ? [['twilio_grants', twilio_grants] as const] : []),
          ...(twilio_worker_sid !== ABSENT ? [['twilio_worker_sid', twilio_worker_sid] as const] : []),
        ]),
      ),
    signing: fc.oneof(
      { arbitrary: fc.constant('good' as const), weight: 24 },
      fc.constantFrom('wrong_secret' as const, 'tampered' as const, 'none' as const),
    ),
    alg: fc.constantFrom('HS256', 'HS384', 'HS512'),
    lifetime: fc.oneof(
      { arbitrary: fc.constant('valid' as const), weight: 24 },
      fc.constantFrom('expired' as const, 'no_exp' as const, 'not_yet' as const, 'too_long' as const, 'future_iat' as const),
    ),
    accessTokenShape: fc.oneof({ arbitrary: fc.constant('none' as const), weight: 24 }, fc.constantFrom('cty' as const, 'grants' as const)),
  });

  /** Signs with jose (never by hand), then breaks it as asked. */
  async function sign(spec: CallerToken): Promise<string> {
    const t = now();
    const lifetime =
      spec.lifetime === 'valid'
        ? { iat: t, exp: t + 300 }
        : spec.lifetime === 'expired'
          ? { iat: t - 7200, exp: t - 3600 }
          : spec.lifetime === 'not_yet'
            ? { iat: t, nbf: t + 3600, exp: t + 7200 }
            : spec.lifetime === 'too_long'
              ? { iat: t, exp: t + 10 * 86_400 }
              : spec.lifetime === 'future_iat'
                ? { iat: t + 3600, exp: t + 7200 }
                : { iat: t };
    const payload = {
      ...JSON.parse(JSON.stringify(spec.claims)),
      ...lifetime,
      ...(spec.accessTokenShape === 'grants' ? { grants: { identity: 'alice', video: {} } } : {}),
    };
    const cty = spec.accessTokenShape === 'cty' ? { cty: 'twilio-fpa;v=1' } : {};
    if (spec.signing === 'none') {
      const part = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
      return `${part({ alg: 'none', typ: 'JWT', ...cty })}.${part(payload)}.`;
    }
    const key = new TextEncoder().encode(spec.signing === 'wrong_secret' ? WRONG_SECRET : JWT_SECRET);
    const token = await new SignJWT(payload).setProtectedHeader({ alg: spec.alg, typ: 'JWT', ...cty }).sign(key);
    if (spec.signing !== 'tampered') return token;
    const [header, , signature] = token.split('.');
    return `${header}.${Buffer.from(JSON.stringify({ ...payload, sub: 'mallory' })).toString('base64url')}.${signature}`;
  }

  function expectJwtAnswer(event: Record<string, unknown>, credential: string | undefined, spec: CallerToken | undefined): Expectation {
    const base = expectTokenAnswer(event, MODEL);
    if (base.kind === 'forbidden_origin' || base.kind === 'preflight' || (base.kind === 'error' && base.beforeAuth === true)) return base;
    const bearer = bearerOf(event);
    const unauthorized = UNAUTHORIZED(base.origin);
    if (bearer.kind !== 'credential' || spec === undefined || bearer.credential !== credential) return unauthorized;
    if (spec.signing !== 'good' || spec.lifetime !== 'valid' || spec.accessTokenShape !== 'none') return unauthorized;

    const claims = JSON.parse(JSON.stringify(spec.claims)) as Record<string, unknown>;
    const sub = own(claims, 'sub');
    const policy = own(claims, 'twilio_grants');
    const policyOk = policy === undefined || (Array.isArray(policy) && policy.every((g) => typeof g === 'string'));
    if (typeof sub !== 'string' || sub === '') return unauthorized;
    // The claim must be a usable identity by itself (product rules come with the requested grants).
    const claimProblem =
      expectTokenAnswer(
        objectFrom([
          ['identity', sub],
          ['grants', 'sync'],
        ]),
        MODEL,
      ).kind !== 'token';
    const accepted = [...(claimProblem ? ['invalid_identity identity'] : []), ...(policyOk ? [] : ['unauthorized Authorization'])];
    const statuses = [...(claimProblem ? [400] : []), ...(policyOk ? [] : [401])];
    if (accepted.length > 0) return { kind: 'error', origin: base.origin, status: statuses, accepted };

    const param = own(event, 'identity');
    if (param !== undefined && param !== '' && param !== sub)
      return { kind: 'error', origin: base.origin, status: 403, accepted: ['identity_mismatch identity'] };
    const asCaller = expectTokenAnswer(withAuth(event, ABSENT, { identity: sub }), MODEL, claims);
    if (asCaller.kind !== 'token' || policy === undefined) return asCaller;
    const allowed = (policy as string[]).map((g) => g.trim().toLowerCase()).map((g) => (g === 'conversations' ? 'chat' : g));
    const refused = asCaller.grants.filter((g) => !allowed.includes(g));
    return refused.length > 0 ? { kind: 'error', origin: base.origin, status: 403, accepted: ['grant_not_allowed grants'] } : asCaller;
  }

  test(`${RUNS} events with random app JWTs: a token only for a verified caller, with its identity and allowed grants, never a leak`, async () => {
    const tally: Tally = new Map();
    // Usually no identity param in jwt mode (the claim is the identity); sometimes the same one, sometimes another.
    const identityParam = fc.oneof(
      { arbitrary: fc.constant('absent' as const), weight: 6 },
      { arbitrary: fc.constant('same' as const), weight: 2 },
      fc.constant('other' as const),
    );
    const bearerHeader = fc.oneof(
      { arbitrary: callerToken.map((spec) => ({ spec, spelling: 'Bearer ' })), weight: 8 },
      { arbitrary: callerToken.map((spec) => ({ spec, spelling: 'bearer   ' })), weight: 1 },
      { arbitrary: authorizationFor('eyJhbGciOiJIUzI1NiJ9.e30.c2ln').map((header) => ({ spec: undefined, spelling: header })), weight: 2 },
    );
    await fc.assert(
      fc.asyncProperty(tokenEvent, bearerHeader, identityParam, async (base, { spec, spelling }, param) => {
        const credential = spec === undefined ? undefined : await sign(spec);
        const authorization = spec === undefined ? spelling : `${spelling}${credential}`;
        const identity =
          param === 'same' ? (own(spec?.claims, 'sub') ?? ABSENT) : param === 'other' ? (own(base, 'identity') ?? ABSENT) : ABSENT;
        // In jwt mode the worker comes from the claim: the caller's own worker parameter is kept only alongside another identity.
        const event = withAuth(base, authorization, { identity, ...(param === 'other' ? {} : { worker: ABSENT }) });
        const expected = expectJwtAnswer(event, credential, spec);
        const answer = await invoke(fn(), vars, event, logs);
        count(tally, answer);
        const presented =
          credential !== undefined
            ? [credential, credential.split('.')[2] ?? '']
            : typeof authorization === 'string'
              ? [authorization]
              : [];
        await checkTokenAnswer(answer, expected, { secrets: [TEST_SECRET, JWT_SECRET], credentials: presented });
      }),
      fuzzOptions(),
    );
    expectCoverage(
      tally,
      ['200 token', '401 unauthorized', '403 identity_mismatch', '403 grant_not_allowed', '400 invalid_identity'],
      0.05,
    );
  });
});

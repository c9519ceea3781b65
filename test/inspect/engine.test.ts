/**
 * The inspector's corpus: tokens built here (jose SignJWT for the broken ones, twilio's
 * AccessToken for the good ones), each row asserting the exact findings, as
 * "severity code field", that the inspector reports.
 */
import fc from 'fast-check';
import { loadConfig } from '../../lib/config/service';
import { DEMO_CONFIG } from '../../lib/demo';
import { handleToken } from '../../lib/endpoints/token';
import {
  expectationsFromConfig,
  formatDuration,
  inspectToken,
  MAX_TOKEN_CHARS,
  type Expectations,
  type InspectionReport,
} from '../../lib/inspect';
import { demoVars, realVars, REAL_LOOKING, TEST_SECRET } from '../support/env';
import { findingKeys, sign, twilioPayload, twilioToken, TWILIO_HEADER, unsigned, without } from './support';

const EXPECT = expectationsFromConfig(loadConfig(realVars()));
const S = Math.floor(Date.now() / 1000);
const OTHER_ACCOUNT = 'AC' + '99'.repeat(16);
const OTHER_KEY = 'SK' + '88'.repeat(16);
const OTHER_SECRET = '0123456789abcdef0123456789abcdef';
const ZS_SID = 'ZS' + '77'.repeat(16);

const base = (): Record<string, unknown> => twilioPayload(S);
const withGrants = (grants: Record<string, unknown>): Record<string, unknown> => ({ ...base(), grants });
const voiceGrant = (voice: unknown): Record<string, unknown> => withGrants({ identity: 'alice', voice });

/** Re-encodes the payload under the original signature: what tampering looks like. */
async function tampered(): Promise<string> {
  const [header, , signature] = (await sign(base())).split('.');
  const payload = Buffer.from(JSON.stringify({ ...base(), sub: OTHER_ACCOUNT })).toString('base64url');
  return `${header}.${payload}.${signature}`;
}

interface Row {
  name: string;
  token: () => Promise<string> | string;
  findings: string[];
  signature?: InspectionReport['signature'];
}

const rows: Row[] = [
  // Good tokens.
  { name: "twilio's AccessToken, voice+video", token: () => twilioToken(), findings: [], signature: 'valid' },
  {
    name: "twilio's AccessToken, all four grants",
    token: () => twilioToken({ grants: ['voice', 'video', 'chat', 'sync'] }),
    findings: [],
    signature: 'valid',
  },
  { name: 'a hand-built token of the same shape', token: () => sign(base()), findings: [], signature: 'valid' },
  {
    name: 'a good token pasted as "Bearer ..." in quotes and wrapped over two lines',
    token: async () => {
      const t = await sign(base());
      return `  "Bearer ${t.slice(0, 60)}\n  ${t.slice(60)}"\n`;
    },
    findings: [],
    signature: 'valid',
  },
  {
    name: 'the JSON answer of /token instead of the token',
    token: async () => JSON.stringify({ token: await sign(base()), identity: 'alice' }),
    findings: ['info 20101 token'],
    signature: 'valid',
  },

  // Time.
  {
    name: 'expired 3 h ago',
    token: () => sign(twilioPayload(S, { age: 3 * 3600 + 3600 })),
    findings: ['error 20104 payload.exp'],
    signature: 'valid',
  },
  { name: 'nbf 5 min in the future', token: () => sign({ ...base(), nbf: S + 300 }), findings: ['error 20105 payload.nbf'] },
  {
    name: "twilio's AccessToken with nbf in the future",
    token: () => twilioToken({ nbf: S + 600 }),
    findings: ['error 20105 payload.nbf'],
  },
  {
    name: 'iat 2 min in the future (clock skew)',
    token: () => sign({ ...base(), jti: `${REAL_LOOKING.API_KEY}-${S + 120}`, iat: S + 120, exp: S + 120 + 3600 }),
    findings: ['warning clock_skew payload.iat'],
  },
  { name: '25 h lifetime', token: () => sign(twilioPayload(S, { ttl: 25 * 3600 })), findings: ['error 20157 payload.exp'] },
  { name: "twilio's AccessToken with ttl 90000", token: () => twilioToken({ ttl: 90_000 }), findings: ['error 20157 payload.exp'] },
  {
    name: 'iat and exp in milliseconds',
    token: () => sign({ ...base(), iat: S * 1000, exp: (S + 3600) * 1000 }),
    findings: ['error 20156 payload.exp', 'error 20156 payload.iat'],
  },
  { name: 'no exp', token: () => sign(without(base(), 'exp')), findings: ['error 20156 payload.exp'] },
  { name: 'exp as a string', token: () => sign({ ...base(), exp: String(S + 3600) }), findings: ['error 20156 payload.exp'] },
  {
    name: 'exp before iat',
    token: () => sign({ ...base(), exp: S - 120 }),
    findings: ['error 20104 payload.exp', 'error 20156 payload.exp'],
  },
  { name: 'no iat', token: () => sign(without(base(), 'iat')), findings: ['warning 20101 payload.iat'] },

  // Header.
  {
    name: 'wrong cty',
    token: () => sign(base(), { header: { ...TWILIO_HEADER, cty: 'twilio-fpa;v=2' } }),
    findings: ['error 20102 header.cty'],
  },
  {
    name: 'no cty (a generic JWT)',
    token: () => sign(base(), { header: { alg: 'HS256', typ: 'JWT' } }),
    findings: ['error 20102 header.cty'],
  },
  { name: 'no typ', token: () => sign(base(), { header: { alg: 'HS256', cty: 'twilio-fpa;v=1' } }), findings: ['error 20102 header.typ'] },
  {
    name: 'alg HS512 (signed with the right secret)',
    token: () => sign(base(), { header: { ...TWILIO_HEADER, alg: 'HS512' } }),
    findings: ['error 20102 header.alg'],
    signature: 'valid',
  },
  {
    name: 'alg none (unsigned)',
    token: () => unsigned({ ...TWILIO_HEADER, alg: 'none' }, base()),
    findings: ['error 20102 header.alg', 'info 20107 signature'],
    signature: 'unknown',
  },
  {
    name: 'unknown region twr',
    token: () => sign(base(), { header: { ...TWILIO_HEADER, twr: 'xx1' } }),
    findings: ['error 20102 header.twr'],
  },
  {
    name: 'upper-case region twr',
    token: () => sign(base(), { header: { ...TWILIO_HEADER, twr: 'IE1' } }),
    findings: ['error 20102 header.twr'],
  },
  {
    name: 'region ie1 where us1 is expected',
    token: () => twilioToken({ region: 'ie1' }),
    findings: ['warning 20102 header.twr'],
    signature: 'valid',
  },

  // Signature, issuer, subject.
  {
    name: 'bad signature (payload changed after signing)',
    token: tampered,
    findings: ['error 20103 payload.sub', 'error 20107 signature'],
    signature: 'invalid',
  },
  {
    name: 'wrong key secret (same iss)',
    token: () => sign(base(), { secret: OTHER_SECRET }),
    findings: ['error 20107 signature'],
    signature: 'invalid',
  },
  {
    name: "twilio's AccessToken signed with the wrong secret",
    token: () => twilioToken({ secret: OTHER_SECRET }),
    findings: ['error 20107 signature'],
    signature: 'invalid',
  },
  {
    name: 'foreign account (sub), signed by our key',
    token: () => sign({ ...base(), sub: OTHER_ACCOUNT }),
    findings: ['error 20103 payload.sub'],
    signature: 'valid',
  },
  {
    name: 'another API key of the account (iss), signed with its secret',
    token: () => sign({ ...base(), iss: OTHER_KEY, jti: `${OTHER_KEY}-${S - 60}` }, { secret: OTHER_SECRET }),
    findings: ['info 20107 signature', 'warning 20103 payload.iss'],
    signature: 'unknown',
  },
  {
    name: 'signed with the Account SID and Auth Token',
    token: () => sign({ ...base(), iss: REAL_LOOKING.ACCOUNT_SID, jti: `${REAL_LOOKING.ACCOUNT_SID}-${S - 60}` }, { secret: OTHER_SECRET }),
    findings: ['error 20103 payload.iss', 'info 20107 signature'],
    signature: 'unknown',
  },
  { name: 'no sub', token: () => sign(without(base(), 'sub')), findings: ['error 20103 payload.sub'] },
  {
    name: 'jti not starting with iss',
    token: () => sign({ ...base(), jti: 'my-token-1' }),
    findings: ['warning jti_mismatch payload.jti'],
  },
  { name: 'no jti', token: () => sign(without(base(), 'jti')), findings: ['warning jti_missing payload.jti'] },
  {
    name: 'the API secret inside the token',
    token: () => sign({ ...base(), note: `secret=${TEST_SECRET}` }),
    findings: ['error secret_in_token payload'],
    signature: 'valid',
  },

  // Grants and identity.
  { name: 'no grants', token: () => sign(without(base(), 'grants')), findings: ['error 20106 payload.grants'] },
  { name: 'grants with an identity only', token: () => sign(withGrants({ identity: 'alice' })), findings: ['error 20106 payload.grants'] },
  {
    name: 'grants as a string',
    token: () => sign(withGrants('voice' as unknown as Record<string, unknown>)),
    findings: ['error 20106 payload.grants'],
  },
  { name: 'no identity', token: () => sign(withGrants({ video: {} })), findings: ['error 20106 payload.grants.identity'] },
  {
    name: 'voice identity with a space',
    token: () => sign(withGrants({ identity: 'alice smith', voice: { outgoing: { application_sid: REAL_LOOKING.OUTGOING_SID } } })),
    findings: ['warning 31105 payload.grants.identity'],
  },
  {
    name: 'video identity of 129 characters',
    token: () => sign(withGrants({ identity: 'a'.repeat(129), video: {} })),
    findings: ['warning 53200 payload.grants.identity'],
  },
  {
    name: 'identity with a trailing space',
    token: () => sign(withGrants({ identity: 'alice ', video: {} })),
    findings: ['warning 20106 payload.grants.identity'],
  },
  {
    name: 'ZS service SID in the chat grant',
    token: () => sign(withGrants({ identity: 'alice', chat: { service_sid: ZS_SID } })),
    findings: ['error 20106 payload.grants.chat.service_sid'],
  },
  {
    name: 'chat grant without service_sid',
    token: () => sign(withGrants({ identity: 'alice', chat: {} })),
    findings: ['error 20106 payload.grants.chat.service_sid'],
  },
  {
    name: 'chat grant of another service',
    token: () => sign(withGrants({ identity: 'alice', chat: { service_sid: 'IS' + '12'.repeat(16) } })),
    findings: ['warning 20106 payload.grants.chat.service_sid'],
  },
  {
    name: 'sync grant without service_sid',
    token: () => sign(withGrants({ identity: 'alice', data_sync: {} })),
    findings: ['error 20106 payload.grants.data_sync.service_sid'],
  },
  {
    name: 'sync grant on the default service where IS... is expected',
    token: () => sign(withGrants({ identity: 'alice', data_sync: { service_sid: 'default' } })),
    findings: ['warning 20106 payload.grants.data_sync.service_sid'],
  },
  {
    name: 'a "sync" grant key next to video',
    token: () => sign(withGrants({ identity: 'alice', video: {}, sync: { service_sid: REAL_LOOKING.SYNC_SERVICE_SID } })),
    findings: ['warning 20106 payload.grants.sync'],
  },
  {
    name: 'only a "conversations" grant key',
    token: () => sign(withGrants({ identity: 'alice', conversations: {} })),
    findings: ['error 20106 payload.grants', 'warning 20106 payload.grants.conversations'],
  },
  {
    // Issue 17: one finding per key of a 16 KB token would make a 500 KB report.
    name: 'a thousand unknown grant keys: five named, the rest counted in one finding',
    token: () =>
      sign(withGrants({ identity: 'alice', video: {}, ...Object.fromEntries(Array.from({ length: 1000 }, (_, i) => [`k${i}`, 0])) })),
    findings: [...Array.from({ length: 5 }, (_, i) => `warning 20106 payload.grants.k${i}`), 'warning 20106 payload.grants'],
  },
  { name: 'voice grant not an object', token: () => sign(voiceGrant(true)), findings: ['error 20106 payload.grants.voice'] },
  {
    name: 'voice application_sid with the IS prefix',
    token: () => sign(voiceGrant({ outgoing: { application_sid: REAL_LOOKING.CHAT_SERVICE_SID } })),
    findings: ['error 20106 payload.grants.voice.outgoing.application_sid'],
  },
  {
    name: 'voice outgoing without application_sid',
    token: () => sign(voiceGrant({ outgoing: {} })),
    findings: ['error 20106 payload.grants.voice.outgoing.application_sid'],
  },
  {
    name: 'voice TwiML App of another account',
    token: () => sign(voiceGrant({ outgoing: { application_sid: 'AP' + '34'.repeat(16) } })),
    findings: ['warning 20106 payload.grants.voice.outgoing.application_sid'],
  },
  {
    name: 'voice incoming.allow as the string "true"',
    token: () => sign(voiceGrant({ incoming: { allow: 'true' }, outgoing: { application_sid: REAL_LOOKING.OUTGOING_SID } })),
    findings: ['error 20106 payload.grants.voice.incoming.allow'],
  },
  {
    name: 'voice incoming only where outgoing is configured',
    token: () => sign(voiceGrant({ incoming: { allow: true } })),
    findings: ['warning 20106 payload.grants.voice.outgoing'],
  },
  {
    name: 'voice grant allowing nothing',
    token: () => sign(voiceGrant({ incoming: { allow: false } })),
    findings: ['error 20106 payload.grants.voice'],
  },
  {
    name: 'push credential SID with the wrong prefix',
    token: () =>
      sign(voiceGrant({ outgoing: { application_sid: REAL_LOOKING.OUTGOING_SID }, push_credential_sid: 'PN' + '56'.repeat(16) })),
    findings: ['error 20106 payload.grants.voice.push_credential_sid'],
  },
  {
    name: 'video room as a number',
    token: () => sign(withGrants({ identity: 'alice', video: { room: 42 } })),
    findings: ['error 20106 payload.grants.video.room'],
  },
];

describe('inspectToken corpus (expectations of a real-looking deployment)', () => {
  test.each(rows.map((row) => [row.name, row] as const))('%s', async (_, row) => {
    const token = await row.token();
    const report = await inspectToken(token, { expect: EXPECT, now: Date.now() });
    expect(findingKeys(report)).toEqual([...row.findings].sort());
    expect(report.valid).toBe(!row.findings.some((f) => f.startsWith('error')));
    if (row.signature !== undefined) expect(report.signature).toBe(row.signature);
    expect(JSON.stringify(report)).not.toContain(TEST_SECRET);
    for (const finding of report.findings) {
      expect(finding.message.length).toBeGreaterThan(10);
      expect(finding.hint.length).toBeGreaterThan(10);
    }
  });
});

describe('garbage never throws and is reported as malformed', () => {
  const garbage: [string, unknown, string[]][] = [
    ['empty', '', ['error 20160 token']],
    ['blank', ' \n\t ', ['error 20160 token']],
    ['a word', 'hello', ['error 20160 token']],
    ['two parts', 'a.b', ['error 20160 token']],
    ['five parts (JWE)', 'a.b.c.d.e', ['error 20160 token']],
    ['only dots', '..', ['error 20160 header', 'error 20160 payload']],
    ['standard base64', 'ab+/.cd==.ef', ['error 20160 header', 'error 20160 payload']],
    ['base64url of text', 'bm90IGpzb24.bm90IGpzb24.c2ln', ['error 20160 header', 'error 20160 payload']],
    ['JSON arrays', 'WzFd.WzFd.c2ln', ['error 20101 header', 'error 20101 payload']],
    ['invalid UTF-8', '__4.__4.c2ln', ['error 20160 header', 'error 20160 payload']],
    ['emoji', '\u{1F642}.\u{1F642}.\u{1F642}', ['error 20160 header', 'error 20160 payload', 'error 20160 signature']],
    ['a JSON object without a token', '{"token": 5}', ['error 20160 token']],
    ['the word null', 'null', ['error 20160 token']],
    ['a header alone', 'eyJhbGciOiJIUzI1NiJ9', ['error 20160 token']],
    ['"Bearer" alone', 'Bearer', ['error 20160 token']],
    ['not a string at all', null, ['error 20160 token']],
    [
      'a payload nested 5900 levels deep (fits in 16 KB; would overflow JSON.stringify)',
      `${Buffer.from(JSON.stringify(TWILIO_HEADER)).toString('base64url')}.${Buffer.from(`{"grants":${'['.repeat(5_900)}${']'.repeat(5_900)}}`).toString('base64url')}.c2ln`,
      ['error 20101 payload'],
    ],
    // Issue 17: a report echoes what it decodes, so text far longer than any token is not decoded.
    [
      'a well-formed token over 16 KB',
      unsigned(TWILIO_HEADER, { ...twilioPayload(S), padding: 'x'.repeat(MAX_TOKEN_CHARS) }),
      ['error 20160 token'],
    ],
  ];
  test.each(garbage)('%s', async (_, input, keys) => {
    const report = await inspectToken(input as string, { expect: EXPECT });
    expect(findingKeys(report)).toEqual([...keys].sort());
    expect(report.valid).toBe(false);
    expect(report.signature).toBe('unknown');
    expect(report.grants).toEqual([]);
  });

  test('even a failing expectation object does not make it throw: the report says the inspector failed', async () => {
    const hostile = {
      get secret(): string {
        throw new Error('boom');
      },
    };
    const report = await inspectToken(twilioToken(), { expect: hostile });
    expect(findingKeys(report)).toEqual(['error internal_error token']);
    expect(report).toMatchObject({ valid: false, signature: 'unknown', grants: [] });
  });

  test('any string: no exception, never valid, only structural codes', async () => {
    await fc.assert(
      fc.asyncProperty(fc.string({ unit: 'binary', maxLength: 300 }), async (input) => {
        const report = await inspectToken(input, { expect: EXPECT });
        expect(report.valid).toBe(false);
        for (const f of report.findings) expect([20160, 20101]).toContain(f.code);
      }),
      { numRuns: 300 },
    );
  });

  test('any JSON header and payload, correctly signed: no exception, no internal error, valid exactly when no error', async () => {
    const json = fc.jsonValue({ maxDepth: 4 });
    const claims = fc.dictionary(
      fc.constantFrom(
        'alg',
        'typ',
        'cty',
        'twr',
        'iss',
        'sub',
        'jti',
        'iat',
        'nbf',
        'exp',
        'grants',
        'identity',
        'voice',
        '__proto__',
        'constructor',
      ),
      json,
    );
    await fc.assert(
      fc.asyncProperty(claims, claims, async (header, payload) => {
        const part = (v: unknown) => Buffer.from(JSON.stringify(v)).toString('base64url');
        const report = await inspectToken(`${part(header)}.${part(payload)}.c2ln`, { expect: EXPECT });
        expect(report.findings.map((f) => f.code)).not.toContain('internal_error');
        expect(report.valid).toBe(!report.findings.some((f) => f.severity === 'error'));
      }),
      { numRuns: 300 },
    );
  });
});

describe('the report', () => {
  const NOW = Date.UTC(2025, 0, 15, 12, 0, 0);
  const nowS = NOW / 1000;

  test('a good token: decoded header and payload, readable grants, times, the secret reduced to a flag', async () => {
    const payload = { ...twilioPayload(nowS, { age: 18 * 60 }) };
    const report = await inspectToken(await sign(payload), { expect: EXPECT, now: NOW });
    expect(report).toEqual({
      valid: true,
      findings: [],
      identity: 'alice',
      grants: [
        {
          key: 'voice',
          product: 'Voice',
          abilities: [
            'Receive incoming calls to client:alice',
            `Place outgoing calls through TwiML App ${REAL_LOOKING.OUTGOING_SID}`,
            `Get incoming-call push notifications through Push Credential ${REAL_LOOKING.PUSH_CREDENTIAL_SID}`,
          ],
        },
        { key: 'video', product: 'Video', abilities: ['Join any Video room'] },
      ],
      times: {
        checkedAt: '2025-01-15T12:00:00.000Z',
        issuedAt: {
          claim: nowS - 1080,
          epochSeconds: nowS - 1080,
          inMilliseconds: false,
          iso: '2025-01-15T11:42:00.000Z',
          relative: '18 min ago',
        },
        expiresAt: {
          claim: nowS + 2520,
          epochSeconds: nowS + 2520,
          inMilliseconds: false,
          iso: '2025-01-15T12:42:00.000Z',
          relative: 'in 42 min',
        },
        lifetimeSeconds: 3600,
        remainingSeconds: 2520,
        status: 'active',
        summary: 'expires in 42 min',
      },
      signature: 'valid',
      header: TWILIO_HEADER,
      payload,
      checkedAgainst: {
        accountSid: REAL_LOOKING.ACCOUNT_SID,
        apiKey: REAL_LOOKING.API_KEY,
        outgoingApplicationSid: REAL_LOOKING.OUTGOING_SID,
        chatServiceSid: REAL_LOOKING.CHAT_SERVICE_SID,
        syncServiceSid: REAL_LOOKING.SYNC_SERVICE_SID,
        taskrouterWorkspaceSid: REAL_LOOKING.TASKROUTER_WORKSPACE_SID,
        pushCredentialSid: REAL_LOOKING.PUSH_CREDENTIAL_SID,
        region: 'us1',
        secretKnown: true,
      },
    });
  });

  test('an expired token says how long ago, in words and ISO', async () => {
    const report = await inspectToken(await sign(twilioPayload(nowS, { age: 4 * 3600 })), { expect: EXPECT, now: NOW });
    expect(report.times).toMatchObject({ status: 'expired', summary: 'expired 3 h ago', remainingSeconds: -3 * 3600 });
    expect(report.findings[0]).toMatchObject({ code: 20104, message: 'The token expired 3 h ago (2025-01-15T09:00:00.000Z).' });
  });

  test('milliseconds are reported once and then judged as the seconds they meant', async () => {
    const report = await inspectToken(await sign({ ...twilioPayload(nowS), exp: (nowS + 600) * 1000 }), { expect: EXPECT, now: NOW });
    expect(report.times.expiresAt).toEqual({
      claim: (nowS + 600) * 1000,
      epochSeconds: nowS + 600,
      inMilliseconds: true,
      iso: '2025-01-15T12:10:00.000Z',
      relative: 'in 10 min',
    });
    expect(findingKeys(report)).toEqual(['error 20156 payload.exp']);
  });

  test('clock skew is given in seconds', async () => {
    const report = await inspectToken(await sign({ ...twilioPayload(nowS), iat: nowS + 90, exp: nowS + 3690 }), {
      expect: EXPECT,
      now: NOW,
    });
    expect(report.findings).toEqual([
      expect.objectContaining({ code: 'clock_skew', severity: 'warning', message: expect.stringContaining('90 s in the future') }),
    ]);
  });

  test('a ZS... chat service says where it came from', async () => {
    const report = await inspectToken(await sign(withGrants({ identity: 'alice', chat: { service_sid: ZS_SID } })), { expect: EXPECT });
    expect(report.findings[0]!.message).toMatch(/Serverless service SID \(ZS\.\.\.\)/);
    expect(report.findings[0]!.hint).toMatch(/CHAT_SERVICE_SID/);
  });

  test('without expectations: judged on its own, the signature unknown', async () => {
    const report = await inspectToken(twilioToken(), {});
    expect(findingKeys(report)).toEqual(['info 20107 signature']);
    expect(report).toMatchObject({ valid: true, signature: 'unknown', checkedAgainst: { secretKnown: false } });
  });

  test('a demo token checked against the demo configuration is not valid: Twilio refuses it (20103), and the finding says it is the demo configuration', async () => {
    const minted = await handleToken(demoVars(), { identity: 'alice', grants: 'voice,chat' }, { log: () => {} });
    const token = (minted.body as { token: string }).token;
    const report = await inspectToken(token, { expect: expectationsFromConfig(loadConfig(demoVars())) });
    expect(findingKeys(report)).toEqual(['error 20103 payload.sub']);
    expect(report.findings[0]).toMatchObject({
      message: expect.stringMatching(/demo configuration/),
      hint: expect.stringMatching(/\.env\.local/),
    });
    expect(report).toMatchObject({ valid: false, signature: 'valid' });
    expect(JSON.stringify(report)).not.toContain(DEMO_CONFIG.API_SECRET);
  });

  test('non-string expectation fields are ignored, not trusted', async () => {
    const expectations = { accountSid: 42, secret: { toString: () => TEST_SECRET } } as unknown as Expectations;
    const report = await inspectToken(twilioToken(), { expect: expectations });
    expect(report.signature).toBe('unknown');
    expect(report.checkedAgainst).toEqual({ secretKnown: false });
  });
});

test.each([
  [0, '0 s'],
  [59, '59 s'],
  [60, '1 min'],
  [2520, '42 min'],
  [3600, '1 h'],
  [3660, '1 h 1 min'],
  [10_800, '3 h'],
  [86_400, '24 h'],
  [90_000, '25 h'],
  [2 * 86_400, '2 d'],
  [3 * 86_400 + 7200, '3 d 2 h'],
  [-10_800, '3 h'],
  [3650 * 86_400, '9 years'],
])('formatDuration(%p) is %p', (seconds, text) => {
  expect(formatDuration(seconds)).toBe(text);
});

/**
 * After npm run keys -- rotate, two keys' tokens are live: the new API_KEY's and those the
 * previous key signed before (API_KEY_PREVIOUS, API_SECRET_PREVIOUS). The inspector verifies
 * each with its own secret and says which (issue 20); the service mints with API_KEY only.
 */
import AccessToken from 'twilio/lib/jwt/AccessToken';
import { loadConfig } from '../../lib/config/service';
import { handleInspect } from '../../lib/endpoints/inspect';
import { expectationsFromConfig, inspectText, inspectToken, type Expectations } from '../../lib/inspect';
import { formatReport } from '../../lib/inspect/print';
import { mintToken } from '../../lib/token/mint';
import { REAL_LOOKING, realVars } from '../support/env';
import { verifyTwilioToken } from '../support/jwt';

const PREVIOUS = 'SK' + '5e'.repeat(16);
const PREVIOUS_SECRET = 'Pr3v10usS3cr3tPr3v10usS3cr3tXyZw';
const vars = realVars({ API_KEY_PREVIOUS: PREVIOUS, API_SECRET_PREVIOUS: PREVIOUS_SECRET, API_KEY_ROTATED_AT: '2026-03-01T11:00:00.000Z' });
const expect_: Expectations = expectationsFromConfig(loadConfig(vars));

/** A Voice token as the service minted it before the rotation: signed by the previous key. */
function tokenOf(apiKey: string, secret: string): string {
  const token = new AccessToken(REAL_LOOKING.ACCOUNT_SID, apiKey, secret, { identity: 'alice', ttl: 600 });
  token.addGrant(new AccessToken.VoiceGrant({ outgoingApplicationSid: REAL_LOOKING.OUTGOING_SID }));
  return token.toJwt();
}

const PREVIOUS_FINDING = {
  code: 20107,
  severity: 'info',
  field: 'signature',
  message: `Signed by the previous key ${PREVIOUS}: valid until it expires or the key is revoked.`,
  hint: 'New tokens are signed with API_KEY. Once the last token of the previous key has expired (API_KEY_ROTATED_AT + TOKEN_MAX_TTL), npm run keys -- revoke-previous deletes it.',
};

test('a token of the previous key: valid, verified with the previous secret, and said so', async () => {
  const report = await inspectToken(tokenOf(PREVIOUS, PREVIOUS_SECRET), { expect: expect_ });
  expect([report.valid, report.signature]).toEqual([true, 'valid']);
  expect(report.findings).toEqual([PREVIOUS_FINDING]);
  expect(report.checkedAgainst).toMatchObject({ apiKey: REAL_LOOKING.API_KEY, previousApiKey: PREVIOUS, secretKnown: true });
  expect(formatReport(report, { color: false })).toMatch(new RegExp(`Signature {2}valid \\(the previous key ${PREVIOUS}\\)`));
});

test('a token of the current key: valid, and nothing about the previous one', async () => {
  const report = await inspectToken(tokenOf(REAL_LOOKING.API_KEY, REAL_LOOKING.API_SECRET), { expect: expect_ });
  expect([report.valid, report.signature, report.findings]).toEqual([true, 'valid', []]);
  expect(formatReport(report, { color: false })).toMatch(/Signature {2}valid\n/);
});

test('the service mints with API_KEY only, whatever the previous key', async () => {
  const { token } = mintToken({ identity: 'alice', grants: ['video'], options: {} }, loadConfig(vars));
  const { payload } = await verifyTwilioToken(token, REAL_LOOKING.API_SECRET);
  expect(payload.iss).toBe(REAL_LOOKING.API_KEY);
});

test('a token naming the previous key but signed with another secret: INVALID, naming API_SECRET_PREVIOUS', async () => {
  const report = await inspectToken(tokenOf(PREVIOUS, REAL_LOOKING.API_SECRET), { expect: expect_ });
  expect([report.valid, report.signature]).toEqual([false, 'invalid']);
  expect(report.findings.map((f) => [f.code, f.severity, f.message])).toEqual([
    [
      20107,
      'error',
      `The signature does not match the secret of the previous key ${PREVIOUS} (API_SECRET_PREVIOUS): the token was signed with another secret, or changed after signing.`,
    ],
  ]);
});

test("without the previous key in the configuration (revoked), its tokens are another key's again", async () => {
  const report = await inspectToken(tokenOf(PREVIOUS, PREVIOUS_SECRET), { expect: expectationsFromConfig(loadConfig(realVars())) });
  expect(report.signature).toBe('unknown');
  expect(report.findings.map((f) => `${f.severity} ${f.code} ${f.field}`)).toEqual(['warning 20103 payload.iss', 'info 20107 signature']);
});

test('the previous secret is never in a report: a token carrying it is flagged and blanked', async () => {
  const leaky = new AccessToken(REAL_LOOKING.ACCOUNT_SID, REAL_LOOKING.API_KEY, REAL_LOOKING.API_SECRET, { identity: PREVIOUS_SECRET });
  leaky.addGrant(new AccessToken.VideoGrant());
  const report = await inspectToken(leaky.toJwt(), { expect: expect_ });
  expect(JSON.stringify(report)).not.toContain(PREVIOUS_SECRET);
  expect(report.findings[0]).toMatchObject({ code: 'secret_in_token', severity: 'error' });
});

test('POST /inspect on a deployment holding the pair: the same verdict, and neither secret in the answer', async () => {
  const now = Date.now();
  const result = await handleInspect(
    vars,
    { token: `X-Twilio-Token: ${tokenOf(PREVIOUS, PREVIOUS_SECRET)}` },
    { now: () => now, log: () => {} },
  );
  expect(result.status).toBe(200);
  const body = result.body as Awaited<ReturnType<typeof inspectText>>;
  expect(body).toMatchObject({ valid: true, signature: 'valid', found: 1, findings: [PREVIOUS_FINDING] });
  for (const secret of [PREVIOUS_SECRET, REAL_LOOKING.API_SECRET]) expect(JSON.stringify(body)).not.toContain(secret);
});

/**
 * The doctor's rows for a key rotation under way (API_KEY_PREVIOUS, its secret, API_KEY_ROTATED_AT)
 * and for what /voice dials (VOICE_CALLER_ID, VOICE_DIAL_PREFIXES). Nothing to say without them.
 */
import { checkPreviousKey } from '../../lib/doctor/checks/credentials';
import { variableChecks } from '../../lib/doctor';
import { REAL_LOOKING } from '../support/env';

const NOW = Date.parse('2026-03-01T12:00:00.000Z');
const PREVIOUS = 'SK' + '5e'.repeat(16);
const PREVIOUS_SECRET = 'Pr3v10usS3cr3tPr3v10usS3cr3tXyZw';
const ROTATION = {
  ...REAL_LOOKING,
  TOKEN_MAX_TTL: '14400',
  API_KEY_PREVIOUS: PREVIOUS,
  API_SECRET_PREVIOUS: PREVIOUS_SECRET,
  API_KEY_ROTATED_AT: '2026-03-01T11:00:00.000Z',
};

const rowOf = (vars: Record<string, string | undefined>, now = NOW) => {
  const rows = checkPreviousKey(vars, now);
  expect(rows.length).toBeLessThanOrEqual(1);
  return rows[0];
};

describe('API_KEY_PREVIOUS', () => {
  test('no rotation: no row', () => {
    expect(checkPreviousKey({ ...REAL_LOOKING }, NOW)).toEqual([]);
  });

  test('a rotation an hour ago with a 4 h TOKEN_MAX_TTL: pass, naming when its last token expires', () => {
    expect(rowOf(ROTATION)).toEqual({
      id: 'api_key_previous',
      title: 'API_KEY_PREVIOUS (key rotation)',
      status: 'pass',
      detail: `Previous key ${PREVIOUS}: the tokens it signed stay valid until they expire, at the latest 2026-03-01T15:00:00.000Z; then npm run keys -- revoke-previous deletes it.`,
    });
  });

  test('still here long after the last of its tokens expired: WARN, revoke it', () => {
    const row = rowOf(ROTATION, Date.parse('2026-03-03T12:00:00.000Z'))!;
    expect(row.status).toBe('warn');
    expect(row.detail).toMatch(
      /still here long after the rotation: the last token it could have signed expired at 2026-03-01T15:00:00\.000Z/,
    );
    expect(row.fix).toMatch(/^npm run keys -- revoke-previous/);
  });

  test.each([
    [
      'the previous key is the current one',
      { API_KEY_PREVIOUS: REAL_LOOKING.API_KEY },
      'fail',
      /revoke-previous would delete the key that signs every new token/,
    ],
    ['the two secrets are the same', { API_SECRET_PREVIOUS: REAL_LOOKING.API_SECRET }, 'fail', /API_SECRET_PREVIOUS equals API_SECRET/],
    ['not an API key SID', { API_KEY_PREVIOUS: 'AC' + 'a1'.repeat(16) }, 'fail', /API_KEY_PREVIOUS .*Account SID/],
    ['a placeholder', { API_KEY_PREVIOUS: 'SK' + 'x'.repeat(32) }, 'fail', /placeholder/],
    ['no secret for it', { API_SECRET_PREVIOUS: undefined }, 'warn', /cannot be verified here/],
    ['no rotation time', { API_KEY_ROTATED_AT: undefined }, 'warn', /API_KEY_ROTATED_AT is not set: .*refuses without --now/],
    ['a rotation time that is not ISO', { API_KEY_ROTATED_AT: 'yesterday' }, 'warn', /not an ISO 8601 UTC time/],
    ['leftovers without the key', { API_KEY_PREVIOUS: undefined }, 'warn', /left over from a rotation/],
  ])('%s', (_, change, status, detail) => {
    const row = rowOf({ ...ROTATION, ...change })!;
    expect(row.status).toBe(status);
    expect(row.detail).toMatch(detail);
    expect(JSON.stringify(row)).not.toContain(PREVIOUS_SECRET);
    expect(JSON.stringify(row)).not.toContain(REAL_LOOKING.API_SECRET);
  });

  test('the doctor lists the row among the credentials', () => {
    const ids = variableChecks(ROTATION).map((row) => row.id);
    expect(ids.slice(0, ids.indexOf('api_key_previous') + 1)).toEqual([
      'account_sid',
      'api_key',
      'api_secret',
      'demo_config',
      'api_key_previous',
    ]);
  });
});

describe('VOICE_CALLER_ID and VOICE_DIAL_PREFIXES', () => {
  const dialRow = (vars: Record<string, string>) => variableChecks({ ...REAL_LOOKING, ...vars }).filter((row) => row.id === 'voice_dial');

  test('neither set: no row (calls to clients only, the default)', () => {
    expect(dialRow({})).toEqual([]);
  });

  test('both: pass, saying what is dialled from which number', () => {
    expect(dialRow({ VOICE_CALLER_ID: '+15005550006', VOICE_DIAL_PREFIXES: '+1,+44' })).toEqual([
      {
        id: 'voice_dial',
        title: 'VOICE_CALLER_ID, VOICE_DIAL_PREFIXES (/voice)',
        status: 'pass',
        detail:
          '/voice dials numbers starting with +1, +44 from +15005550006 (a number of ACCOUNT_SID or a verified caller ID, else Twilio refuses the dial, 13214); any other number is refused.',
      },
    ]);
  });

  test.each([
    [{ VOICE_DIAL_PREFIXES: '+1' }, 'warn', /VOICE_CALLER_ID is not: \/voice dials no phone number/],
    [{ VOICE_CALLER_ID: '+15005550006' }, 'warn', /VOICE_DIAL_PREFIXES is empty: \/voice dials no phone number/],
    [{ VOICE_CALLER_ID: '5550006' }, 'fail', /E\.164/],
    [{ VOICE_CALLER_ID: '+15005550006', VOICE_DIAL_PREFIXES: '+1,44' }, 'fail', /comma list of \+ and digits/],
  ])('%j: %s', (vars, status, detail) => {
    const [row] = dialRow(vars);
    expect(row!.status).toBe(status);
    expect(row!.detail).toMatch(detail);
  });
});

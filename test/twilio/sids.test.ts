/**
 * A SID is exactly two upper-case letters and 32 hex digits: junk before or after a real one
 * must fail the configuration check here, not later at Twilio (#22 item 3).
 */
import { handleToken } from '../../lib/endpoints/token';
import { isSid } from '../../lib/twilio';
import { realVars, REAL_LOOKING } from '../support/env';
import { eventOf } from '../support/runtime';

const ACCOUNT = REAL_LOOKING.ACCOUNT_SID;
const HEX = ACCOUNT.slice(2);

describe('isSid', () => {
  test.each([
    ['a real-looking Account SID', ACCOUNT, 'AC'],
    ['upper-case hex digits', `AC${HEX.toUpperCase()}`, 'AC'],
    ['an API key SID', REAL_LOOKING.API_KEY, 'SK'],
  ] as const)('%s is a SID', (_, value, prefix) => {
    expect(isSid(value, prefix)).toBe(true);
  });

  test.each([
    ['junk after', `${ACCOUNT}junk`],
    ['a 33rd hex digit', `${ACCOUNT}0`],
    ['a newline after', `${ACCOUNT}\n`],
    ['a space after', `${ACCOUNT} `],
    ['junk before', `junk${ACCOUNT}`],
    ['a lower-case letter before', `x${ACCOUNT}`],
    ['a space before', ` ${ACCOUNT}`],
    ['another SID before', `${REAL_LOOKING.API_KEY}${ACCOUNT}`],
    ['31 hex digits', ACCOUNT.slice(0, -1)],
    ['a non-hex digit', `AC${HEX.slice(0, -1)}g`],
    ['a lower-case prefix', `ac${HEX}`],
    ['another prefix', `SK${HEX}`],
  ])('%s is not an Account SID', (_, value) => {
    expect(isSid(value, 'AC')).toBe(false);
  });

  test('only strings are SIDs', () => {
    expect([isSid(undefined, 'AC'), isSid(42, 'AC'), isSid({ toString: () => ACCOUNT }, 'AC')]).toEqual([false, false, false]);
  });
});

describe('a malformed SID in the configuration is a config_error at once', () => {
  test.each([
    ['ACCOUNT_SID', `${ACCOUNT}junk`],
    ['ACCOUNT_SID', `x${ACCOUNT}`],
    ['API_KEY', `${REAL_LOOKING.API_KEY}0`],
    ['PUSH_CREDENTIAL_SID', `x${REAL_LOOKING.PUSH_CREDENTIAL_SID}`],
  ])('%s = %j: 500 config_error naming it, never the value', async (name, value) => {
    const { status, body } = await handleToken(realVars({ [name]: value }), eventOf({ identity: 'alice', grants: 'voice' }), {
      log: () => undefined,
    });
    expect(status).toBe(500);
    expect(body).toEqual({ error: { code: 'config_error', field: name, message: expect.stringContaining(name) } });
    expect(JSON.stringify(body)).not.toContain(value.trim());
  });
});

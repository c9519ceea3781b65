/**
 * A SID is exactly two upper-case letters and 32 hex digits: junk before or after a real one
 * must fail the configuration check here, not later at Twilio (#22 item 3).
 */
import { handleToken } from '../../lib/endpoints/token';
import { isSid, sidPrefixOf } from '../../lib/twilio';
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
    expect([sidPrefixOf(ACCOUNT), sidPrefixOf({ toString: () => ACCOUNT }), sidPrefixOf(`${ACCOUNT} `)]).toEqual([
      'AC',
      undefined,
      undefined,
    ]);
  });
});

/**
 * What a SID variable set to `value` is told: callers get the variable and the shape it needs
 * (never the value), and the log line's detail names what was found. Returns the detail; checks
 * the public message on the way.
 */
async function sidProblem(name: string, value: string): Promise<string> {
  const lines: string[] = [];
  const { body } = await handleToken(realVars({ [name]: value }), eventOf({ identity: 'alice', grants: 'voice' }), {
    log: (line) => lines.push(line),
  });
  const { message } = (body as { error: { message: string } }).error;
  expect(message).toMatch(
    new RegExp(`^The token service is misconfigured: ${name} must be an? [^:]+ \\([A-Z]{2} \\+ 32 hex digits\\)\\.$`),
  );
  expect(message).not.toContain(value);
  return (JSON.parse(lines[0]!) as { detail: string }).detail;
}

describe('a SID in the wrong variable is named for what it is, never echoed', () => {
  test.each([
    ['PN', 'a Phone Number'],
    ['CA', 'a Call'],
    ['CF', 'a Conference'],
    ['MG', 'a Messaging Service'],
    ['SM', 'a Message'],
    ['MM', 'a Message (MMS)'],
    ['US', 'a Conversations User'],
    ['WQ', 'a TaskRouter TaskQueue'],
    ['FW', 'a Studio Flow'],
    ['ZH', 'a Serverless Function or Asset'],
    ['ZB', 'a Serverless Build'],
    ['ZD', 'a Serverless Deployment'],
    ['VA', 'a Verify Service'],
  ])('a %s... SID is %s SID', async (prefix, kind) => {
    expect(await sidProblem('ACCOUNT_SID', `${prefix}${HEX}`)).toContain(
      `ACCOUNT_SID starts with ${prefix} (${kind} SID) where an Account SID starts with AC`,
    );
  });

  test.each([
    ['RM', 'a Video room'],
    ['CH', 'a Conversation'],
    ['WS', 'a TaskRouter Workspace'],
    ['WK', 'a TaskRouter Worker'],
  ])('a %s... SID, which another variable takes, is %s SID', async (prefix, kind) => {
    expect(await sidProblem('ACCOUNT_SID', `${prefix}${HEX}`)).toContain(
      `ACCOUNT_SID holds ${kind} SID (${prefix}...) where an Account SID (AC...) belongs`,
    );
  });

  test.each([
    ['ACCOUNT_SID', REAL_LOOKING.API_KEY, 'ACCOUNT_SID holds an API Key SID (SK...) where an Account SID (AC...) belongs'],
    [
      'OUTGOING_SID',
      REAL_LOOKING.CHAT_SERVICE_SID,
      'OUTGOING_SID holds a Conversations/Chat or Sync service SID (IS...) where a TwiML App SID (AP...) belongs',
    ],
    ['API_KEY', `XY${HEX}`, 'API_KEY starts with XY where an API Key SID starts with SK'],
    ['OUTGOING_SID', 'my-app', 'OUTGOING_SID must start with AP (a TwiML App SID looks like AP' + 'x'.repeat(32) + ')'],
    ['ACCOUNT_SID', 'AC123', 'ACCOUNT_SID must be AC followed by 32 hex digits (5 characters given, 34 expected)'],
  ])('%s = %j', async (name, value, says) => {
    const message = await sidProblem(name, value);
    expect(message).toContain(says);
    if (value.length > 5) expect(message).not.toContain(value);
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

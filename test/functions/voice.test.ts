/**
 * /voice as the runtime calls it (issue 20): Twilio POSTs a Voice SDK's outgoing call as a form,
 * and the answer is TwiML (the twilio library's VoiceResponse) for its `To`: a client, a phone
 * number only with VOICE_CALLER_ID and a matching VOICE_DIAL_PREFIXES entry, else a <Say> of why
 * and <Hangup/>. Another account's call is 403. Whole bodies compared.
 */
import { realVars } from '../support/env';
import { eventOf, invoke, LogCapture, loadFunction, startServer } from '../support/runtime';

const logs = new LogCapture();
beforeEach(() => logs.start());
afterEach(() => logs.stop());

const ACCOUNT = realVars().ACCOUNT_SID!;
const CALLER_ID = '+15005550006';
const XML = '<?xml version="1.0" encoding="UTF-8"?>';
const refused = (say: string): string => `${XML}<Response><Say>${say}</Say><Hangup/></Response>`;

/** What Twilio sends for Device.connect({params: {To}}), plus whatever else the app passed. */
const callEvent = (params: Record<string, unknown>) =>
  eventOf(
    {
      AccountSid: ACCOUNT,
      ApplicationSid: realVars().OUTGOING_SID,
      CallSid: 'CA' + '1'.repeat(32),
      From: 'client:alice',
      Caller: 'client:alice',
      Direction: 'inbound',
      ApiVersion: '2010-04-01',
      CallStatus: 'ringing',
      ...params,
    },
    { 'x-twilio-signature': 'checked by the platform before the function runs', 'content-type': 'application/x-www-form-urlencoded' },
  );

const dialing = { VOICE_CALLER_ID: CALLER_ID, VOICE_DIAL_PREFIXES: '+1, +44' };

async function twiml(params: Record<string, unknown>, vars: Record<string, string | undefined> = {}) {
  const answer = await invoke(loadFunction('voice.protected'), realVars(vars), callEvent(params), logs);
  expect([answer.status, answer.headers['Content-Type']]).toEqual([200, 'text/xml; charset=utf-8']);
  return answer;
}

describe('TwiML for each To', () => {
  test.each([
    ['client:bob', `${XML}<Response><Dial><Client>bob</Client></Dial></Response>`],
    ['a bare identity the Voice SDK accepts', `${XML}<Response><Dial><Client>support_desk_2</Client></Dial></Response>`],
  ])('%s: dials the client', async (label, body) => {
    const to = label === 'client:bob' ? 'client:bob' : 'support_desk_2';
    expect((await twiml({ To: to })).raw).toBe(body);
  });

  test('a number that starts with an allowed prefix, with a caller ID: dialled from VOICE_CALLER_ID', async () => {
    expect((await twiml({ To: '+15551234567' }, dialing)).raw).toBe(
      `${XML}<Response><Dial callerId="${CALLER_ID}"><Number>+15551234567</Number></Dial></Response>`,
    );
    expect((await twiml({ To: '+442071234567' }, dialing)).raw).toBe(
      `${XML}<Response><Dial callerId="${CALLER_ID}"><Number>+442071234567</Number></Dial></Response>`,
    );
  });

  test.each([
    ['no phone calls configured (the default)', {}, 'Calls to phone numbers are not enabled on this service.'],
    ['a caller ID but no prefixes', { VOICE_CALLER_ID: CALLER_ID }, 'Calls to phone numbers are not enabled on this service.'],
    ['prefixes but no caller ID', { VOICE_DIAL_PREFIXES: '+1' }, 'Calls to phone numbers are not enabled on this service.'],
    ['a prefix that does not match', dialing, 'Calls to this number are not allowed.'],
  ])('a refused number, %s: a <Say> of why, then <Hangup/>', async (_, vars, say) => {
    const to = '+33612345678';
    expect((await twiml({ To: to }, vars)).raw).toBe(refused(say));
  });

  test.each([
    ['no To', {}, 'This call has no destination.'],
    ['an empty To', { To: '  ' }, 'This call has no destination.'],
    ['To sent twice', { To: ['client:bob', '+15551234567'] }, 'This call names more than one destination.'],
    ['client: with nothing after it', { To: 'client:' }, 'That client name cannot be called.'],
    ['a client name the Voice SDK refuses (markup)', { To: 'client:<b>bob</b>' }, 'That client name cannot be called.'],
    ['a client name over 121 characters', { To: `client:${'b'.repeat(122)}` }, 'That client name cannot be called.'],
    [
      'a number with spaces',
      { To: '+1 555 123 4567' },
      'That destination is neither a client name nor a phone number in international format.',
    ],
    [
      'a SIP address',
      { To: 'sip:bob@example.com' },
      'That destination is neither a client name nor a phone number in international format.',
    ],
  ])('%s: a <Say> of what was wrong, then <Hangup/>', async (_, params, say) => {
    expect((await twiml(params, dialing)).raw).toBe(refused(say));
  });

  test("the app's own connect params are not refused as near misses of To (to, Callee, ...)", async () => {
    expect((await twiml({ To: 'client:bob', to: 'x', Callee: 'y', tenant: 'acme' })).raw).toBe(
      `${XML}<Response><Dial><Client>bob</Client></Dial></Response>`,
    );
  });

  test('one log line: what was done, never who or which number', async () => {
    const answer = await twiml({ To: '+15551234567' }, dialing);
    const refusedAnswer = await twiml({ To: '+33612345678' }, dialing);
    const lines = [...answer.logs, ...refusedAnswer.logs].map((line) => JSON.parse(line) as Record<string, unknown>);
    expect(lines.map(({ path, status, outcome, call, reason }) => ({ path, status, outcome, call, reason }))).toEqual([
      { path: '/voice', status: 200, outcome: 'ok', call: 'number', reason: undefined },
      { path: '/voice', status: 200, outcome: 'ok', call: 'refused', reason: 'number_not_allowed' },
    ]);
    expect(JSON.stringify(lines)).not.toMatch(/5551234567|33612345678|alice/);
  });

  test('a long To costs linear time: 200,000 characters are refused at once', async () => {
    const started = Date.now();
    expect((await twiml({ To: `client:${'a'.repeat(200_000)}` })).raw).toBe(refused('That client name cannot be called.'));
    expect((await twiml({ To: `+1${'5'.repeat(200_000)}` }, dialing)).raw).toBe(
      refused('That destination is neither a client name nor a phone number in international format.'),
    );
    expect(Date.now() - started).toBeLessThan(2_000);
  });
});

describe('refused before any TwiML', () => {
  test.each([
    ['another account', { AccountSid: 'AC' + '9e'.repeat(16) }],
    ['no AccountSid at all', { AccountSid: undefined }],
  ])('a call of %s: 403 account_mismatch, JSON, nothing dialled', async (_, params) => {
    const answer = await invoke(loadFunction('voice.protected'), realVars(dialing), callEvent({ To: '+15551234567', ...params }), logs);
    expect(answer.status).toBe(403);
    expect(answer.json).toEqual({
      error: {
        code: 'account_mismatch',
        field: 'AccountSid',
        message:
          "This call is not from this service's Twilio account: only calls of ACCOUNT_SID are answered. Point the TwiML App of another account at its own service.",
      },
    });
    expect(answer.raw).not.toContain('Dial');
  });

  test('a malformed VOICE_DIAL_PREFIXES or VOICE_CALLER_ID: config_error naming it', async () => {
    for (const [name, vars] of [
      ['VOICE_DIAL_PREFIXES', { ...dialing, VOICE_DIAL_PREFIXES: '1,+44' }],
      ['VOICE_CALLER_ID', { ...dialing, VOICE_CALLER_ID: '555-1234' }],
    ] as const) {
      const answer = await invoke(loadFunction('voice.protected'), realVars(vars), callEvent({ To: 'client:bob' }), logs);
      expect(answer.status).toBe(500);
      expect(answer.json.error).toMatchObject({ code: 'config_error', field: name });
    }
  });
});

describe('npm start serves it too', () => {
  test("a form POST like Twilio's reaches /voice on the local server (which, unlike Twilio, checks no signature)", async () => {
    const server = await startServer(realVars({ DOMAIN_NAME: undefined, ...dialing }));
    try {
      const res = await fetch(`${server.url}/voice`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({ AccountSid: ACCOUNT, To: '+15551234567', From: 'client:alice' }).toString(),
      });
      expect([res.status, res.headers.get('content-type'), await res.text()]).toEqual([
        200,
        'text/xml; charset=utf-8',
        `${XML}<Response><Dial callerId="${CALLER_ID}"><Number>+15551234567</Number></Dial></Response>`,
      ]);
    } finally {
      await server.close();
    }
  });
});

/**
 * Issue 17: a token's `source` is made of pasted text, so it never carries a credential (a HAR
 * entry's `?access_token=eyJ...` put a live token, signature and all, into the answer and the
 * support report) and is never long (a 230 KB JSON key came back once per token found).
 */
import fc from 'fast-check';
import { findTokenCandidates, MAX_SOURCE_CHARS } from '../../lib/inspect';
import { fieldLabel, label, redactTokens, urlLabel } from '../../lib/inspect/labels';
import { twilioToken } from './support';

const live = twilioToken();
const [header, payload, signature] = live.split('.') as [string, string, string];

describe('labels', () => {
  test('a URL keeps its scheme, host and path; query values, the fragment and a password are replaced', () => {
    expect(urlLabel(`https://alice:hunter2@video.example.com/v1/rooms?access_token=${live}&room=standup&debug#id_token=${live}`)).toBe(
      'https://[redacted]@video.example.com/v1/rooms?access_token=[redacted]&room=[redacted]&[redacted]#[redacted]',
    );
    expect(urlLabel('https://eventgw.twilio.com/v4/EndpointEvents')).toBe('https://eventgw.twilio.com/v4/EndpointEvents');
    expect(urlLabel(`wss://voice-js.roaming.twilio.com/signal/${live}`)).toBe('wss://voice-js.roaming.twilio.com/signal/[redacted]');
  });

  test('token-shaped text is redacted wherever it stands, and nothing else', () => {
    expect(redactTokens(`Bearer ${live}`)).toBe('Bearer [redacted]');
    expect(redactTokens(`x${live}`)).toBe('x[redacted]');
    expect(redactTokens(`eyAiYWxnIjogIkhTMjU2In0.${payload}.${signature}`)).toBe('[redacted]');
    for (const kept of ['X-Twilio-Token header', 'keyvault.azure.net', 'journeys.example.com', 'data.token.value'])
      expect(redactTokens(kept)).toBe(kept);
  });

  test('every piece is cut: a long name, a long URL, a deep path of long keys', () => {
    expect(label('n'.repeat(500), 64)).toBe(`${'n'.repeat(63)}…`);
    expect(urlLabel(`https://example.com/${'p'.repeat(5000)}`)).toHaveLength(200);
    let path = '';
    for (let i = 0; i < 32; i++) path = fieldLabel(path, `key${i}${'k'.repeat(100)}`);
    expect(path).toHaveLength(160);
    expect(path).toMatch(/^….*\.key31k+…$/);
  });
});

/** Where a token can sit in a HAR, each place's text (URL, header name, query name, field key, frame type) carrying it too. */
const harCarrying = (token: string, filler: string) =>
  JSON.stringify({
    log: {
      entries: [
        {
          startedDateTime: '2026-01-15T09:00:00.000Z',
          request: {
            method: `GET${filler}`,
            url: `https://api.example.com/${filler}/${token}?access_token=${token}&${filler}=${token}#${token}`,
            headers: [{ name: `${token}${filler}`, value: `Bearer ${token}` }],
            queryString: [{ name: `${filler}${token}`, value: token }],
            postData: { text: JSON.stringify({ [filler]: { [token]: token, [`${filler}${token}`]: [token] } }) },
          },
          response: { content: { text: JSON.stringify({ [token]: token }) } },
          _webSocketMessages: [{ type: `send${token}`, time: 1_768_467_600, data: JSON.stringify({ [`${token}${filler}`]: token }) }],
        },
      ],
    },
  });

describe('every source of a found token', () => {
  test('holds no token, and is at most MAX_SOURCE_CHARS, wherever the token and long text sit', () => {
    fc.assert(
      fc.property(fc.nat({ max: 40_000 }), fc.constantFrom('', ' ', '\n', 'a', '-', '.', '+'), (length, unit) => {
        const text = harCarrying(live, unit.repeat(length));
        const sources = findTokenCandidates(text).map((c) => c.source);
        expect(sources.length).toBeGreaterThan(0);
        for (const source of sources) {
          expect(source.length).toBeLessThanOrEqual(MAX_SOURCE_CHARS);
          expect(source).not.toContain(signature);
          expect(source).not.toContain(payload.slice(0, 24));
          expect(source).not.toContain(header);
        }
      }),
      { numRuns: 40, interruptAfterTimeLimit: 15_000 },
    );
  });

  test('names the query parameter and the URL without its values', () => {
    const [candidate] = findTokenCandidates(harCarrying(live, 'x'));
    expect(candidate?.source).toBe(
      'HAR entry 1: GETx https://api.example.com/x/[redacted]?access_token=[redacted]&x=[redacted]#[redacted], the value after "[redacted]"',
    );
  });
});

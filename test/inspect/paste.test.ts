/**
 * Issue 12: the engine finds the token in what people paste and says where it came from; text
 * with no token is described for what it is. The same corpus runs through POST /inspect, the CLI
 * and the page (test/inspect/http.test.ts, cli.test.ts, test/e2e/page.test.ts).
 */
import { expectationsFromConfig, inspectText, MAX_ANSWER_CHARS, type TextInspection } from '../../lib/inspect';
import { loadConfig } from '../../lib/config/service';
import { realVars } from '../support/env';
import { harOfVoiceSession } from './devtools-formats';
import { expectPasteAnswer } from './paste-answer';
import { PASTES, pasteTokens, type PasteTokens } from './pastes';

const EXPECT = expectationsFromConfig(loadConfig(realVars()));

let tokens: PasteTokens;
beforeAll(async () => {
  tokens = await pasteTokens();
});

test.each(PASTES.map((paste) => [paste.name, paste] as const))('%s: the right verdict and source', async (_, paste) => {
  expectPasteAnswer(await inspectText(paste.text(tokens), { expect: EXPECT }), paste, tokens);
});

describe('a HAR with a refresh history', () => {
  test('the newest X-Twilio-Token is chosen; the others follow newest first, each with when it was sent', async () => {
    const paste = PASTES.find((p) => p.name.startsWith('a HAR of a session'))!;
    const answer = (await inspectText(paste.text(tokens), { expect: EXPECT })) as TextInspection;
    expect(answer.times.status).toBe('active');
    expect(answer.tokens.map((t) => t.times.status)).toEqual(['expired', 'expired']);
    const issued = [answer, ...answer.tokens].map((r) => r.times.issuedAt!.epochSeconds);
    expect(issued).toEqual([...issued].sort((a, b) => b - a));
    for (const report of [answer, ...answer.tokens]) {
      expect(report.seen).toEqual({ first: expect.any(String), last: expect.any(String), count: expect.any(Number) });
      // Sent while it was alive: first seen after it was issued.
      expect(Date.parse(report.seen!.first) / 1000).toBeGreaterThanOrEqual(report.times.issuedAt!.epochSeconds - 5);
    }
  });

  test('a HAR of several MB (a big image in it) is read in one pass', async () => {
    const har = harOfVoiceSession(tokens.history, { bigImageBytes: 4_000_000 });
    expect(har.length).toBeGreaterThan(4_000_000);
    const answer = await inspectText(har, { expect: EXPECT });
    expect(answer.found).toBe(3);
  });
});

describe('what each finding says', () => {
  test('an Auth Token: a password for the whole account, rotate it if shared', async () => {
    const answer = await inspectText('4f1d8a2c9b7e6f5a3c2d1e0f9a8b7c6d');
    expect(answer.findings[0]).toMatchObject({
      severity: 'error',
      message: expect.stringMatching(/password for your whole Twilio account/),
      hint: expect.stringMatching(/^Rotate it if you shared it/),
    });
  });

  test('a SID says which kind', async () => {
    const answer = await inspectText('SK' + 'ab'.repeat(16));
    expect(answer.findings[0]!.message).toMatch(/^This is an API Key SID \(SK\.\.\.\), an identifier, not an Access Token\.$/);
  });

  test('a demo token: the error says it is the demo configuration and what to do', async () => {
    const paste = PASTES.find((p) => p.name.includes('demo'))!;
    const answer = await inspectText(paste.text(tokens));
    expect(answer.findings.find((f) => f.code === 20103)).toMatchObject({
      severity: 'error',
      message: expect.stringMatching(/demo configuration/),
      hint: expect.stringMatching(/\.env\.local/),
    });
  });

  test('a Capability Token is named for what it is, with no report of what it lacks', async () => {
    const paste = PASTES.find((p) => p.name.includes('Client 1.x'))!;
    const answer = await inspectText(paste.text(tokens));
    expect(answer.findings).toHaveLength(1);
    expect(answer.findings[0]!.message).toMatch(/Twilio Client 1\.x Capability Token/);
  });
});

describe('the answer is bounded whatever was pasted (issue 17)', () => {
  const part = (value: unknown) => Buffer.from(typeof value === 'string' ? value : JSON.stringify(value)).toString('base64url');
  const HEADER = { alg: 'HS256', typ: 'JWT', cty: 'twilio-fpa;v=1' };
  /** A JWT-like string of about `chars` characters whose payload grows most when decoded and written out again. */
  const bulky = (i: number, chars: number) =>
    `${part(HEADER)}.${part(
      `{"i":${i},"grants":{"identity":"${'é'.repeat(chars / 20)}","voice":{"incoming":{"allow":true}},"x":[${Array(Math.floor(chars / 8))
        .fill('1e20')
        .join(',')}]}}`,
    )}.c2ln`;

  /** Hostile pastes of about `size` characters. */
  const shapes: Record<string, (size: number) => string> = {
    // The issue's: one long JSON key over 21 JWT-like values made a 5 MB answer.
    'one long JSON key over 21 JWT-like values': (size) =>
      JSON.stringify({ [`k${'k'.repeat(size)}`]: Array.from({ length: 21 }, (_, i) => `eyJ${i}.e30.c2ln`) }),
    'tokens of up to 16 KB whose payloads grow when written out': (size) =>
      Array.from({ length: Math.max(1, Math.floor(size / 15_000)) }, (_, i) => bulky(i, Math.min(11_000, size))).join('\n'),
    'tokens with thousands of unknown grant keys': (size) =>
      Array.from(
        { length: 21 },
        (_, i) =>
          `${part(HEADER)}.${part({ i, grants: Object.fromEntries(Array.from({ length: Math.floor(size / 21 / 8) }, (_, k) => [k.toString(36), 0])) })}.c2ln`,
      ).join(' '),
    'a HAR whose URLs, names and frame types are long': (size) =>
      JSON.stringify({
        log: {
          entries: Array.from({ length: 21 }, (_, i) => ({
            request: {
              method: 'GET',
              url: `https://example.com/${'p'.repeat(size / 42)}?${'q'.repeat(size / 42)}=1`,
              headers: [{ name: 'h'.repeat(size / 42), value: `eyJ${i}.e30.c2ln` }],
            },
          })),
        },
      }),
  };

  test.each(Object.entries(shapes))(
    '%s: at most MAX_ANSWER_CHARS as it grows to 1 MB, with or without the tokens kept',
    async (_, shape) => {
      const sizes: number[] = [];
      for (const size of [1_000, 16_000, 64_000, 230_000, 1_000_000]) {
        const text = shape(size);
        for (const keepTokens of [false, true]) {
          const answer = await inspectText(text, { keepTokens });
          const length = JSON.stringify(answer).length;
          expect([size, keepTokens, length <= MAX_ANSWER_CHARS]).toEqual([size, keepTokens, true]);
          if (!keepTokens) sizes.push(length);
        }
      }
      // Nothing in an answer grows with the paste past the bound: the last two sizes answer alike.
      expect(sizes[4]! - sizes[3]!).toBeLessThan(MAX_ANSWER_CHARS / 4);
    },
  );

  test('the long key of the issue (a 5 MB answer before): the answer does not grow with the key', async () => {
    const shape = shapes['one long JSON key over 21 JWT-like values']!;
    const small = JSON.stringify(await inspectText(shape(1_000))).length;
    const big = JSON.stringify(await inspectText(shape(230_000))).length;
    expect(big).toBe(small);
  });
});

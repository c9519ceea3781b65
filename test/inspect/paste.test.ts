/**
 * Issue 12: the engine finds the token in what people paste and says where it came from; text
 * with no token is described for what it is. The same corpus runs through POST /inspect, the CLI
 * and the page (test/inspect/http.test.ts, cli.test.ts, test/e2e/page.test.ts).
 */
import { expectationsFromConfig, inspectText, type TextInspection } from '../../lib/inspect';
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

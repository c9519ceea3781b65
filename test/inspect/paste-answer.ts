/** What every surface's answer to a paste must say: shared by the engine, HTTP, CLI and page tests. */
import type { Paste, PasteTokens } from './pastes';

export function expectPasteAnswer(answer: Record<string, any>, paste: Paste, tokens: PasteTokens): void {
  expect({ found: answer.found, valid: answer.valid }).toEqual({ found: paste.expect.found, valid: paste.expect.valid });
  if (paste.expect.source !== undefined) expect(answer.source).toMatch(paste.expect.source);
  if (paste.expect.chosen !== undefined) {
    const chosen = paste.expect.chosen === 'live' ? tokens.live : tokens.history[tokens.history.length - 1]!.token;
    expect(answer.payload?.iat).toBe(JSON.parse(Buffer.from(chosen.split('.')[1]!, 'base64url').toString()).iat);
  }
  if (paste.expect.found === 0) {
    expect(Object.keys(answer).sort()).toEqual(['findings', 'found', 'source', 'valid']);
    expect(answer.findings.map((f: { code: unknown }) => f.code)).toEqual(paste.expect.codes);
  } else if (paste.expect.codes !== undefined) {
    const errors = answer.findings.filter((f: { severity: string }) => f.severity === 'error').map((f: { code: unknown }) => f.code);
    expect([...new Set(errors)]).toEqual(paste.expect.codes);
  } else {
    expect(answer.findings).toEqual([]);
    expect(answer.signature).toBe('valid');
  }
  if (paste.expect.twilioCode !== undefined) expect(answer.findings[0].twilioCode).toBe(paste.expect.twilioCode);
}

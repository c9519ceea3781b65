/**
 * What counts as JWT-shaped text, in one place: the extractor takes such runs for candidate
 * tokens, and labels redact them. Read word by word, each word split at its dots once, so finding
 * them costs one look at each character whatever the text (issue 17: a pattern that restarted
 * after every `+`, `/` and `=` of a long run took minutes).
 */

/** A word of base64url-ish characters (standard base64's + / = too, to name that mistake) and dots. */
export const WORD = /[A-Za-z0-9_\-+/=.]+/g;

/** At most five dot-separated parts (a JWE has five); a sixth starts over. */
const MAX_MORE_PARTS = 4;

/**
 * Where a JWT-shaped run starts in one dot-separated part of a word, or -1. `{"` encodes as `eyJ`
 * when the first key starts with a letter (every real header: alg, typ, cty), so such a run counts
 * even cut short; other `ey...` starts (`{""`, `{ "`) count with two more parts to come. No
 * base64url character may stand before it (`token=eyJ...` is a token, `keyJ...` is not).
 */
export function runStart(part: string, partsAfter: number): number {
  for (let at = part.indexOf('ey'); at !== -1; at = part.indexOf('ey', at + 1)) {
    const free = at === 0 || '+/='.includes(part[at - 1]!);
    if (free && (part[at + 2] === 'J' || (partsAfter >= 2 && part.length > at + 2))) return at;
  }
  return -1;
}

/** The characters of a word (WORD), by code: base64url-ish or a dot. */
const WORD_CODES = new Set([...'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_-+/=.'].map((c) => c.charCodeAt(0)));
const isWordChar = (text: string, at: number): boolean => WORD_CODES.has(text.charCodeAt(at));

/**
 * The JWT-shaped runs of a text, with where each starts: header.payload.signature, as far as its
 * word goes. Only words holding `ey` are looked at, each split at its dots once.
 */
export function* jwtRuns(text: string): Generator<{ index: number; run: string }> {
  for (let at = text.indexOf('ey'); at !== -1;) {
    let start = at;
    while (start > 0 && isWordChar(text, start - 1)) start -= 1;
    let end = at + 2;
    while (isWordChar(text, end)) end += 1;
    const parts = text.slice(start, end).split('.');
    let offset = start;
    for (let i = 0; i < parts.length;) {
      const first = runStart(parts[i]!, parts.length - 1 - i);
      const taken = first === -1 ? 0 : Math.min(MAX_MORE_PARTS, parts.length - 1 - i);
      const spanned = parts.slice(i, i + 1 + taken);
      if (first !== -1) yield { index: offset + first, run: spanned.join('.').slice(first) };
      for (const part of spanned) offset += part.length + 1;
      i += 1 + taken;
    }
    at = text.indexOf('ey', end);
  }
}

/** Where a word turns token-shaped, or -1: a run as above, or an `eyJ` anywhere (a JOSE header, whatever precedes it). */
export function tokenShapedAt(word: string): number {
  const eyJ = word.indexOf('eyJ');
  const parts = word.split('.');
  for (let i = 0, offset = 0; i < parts.length && (eyJ === -1 || offset < eyJ); offset += parts[i]!.length + 1, i++) {
    const start = runStart(parts[i]!, parts.length - 1 - i);
    if (start !== -1) return eyJ === -1 ? offset + start : Math.min(offset + start, eyJ);
  }
  return eyJ;
}

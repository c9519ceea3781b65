/**
 * Rules for untrusted text, in one place: what counts as a control character, how text is
 * made safe for a terminal or a log line, how characters are counted. Browser-safe.
 */

/** C0 and C1 controls, DEL, and the Unicode line and paragraph separators. */
export const CONTROL_CHARACTER = /[\u0000-\u001f\u007f-\u009f\u2028\u2029]/;
const CONTROL_CHARACTERS = /[\u0000-\u001f\u007f-\u009f\u2028\u2029]/g;
const CONTROL_CHARACTERS_BUT_NEWLINE = /[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u2028\u2029]/g;

/**
 * Half of a UTF-16 surrogate pair. A JSON body can carry one ("\ud800"); it is not text, it has
 * no UTF-8 encoding, and Twilio's services would see U+FFFD instead of what the app sent.
 */
export const LONE_SURROGATE = /\p{Cs}/u;

/**
 * Characters that make one name look like another: the bidirectional controls (an RTL override
 * turns `alice\u202Eecila` into what reads as something else) and the invisible format
 * characters (zero-width space, word joiner, invisible operators, BOM). The zero-width
 * (non-)joiners U+200C/U+200D are not here: some scripts need them.
 */
export const LOOK_ALIKE_CHARACTER = /[\p{Bidi_Control}\u200b\u2060-\u2064\ufeff]/u;

/** `U+202E`: a character named without printing it. */
export const codePointName = (char: string): string => `U+${(char.codePointAt(0) ?? 0).toString(16).toUpperCase().padStart(4, '0')}`;

export const hasControlCharacters = (text: string): boolean => CONTROL_CHARACTER.test(text);

/**
 * Text from a token, an env file or an API answer must not drive a terminal: control
 * characters become `?`. Line breaks are kept for multi-line output unless `oneLine`.
 */
export function printable(text: string, opts: { oneLine?: boolean } = {}): string {
  return text.replace(opts.oneLine === true ? CONTROL_CHARACTERS : CONTROL_CHARACTERS_BUT_NEWLINE, '?');
}

/** Caller input in a log line: one short line whatever was sent. */
export function forLog(text: string, max = 64): string {
  const clean = printable(text, { oneLine: true });
  return clean.length > max ? `${clean.slice(0, max)}...` : clean;
}

/**
 * Characters as Twilio's limits count them (code points), for text without lone surrogates:
 * every high surrogate starts a pair. No array of a possibly huge input is built.
 */
export function codePoints(text: string): number {
  let pairs = 0;
  for (let i = 0; i < text.length; i++) {
    const unit = text.charCodeAt(i);
    if (unit >= 0xd800 && unit <= 0xdbff) pairs += 1;
  }
  return text.length - pairs;
}

/** `a list (the parameter was sent more than once?)`, `null`, `a number`: what a value is, never what it holds. */
export function describeType(value: unknown): string {
  if (Array.isArray(value)) return 'a list (the parameter was sent more than once?)';
  if (value === null) return 'null';
  const type = typeof value;
  return `${/^[aeiou]/.test(type) ? 'an' : 'a'} ${type}`;
}

/** Own properties only: request events and tokens are untrusted, so `__proto__` or `constructor` never leak in. */
export function own(object: object, key: string): unknown {
  return Object.prototype.hasOwnProperty.call(object, key) ? (object as Record<string, unknown>)[key] : undefined;
}

export const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

export const plural = (n: number, word: string): string => `${n} ${word}${n === 1 ? '' : 's'}`;

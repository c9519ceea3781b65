/**
 * The `source` of a found token is made of pasted text: a HAR entry's URL, a header, query or
 * field name. Two promises hold for every label, whatever was pasted (issue 17): it never carries
 * a credential (a HAR's `?access_token=eyJ...` would put a live token, signature and all, into the
 * answer and the support report), and it is short (a 230 KB JSON key must not come back once per
 * token found). So each piece is redacted and cut where the label is made, and the whole once more.
 */
import { tokenShapedAt, WORD } from './jwt-shape';

/** The longest `source` of any found token. */
export const MAX_SOURCE_CHARS = 300;
/** A request URL in a label, after its query values are replaced. */
const MAX_URL_CHARS = 200;
/** One key of a JSON field path, and the whole path (its end kept: the field's own name says most). */
const MAX_KEY_CHARS = 48;
const MAX_PATH_CHARS = 160;

const REDACTED = '[redacted]';
const ELLIPSIS = '…';

/** Token-shaped text replaced, from where it starts to the end of its word. */
export function redactTokens(text: string): string {
  return text.replace(WORD, (word) => {
    const at = tokenShapedAt(word);
    return at === -1 ? word : `${word.slice(0, at)}${REDACTED}`;
  });
}

/** At most `max` characters, never half of a surrogate pair; the cut is marked. */
function cutEnd(text: string, max: number): string {
  if (text.length <= max) return text;
  let end = max - 1;
  if (/[\ud800-\udbff]/.test(text[end - 1] ?? '')) end -= 1;
  return `${text.slice(0, end)}${ELLIPSIS}`;
}

function cutStart(text: string, max: number): string {
  if (text.length <= max) return text;
  let start = text.length - max + 1;
  if (/[\udc00-\udfff]/.test(text[start] ?? '')) start += 1;
  return `${ELLIPSIS}${text.slice(start)}`;
}

/**
 * A piece of pasted text fit for a label: one line, token-shaped text redacted, at most `max`
 * characters. Only a bounded head of the text is read, so a huge name costs no more than a short one.
 */
export function label(text: string, max: number): string {
  return cutEnd(redactTokens(text.slice(0, 2 * max)).replace(/\s+/g, ' '), max);
}

/**
 * A request URL as a label: scheme, host and path kept; every query value, the fragment and a
 * user:password replaced (they carry credentials: `?access_token=`, `#id_token=`); token-shaped
 * text in the path redacted.
 */
export function urlLabel(url: string): string {
  const head = 4 * MAX_URL_CHARS;
  const hash = url.indexOf('#');
  const beforeHash = hash === -1 ? url : url.slice(0, hash);
  const question = beforeHash.indexOf('?');
  const base = (question === -1 ? beforeHash : beforeHash.slice(0, question))
    .slice(0, head)
    .replace(/^([A-Za-z][A-Za-z0-9+.-]*:\/\/)[^/?#@]*@/, `$1${REDACTED}@`);
  const pairs = question === -1 ? [] : beforeHash.slice(question + 1, question + 1 + head).split('&');
  const query = pairs.map((pair) => (pair === '' ? '' : pair.includes('=') ? `${pair.slice(0, pair.indexOf('='))}=${REDACTED}` : REDACTED));
  // Each part is read from a bounded head, so a path cut short still leaves the query in view.
  const shown = `${base}${question === -1 ? '' : `?${query.join('&')}`}${hash === -1 ? '' : `#${REDACTED}`}`;
  return cutEnd(redactTokens(shown).replace(/\s+/g, ' '), MAX_URL_CHARS);
}

/** A JSON field path one key deeper, as shown: `body.session.accessToken`, each key and the whole cut. */
export function fieldLabel(parent: string, key: string): string {
  const shown = label(key, MAX_KEY_CHARS);
  return cutStart(parent === '' ? shown : `${parent}.${shown}`, MAX_PATH_CHARS);
}

/**
 * Finding the token in what people actually paste: a header line from DevTools, the Headers pane
 * (name on one line, value on the next), "Copy as cURL" (bash or cmd), "Copy as PowerShell",
 * "Copy as fetch", a HAR file, a JSON answer, a log line, a token wrapped over lines. Every
 * JWT-shaped string is a candidate, with where it came from; text with none is described for
 * what it is (an Auth Token, a SID, something else). Browser-safe.
 *
 * Pasted text is untrusted, so every step costs time linear in it: a HAR of tens of MB is parsed
 * once and only strings holding `ey` are looked at; text is read line by line, a line word by
 * word, and what stands before a token is looked for in a bounded window (issue 17: patterns that
 * backtracked over runs of spaces, or re-read the text before each token, took minutes).
 */
import { TOKEN_CONTENT_TYPE } from '../twilio';
import { isRecord, own } from './findings';
import { jwtRuns } from './jwt-shape';
import { fieldLabel, label, MAX_SOURCE_CHARS, urlLabel } from './labels';

export interface Candidate {
  /** The JWT-shaped text. */
  token: string;
  /** Where it was found, for people: `X-Twilio-Token header of a curl command`, `HAR entry 12: POST https://...`. */
  source: string;
  /** 0: an X-Twilio-Token header (what Twilio's SDKs send); 1: a Twilio Access Token elsewhere; 2: any other JWT. */
  preference: 0 | 1 | 2;
  /** Times (ISO-8601) of the HAR entries it appeared in, oldest first. */
  seen: string[];
  /** Order of discovery, to keep the reading order among equals. */
  order: number;
}

const isComplete = (token: string): boolean => token.split('.').length === 3 && /^[^.]+\.[^.]+\.[^.]*$/.test(token);

/**
 * Twilio's content type in the JOSE header, read without any library (a candidate may be garbage:
 * what cannot be a header is ruled out before decoding, as tens of thousands may be pasted).
 */
function isTwilioToken(token: string): boolean {
  const dot = token.indexOf('.');
  const part = dot === -1 ? token : token.slice(0, dot);
  if (!/^[A-Za-z0-9_\-+/]*$/.test(part)) return false;
  try {
    const json = atob(part.replace(/-/g, '+').replace(/_/g, '/') + '='.repeat((4 - (part.length % 4)) % 4));
    if (!json.includes(TOKEN_CONTENT_TYPE)) return false;
    const header: unknown = JSON.parse(json);
    return isRecord(header) && own(header, 'cty') === TOKEN_CONTENT_TYPE;
  } catch {
    return false;
  }
}

/** What a header or field name says about a token found in it. */
function describeName(name: string): string {
  const lower = name.toLowerCase();
  if (lower === 'x-twilio-token') return 'X-Twilio-Token header';
  if (lower === 'authorization') return 'Authorization header';
  return `the value after "${label(name, 64)}"`;
}

class Collector {
  private readonly byToken = new Map<string, Candidate>();
  private count = 0;
  /** The last source and its label: a text or a HAR entry gives many tokens the same one. */
  private labelled = { source: '', label: '' };

  add(token: string, source: string, viaTwilioHeader: boolean, time?: string): void {
    const known = this.byToken.get(token);
    if (known === undefined) {
      const preference = viaTwilioHeader ? 0 : isTwilioToken(token) ? 1 : 2;
      this.byToken.set(token, {
        token,
        source: this.label(source),
        preference,
        seen: time === undefined ? [] : [time],
        order: this.count++,
      });
      return;
    }
    if (time !== undefined) known.seen.push(time);
    // The same token seen in an X-Twilio-Token header is described from there.
    if (viaTwilioHeader && known.preference > 0) Object.assign(known, { source: this.label(source), preference: 0 });
  }

  /** Every source once more through the label rules: redacted and cut, whatever its pieces were. */
  private label(source: string): string {
    if (this.labelled.source !== source) this.labelled = { source, label: label(source, MAX_SOURCE_CHARS) };
    return this.labelled.label;
  }

  get candidates(): Candidate[] {
    return [...this.byToken.values()].map((c) => ({ ...c, seen: [...c.seen].sort() }));
  }
}

/**
 * The longest text a wrapped token is looked for in: one is pasted alone or in a short log, and
 * joining the lines of tens of MB would take memory many times their size.
 */
const MAX_UNWRAP_CHARS = 1024 * 1024;

/** Joins what wrapping did to a token: `\` line continuations, escaped newlines, line breaks between base64url characters. */
function unwrap(text: string): string {
  return text
    .replace(/\\\r?\n[ \t]*/g, '')
    .replace(/([A-Za-z0-9_.-])(?:\\r)?\\n[ \t]*(?=[A-Za-z0-9_.-])/g, '$1')
    .replace(/([A-Za-z0-9_.-])\r?\n[ \t]*(?=[A-Za-z0-9_.-])/g, '$1');
}

/** The kind of text a paste is, for the source: a curl command, a PowerShell command... */
function containerOf(text: string): string {
  const head = text.trimStart().slice(0, 400);
  if (/^curl\s/.test(head)) return head.includes('^"') ? 'a curl (cmd) command' : 'a curl command';
  if (/Invoke-(?:WebRequest|RestMethod)\b|New-Object\s+Microsoft\.PowerShell/.test(head)) return 'a PowerShell command';
  if (/^(?:await\s+)?fetch\(/.test(head)) return 'a fetch() call';
  if (/^[A-Z]+ \S+ HTTP\/\d/.test(head)) return 'raw request headers';
  return 'the pasted text';
}

/**
 * `name: value`, `"name": "value"`, `-H 'name: value'`, `"name"="value"`, `name=value`: the name
 * right before a value. Each run of spaces is matched by one quantifier only, so a failed match
 * costs one look at the window.
 */
const NAME_BEFORE = /(?:^|[\s"'{,(@-])([A-Za-z][A-Za-z0-9_.-]{0,63})["']?\s*[:=]\s*(?:["'`]\s*)?(?:Bearer\s+)?$/i;
/** How far before a token its name is looked for: a 64-character name, its quotes, `: ` and `Bearer `, with room to spare. */
const NAME_WINDOW = 128;
/** The DevTools Headers pane copies a header's name on one line and its value on the next. */
const HEADER_NAME_LINE = /^:?[A-Za-z][A-Za-z0-9-]{0,63}$/;

/** The name in front of the token at `index` of the line, from the window before it. */
function nameBefore(line: string, index: number): string | undefined {
  const from = Math.max(0, index - NAME_WINDOW);
  const window = line.slice(from, index);
  const found = /[:=]/.test(window) ? NAME_BEFORE.exec(window) : null;
  // A window cut mid-line may start inside a longer word: a name there is not one.
  if (found === null || (from > 0 && found.index === 0)) return undefined;
  return found[1];
}

interface Match {
  token: string;
  /** The header or field name in front of it, when there is one. */
  name?: string;
}

/** A sentence's full stop after a token is not a fourth part. */
function trimRun(run: string): string {
  let token = run;
  while (token.endsWith('.') && token.split('.').length > 3) token = token.slice(0, -1);
  return token;
}

/** The lines of a text, one at a time: no array of them (a paste may have millions). */
function* linesOf(text: string): Generator<string> {
  for (let start = 0; start <= text.length;) {
    const end = text.indexOf('\n', start);
    const stop = end === -1 ? text.length : end;
    yield text.slice(start, stop);
    start = stop + 1;
  }
}

/**
 * The distinct JWT-shaped runs of plain text, each with the name in front of it (or on the line
 * above, as the Headers pane copies), in reading order. Distinct: a paste repeating one token a
 * million times costs memory for one.
 */
function matchesIn(text: string): Match[] {
  const matches = new Map<string, Match>();
  /** The last line holding anything, trimmed: a header name when a value follows on its own line. */
  let lineAbove = '';
  for (const line of linesOf(text)) {
    const firstVisible = line.search(/\S/);
    for (const { index, run } of line.includes('ey') ? jwtRuns(line) : []) {
      let name = nameBefore(line, index);
      if (name === undefined && (firstVisible === -1 || firstVisible >= index) && HEADER_NAME_LINE.test(lineAbove)) name = lineAbove;
      const token = trimRun(run);
      const key = `${name ?? ''}\u0000${token}`;
      if (!matches.has(key)) matches.set(key, { token, name });
    }
    if (firstVisible !== -1) lineAbove = line.trim();
  }
  return [...matches.values()];
}

/** The matches of the text as it is, or of the text unwrapped when only that holds a whole token. */
function bestMatches(text: string): Match[] {
  const raw = matchesIn(text);
  if (raw.some((m) => isComplete(m.token))) return raw;
  // Only a line break or a backslash can wrap a token.
  const unwrapped = text.length <= MAX_UNWRAP_CHARS && /[\n\\]/.test(text) ? unwrap(text) : text;
  if (unwrapped === text) return raw;
  const joined = matchesIn(unwrapped);
  return joined.some((m) => isComplete(m.token)) ? joined : raw;
}

/** A header or field name and where it sits: `X-Twilio-Token header of a curl command`. */
function sourceOf(match: Match, context: string): string {
  if (match.name === undefined) return context;
  return `${describeName(match.name)} ${context === 'the pasted text' ? 'in' : 'of'} ${context}`;
}

const viaTwilioHeader = (match: Match): boolean => match.name?.toLowerCase() === 'x-twilio-token';

/** Where a string sits in parsed JSON: its path as shown (cut, redacted) and the name of its own field. */
interface JsonPlace {
  path: string;
  field: string;
}

const TOP: JsonPlace = { path: '', field: '' };

/** Strings inside parsed JSON: a value may itself be JSON text (a HAR body, a websocket frame). */
function scanValue(
  value: unknown,
  collector: Collector,
  where: (path: string) => string,
  time: string | undefined,
  place = TOP,
  depth = 0,
): void {
  if (depth > 32) return;
  if (typeof value === 'string') {
    if (!value.includes('ey')) return;
    const inner = /^\s*[[{]/.test(value) ? parseJson(value) : undefined;
    if (inner !== undefined) return scanValue(inner, collector, where, time, place, depth + 1);
    const matches = bestMatches(value);
    if (matches.length === 0) return;
    const source = where(place.path);
    for (const match of matches)
      collector.add(match.token, source, viaTwilioHeader(match) || place.field.toLowerCase() === 'x-twilio-token', time);
    return;
  }
  if (Array.isArray(value)) {
    for (const item of value) scanValue(item, collector, where, time, place, depth + 1);
    return;
  }
  if (isRecord(value))
    for (const [key, item] of Object.entries(value))
      scanValue(item, collector, where, time, { path: fieldLabel(place.path, key), field: key }, depth + 1);
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

const harEntries = (value: unknown): unknown[] | undefined => {
  const log = isRecord(value) ? own(value, 'log') : undefined;
  const entries = isRecord(log) ? own(log, 'entries') : undefined;
  return Array.isArray(entries) ? entries : undefined;
};

const text = (value: unknown): string => (typeof value === 'string' ? value : '');

/** Every request header, query parameter, body and websocket frame of a HAR, in its entries' order. */
function scanHar(entries: unknown[], collector: Collector): void {
  entries.forEach((entry, i) => {
    if (!isRecord(entry)) return;
    const request = isRecord(entry.request) ? entry.request : {};
    const response = isRecord(entry.response) ? entry.response : {};
    const time = typeof entry.startedDateTime === 'string' ? entry.startedDateTime : undefined;
    // The URL's query values are left out: `?access_token=eyJ...` is a live token.
    const entryLabel = `HAR entry ${i + 1}: ${label(text(request.method), 16)} ${urlLabel(text(request.url))}`.trim();
    for (const header of Array.isArray(request.headers) ? request.headers : []) {
      if (!isRecord(header) || !text(header.value).includes('ey')) continue;
      const name = text(header.name);
      for (const match of bestMatches(text(header.value)))
        collector.add(match.token, `${entryLabel}, ${describeName(name)}`, name.toLowerCase() === 'x-twilio-token', time);
    }
    for (const parameter of Array.isArray(request.queryString) ? request.queryString : []) {
      if (isRecord(parameter))
        scanValue(parameter.value, collector, () => `${entryLabel}, query parameter "${label(text(parameter.name), 64)}"`, time);
    }
    const postData = isRecord(request.postData) ? request.postData : {};
    scanValue(postData.text, collector, (path) => `${entryLabel}, request body${path === '' ? '' : ` field ${path}`}`, time);
    const content = isRecord(response.content) ? response.content : {};
    if (content.encoding !== 'base64')
      scanValue(content.text, collector, (path) => `${entryLabel}, response body${path === '' ? '' : ` field ${path}`}`, time);
    const frames = Array.isArray(entry._webSocketMessages) ? entry._webSocketMessages : [];
    for (const frame of frames) {
      if (!isRecord(frame)) continue;
      const frameTime = typeof frame.time === 'number' ? new Date(frame.time * 1000).toISOString() : time;
      scanValue(
        frame.data,
        collector,
        (path) => `${entryLabel}, websocket ${label(text(frame.type), 16)} message${path === '' ? '' : ` field ${path}`}`,
        frameTime,
      );
    }
  });
}

/**
 * Every distinct JWT-shaped string in the text, with where it was found. A HAR is read entry by
 * entry; other JSON by field; anything else line by line.
 */
export function findTokenCandidates(input: string): Candidate[] {
  const collector = new Collector();
  const trimmed = input.replace(/^\uFEFF/, '').trim();
  const json = /^[[{]/.test(trimmed) ? parseJson(trimmed) : undefined;
  if (json !== undefined) {
    const entries = harEntries(json);
    if (entries !== undefined) scanHar(entries, collector);
    else scanValue(json, collector, (path) => (path === '' ? 'the pasted JSON' : `JSON field ${path}`), undefined);
    return collector.candidates;
  }
  const context = containerOf(trimmed);
  for (const match of bestMatches(trimmed)) collector.add(match.token, sourceOf(match, context), viaTwilioHeader(match));
  return collector.candidates;
}

/** What text with no JWT in it looks like, for a finding that says so. */
export type Lookalike = { kind: 'auth_token' } | { kind: 'sid'; prefix: string } | { kind: 'nothing' };

/**
 * Auth Tokens are 32 lowercase hex digits (as observed: Twilio documents no format); SIDs are two
 * capitals and 32 hex digits. Looked for as whole words, so an `AUTH_TOKEN=...` line counts.
 */
export function classifyLookalike(input: string): Lookalike {
  const sample = input.slice(0, 64 * 1024);
  if (/(?:^|[^0-9A-Za-z])[0-9a-f]{32}(?![0-9A-Za-z])/.test(sample)) return { kind: 'auth_token' };
  const sid = /(?:^|[^0-9A-Za-z])([A-Z]{2})[0-9a-fA-F]{32}(?![0-9A-Za-z])/.exec(sample);
  if (sid !== null) return { kind: 'sid', prefix: sid[1]! };
  return { kind: 'nothing' };
}

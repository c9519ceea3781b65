import { badRequest } from './errors';

export const GRANT_NAMES = ['voice', 'video', 'chat', 'sync'] as const;
export type GrantName = (typeof GRANT_NAMES)[number];

/** `conversations` is the product name people use today; the token grant is still `chat`. */
const GRANT_ALIASES: Record<string, GrantName> = {
  voice: 'voice',
  video: 'video',
  chat: 'chat',
  conversations: 'chat',
  sync: 'sync',
};

export interface TokenRequest {
  identity: string;
  /** Requested grants, deduplicated, in the caller's order. */
  grants: GrantName[];
  /** Seconds; undefined means the configured default. */
  ttl?: number;
  room?: string;
  incomingAllow: boolean;
}

/** Limits from Twilio's SDKs: Voice client names and Video identities. */
export const IDENTITY_MAX = 256;
export const VOICE_IDENTITY_MAX = 121;
export const VIDEO_IDENTITY_MAX = 128;
export const ROOM_MAX = 128;
const VOICE_IDENTITY = /^[A-Za-z0-9_]+$/;
// eslint-disable-next-line no-control-regex
const CONTROL_CHARS = /[\u0000-\u001f\u007f-\u009f\u2028\u2029]/;
/**
 * Half of a UTF-16 surrogate pair. A JSON body can carry one ("\ud800"); it is not text, it has
 * no UTF-8 encoding, and Twilio's services would see U+FFFD instead of the identity the app
 * uses (fuzzing found such identities and rooms minted into tokens).
 */
const LONE_SURROGATE = /\p{Cs}/u;

/** The event is user input merged from query and body: read only own properties. */
export function param(event: Record<string, unknown>, name: string): unknown {
  return Object.prototype.hasOwnProperty.call(event, name) ? event[name] : undefined;
}

const describeType = (value: unknown): string =>
  Array.isArray(value) ? 'a list (the parameter was sent more than once?)' : value === null ? 'null' : `a ${typeof value}`;

/**
 * Characters as Twilio's limits count them (code points). Called once lone surrogates were
 * refused, so every high surrogate starts a pair; no array of a possibly huge input is built.
 */
function codePoints(text: string): number {
  let pairs = 0;
  for (let i = 0; i < text.length; i++) {
    const unit = text.charCodeAt(i);
    if (unit >= 0xd800 && unit <= 0xdbff) pairs += 1;
  }
  return text.length - pairs;
}

/** The rules every identity obeys whatever the grants; returns its length in characters. */
function checkPlainIdentity(identity: unknown, field: string): number {
  if (identity === undefined || identity === '') {
    throw badRequest('missing_identity', field, 'identity is required: send the user name this token is for, e.g. identity=alice');
  }
  if (typeof identity !== 'string') {
    throw badRequest('invalid_identity', field, `identity must be a single string, got ${describeType(identity)}`);
  }
  if (identity.trim() !== identity) {
    throw badRequest('invalid_identity', field, 'identity must not start or end with spaces');
  }
  if (CONTROL_CHARS.test(identity)) {
    throw badRequest('invalid_identity', field, 'identity must not contain control characters or line breaks');
  }
  if (LONE_SURROGATE.test(identity)) {
    throw badRequest('invalid_identity', field, 'identity must be valid Unicode text; it holds half of a UTF-16 surrogate pair (a broken emoji?)');
  }
  // UTF-16 length is an upper bound of the character count, so count only when it matters.
  const length = identity.length <= VOICE_IDENTITY_MAX ? identity.length : codePoints(identity);
  if (length > IDENTITY_MAX) {
    throw badRequest('invalid_identity', field, `identity is ${length} characters; the limit is ${IDENTITY_MAX}`);
  }
  return length;
}

/** The rules of the requested products, for an identity that passed checkPlainIdentity. */
function checkProductIdentity(identity: string, length: number, grants: readonly GrantName[], field: string): void {
  if (grants.includes('voice')) {
    if (!VOICE_IDENTITY.test(identity)) {
      throw badRequest('invalid_identity', field, 'a Voice identity may only contain letters A-Z, a-z, digits and underscores (Voice SDK error 31105 otherwise); e.g. alice_smith');
    }
    if (length > VOICE_IDENTITY_MAX) {
      throw badRequest('invalid_identity', field, `a Voice identity is at most ${VOICE_IDENTITY_MAX} characters; this one has ${length}`);
    }
  }
  if (grants.includes('video') && length > VIDEO_IDENTITY_MAX) {
    throw badRequest('invalid_identity', field, `a Video identity is at most ${VIDEO_IDENTITY_MAX} characters (error 53200 otherwise); this one has ${length}`);
  }
}

/**
 * Validates an identity against the rules every grant shares and those of the requested
 * products. Used for the `identity` param and, in jwt auth mode, for the verified claim.
 */
export function checkIdentity(identity: unknown, grants: readonly GrantName[], field = 'identity'): string {
  const length = checkPlainIdentity(identity, field);
  checkProductIdentity(identity as string, length, grants, field);
  return identity as string;
}

function parseGrants(raw: unknown): GrantName[] {
  if (raw === undefined || raw === '') {
    throw badRequest('missing_grants', 'grants', `grants is required: a comma list of ${GRANT_NAMES.join(', ')} (or conversations), e.g. grants=voice,video`);
  }
  let items: unknown[];
  if (typeof raw === 'string') items = raw.split(',');
  else if (Array.isArray(raw)) items = raw.flatMap((item) => (typeof item === 'string' ? item.split(',') : [item]));
  else throw badRequest('invalid_grant', 'grants', `grants must be a comma list or an array of names, got ${describeType(raw)}`);

  const grants: GrantName[] = [];
  for (const item of items) {
    if (typeof item !== 'string') {
      throw badRequest('invalid_grant', 'grants', `grants must contain names only, got ${describeType(item)}`);
    }
    const name = item.trim().toLowerCase();
    if (name === '') continue;
    const grant = Object.prototype.hasOwnProperty.call(GRANT_ALIASES, name) ? GRANT_ALIASES[name] : undefined;
    if (grant === undefined) {
      const shown = JSON.stringify(item.trim().slice(0, 40));
      throw badRequest('invalid_grant', 'grants', `unknown grant ${shown}; choose from ${GRANT_NAMES.join(', ')} (conversations is an alias of chat)`);
    }
    if (!grants.includes(grant)) grants.push(grant);
  }
  if (grants.length === 0) {
    throw badRequest('missing_grants', 'grants', `grants is empty: name at least one of ${GRANT_NAMES.join(', ')}`);
  }
  return grants;
}

function parseTtl(raw: unknown, maxTtl: number): number | undefined {
  if (raw === undefined || raw === '') return undefined;
  const text = typeof raw === 'number' ? String(raw) : typeof raw === 'string' ? raw.trim() : undefined;
  if (text === undefined || !/^\d{1,9}$/.test(text) || Number(text) < 1 || Number(text) > maxTtl) {
    const got = typeof raw === 'string' || typeof raw === 'number' ? ` (got ${JSON.stringify(String(raw).slice(0, 20))})` : ` (got ${describeType(raw)})`;
    throw badRequest('invalid_ttl', 'ttl', `ttl must be a whole number of seconds from 1 to ${maxTtl}${got}`);
  }
  return Number(text);
}

function parseRoom(raw: unknown, grants: readonly GrantName[]): string | undefined {
  if (raw === undefined || raw === '') return undefined;
  if (!grants.includes('video')) {
    throw badRequest('invalid_param', 'room', 'room only applies to the video grant; add video to grants or drop room');
  }
  if (typeof raw !== 'string') throw badRequest('invalid_room', 'room', `room must be a single string, got ${describeType(raw)}`);
  if (raw.trim() !== raw || CONTROL_CHARS.test(raw)) {
    throw badRequest('invalid_room', 'room', 'room must not have surrounding spaces or control characters');
  }
  if (LONE_SURROGATE.test(raw)) throw badRequest('invalid_room', 'room', 'room must be valid Unicode text; it holds half of a UTF-16 surrogate pair');
  if (raw.length > ROOM_MAX && codePoints(raw) > ROOM_MAX) throw badRequest('invalid_room', 'room', `room is at most ${ROOM_MAX} characters`);
  return raw;
}

const TRUE_WORDS = new Set(['true', '1', 'yes', 'on']);
const FALSE_WORDS = new Set(['false', '0', 'no', 'off']);

/** Query strings carry "false" as text; `Boolean("false")` would be true, the classic bug. */
function parseIncomingAllow(raw: unknown, grants: readonly GrantName[]): boolean {
  if (raw === undefined || raw === '') return true;
  if (!grants.includes('voice')) {
    throw badRequest('invalid_param', 'incomingAllow', 'incomingAllow only applies to the voice grant; add voice to grants or drop incomingAllow');
  }
  if (typeof raw === 'boolean') return raw;
  const word = typeof raw === 'string' || typeof raw === 'number' ? String(raw).trim().toLowerCase() : undefined;
  if (word !== undefined && TRUE_WORDS.has(word)) return true;
  if (word !== undefined && FALSE_WORDS.has(word)) return false;
  throw badRequest('invalid_param', 'incomingAllow', 'incomingAllow must be true or false');
}

/**
 * Turns the merged query/body event into a typed token request, or throws a 400 naming the field.
 * `verifiedIdentity` (the caller's JWT claim in jwt auth mode) replaces the `identity` param.
 */
export function parseTokenRequest(event: Record<string, unknown>, maxTtl: number, verifiedIdentity?: string): TokenRequest {
  const rawIdentity = verifiedIdentity ?? param(event, 'identity');
  // Product-independent identity rules first, so a missing identity is reported as such.
  const length = checkPlainIdentity(rawIdentity, 'identity');
  const identity = rawIdentity as string;
  const grants = parseGrants(param(event, 'grants'));
  checkProductIdentity(identity, length, grants, 'identity');
  return {
    identity,
    grants,
    ttl: parseTtl(param(event, 'ttl'), maxTtl),
    room: parseRoom(param(event, 'room'), grants),
    incomingAllow: parseIncomingAllow(param(event, 'incomingAllow'), grants),
  };
}

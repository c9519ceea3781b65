/** The /token request: the merged query/body event -> a typed TokenRequest, or a 400 naming the field. */
import { badRequest } from '../errors';
import { codePoints, CONTROL_CHARACTER, describeType, LONE_SURROGATE, own } from '../text';
import { GRANT_LIST, grantByName, identityProblems, type GrantName } from '../twilio';

export interface TokenRequest {
  identity: string;
  /** Requested grants, deduplicated, in the caller's order. */
  grants: GrantName[];
  /** Seconds; undefined means the configured default. */
  ttl?: number;
  room?: string;
  incomingAllow: boolean;
}

/** Video room names: Twilio's limit. */
export const ROOM_MAX_LENGTH = 128;

/** The event is user input merged from query and body: read only own properties. */
export const param = (event: Record<string, unknown>, name: string): unknown => own(event, name);

/** The first problem of `identity` for `grants` as a 400, or nothing. */
function refuseIdentity(identity: unknown, grants: readonly GrantName[]): void {
  const [problem] = identityProblems(identity, grants);
  if (problem !== undefined) throw badRequest(problem.code, 'identity', problem.message);
}

function parseGrants(raw: unknown): GrantName[] {
  if (raw === undefined || raw === '') {
    throw badRequest(
      'missing_grants',
      'grants',
      `grants is required: a comma list of ${GRANT_LIST} (or conversations), e.g. grants=voice,video`,
    );
  }
  let items: unknown[];
  if (typeof raw === 'string') items = raw.split(',');
  else if (Array.isArray(raw)) items = (raw as unknown[]).flatMap((item) => (typeof item === 'string' ? item.split(',') : [item]));
  else throw badRequest('invalid_grant', 'grants', `grants must be a comma list or an array of names, got ${describeType(raw)}`);

  const grants: GrantName[] = [];
  for (const item of items) {
    if (typeof item !== 'string') throw badRequest('invalid_grant', 'grants', `grants must contain names only, got ${describeType(item)}`);
    if (item.trim() === '') continue;
    const grant = grantByName(item);
    if (grant === undefined) {
      const shown = JSON.stringify(item.trim().slice(0, 40));
      throw badRequest('invalid_grant', 'grants', `unknown grant ${shown}; choose from ${GRANT_LIST} (conversations is an alias of chat)`);
    }
    if (!grants.includes(grant)) grants.push(grant);
  }
  if (grants.length === 0) throw badRequest('missing_grants', 'grants', `grants is empty: name at least one of ${GRANT_LIST}`);
  return grants;
}

function parseTtl(raw: unknown, maxTtl: number): number | undefined {
  if (raw === undefined || raw === '') return undefined;
  const text = typeof raw === 'number' ? String(raw) : typeof raw === 'string' ? raw.trim() : undefined;
  if (text === undefined || !/^\d{1,9}$/.test(text) || Number(text) < 1 || Number(text) > maxTtl) {
    const got =
      typeof raw === 'string' || typeof raw === 'number'
        ? ` (got ${JSON.stringify(String(raw).slice(0, 20))})`
        : ` (got ${describeType(raw)})`;
    throw badRequest('invalid_ttl', 'ttl', `ttl must be a whole number of seconds from 1 to ${maxTtl}${got}`);
  }
  return Number(text);
}

function parseRoom(raw: unknown, grants: readonly GrantName[]): string | undefined {
  if (raw === undefined || raw === '') return undefined;
  if (!grants.includes('video'))
    throw badRequest('invalid_param', 'room', 'room only applies to the video grant; add video to grants or drop room');
  if (typeof raw !== 'string') throw badRequest('invalid_room', 'room', `room must be a single string, got ${describeType(raw)}`);
  if (raw.trim() !== raw || CONTROL_CHARACTER.test(raw)) {
    throw badRequest('invalid_room', 'room', 'room must not have surrounding spaces or control characters');
  }
  if (LONE_SURROGATE.test(raw))
    throw badRequest('invalid_room', 'room', 'room must be valid Unicode text; it holds half of a UTF-16 surrogate pair');
  if (codePoints(raw) > ROOM_MAX_LENGTH) throw badRequest('invalid_room', 'room', `room is at most ${ROOM_MAX_LENGTH} characters`);
  return raw;
}

/** The parameters /token reads. */
export const TOKEN_PARAMS = ['identity', 'grants', 'ttl', 'room', 'incomingAllow'] as const;

/**
 * Query strings carry "false" as text; `Boolean("false")` would be true, the classic bug. Only
 * true and false (text or JSON booleans): a `1` or a `yes` is a guess at what the client meant.
 */
function parseIncomingAllow(raw: unknown, grants: readonly GrantName[]): boolean {
  if (raw === undefined || raw === '') return true;
  if (!grants.includes('voice')) {
    throw badRequest(
      'invalid_param',
      'incomingAllow',
      'incomingAllow only applies to the voice grant; add voice to grants or drop incomingAllow',
    );
  }
  if (raw === true || raw === 'true') return true;
  if (raw === false || raw === 'false') return false;
  throw badRequest('invalid_param', 'incomingAllow', 'incomingAllow must be true or false');
}

/**
 * Turns the merged query/body event into a typed token request, or throws a 400 naming the field.
 * `verifiedIdentity` (the caller's JWT claim in jwt auth mode) replaces the `identity` param.
 */
export function parseTokenRequest(event: Record<string, unknown>, maxTtl: number, verifiedIdentity?: string): TokenRequest {
  const identity = verifiedIdentity ?? param(event, 'identity');
  // The rules every identity obeys first, so a missing identity is reported as such.
  refuseIdentity(identity, []);
  const grants = parseGrants(param(event, 'grants'));
  refuseIdentity(identity, grants);
  return {
    identity: identity as string,
    grants,
    ttl: parseTtl(param(event, 'ttl'), maxTtl),
    room: parseRoom(param(event, 'room'), grants),
    incomingAllow: parseIncomingAllow(param(event, 'incomingAllow'), grants),
  };
}

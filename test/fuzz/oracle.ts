/**
 * An independent model of the /token contract (issue 2), written from the specification and
 * not from lib/: given the configuration and an event, what must the answer be? It predicts
 * the success payload exactly, and for a bad request the set of (code, field) pairs that are
 * each a correct complaint (the service may report any one of the problems it finds).
 */

export interface ModelConfig {
  accountSid: string;
  apiKey: string;
  outgoingSid?: string;
  chatServiceSid?: string;
  syncServiceSid: string;
  pushCredentialSid?: string;
  /** TASKROUTER_WORKSPACE_SID; taskrouter tokens need it. */
  workspaceSid?: string;
  region?: string;
  defaultTtl: number;
  maxTtl: number;
  /** `*` or exact origins. */
  allowedOrigins: '*' | string[];
  domainName: string;
}

export type Expectation =
  | { kind: 'forbidden_origin' }
  | { kind: 'preflight'; origin?: string }
  | {
      kind: 'token';
      origin?: string;
      identity: string;
      grants: string[];
      ttl: number;
      header: Record<string, unknown>;
      payloadGrants: Record<string, unknown>;
      /** In the answer when TWILIO_REGION is set. */
      region?: string;
    }
  /**
   * `accepted`: each a correct "code field"; `status` may list several when the order of two checks is
   * the implementation's choice. `beforeAuth`: a problem with the request's shape, found before the
   * caller is authenticated (issue 11).
   */
  | { kind: 'error'; origin?: string; status: number | number[]; accepted: string[]; beforeAuth?: boolean }
  /** An input the specification leaves open (e.g. a 10-digit ttl with leading zeros): only the safety properties apply. */
  | { kind: 'open'; origin?: string };

const own = (object: unknown, key: string): unknown =>
  typeof object === 'object' && object !== null && Object.prototype.hasOwnProperty.call(object, key)
    ? (object as Record<string, unknown>)[key]
    : undefined;

const blank = (value: unknown): boolean => value === undefined || value === '';
const codePoints = (text: string): number => Array.from(text).length;
/** Surrounding white space as String.prototype.trim sees it (Unicode White_Space + line terminators). */
const PADDED = /^\s|\s$/u;
/** Control characters (Unicode Cc: C0, DEL, C1) and the two JSON-hostile line separators. */
const CONTROL = /[\p{Cc}\u2028\u2029]/u;
/** Not valid Unicode text: a UTF-16 surrogate without its partner cannot be sent as UTF-8. */
const LONE_SURROGATE = /\p{Cs}/u;
/** Issue 11: bidirectional controls and invisible characters make look-alike names (ZWJ/ZWNJ stay allowed). */
const LOOK_ALIKE = /[\p{Bidi_Control}\u200b\u2060-\u2064\ufeff]/u;
const WORDS: Record<string, string> = {
  voice: 'voice',
  video: 'video',
  chat: 'chat',
  conversations: 'chat',
  sync: 'sync',
  taskrouter: 'taskrouter',
};
/** Issue 18: a TaskRouter Worker SID, WK + 32 hex digits. */
const WORKER_SID = /^WK[0-9a-fA-F]{32}$/;
/** Issue 18: Voice call parameters a TwiML App trusts: never from a request parameter, whatever the grants. */
const serverOnly = (name: string): boolean => name === 'params' || name === 'outgoingApplicationParams' || /^params[[.]/.test(name);

/** A header as the runtime hands it over: a string, or the first of a repeated header. Anything else is no header. */
function headerOf(headers: unknown, name: string): string | undefined {
  const value = own(headers, name);
  const first = Array.isArray(value) ? value[0] : value;
  return typeof first === 'string' ? first : undefined;
}

function isLocal(host: string): boolean {
  const name = host.replace(/:\d+$/, '').toLowerCase();
  return name === 'localhost' || name === '127.0.0.1' || name === '[::1]' || name.endsWith('.localhost');
}

/** What a browser sends: scheme://host[:port], lower case, nothing else (issue 11: anything else is forged). */
const SERIALIZED_ORIGIN = /^https?:\/\/([a-z0-9.-]+|\[[0-9a-f:.]+\])(:\d{1,5})?$/;

/** Issue 11: the service's own origins come from DOMAIN_NAME only, never from a Host header. */
function ownOrigins(domainName: string): string[] {
  const host = domainName.toLowerCase();
  if (!isLocal(host)) return [`https://${host}`];
  const port = /:\d+$/.exec(host)?.[0] ?? '';
  return [`http://${host}`, `http://localhost${port}`, `http://127.0.0.1${port}`, `http://[::1]${port}`];
}

function originAllowed(origin: string, config: ModelConfig): boolean {
  if (!SERIALIZED_ORIGIN.test(origin)) return origin === 'null' && config.allowedOrigins === '*';
  if (config.allowedOrigins === '*' || config.allowedOrigins.includes(origin)) return true;
  return ownOrigins(config.domainName).includes(origin);
}

/** The parameters /token reads, and the passcode every endpoint may read. */
const TOKEN_PARAMETERS = ['identity', 'grants', 'ttl', 'room', 'incomingAllow', 'worker', 'passcode'];

function editDistance(a: string, b: string): number {
  const rows = Array.from({ length: a.length + 1 }, (_, i) => [i, ...Array<number>(b.length).fill(0)]);
  for (let j = 1; j <= b.length; j++) rows[0]![j] = j;
  for (let i = 1; i <= a.length; i++)
    for (let j = 1; j <= b.length; j++)
      rows[i]![j] = Math.min(rows[i - 1]![j]! + 1, rows[i]![j - 1]! + 1, rows[i - 1]![j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
  return rows[a.length]![b.length]!;
}

/**
 * Issue 11: a body that arrived unparsed (one parameter whose name is JSON text) is a 415; a
 * parameter name within one edit of a known one (case, _ and - aside) is a 400 that names it.
 */
export function expectParamShape(event: Record<string, unknown>, known: string[]): { status: number; accepted: string[] } | undefined {
  const names = Object.keys(event).filter((name) => name !== 'request');
  if (names.length === 1 && /^\s*[{[]/.test(names[0]!)) return { status: 415, accepted: ['unsupported_media_type Content-Type'] };
  const squash = (name: string): string => name.toLowerCase().replace(/[-_]/g, '');
  const near = names.filter(
    (name) =>
      !known.includes(name) &&
      name.length <= 40 &&
      known.some(
        (wanted) => squash(name) === squash(wanted) || (squash(name).length >= 4 && editDistance(squash(name), squash(wanted)) === 1),
      ),
  );
  return near.length > 0 ? { status: 400, accepted: near.map((name) => `unknown_param ${name}`) } : undefined;
}

function identityProblems(identity: unknown, grants: string[] | undefined): string[] {
  if (blank(identity)) return ['missing_identity identity'];
  if (typeof identity !== 'string') return ['invalid_identity identity'];
  const length = codePoints(identity);
  if (PADDED.test(identity) || CONTROL.test(identity) || LONE_SURROGATE.test(identity) || LOOK_ALIKE.test(identity) || length > 256)
    return ['invalid_identity identity'];
  // Issue 11: a client's unset variable, sent as text.
  if (identity === 'undefined' || identity === 'null') return ['invalid_identity identity'];
  if (grants === undefined) return [];
  if (grants.includes('voice') && (!/^[A-Za-z0-9_]+$/.test(identity) || length > 121)) return ['invalid_identity identity'];
  if (grants.includes('video') && length > 128) return ['invalid_identity identity'];
  return [];
}

function parseGrants(raw: unknown): { grants?: string[]; problem?: string } {
  if (blank(raw)) return { problem: 'missing_grants grants' };
  let items: unknown[];
  if (typeof raw === 'string') items = raw.split(',');
  else if (Array.isArray(raw)) items = raw.flatMap((item: unknown) => (typeof item === 'string' ? item.split(',') : [item]));
  else return { problem: 'invalid_grant grants' };
  const grants: string[] = [];
  for (const item of items) {
    if (typeof item !== 'string') return { problem: 'invalid_grant grants' };
    const word = item.trim().toLowerCase();
    if (word === '') continue;
    if (!Object.prototype.hasOwnProperty.call(WORDS, word)) return { problem: 'invalid_grant grants' };
    if (!grants.includes(WORDS[word]!)) grants.push(WORDS[word]!);
  }
  return grants.length === 0 ? { problem: 'missing_grants grants' } : { grants };
}

/** undefined: the default; 'open' when the contract does not decide. */
function parseTtl(raw: unknown, maxTtl: number): { ttl?: number; problem?: string; open?: boolean } {
  if (blank(raw)) return {};
  const text = typeof raw === 'number' ? String(raw) : typeof raw === 'string' ? raw.trim() : undefined;
  if (text === undefined || !/^[0-9]+$/.test(text)) return { problem: 'invalid_ttl ttl' };
  const seconds = Number(text);
  if (seconds < 1 || seconds > maxTtl) return { problem: 'invalid_ttl ttl' };
  // Only leading zeros make a valid number this long; either answer is reasonable.
  if (text.length > 9) return { open: true };
  return { ttl: seconds };
}

function roomProblems(raw: unknown, grants: string[] | undefined): { room?: string; problems: string[] } {
  if (blank(raw)) return { problems: [] };
  const shapeProblem =
    typeof raw !== 'string' || PADDED.test(raw) || CONTROL.test(raw) || LONE_SURROGATE.test(raw) || codePoints(raw) > 128;
  if (grants === undefined) return { problems: ['invalid_param room', ...(shapeProblem ? ['invalid_room room'] : [])] };
  if (!grants.includes('video')) return { problems: ['invalid_param room'] };
  return shapeProblem ? { problems: ['invalid_room room'] } : { room: raw, problems: [] };
}

function incomingAllowOf(raw: unknown, grants: string[] | undefined): { allow: boolean; problems: string[] } {
  if (blank(raw)) return { allow: true, problems: [] };
  if (grants !== undefined && !grants.includes('voice')) return { allow: true, problems: ['invalid_param incomingAllow'] };
  // Issue 11: exactly true or false, as JSON booleans or text.
  if (raw === true || raw === 'true') return { allow: true, problems: [] };
  if (raw === false || raw === 'false') return { allow: false, problems: [] };
  return { allow: true, problems: ['invalid_param incomingAllow'] };
}

/**
 * The TaskRouter worker. With AUTH_MODE none or passcode: the worker parameter, required with
 * taskrouter and refused without it. With a verified sign-in token (`claims`): its
 * twilio_worker_sid claim, and a worker parameter is refused (403 missing_claim without the claim).
 */
function workerOf(
  raw: unknown,
  grants: string[] | undefined,
  claims: Record<string, unknown> | undefined,
): { worker?: string; problems: string[]; forbidden: string[] } {
  if (claims !== undefined) {
    const problems = blank(raw) ? [] : ['invalid_param worker'];
    if (grants === undefined || !grants.includes('taskrouter')) return { problems, forbidden: [] };
    const claimed = own(claims, 'twilio_worker_sid');
    if (typeof claimed !== 'string' || !WORKER_SID.test(claimed)) return { problems, forbidden: ['missing_claim twilio_worker_sid'] };
    return { worker: claimed, problems, forbidden: [] };
  }
  return { ...paramWorker(raw, grants), forbidden: [] };
}

function paramWorker(raw: unknown, grants: string[] | undefined): { worker?: string; problems: string[] } {
  if (grants === undefined) return { problems: blank(raw) ? [] : ['invalid_param worker'] };
  if (!grants.includes('taskrouter')) return { problems: blank(raw) ? [] : ['invalid_param worker'] };
  return typeof raw === 'string' && WORKER_SID.test(raw) ? { worker: raw, problems: [] } : { problems: ['invalid_param worker'] };
}

/** What Twilio's SDKs read in `grants`, built by hand from the specification. */
function payloadGrants(
  identity: string,
  grants: string[],
  room: string | undefined,
  allow: boolean,
  worker: string | undefined,
  config: ModelConfig,
): Record<string, unknown> {
  const payload: Record<string, unknown> = { identity };
  for (const grant of grants) {
    if (grant === 'voice') {
      payload.voice = {
        ...(allow ? { incoming: { allow: true } } : {}),
        outgoing: { application_sid: config.outgoingSid },
        ...(config.pushCredentialSid !== undefined ? { push_credential_sid: config.pushCredentialSid } : {}),
      };
    }
    if (grant === 'video') payload.video = room !== undefined ? { room } : {};
    if (grant === 'chat') payload.chat = { service_sid: config.chatServiceSid };
    if (grant === 'sync') payload.data_sync = { service_sid: config.syncServiceSid };
    if (grant === 'taskrouter') payload.task_router = { workspace_sid: config.workspaceSid, worker_sid: worker, role: 'worker' };
  }
  return payload;
}

/** The CORS policy every endpoint applies first: refuse the origin, answer a preflight, or go on (echoing `origin`). */
export function expectOrigin(
  event: Record<string, unknown>,
  config: Pick<ModelConfig, 'allowedOrigins' | 'domainName'>,
): { kind: 'forbidden_origin' } | { kind: 'preflight' | 'go_on'; origin?: string } {
  const request = own(event, 'request') ?? (event as { request?: unknown }).request;
  const headers = typeof request === 'object' && request !== null ? (request as { headers?: unknown }).headers : undefined;
  const origin = headerOf(headers, 'origin');
  if (origin !== undefined && !originAllowed(origin, config as ModelConfig)) return { kind: 'forbidden_origin' };
  if (headerOf(headers, 'access-control-request-method') !== undefined) return { kind: 'preflight', origin };
  return { kind: 'go_on', origin };
}

/**
 * The answer the contract demands for `event` under `config`: with no caller authentication, or
 * for a caller whose sign-in token carried `claims` (the values products take from claims).
 */
export function expectTokenAnswer(event: Record<string, unknown>, config: ModelConfig, claims?: Record<string, unknown>): Expectation {
  const cors = expectOrigin(event, config);
  if (cors.kind === 'forbidden_origin') return cors;
  if (cors.kind === 'preflight') return { kind: 'preflight', origin: cors.origin };
  const origin = cors.origin;
  const shape = expectParamShape(event, TOKEN_PARAMETERS);
  if (shape !== undefined) return { kind: 'error', origin, ...shape, beforeAuth: true };

  const rawIdentity = own(event, 'identity');
  const parsed = parseGrants(own(event, 'grants'));
  const grants = parsed.grants;
  const ttl = parseTtl(own(event, 'ttl'), config.maxTtl);
  const room = roomProblems(own(event, 'room'), grants);
  const incoming = incomingAllowOf(own(event, 'incomingAllow'), grants);
  const worker = workerOf(own(event, 'worker'), grants, claims);
  const problems = [
    ...Object.keys(event)
      .filter(serverOnly)
      .map((name) => `invalid_param ${name}`),
    ...identityProblems(rawIdentity, grants),
    ...(parsed.problem !== undefined ? [parsed.problem] : []),
    ...(ttl.problem !== undefined ? [ttl.problem] : []),
    ...room.problems,
    ...incoming.problems,
    ...worker.problems,
  ];
  if (grants === undefined && !blank(own(event, 'incomingAllow'))) problems.push('invalid_param incomingAllow');
  if (problems.length > 0 || worker.forbidden.length > 0)
    return {
      kind: 'error',
      origin,
      status: [...(problems.length > 0 || ttl.open ? [400] : []), ...(worker.forbidden.length > 0 ? [403] : [])],
      accepted: [...new Set([...problems, ...worker.forbidden, ...(ttl.open ? ['invalid_ttl ttl'] : [])])],
    };
  if (ttl.open) return { kind: 'open', origin };

  const granted = grants!;
  const missing = granted.flatMap((grant) =>
    grant === 'voice' && config.outgoingSid === undefined
      ? ['config_error OUTGOING_SID']
      : grant === 'chat' && config.chatServiceSid === undefined
        ? ['config_error CHAT_SERVICE_SID']
        : grant === 'taskrouter' && config.workspaceSid === undefined
          ? ['config_error TASKROUTER_WORKSPACE_SID']
          : [],
  );
  if (missing.length > 0) return { kind: 'error', origin, status: 500, accepted: missing };

  const identity = rawIdentity as string;
  return {
    kind: 'token',
    origin,
    identity,
    grants: granted,
    ttl: ttl.ttl ?? config.defaultTtl,
    header: { alg: 'HS256', typ: 'JWT', cty: 'twilio-fpa;v=1', ...(config.region !== undefined ? { twr: config.region } : {}) },
    payloadGrants: payloadGrants(identity, granted, room.room, incoming.allow, worker.worker, config),
    ...(config.region !== undefined ? { region: config.region } : {}),
  };
}

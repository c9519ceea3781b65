/**
 * `/video-app/token`: the token endpoint of twilio-video-app-react (REACT_APP_TOKEN_ENDPOINT),
 * speaking the protocol of the backend that app was written for, @twilio-labs/plugin-rtc's
 * token.js and recordingrules.js (docs/apps.md: files and commits). Same configuration, caller
 * authentication, identity rules, CORS policy and log line as /token; the app's own request and
 * answer shapes:
 * - `{user_identity, room_name, create_room = true, create_conversation = false, passcode}` ->
 *   `{token, room_type}`, the room (and its conversation) created on the way;
 * - `{room_sid, rules}` (the app's recording button posts it to the same endpoint) -> the room's
 *   recording rules updated;
 * - errors as `{error: {message, explanation, code}}`: the app shows `message` (passcode mode maps
 *   'passcode incorrect' to its own words), `code` is the stable code /token answers.
 */
import type { Caller } from '../auth';
import { credentialReader } from '../auth';
import type { ConfigVars } from '../config/schema';
import type { ServiceConfig } from '../config/service';
import { badRequest, configError, ServiceError } from '../errors';
import { jsonResult, type HttpResult } from '../http/result';
import { identityProblems, type GrantName } from '../products';
import { readRoomName } from '../products/video';
import { REST_BUDGET_MS, RestSession, restClientFrom, type RestClient } from '../rest/call';
import { addParticipant, ensureConversation, ensureRoom, updateRecordingRules, type RecordingRule } from '../rest/video-app';
import { describeType, own } from '../text';
import { isSid } from '../twilio';
import type { AccessTokenClass } from '../token/grants';
import { mintToken } from '../token/mint';
import type { TokenRequest } from '../token/request';
import { runEndpoint, type EndpointDeps, type EndpointInput, type ErrorRenderer, type MaybePromise } from './pipeline';

export const VIDEO_APP_PATH = '/video-app/token';

/** plugin-rtc's lifetime: the app never refreshes its token, and a room lasts 4 h by default. */
export const VIDEO_APP_TTL = 14_400;

const TOKEN_PARAMS = ['user_identity', 'room_name', 'create_room', 'create_conversation'] as const;
const RULES_PARAMS = ['room_sid', 'rules'] as const;

/** At most this many recording rules (the app sends one) and this much rules text in a form body. */
const MAX_RULES = 20;
const MAX_RULES_TEXT = 4096;

export interface VideoAppDeps extends EndpointDeps {
  /** The runtime's `Twilio.jwt.AccessToken`; twilio's own module when absent. */
  AccessToken?: AccessTokenClass;
  /** The runtime's REST client (`context.getTwilioClient()`); asked only when a request needs the REST API. */
  restClient: () => RestClient;
  /** The REST time budget (ms); tests shorten it. */
  restBudget?: number;
}

/** The app's answer. */
export interface VideoAppAnswer {
  token: string;
  room_type: string;
}

// ---- errors in the app's shape ----

/** plugin-rtc's short messages where it has one; the app shows `message` (passcode mode) or nothing. */
function shortMessage(error: ServiceError, authMode: string | undefined): string {
  switch (error.code) {
    case 'unauthorized':
      // The one message the app maps to its own text ("Passcode is incorrect").
      return authMode === 'passcode' ? 'passcode incorrect' : 'unauthorized';
    case 'missing_identity':
      return 'missing user_identity';
    case 'invalid_identity':
      return 'invalid user_identity';
    case 'invalid_room':
      return `invalid ${error.field ?? 'room_name'}`;
    case 'invalid_param':
    case 'unknown_param':
      return 'invalid parameter';
    case 'twilio_api_error':
      return 'error from the Twilio REST API';
    case 'config_error':
      return 'service misconfigured';
    default:
      return error.code.replace(/_/g, ' ');
  }
}

/** `{error: {message, explanation, code[, field]}}`: plugin-rtc's shape, with the stable code of /token beside it. */
export const renderVideoAppError: ErrorRenderer = (error, { authMode }) => {
  const body: { error: Record<string, string> } = {
    error: { message: shortMessage(error, authMode), explanation: error.message, code: error.code },
  };
  if (error.field !== undefined) body.error.field = error.field;
  return jsonResult(error.status, body, {});
};

// ---- the token request ----

/** create_room / create_conversation: JSON booleans, or `true`/`false` from a form. */
function readFlag(event: Record<string, unknown>, name: string, fallback: boolean): boolean {
  const raw = own(event, name);
  if (raw === undefined || raw === '') return fallback;
  if (raw === true || raw === 'true') return true;
  if (raw === false || raw === 'false') return false;
  throw badRequest(
    'invalid_param',
    name,
    `A boolean value must be provided for the ${name} parameter (true or false), got ${typeof raw === 'string' ? JSON.stringify(raw.slice(0, 20)) : describeType(raw)}.`,
  );
}

/** The identity: the verified claim in jwt mode (the app's user_identity is a display name then), else user_identity. */
function identityOf(caller: Caller, event: Record<string, unknown>, grants: readonly GrantName[]): string {
  if (caller.identity !== undefined) {
    const [problem] = identityProblems(caller.identity, grants);
    if (problem !== undefined)
      throw new ServiceError(problem.code, `The identity from your sign-in token cannot be used: ${problem.message}`, 'identity');
    return caller.identity;
  }
  const raw = own(event, 'user_identity');
  if (raw === undefined || raw === '') throw badRequest('missing_identity', 'user_identity', 'The user_identity parameter is missing.');
  const [problem] = identityProblems(raw, grants);
  if (problem !== undefined) throw badRequest(problem.code, 'user_identity', `user_identity: ${problem.message}`);
  return raw as string;
}

/** Video always; chat when the service has a Conversations service (the app hands the same token to Conversations). */
function grantsFor(config: ServiceConfig, caller: Caller, conversation: boolean): GrantName[] {
  const allowed = (grant: GrantName): boolean => caller.allowedGrants === undefined || caller.allowedGrants.includes(grant);
  if (!allowed('video')) {
    throw new ServiceError('grant_not_allowed', 'Your sign-in token does not allow the video grant (its twilio_grants claim).', 'grants');
  }
  const chatConfigured = config.products.chat.serviceSid !== undefined;
  if (conversation && !allowed('chat')) {
    throw new ServiceError(
      'grant_not_allowed',
      'Your sign-in token does not allow the chat grant (its twilio_grants claim), which create_conversation needs; build the app with REACT_APP_DISABLE_TWILIO_CONVERSATIONS=true or allow chat.',
      'grants',
    );
  }
  return chatConfigured && allowed('chat') ? ['video', 'chat'] : ['video'];
}

function missingChatService(): ServiceError {
  return configError(
    ['CHAT_SERVICE_SID'],
    'create_conversation is true (every build of twilio-video-app-react sends it unless built with REACT_APP_DISABLE_TWILIO_CONVERSATIONS=true), and this service has no CHAT_SERVICE_SID: set CHAT_SERVICE_SID to your Conversations service (IS...), or rebuild the app with REACT_APP_DISABLE_TWILIO_CONVERSATIONS=true.',
  );
}

function videoToken(input: EndpointInput, deps: VideoAppDeps): MaybePromise<VideoAppAnswer> {
  const { config, event, caller, log } = input;
  log.action = 'token';
  const createRoom = readFlag(event, 'create_room', true);
  const createConversation = readFlag(event, 'create_conversation', false);
  const grants = grantsFor(config, caller, createConversation);
  const identity = identityOf(caller, event, grants);
  log.identity = identity;
  const room = readRoomName(own(event, 'room_name'), 'room_name');
  if (room === undefined && createRoom) {
    throw badRequest('invalid_room', 'room_name', 'The room_name parameter is missing; it is required when create_room is true.');
  }
  if (room !== undefined) log.room = room;
  const serviceSid = config.products.chat.serviceSid;
  if (createConversation && serviceSid === undefined) throw missingChatService();
  log.grants = grants;

  const roomType = config.products.video.roomType;
  const request: TokenRequest = {
    identity,
    grants,
    ttl: Math.min(VIDEO_APP_TTL, config.maxTtl),
    options: { video: room === undefined ? {} : { room } },
  };
  const mint = (): VideoAppAnswer => {
    const minted = mintToken(request, config, deps.AccessToken);
    log.ttl = minted.ttl;
    return { token: minted.token, room_type: roomType };
  };
  // The app's passcode check (create_room and create_conversation false) waits for nothing and calls no API.
  // As in plugin-rtc, a conversation comes only with its room (its UniqueName is the room's SID).
  if (!createRoom) return mint();

  const rest = new RestSession(restClientFrom(deps.restClient), deps.now, deps.restBudget ?? REST_BUDGET_MS);
  return (async () => {
    const found = await ensureRoom(rest, room!, roomType);
    log.room_sid = found.sid;
    log.room_created = found.created;
    if (createConversation) {
      // The app looks its conversation up by the room's SID.
      const conversation = await ensureConversation(rest, serviceSid!, found.sid);
      log.conversation_created = conversation.created;
      log.participant_added = await addParticipant(rest, serviceSid!, conversation.sid, identity);
    }
    return mint();
  })();
}

// ---- the recording rules ----

const RULE_KEYS = new Set(['type', 'all', 'publisher', 'track', 'kind']);

/** One rule as the Rooms API accepts it (its error 53120 lists the rules this checks first). */
function readRule(raw: unknown, index: number): RecordingRule {
  const bad = (why: string): ServiceError => badRequest('invalid_param', 'rules', `rules[${index}] ${why}`);
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw))
    throw bad(`must be an object like {"type": "include", "all": true}, got ${describeType(raw)}.`);
  const rule = raw as Record<string, unknown>;
  const unknown = Object.keys(rule).find((key) => !RULE_KEYS.has(key));
  if (unknown !== undefined) throw bad(`has ${JSON.stringify(unknown.slice(0, 40))}; a rule has type and all, or publisher, track, kind.`);
  const { type, all, publisher, track, kind } = rule;
  if (type !== 'include' && type !== 'exclude') throw bad('needs type "include" or "exclude".');
  if (all !== undefined) {
    if (all !== true || Object.keys(rule).length !== 2) throw bad('with all must be exactly {"type": ..., "all": true}.');
    return { type, all: true };
  }
  const out: RecordingRule = { type };
  for (const [name, value] of [
    ['publisher', publisher],
    ['track', track],
  ] as const) {
    if (value === undefined) continue;
    if (typeof value !== 'string' || value === '' || value.length > 256)
      throw bad(`${name} must be a participant identity or track name (1 to 256 characters).`);
    out[name] = value;
  }
  if (kind !== undefined) {
    if (kind !== 'audio' && kind !== 'video') throw bad('kind must be audio or video.');
    out.kind = kind;
  }
  if (Object.keys(out).length < 2) throw bad('needs all, publisher, track or kind besides type.');
  return out;
}

/** `rules`: the JSON array the app posts, or that array as JSON text in a form. */
function readRules(raw: unknown): RecordingRule[] {
  if (raw === undefined || raw === '') throw badRequest('invalid_param', 'rules', 'The rules parameter is missing.');
  let value: unknown = raw;
  if (typeof raw === 'string') {
    if (raw.length > MAX_RULES_TEXT) throw badRequest('invalid_param', 'rules', `rules is at most ${MAX_RULES_TEXT} characters of JSON.`);
    try {
      value = JSON.parse(raw) as unknown;
    } catch {
      throw badRequest('invalid_param', 'rules', 'rules must be a JSON array of rules, like [{"type": "include", "all": true}].');
    }
  }
  if (!Array.isArray(value) || value.length === 0 || value.length > MAX_RULES) {
    throw badRequest(
      'invalid_param',
      'rules',
      `rules must be an array of 1 to ${MAX_RULES} rules, like [{"type": "include", "all": true}].`,
    );
  }
  return value.map(readRule);
}

function recordingRules({ event, log }: EndpointInput, deps: VideoAppDeps): Promise<object> {
  log.action = 'recording_rules';
  const present = TOKEN_PARAMS.filter((name) => own(event, name) !== undefined);
  if (present.length > 0) {
    throw badRequest(
      'invalid_param',
      present[0]!,
      `A body with room_sid and rules updates recording rules; ${present.join(', ')} belong${present.length > 1 ? '' : 's'} to a token request: send one or the other.`,
    );
  }
  const roomSid = own(event, 'room_sid');
  if (roomSid === undefined || roomSid === '') throw badRequest('invalid_param', 'room_sid', 'The room_sid parameter is missing.');
  if (!isSid(roomSid, 'RM')) throw badRequest('invalid_param', 'room_sid', "room_sid must be the room's SID: RM and 32 hex digits.");
  log.room_sid = roomSid as string;
  const rules = readRules(own(event, 'rules'));
  const rest = new RestSession(restClientFrom(deps.restClient), deps.now, deps.restBudget ?? REST_BUDGET_MS);
  return updateRecordingRules(rest, roomSid as string, rules);
}

// ---- the endpoint ----

/** The app's requests in the app's shapes: a recording-rules body, or a token request. */
function handle(input: EndpointInput, deps: VideoAppDeps): MaybePromise<object> {
  const isRules = RULES_PARAMS.some((name) => own(input.event, name) !== undefined);
  return isRules ? recordingRules(input, deps) : videoToken(input, deps);
}

/** Passcode in the body (`passcode`), or the Firebase mode's `Authorization: <ID token>` with or without Bearer. */
const APP_CREDENTIALS = credentialReader({ passcodeParam: 'passcode', bareJwt: true });

export function handleVideoAppToken(vars: ConfigVars, event: Record<string, unknown>, deps: VideoAppDeps): MaybePromise<HttpResult> {
  return runEndpoint(
    {
      path: VIDEO_APP_PATH,
      params: [...TOKEN_PARAMS, ...RULES_PARAMS],
      handle: (input) => handle(input, deps),
      readCredential: APP_CREDENTIALS,
      renderError: renderVideoAppError,
    },
    vars,
    event,
    deps,
  );
}

/**
 * video.twilio.com v1: Rooms (fetch by SID or UniqueName, list filtered by UniqueName and Status,
 * create with Type and UniqueName) and a room's RecordingRules. Shapes, defaults and errors from
 * the API reference (twilio.com/docs/video/api/rooms-resource, .../recording-rules) and twilio-node
 * 6's generated code (lib/rest/video/v1/room.js, room/recordingRules.js): a UniqueName is unique
 * among in-progress rooms (53113 "Room exists" for a second create), an unknown Type is 53108, a
 * bad set of rules 53120.
 */
import {
  ISO,
  newSid,
  restrictedAllows,
  twilioError,
  unauthorized,
  type Answer,
  type ApiRoute,
  type StandInRoom,
  type StandInWorld,
} from './world';

const HOST = 'https://video.twilio.com';
const ROOM_TYPES = ['group', 'group-small', 'peer-to-peer', 'go'] as const;
/** Each type's participant limit, as a created room reports it. */
const MAX_PARTICIPANTS: Record<StandInRoom['type'], number> = { group: 50, 'group-small': 4, 'peer-to-peer': 10, go: 2 };

function roomBody(room: StandInRoom) {
  const url = `${HOST}/v1/Rooms/${room.sid}`;
  return {
    sid: room.sid,
    status: room.status,
    date_created: ISO,
    date_updated: ISO,
    account_sid: room.accountSid,
    enable_turn: true,
    unique_name: room.uniqueName,
    status_callback: null,
    status_callback_method: 'POST',
    end_time: room.status === 'in-progress' ? null : ISO,
    duration: room.status === 'in-progress' ? null : 0,
    type: room.type,
    max_participants: MAX_PARTICIPANTS[room.type],
    max_participant_duration: 14400,
    max_concurrent_published_tracks: 170,
    record_participants_on_connect: false,
    video_codecs: ['VP8', 'H264'],
    media_region: 'us1',
    audio_only: false,
    empty_room_timeout: 5,
    unused_room_timeout: 5,
    large_room: false,
    url,
    links: {
      participants: `${url}/Participants`,
      recordings: `${url}/Recordings`,
      recording_rules: `${url}/RecordingRules`,
      transcriptions: `${url}/Transcriptions`,
    },
  };
}

/** A room of the account by SID (any status) or by UniqueName (in-progress only, as the API resolves names). */
function findRoom(world: StandInWorld, accountSid: string, sidOrName: string): StandInRoom | undefined {
  const rooms = (world.rooms ?? []).filter((room) => room.accountSid === accountSid);
  if (/^RM[0-9a-f]{32}$/.test(sidOrName)) return rooms.find((room) => room.sid === sidOrName);
  return rooms.find((room) => room.uniqueName === sidOrName && room.status === 'in-progress');
}

function listRooms(world: StandInWorld, accountSid: string, query: URLSearchParams): Answer {
  const uniqueName = query.get('UniqueName');
  const status = query.get('Status');
  const pageSize = Math.min(Math.max(Number(query.get('PageSize') ?? 50) || 50, 1), 1000);
  const rooms = (world.rooms ?? []).filter(
    (room) =>
      room.accountSid === accountSid &&
      (uniqueName === null || room.uniqueName === uniqueName) &&
      (status === null || room.status === status),
  );
  const url = `${HOST}/v1/Rooms?${query.toString()}`;
  return {
    status: 200,
    body: {
      rooms: rooms.slice(0, pageSize).map(roomBody),
      meta: { page: 0, page_size: pageSize, first_page_url: url, previous_page_url: null, url, next_page_url: null, key: 'rooms' },
    },
  };
}

function createRoom(world: StandInWorld, accountSid: string, form: URLSearchParams): Answer {
  const type = form.get('Type') ?? 'group';
  if (!(ROOM_TYPES as readonly string[]).includes(type)) return twilioError(400, 53108, 'RoomType is not valid');
  const sid = newSid('RM');
  const uniqueName = form.get('UniqueName') ?? sid;
  if (uniqueName.length > 128) return twilioError(400, 53101, 'Room name is too long');
  if (findRoom(world, accountSid, uniqueName) !== undefined && !/^RM[0-9a-f]{32}$/.test(uniqueName)) {
    return twilioError(400, 53113, 'Room exists');
  }
  const room: StandInRoom = { sid, accountSid, uniqueName, type: type as StandInRoom['type'], status: 'in-progress' };
  (world.rooms ??= []).push(room);
  return { status: 201, body: roomBody(room) };
}

const RULE_KEYS = ['type', 'all', 'publisher', 'track', 'kind'];

/** The rules the API accepts (53120's list): 1 to 20, each with a type, `all` only as `{type, all: true}`, kind audio or video. */
function validRules(text: string | null): Record<string, unknown>[] | undefined {
  let rules: unknown;
  try {
    rules = JSON.parse(text ?? '');
  } catch {
    return undefined;
  }
  if (!Array.isArray(rules) || rules.length === 0 || rules.length > 20) return undefined;
  const ok = rules.every((rule: unknown) => {
    if (typeof rule !== 'object' || rule === null) return false;
    const entries = rule as Record<string, unknown>;
    const keys = Object.keys(entries);
    if (!keys.every((key) => RULE_KEYS.includes(key))) return false;
    if (entries.type !== 'include' && entries.type !== 'exclude') return false;
    if ('all' in entries && (entries.all !== true || keys.length !== 2)) return false;
    if ('kind' in entries && entries.kind !== 'audio' && entries.kind !== 'video') return false;
    return keys.length >= 2;
  });
  return ok ? (rules as Record<string, unknown>[]) : undefined;
}

function recordingRulesBody(room: StandInRoom) {
  const rules = room.recordingRules ?? [{ type: 'include', all: true }];
  return {
    room_sid: room.sid,
    rules: rules.map((rule) => ({ type: null, all: null, publisher: null, track: null, kind: null, ...rule })),
    date_created: ISO,
    date_updated: ISO,
  };
}

export const video: ApiRoute = (world, request, principal) => {
  if (!restrictedAllows(principal, '/twilio/video/')) return { status: 401, body: unauthorized };
  const { method, path } = request;
  if (path === '/v1/Rooms') {
    if (method === 'GET') return listRooms(world, principal.accountSid, request.query);
    if (method === 'POST') return createRoom(world, principal.accountSid, request.form);
    return undefined;
  }
  const rules = /^\/v1\/Rooms\/(RM[0-9a-f]{32})\/RecordingRules$/.exec(path);
  if (rules !== null) {
    const room = findRoom(world, principal.accountSid, rules[1] as string);
    if (room === undefined) return undefined;
    if (method === 'POST') {
      const accepted = validRules(request.form.get('Rules'));
      if (accepted === undefined) return twilioError(400, 53120, 'Invalid Recording Rule(s)');
      room.recordingRules = accepted;
    }
    return { status: 200, body: recordingRulesBody(room) };
  }
  const one = /^\/v1\/Rooms\/([^/]+)$/.exec(path);
  if (one !== null && method === 'GET') {
    let sidOrName: string;
    try {
      sidOrName = decodeURIComponent(one[1] as string);
    } catch {
      return undefined;
    }
    const room = findRoom(world, principal.accountSid, sidOrName);
    return room === undefined ? undefined : { status: 200, body: roomBody(room) };
  }
  return undefined;
};

/**
 * Video (twilio-video): any room, or the one room a request names. VIDEO_ROOM_TYPE is not in
 * tokens: it is the type of the rooms /video-app/token creates (lib/endpoints/video-app.ts).
 */
import { problem, type ConfigProblem } from '../config/read';
import { readVar, type ConfigVars } from '../config/schema';
import type { DoctorVars } from '../doctor/types';
import { readVar as readDoctorVar, row } from '../doctor/vars';
import { badRequest } from '../errors';
import { describeClaim, own, shown } from '../inspect/findings';
import { codePoints, CONTROL_CHARACTER, describeType, LONE_SURROGATE } from '../text';
import type { GrantCheck, ProductModule } from './types';

/** Twilio's room types (twilio-node's RoomRoomType), as the Rooms API and the Video app's room_type name them. */
export const ROOM_TYPES = ['group', 'group-small', 'peer-to-peer', 'go'] as const;
export type RoomType = (typeof ROOM_TYPES)[number];
export const DEFAULT_ROOM_TYPE: RoomType = 'group';

/** Grants need nothing configured (one API key signs them, a US1 key: see TWILIO_REGION); created rooms have a type. */
export interface VideoSettings {
  roomType: RoomType;
}

export interface VideoOptions {
  /** The one room the token may join; absent: any room. */
  room?: string;
}

/** Video room names: Twilio's limit. */
export const ROOM_MAX_LENGTH = 128;

const isRoomType = (value: string): value is RoomType => (ROOM_TYPES as readonly string[]).includes(value);

function readSettings(vars: ConfigVars, problems: ConfigProblem[]): VideoSettings {
  const raw = readVar(vars, 'VIDEO_ROOM_TYPE');
  if (raw === undefined) return { roomType: DEFAULT_ROOM_TYPE };
  if (isRoomType(raw)) return { roomType: raw };
  problems.push(problem('VIDEO_ROOM_TYPE', `VIDEO_ROOM_TYPE must be one of ${ROOM_TYPES.join(', ')}`));
  return { roomType: DEFAULT_ROOM_TYPE };
}

/** A room name sent as `field` (`room` for /token, `room_name` for the Video app), or undefined when absent or empty. */
export function readRoomName(raw: unknown, field: string): string | undefined {
  if (raw === undefined || raw === '') return undefined;
  if (typeof raw !== 'string') throw badRequest('invalid_room', field, `${field} must be a single string, got ${describeType(raw)}`);
  if (raw.trim() !== raw || CONTROL_CHARACTER.test(raw)) {
    throw badRequest('invalid_room', field, `${field} must not have surrounding spaces or control characters`);
  }
  if (LONE_SURROGATE.test(raw))
    throw badRequest('invalid_room', field, `${field} must be valid Unicode text; it holds half of a UTF-16 surrogate pair`);
  if (codePoints(raw) > ROOM_MAX_LENGTH) throw badRequest('invalid_room', field, `${field} is at most ${ROOM_MAX_LENGTH} characters`);
  return raw;
}

function roomTypeRows(vars: DoctorVars) {
  const id = 'video_room_type';
  const title = 'VIDEO_ROOM_TYPE (/video-app/token)';
  const raw = readDoctorVar(vars, 'VIDEO_ROOM_TYPE');
  if (raw === undefined) return [row(id, title, 'pass', `Not set: /video-app/token creates ${DEFAULT_ROOM_TYPE} rooms.`)];
  if (!isRoomType(raw)) {
    return [
      row(
        id,
        title,
        'fail',
        'VIDEO_ROOM_TYPE is not a room type Twilio knows: the service answers config_error to every request until it is fixed.',
        `VIDEO_ROOM_TYPE=${DEFAULT_ROOM_TYPE} (or ${ROOM_TYPES.filter((type) => type !== DEFAULT_ROOM_TYPE).join(', ')}), or leave it empty for ${DEFAULT_ROOM_TYPE}`,
      ),
    ];
  }
  return [row(id, title, 'pass', `/video-app/token creates ${raw} rooms.`)];
}

function checkGrant({ findings }: GrantCheck<VideoSettings>, video: Record<string, unknown>): string[] {
  const room = own(video, 'room');
  if (room === undefined) return ['Join any Video room'];
  if (typeof room !== 'string' || room === '') {
    findings.error(
      20106,
      'payload.grants.video.room',
      `video.room must be a room name or RM... SID, got ${describeClaim(room)}.`,
      'Leave room out to allow any room, or set it to one room name.',
    );
    return ['Nothing usable: see the findings'];
  }
  return [`Join only the Video room ${shown(room, 80)}`];
}

export const video = {
  grant: 'video' as const,
  title: 'Video',
  shortTitle: 'Video',
  aliases: [],
  grantClass: 'VideoGrant',
  payloadKey: 'video',
  identity: { maxLength: 128, sdkError: 53200 },
  variables: [],

  readSettings,
  configured: (_settings: VideoSettings): _settings is VideoSettings => true,
  describeSettings: () => ({}),

  params: [{ name: 'room', label: 'Video room', input: 'text', placeholder: 'any room', hint: 'Video only. Empty: any room.' }] as const,
  readOptions: (event: Record<string, unknown>): VideoOptions => {
    const room = readRoomName(own(event, 'room'), 'room');
    return room === undefined ? {} : { room };
  },
  buildGrant: (Token, _settings, options: VideoOptions) => new Token.VideoGrant({ room: options.room }),

  checkGrant,
  doctorRows: { VIDEO_ROOM_TYPE: roomTypeRows },
} satisfies ProductModule<'VideoGrant', VideoSettings, VideoSettings, VideoOptions>;

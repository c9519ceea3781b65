/** Video (twilio-video): any room, or the one room a request names. */
import type { ConfigProblem } from '../config/read';
import type { ConfigVars } from '../config/schema';
import { badRequest } from '../errors';
import { describeClaim, own, shown } from '../inspect/findings';
import { codePoints, CONTROL_CHARACTER, describeType, LONE_SURROGATE } from '../text';
import type { GrantCheck, ProductModule } from './types';

/** Video has nothing to configure: one API key signs its grants (a US1 key: see TWILIO_REGION). */
export type VideoSettings = Record<string, never>;

export interface VideoOptions {
  /** The one room the token may join; absent: any room. */
  room?: string;
}

/** Video room names: Twilio's limit. */
export const ROOM_MAX_LENGTH = 128;

function readRoom(raw: unknown): string | undefined {
  if (raw === undefined || raw === '') return undefined;
  if (typeof raw !== 'string') throw badRequest('invalid_room', 'room', `room must be a single string, got ${describeType(raw)}`);
  if (raw.trim() !== raw || CONTROL_CHARACTER.test(raw)) {
    throw badRequest('invalid_room', 'room', 'room must not have surrounding spaces or control characters');
  }
  if (LONE_SURROGATE.test(raw))
    throw badRequest('invalid_room', 'room', 'room must be valid Unicode text; it holds half of a UTF-16 surrogate pair');
  if (codePoints(raw) > ROOM_MAX_LENGTH) throw badRequest('invalid_room', 'room', `room is at most ${ROOM_MAX_LENGTH} characters`);
  return raw;
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

  readSettings: (_vars: ConfigVars, _problems: ConfigProblem[]): VideoSettings => ({}),
  configured: (_settings: VideoSettings): _settings is VideoSettings => true,
  describeSettings: () => ({}),

  params: [{ name: 'room', label: 'Video room', input: 'text', placeholder: 'any room', hint: 'Video only. Empty: any room.' }] as const,
  readOptions: (event: Record<string, unknown>): VideoOptions => {
    const room = readRoom(own(event, 'room'));
    return room === undefined ? {} : { room };
  },
  buildGrant: (Token, _settings, options: VideoOptions) => new Token.VideoGrant({ room: options.room }),

  checkGrant,
  doctorRows: {},
} satisfies ProductModule<'VideoGrant', VideoSettings, VideoSettings, VideoOptions>;

/**
 * What twilio-video-app-react expects its token endpoint to do with the REST API, as
 * @twilio-labs/plugin-rtc's token.js and recordingrules.js do it (docs/apps.md cites the
 * commits): the room created once whoever asks first, its conversation created once, each
 * participant added, the recording rules updated. Races between participants end in the same
 * room and conversation: a create that finds it exists (53113, 50353) looks it up again.
 */
import type { RoomType } from '../products/video';
import { ServiceError } from '../errors';
import type { RestSession } from './call';

/** Twilio's codes these calls expect and handle. */
export const TWILIO_CODES = {
  notFound: 20404,
  roomExists: 53113,
  conversationExists: 50353,
  alreadyParticipant: 50433,
} as const;

/** Conversations close a day after they are created: a participant may be in at most 1,000 open ones (plugin-rtc's reason). */
export const CONVERSATION_CLOSES_AFTER = 'P1D';

export interface RoomFound {
  sid: string;
  /** Whether this request created it. */
  created: boolean;
}

/** The in-progress room with this UniqueName (a query, so any characters work), or undefined. */
async function findRoom(rest: RestSession, name: string): Promise<string | undefined> {
  const page = await rest.call('look up the Video room', (client) =>
    client.video.v1.rooms.page({ uniqueName: name, status: 'in-progress', pageSize: 1 }),
  );
  return page.instances.find((room) => room.uniqueName === name)?.sid;
}

/** The in-progress room named `name`, created with `type` when there is none. */
export async function ensureRoom(rest: RestSession, name: string, type: RoomType): Promise<RoomFound> {
  const existing = await findRoom(rest, name);
  if (existing !== undefined) return { sid: existing, created: false };
  const created = await rest.attempt('create the Video room', [TWILIO_CODES.roomExists], (client) =>
    client.video.v1.rooms.create({ uniqueName: name, type }),
  );
  if (created !== undefined) return { sid: created.sid, created: true };
  // Someone else created it between our look-up and our create.
  const raced = await findRoom(rest, name);
  if (raced === undefined) {
    throw new ServiceError(
      'twilio_api_error',
      `Twilio said the Video room exists (error ${TWILIO_CODES.roomExists}) but no in-progress room has that name; try again.`,
    );
  }
  return { sid: raced, created: false };
}

/** The conversation whose UniqueName is `uniqueName` in the Conversations service, created when there is none. */
export async function ensureConversation(
  rest: RestSession,
  serviceSid: string,
  uniqueName: string,
): Promise<{ sid: string; created: boolean }> {
  const lookUp = () =>
    rest.attempt('look up the conversation', [TWILIO_CODES.notFound], (client) =>
      client.conversations.v1.services(serviceSid).conversations(uniqueName).fetch(),
    );
  const existing = await lookUp();
  if (existing !== undefined) return { sid: existing.sid, created: false };
  const created = await rest.attempt('create the conversation', [TWILIO_CODES.conversationExists], (client) =>
    // twilio-node takes the timer by its wire name; a `timersClosed` key would be dropped in silence.
    client.conversations.v1.services(serviceSid).conversations.create({ uniqueName, 'timers.closed': CONVERSATION_CLOSES_AFTER }),
  );
  if (created !== undefined) return { sid: created.sid, created: true };
  const raced = await lookUp();
  if (raced === undefined) {
    throw new ServiceError(
      'twilio_api_error',
      `Twilio said the conversation exists (error ${TWILIO_CODES.conversationExists}) but it could not be found; try again.`,
    );
  }
  return { sid: raced.sid, created: false };
}

/** Adds `identity` to the conversation; already there (50433) is fine. Whether it was added now. */
export async function addParticipant(rest: RestSession, serviceSid: string, conversationSid: string, identity: string): Promise<boolean> {
  const added = await rest.attempt('add the participant to the conversation', [TWILIO_CODES.alreadyParticipant], (client) =>
    client.conversations.v1.services(serviceSid).conversations(conversationSid).participants.create({ identity }),
  );
  return added !== undefined;
}

/** One recording rule as the Rooms API takes it (twilio-video-app-react sends `{type, all: true}`). */
export interface RecordingRule {
  type: 'include' | 'exclude';
  all?: boolean;
  publisher?: string;
  track?: string;
  kind?: 'audio' | 'video';
}

/** The room's rules replaced; what Twilio answers, in its own field names. */
export async function updateRecordingRules(
  rest: RestSession,
  roomSid: string,
  rules: readonly RecordingRule[],
): Promise<{ room_sid: string; rules: RecordingRule[]; date_created: string | null }> {
  const answer = await rest.call('update the recording rules', (client) =>
    client.video.v1.rooms(roomSid).recordingRules.update({ rules: [...rules] }),
  );
  return {
    room_sid: answer.roomSid,
    rules: (answer.rules ?? []).map((rule) => withoutNulls(rule as unknown as Record<string, unknown>) as unknown as RecordingRule),
    date_created:
      answer.dateCreated instanceof Date && !Number.isNaN(answer.dateCreated.getTime()) ? answer.dateCreated.toISOString() : null,
  };
}

const withoutNulls = (rule: Record<string, unknown>): Record<string, unknown> =>
  Object.fromEntries(Object.entries(rule).filter(([, value]) => value !== null && value !== undefined));

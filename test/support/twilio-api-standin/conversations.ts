/**
 * conversations.twilio.com v1: a service's Conversations (fetch by SID or UniqueName, create with
 * UniqueName and Timers.*) and their Participants (create with Identity, list). Shapes and errors
 * from the API reference (twilio.com/docs/conversations/api/service-conversation-resource,
 * .../service-conversation-participant-resource) and twilio-node 6's generated code
 * (lib/rest/conversations/v1/service/conversation.js, conversation/participant.js): a UniqueName
 * is unique in its service (50353), may not look like a conversation SID (50390), and an identity
 * joins a conversation once (50433). Services themselves are services.ts's, asked first.
 */
import {
  ISO,
  newSid,
  restrictedAllows,
  twilioError,
  unauthorized,
  type Answer,
  type ApiRoute,
  type Principal,
  type StandInConversation,
  type StandInParticipant,
  type StandInWorld,
} from './world';

const HOST = 'https://conversations.twilio.com';
const CONVERSATION_SID = /^CH[0-9a-f]{32}$/;

/** `P1D`, `PT6H`, `PT30M` after ISO: the date a timer fires, as the API reports it. */
function timerDate(duration: string | undefined): string | null {
  if (duration === undefined) return null;
  const match = /^P(?:(\d+)D)?(?:T(?:(\d+)H)?(?:(\d+)M)?)?$/.exec(duration);
  if (match === null) return null;
  const [, days = '0', hours = '0', minutes = '0'] = match;
  const ms = ((Number(days) * 24 + Number(hours)) * 60 + Number(minutes)) * 60_000;
  return new Date(Date.parse(ISO) + ms).toISOString().replace('.000Z', 'Z');
}

function conversationBody(conversation: StandInConversation) {
  const url = `${HOST}/v1/Services/${conversation.chatServiceSid}/Conversations/${conversation.sid}`;
  return {
    account_sid: conversation.accountSid,
    chat_service_sid: conversation.chatServiceSid,
    messaging_service_sid: 'MG' + '0'.repeat(32),
    sid: conversation.sid,
    friendly_name: conversation.friendlyName,
    unique_name: conversation.uniqueName,
    attributes: '{}',
    state: conversation.state,
    date_created: ISO,
    date_updated: ISO,
    timers: { date_inactive: timerDate(conversation.timers.inactive), date_closed: timerDate(conversation.timers.closed) },
    url,
    links: { participants: `${url}/Participants`, messages: `${url}/Messages`, webhooks: `${url}/Webhooks` },
    bindings: {},
  };
}

function participantBody(participant: StandInParticipant) {
  return {
    account_sid: participant.accountSid,
    chat_service_sid: participant.chatServiceSid,
    conversation_sid: participant.conversationSid,
    sid: participant.sid,
    identity: participant.identity,
    attributes: '{}',
    messaging_binding: null,
    role_sid: 'RL' + '0'.repeat(32),
    date_created: ISO,
    date_updated: ISO,
    url: `${HOST}/v1/Services/${participant.chatServiceSid}/Conversations/${participant.conversationSid}/Participants/${participant.sid}`,
    last_read_message_index: null,
    last_read_timestamp: null,
  };
}

const serviceOf = (world: StandInWorld, principal: Principal, sid: string): boolean =>
  (world.conversationsServices ?? []).some((service) => service.sid === sid && service.accountSid === principal.accountSid);

function findConversation(world: StandInWorld, serviceSid: string, sidOrName: string): StandInConversation | undefined {
  const inService = (world.conversations ?? []).filter((conversation) => conversation.chatServiceSid === serviceSid);
  if (CONVERSATION_SID.test(sidOrName)) return inService.find((conversation) => conversation.sid === sidOrName);
  return inService.find((conversation) => conversation.uniqueName === sidOrName);
}

function createConversation(world: StandInWorld, principal: Principal, serviceSid: string, form: URLSearchParams): Answer {
  const uniqueName = form.get('UniqueName');
  if (uniqueName !== null) {
    if (CONVERSATION_SID.test(uniqueName)) return twilioError(400, 50390, 'Unique name should not match conversation sid pattern');
    if (findConversation(world, serviceSid, uniqueName) !== undefined)
      return twilioError(409, 50353, 'Conversation with provided unique name already exists');
  }
  const timers: StandInConversation['timers'] = {};
  const closed = form.get('Timers.Closed');
  const inactive = form.get('Timers.Inactive');
  if (closed !== null) timers.closed = closed;
  if (inactive !== null) timers.inactive = inactive;
  const state = form.get('State');
  const conversation: StandInConversation = {
    sid: newSid('CH'),
    accountSid: principal.accountSid,
    chatServiceSid: serviceSid,
    uniqueName,
    friendlyName: form.get('FriendlyName'),
    state: state === 'inactive' || state === 'closed' ? state : 'active',
    timers,
  };
  (world.conversations ??= []).push(conversation);
  return { status: 201, body: conversationBody(conversation) };
}

function participants(
  world: StandInWorld,
  principal: Principal,
  conversation: StandInConversation,
  method: string,
  form: URLSearchParams,
): Answer | undefined {
  const members = (world.participants ??= []);
  if (method === 'GET') {
    const url = `${HOST}/v1/Services/${conversation.chatServiceSid}/Conversations/${conversation.sid}/Participants`;
    return {
      status: 200,
      body: {
        participants: members.filter((p) => p.conversationSid === conversation.sid).map(participantBody),
        meta: { page: 0, page_size: 50, first_page_url: url, previous_page_url: null, url, next_page_url: null, key: 'participants' },
      },
    };
  }
  if (method !== 'POST') return undefined;
  const identity = form.get('Identity');
  if (identity !== null && members.some((p) => p.conversationSid === conversation.sid && p.identity === identity)) {
    return twilioError(409, 50433, 'Participant already exists');
  }
  const participant: StandInParticipant = {
    sid: newSid('MB'),
    accountSid: principal.accountSid,
    chatServiceSid: conversation.chatServiceSid,
    conversationSid: conversation.sid,
    identity: identity ?? '',
  };
  members.push(participant);
  return { status: 201, body: participantBody(participant) };
}

export const conversations: ApiRoute = (world, request, principal) => {
  if (!restrictedAllows(principal, '/twilio/conversations/')) return { status: 401, body: unauthorized };
  const match = /^\/v1\/Services\/(IS[0-9a-f]{32})\/Conversations(?:\/([^/]+)(\/Participants)?)?$/.exec(request.path);
  if (match === null) return undefined;
  const [, serviceSid = '', encoded, participantsPath] = match;
  if (!serviceOf(world, principal, serviceSid)) return undefined;
  if (encoded === undefined) return request.method === 'POST' ? createConversation(world, principal, serviceSid, request.form) : undefined;
  let sidOrName: string;
  try {
    sidOrName = decodeURIComponent(encoded);
  } catch {
    return undefined;
  }
  const conversation = findConversation(world, serviceSid, sidOrName);
  if (conversation === undefined) return undefined;
  if (participantsPath !== undefined) return participants(world, principal, conversation, request.method, request.form);
  return request.method === 'GET' ? { status: 200, body: conversationBody(conversation) } : undefined;
};

/**
 * The world a stand-in of the Twilio REST API answers from, and the rules every API shares:
 * who is authenticated (HTTP Basic with an API key and secret, or an Account SID and Auth Token),
 * on which account and region they may act, what Restricted keys and test credentials may do,
 * and Twilio's error bodies (from the API reference). Each API is a module beside this one.
 */
export type KeyType = 'main' | 'standard' | 'restricted';
export type Region = 'us1' | 'ie1' | 'au1';

export interface StandInAccount {
  sid: string;
  friendlyName: string;
  status: 'active' | 'suspended' | 'closed';
  type: 'Full' | 'Trial';
  /** Set for a subaccount: its parent's SID. */
  ownerAccountSid?: string;
  authToken: string;
  /** These are an account's test credentials (its Test Account SID and test Auth Token). */
  testCredentials?: boolean;
}

export interface StandInKey {
  sid: string;
  accountSid: string;
  secret: string;
  type: KeyType;
  friendlyName: string;
  region?: Region;
  /** For Restricted keys: the permissions, like the real `policy.allow`. */
  allow?: string[];
  /** RFC 2822, as the API writes it; RFC2822 below when absent. */
  dateCreated?: string;
}

export interface StandInApplication {
  sid: string;
  accountSid: string;
  friendlyName: string;
  voiceUrl: string | null;
  voiceMethod?: string;
}

export interface StandInCredential {
  sid: string;
  accountSid: string;
  friendlyName: string;
  type: 'apn' | 'fcm' | 'gcm';
  sandbox?: boolean;
}

export interface StandInService {
  sid: string;
  accountSid: string;
  friendlyName: string;
}

/** A Video room (video.twilio.com v1). */
export interface StandInRoom {
  sid: string;
  accountSid: string;
  uniqueName: string;
  type: 'group' | 'group-small' | 'peer-to-peer' | 'go';
  status: 'in-progress' | 'completed' | 'failed';
  /** The room's recording rules (its RecordingRules resource); Twilio's default records everything. */
  recordingRules?: Record<string, unknown>[];
}

/** A conversation of a Conversations service (conversations.twilio.com v1 Services/{IS}/Conversations). */
export interface StandInConversation {
  sid: string;
  accountSid: string;
  chatServiceSid: string;
  uniqueName: string | null;
  friendlyName: string | null;
  state: 'active' | 'inactive' | 'closed';
  /** Timers as created: `Timers.Closed`, `Timers.Inactive` (ISO 8601 durations). */
  timers: { closed?: string; inactive?: string };
}

/** A participant of a conversation. */
export interface StandInParticipant {
  sid: string;
  accountSid: string;
  chatServiceSid: string;
  conversationSid: string;
  identity: string;
}

export interface StandInWorld {
  accounts: StandInAccount[];
  keys: StandInKey[];
  applications?: StandInApplication[];
  credentials?: StandInCredential[];
  conversationsServices?: StandInService[];
  syncServices?: StandInService[];
  /** TaskRouter Workspaces (WS...). */
  workspaces?: StandInService[];
  /** Video rooms (RM...); creates add to it. */
  rooms?: StandInRoom[];
  /** Conversations (CH...) of the Conversations services; creates add to it. */
  conversations?: StandInConversation[];
  /** Conversation participants (MB...); creates add to it. */
  participants?: StandInParticipant[];
}

export interface Principal {
  accountSid: string;
  type: KeyType;
  allow: string[];
  test: boolean;
}

/** One request as an API module sees it: the API's host, the path, the query and a form body (twilio-node posts forms). */
export interface ApiRequest {
  method: string;
  host: string;
  path: string;
  query: URLSearchParams;
  form: URLSearchParams;
}

export type Answer = { status: number; body: unknown };

/** An API module: answers a request for its host, or undefined when the path is none of its resources (a 404). */
export type ApiRoute = (world: StandInWorld, request: ApiRequest, principal: Principal) => Answer | undefined;

export const RFC2822 = 'Thu, 30 Jul 2015 20:00:00 +0000';
export const ISO = '2015-07-30T20:00:00Z';

/** A time as the 2010-04-01 API writes it: `Thu, 30 Jul 2015 20:00:00 +0000`. */
export const rfc2822 = (ms: number): string => new Date(ms).toUTCString().replace(/GMT$/, '+0000');

export const unauthorized = {
  code: 20003,
  detail: 'Your AccountSid or AuthToken was incorrect.',
  message: 'Authenticate',
  more_info: 'https://www.twilio.com/docs/errors/20003',
  status: 401,
};
export const testCredentialsRefused = {
  code: 20008,
  message: 'Resource not accessible with Test Account Credentials',
  more_info: 'https://www.twilio.com/docs/errors/20008',
  status: 403,
};
/** Twilio's error body for a code: what twilio-node's RestException reads (code, message, more_info, status). */
export const twilioError = (status: number, code: number, message: string): Answer => ({
  status,
  body: { code, message, more_info: `https://www.twilio.com/docs/errors/${code}`, status },
});

export const notFound = (path: string) => ({
  code: 20404,
  message: `The requested resource ${path} was not found`,
  more_info: 'https://www.twilio.com/docs/errors/20404',
  status: 404,
});

export function parseHost(host: string): { product: string; region: Region } | undefined {
  const match = /^([a-z-]+)(?:\.([a-z]+))?(?:\.(us1|ie1|au1))?\.twilio\.com$/.exec(host);
  if (match === null) return undefined;
  return { product: match[1] as string, region: (match[3] as Region | undefined) ?? 'us1' };
}

export function authenticate(world: StandInWorld, header: string | undefined, region: Region): { user?: string; principal?: Principal } {
  const match = /^Basic (.+)$/.exec(header ?? '');
  if (match === null) return {};
  const decoded = Buffer.from(match[1] as string, 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  if (colon < 0) return {};
  const user = decoded.slice(0, colon);
  const password = decoded.slice(colon + 1);
  const key = world.keys.find((k) => k.sid === user);
  if (key !== undefined) {
    if (key.secret !== password || (key.region ?? 'us1') !== region) return { user };
    const account = world.accounts.find((a) => a.sid === key.accountSid);
    return {
      user,
      principal: { accountSid: key.accountSid, type: key.type, allow: key.allow ?? [], test: account?.testCredentials === true },
    };
  }
  const account = world.accounts.find((a) => a.sid === user);
  if (account !== undefined && account.authToken === password && region === 'us1') {
    return { user, principal: { accountSid: account.sid, type: 'main', allow: [], test: account.testCredentials === true } };
  }
  return { user };
}

/** A parent account may act on its subaccounts; nobody else on anybody else's. */
export function mayActOn(world: StandInWorld, principal: Principal, accountSid: string): boolean {
  if (principal.accountSid === accountSid) return true;
  return world.accounts.find((a) => a.sid === accountSid)?.ownerAccountSid === principal.accountSid;
}

export const restrictedAllows = (principal: Principal, permission: string): boolean =>
  principal.type !== 'restricted' || principal.allow.some((p) => permission.startsWith(p));

/** A new SID of a kind, unique in this process: what a create answers with. */
let created = 0;
export function newSid(prefix: string): string {
  created += 1;
  return `${prefix}${created.toString(16).padStart(32, '0')}`;
}

/**
 * The products an Access Token can unlock, declared once. Minting, request parsing, caller
 * authentication (`twilio_grants`), the inspector, the doctor and the page all read this table.
 */
import type { SidPrefix } from './sids';

/** The grant names /token takes (and `twilio_grants` claims name), in display order. */
export const GRANT_NAMES = ['voice', 'video', 'chat', 'sync'] as const;
export type GrantName = (typeof GRANT_NAMES)[number];

/** The configuration variable that holds the SID a product's grant carries. */
export interface ProductVariable {
  name: 'OUTGOING_SID' | 'CHAT_SERVICE_SID' | 'SYNC_SERVICE_SID';
  prefix: SidPrefix;
  /** For messages: `the TwiML App SID, AP...`. */
  what: string;
  /** Grants can be minted without it; the value used instead. */
  fallback?: string;
}

/** What an SDK refuses in an identity beyond the rules every identity obeys. */
export interface IdentityRule {
  maxLength: number;
  /** Allowed characters, when the SDK restricts them. */
  pattern?: RegExp;
  /** Sentence for a refused character: what the SDK allows. */
  patternRule?: string;
  /** The SDK's error for such an identity. */
  sdkError: 31105 | 53200;
}

export interface Product {
  grant: GrantName;
  /** The product as people know it. */
  title: string;
  /** Other names accepted for the grant: `conversations` is today's name of the chat grant. */
  aliases: readonly string[];
  /** The grant's key in the token payload (`grants.data_sync`). */
  payloadKey: string;
  /** twilio's grant class (AccessToken.VoiceGrant, ...). */
  grantClass: 'VoiceGrant' | 'VideoGrant' | 'ChatGrant' | 'SyncGrant';
  variable?: ProductVariable;
  identity?: IdentityRule;
}

export const PRODUCTS: Readonly<Record<GrantName, Product>> = {
  voice: {
    grant: 'voice',
    title: 'Voice',
    aliases: [],
    payloadKey: 'voice',
    grantClass: 'VoiceGrant',
    variable: { name: 'OUTGOING_SID', prefix: 'AP', what: 'the TwiML App SID, AP...' },
    // The Voice SDK's client names: letters, digits and underscores only.
    identity: { maxLength: 121, pattern: /^[A-Za-z0-9_]+$/, patternRule: 'letters A-Z, a-z, digits and underscores', sdkError: 31105 },
  },
  video: {
    grant: 'video',
    title: 'Video',
    aliases: [],
    payloadKey: 'video',
    grantClass: 'VideoGrant',
    identity: { maxLength: 128, sdkError: 53200 },
  },
  chat: {
    grant: 'chat',
    title: 'Conversations (Chat)',
    aliases: ['conversations'],
    payloadKey: 'chat',
    grantClass: 'ChatGrant',
    variable: { name: 'CHAT_SERVICE_SID', prefix: 'IS', what: 'the Conversations service SID, IS...' },
  },
  sync: {
    grant: 'sync',
    title: 'Sync',
    aliases: [],
    payloadKey: 'data_sync',
    grantClass: 'SyncGrant',
    variable: { name: 'SYNC_SERVICE_SID', prefix: 'IS', what: 'the Sync service SID, IS...', fallback: 'default' },
  },
};

/** `voice, video, chat, sync` for messages. */
export const GRANT_LIST = GRANT_NAMES.join(', ');

/** A grant by its name or alias, case and surrounding spaces ignored; undefined when unknown. */
export function grantByName(name: string): GrantName | undefined {
  const wanted = name.trim().toLowerCase();
  return GRANT_NAMES.find((grant) => grant === wanted || PRODUCTS[grant].aliases.includes(wanted));
}

/** The product whose grant sits under `key` in a token payload. */
export function productByPayloadKey(key: string): Product | undefined {
  return Object.values(PRODUCTS).find((product) => product.payloadKey === key);
}

/** Grant keys Twilio knows but this service does not mint, with the product each unlocks. */
export const OTHER_PAYLOAD_KEYS: Readonly<Record<string, string>> = {
  task_router: 'TaskRouter',
  player: 'Live (Player)',
  ip_messaging: 'Programmable Chat (legacy)',
};

/**
 * Keys people write by mistake in a payload's grants, and the key Twilio expects: a grant's
 * name or alias where the payload key differs (`sync` for `data_sync`), and the class name
 * lower-cased (`voiceGrant`).
 */
export const MISTAKEN_PAYLOAD_KEYS: Readonly<Record<string, string>> = Object.fromEntries(<[string, string][]>[
  ...Object.values(PRODUCTS).flatMap((product) =>
    [product.grant, ...product.aliases].filter((name) => name !== product.payloadKey).map((name) => [name, product.payloadKey]),
  ),
  ...Object.values(PRODUCTS).map((product) => [`${product.grant}Grant`, product.payloadKey]),
  ['taskrouter', 'task_router'],
]);

/**
 * Every configuration variable, declared once: what it is, how it looks, when it is required,
 * its default, and whether it is a secret. The functions' parsers (service.ts, auth.ts and the
 * product modules in lib/products), the doctor's rows, the inspector's expectations, the tracked
 * `.env` and the README's configuration table are derived from this list (`npm run docs`, in
 * cli/docs.ts, writes the documents; a test checks they are current). Variable names are typed
 * from it: a misspelt name does not compile.
 */
import { DEFAULT_TOKEN_TTL_SECONDS, MAX_TOKEN_LIFETIME_SECONDS } from '../twilio/token';
import type { SidPrefix } from '../twilio/sids';

export type VariableGroup =
  'Twilio credentials' | 'Products' | 'Tokens' | 'Browsers' | 'Caller authentication' | 'Set by the runtime' | 'Deploy only';

export type VariableKind = 'sid' | 'secret' | 'seconds' | 'choice' | 'origins' | 'url' | 'text';

export interface VariableSpec {
  name: string;
  group: VariableGroup;
  kind: VariableKind;
  /** A SID variable's prefix: the only place it is written (its format is derived from it). */
  sidPrefix?: SidPrefix;
  /** When it must be set, in words: `always`, `for voice`, `when deployed`, ... */
  required: string;
  /** The value used when it is empty, in words (`3600`, `sub`); absent when there is none. */
  default?: string;
  /** Never printed, logged or described to callers (its length neither). */
  secret: boolean;
  description: string;
  /** How a value looks; for a SID variable, what it takes besides `<prefix> + 32 hex digits`. */
  format?: string;
  /** Where to find or how to make a value. */
  where?: string;
  /** The value in the tracked demo `.env`; absent leaves it empty there. */
  demo?: string;
  /** The value in `.env.example`, the template of `.env.local`; absent leaves it empty there. */
  example?: string;
  /** Still read, no longer recommended: documented, left out of the env files. */
  legacy?: true;
}

const DECLARED = [
  {
    name: 'ACCOUNT_SID',
    group: 'Twilio credentials',
    kind: 'sid',
    sidPrefix: 'AC',
    required: 'always (the runtime sets it when deployed)',
    secret: false,
    description: 'Your Twilio Account SID: the account the tokens are for (their sub).',
    where: 'Account Info on the Twilio Console dashboard, https://console.twilio.com',
    demo: 'AC00000000000000000000000000000000',
    example: 'ACxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx',
  },
  {
    name: 'API_KEY',
    group: 'Twilio credentials',
    kind: 'sid',
    sidPrefix: 'SK',
    required: 'always',
    secret: false,
    description: 'The API key whose secret signs the tokens (their iss): a Standard or Main key of ACCOUNT_SID, not a Restricted one.',
    where: 'Console > Account > API keys & tokens, https://console.twilio.com/us1/account/keys-credentials/api-keys',
    demo: 'SK00000000000000000000000000000000',
    example: 'SKxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx',
  },
  {
    name: 'API_SECRET',
    group: 'Twilio credentials',
    kind: 'secret',
    required: 'always',
    secret: true,
    description: "That API key's secret, shown once when the key is created. Not your Auth Token.",
    format: '32 characters',
    where: 'shown when the key in API_KEY is created; if lost, create a new key',
    demo: 'demo-secret-not-a-real-twilio-key',
  },
  {
    name: 'API_KEY_PREVIOUS',
    group: 'Twilio credentials',
    kind: 'sid',
    sidPrefix: 'SK',
    required: 'no (npm run keys -- rotate writes it)',
    secret: false,
    description:
      'The key API_KEY replaced at the last rotation. Nothing is minted with it: /inspect and npm run inspect still verify the tokens it signed, until npm run keys -- revoke-previous deletes it.',
    where: 'written by npm run keys -- rotate, removed by npm run keys -- revoke-previous',
  },
  {
    name: 'API_SECRET_PREVIOUS',
    group: 'Twilio credentials',
    kind: 'secret',
    required: 'with API_KEY_PREVIOUS',
    secret: true,
    description: "API_KEY_PREVIOUS's secret, to verify the tokens it signed.",
    format: '32 characters',
    where: 'written by npm run keys -- rotate, removed by npm run keys -- revoke-previous',
  },
  {
    name: 'API_KEY_ROTATED_AT',
    group: 'Twilio credentials',
    kind: 'text',
    required: 'with API_KEY_PREVIOUS',
    secret: false,
    description:
      'When API_KEY replaced API_KEY_PREVIOUS. npm run keys -- revoke-previous waits until this time plus TOKEN_MAX_TTL, when the last token the previous key signed has expired.',
    format: 'ISO 8601 UTC time, e.g. 2026-01-31T12:00:00.000Z',
    where: 'written by npm run keys -- rotate',
  },
  {
    name: 'OUTGOING_SID',
    group: 'Products',
    kind: 'sid',
    sidPrefix: 'AP',
    required: 'for voice',
    secret: false,
    description: "The TwiML App for the voice grant's outgoing calls.",
    where: 'Console > Voice > TwiML Apps, https://console.twilio.com/us1/develop/voice/manage/twiml-apps',
    demo: 'AP00000000000000000000000000000000',
    example: 'APxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx',
  },
  {
    name: 'CHAT_SERVICE_SID',
    group: 'Products',
    kind: 'sid',
    sidPrefix: 'IS',
    required: 'for chat',
    secret: false,
    description: 'The Conversations (Chat) service for the chat grant. Wins over SERVICE_SID.',
    where: 'Console > Conversations > Manage > Services, https://console.twilio.com/us1/develop/conversations/manage/services',
    demo: 'IS00000000000000000000000000000000',
    example: 'ISxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx',
  },
  {
    name: 'SERVICE_SID',
    group: 'Products',
    kind: 'sid',
    sidPrefix: 'IS',
    required: 'no (legacy name of CHAT_SERVICE_SID)',
    secret: false,
    description:
      "The old tutorials' name for the chat service. A deployed runtime fills it with its own Serverless service SID (ZS...), which is ignored and never put in a token: use CHAT_SERVICE_SID.",
    legacy: true,
  },
  {
    name: 'SYNC_SERVICE_SID',
    group: 'Products',
    kind: 'sid',
    sidPrefix: 'IS',
    required: 'no',
    default: 'default',
    secret: false,
    description: "The Sync service for the sync grant; `default` is the account's default Sync service.",
    format: 'or default',
    where: 'Console > Sync > Services',
    demo: 'default',
    example: 'default',
  },
  {
    name: 'PUSH_CREDENTIAL_SID',
    group: 'Products',
    kind: 'sid',
    sidPrefix: 'CR',
    required: 'no',
    secret: false,
    description: 'A Push Credential added to voice grants, for incoming-call notifications on mobile.',
  },
  {
    name: 'VOICE_CALLER_ID',
    group: 'Products',
    kind: 'text',
    required: 'for phone calls from /voice',
    secret: false,
    description:
      'The caller ID of the phone calls /voice dials: a Twilio number of ACCOUNT_SID or one of its verified caller IDs. Unset: /voice calls clients only, never a phone number.',
    format: 'E.164, e.g. +15551234567',
    where: 'Console > Phone Numbers > Active numbers, or Verified Caller IDs',
  },
  {
    name: 'VOICE_DIAL_PREFIXES',
    group: 'Products',
    kind: 'text',
    required: 'for phone calls from /voice',
    default: 'none: no phone calls',
    secret: false,
    description:
      'The number prefixes /voice may dial, with VOICE_CALLER_ID; any other number is refused, since anyone holding a Voice token could otherwise call any number at your expense.',
    format: 'comma list of + and 1 to 15 digits, e.g. +1,+44',
  },
  {
    name: 'TASKROUTER_WORKSPACE_SID',
    group: 'Products',
    kind: 'sid',
    sidPrefix: 'WS',
    required: 'for taskrouter',
    secret: false,
    description: "The TaskRouter Workspace of the taskrouter grant's workers (TaskRouter JS SDK, Flex).",
    where: 'Console > TaskRouter > Workspaces, https://console.twilio.com/us1/develop/taskrouter/workspaces',
    demo: 'WS00000000000000000000000000000000',
  },
  {
    name: 'TWILIO_REGION',
    group: 'Products',
    kind: 'choice',
    required: 'no',
    default: 'us1 (no twr header)',
    secret: false,
    description: "The region written in the token's twr header; the API key must belong to it.",
    format: 'us1, ie1 or au1 (legacy Voice regions: us2, jp1, sg1, de1, br1, in1)',
  },
  {
    name: 'VIDEO_ROOM_TYPE',
    group: 'Products',
    kind: 'choice',
    required: 'no',
    default: 'group',
    secret: false,
    description:
      'The type of the Video rooms /video-app/token creates for twilio-video-app-react, and the room_type it answers (docs/apps.md).',
    format: 'group, group-small, peer-to-peer or go',
  },
  {
    name: 'ALLOWED_ORIGINS',
    group: 'Browsers',
    kind: 'origins',
    required: 'no',
    secret: false,
    description: "Browser origins besides the service's own pages that may call it; * allows any.",
    format: 'comma list of exact origins, e.g. https://app.example.com,http://localhost:5173 (no path, no trailing slash)',
    example: 'https://app.example.com',
  },
  {
    name: 'TOKEN_TTL',
    group: 'Tokens',
    kind: 'seconds',
    required: 'no',
    default: String(DEFAULT_TOKEN_TTL_SECONDS),
    secret: false,
    description: 'The lifetime of a token when the caller asks for none.',
    format: 'whole seconds, 1 to TOKEN_MAX_TTL',
    demo: String(DEFAULT_TOKEN_TTL_SECONDS),
    example: '3600',
  },
  {
    name: 'TOKEN_MAX_TTL',
    group: 'Tokens',
    kind: 'seconds',
    required: 'no',
    default: String(MAX_TOKEN_LIFETIME_SECONDS),
    secret: false,
    description: `The longest ttl a caller may ask for; never above ${MAX_TOKEN_LIFETIME_SECONDS} (Twilio rejects longer tokens, 20157).`,
    format: `whole seconds, 1 to ${MAX_TOKEN_LIFETIME_SECONDS}`,
    demo: String(MAX_TOKEN_LIFETIME_SECONDS),
    example: '14400',
  },
  {
    name: 'AUTH_MODE',
    group: 'Caller authentication',
    kind: 'choice',
    required: 'when deployed',
    default: 'none, locally only',
    secret: false,
    description:
      "How callers prove who they are: jwt (your app's sign-in token; recommended), passcode (one shared secret) or none (anyone; prototypes only).",
    format: 'none, passcode or jwt',
    example: 'passcode',
  },
  {
    name: 'APP_PASSCODE',
    group: 'Caller authentication',
    kind: 'secret',
    required: 'with AUTH_MODE=passcode',
    secret: true,
    description: 'The shared passcode callers send as Authorization: Bearer <passcode>.',
    format: 'at least 16 random visible ASCII characters, no spaces',
    where: 'openssl rand -base64 24',
  },
  {
    name: 'AUTH_JWT_SECRET',
    group: 'Caller authentication',
    kind: 'secret',
    required: 'with AUTH_MODE=jwt, or AUTH_JWKS_URL',
    secret: true,
    description: 'The HMAC secret your backend signs app JWTs with (HS256/384/512). Set this or AUTH_JWKS_URL, not both.',
    format: 'at least 32 random bytes',
    where: 'openssl rand -base64 48',
  },
  {
    name: 'AUTH_JWKS_URL',
    group: 'Caller authentication',
    kind: 'url',
    required: 'with AUTH_MODE=jwt, or AUTH_JWT_SECRET',
    secret: false,
    description: "Your identity provider's JSON Web Key Set, for RS*/PS*/ES*/EdDSA app JWTs (Auth0, Okta, Cognito, Firebase, ...).",
    format: 'https:// URL (http:// only for localhost), e.g. https://your-tenant.us.auth0.com/.well-known/jwks.json',
  },
  {
    name: 'AUTH_ISSUER',
    group: 'Caller authentication',
    kind: 'text',
    required: 'with AUTH_JWKS_URL',
    secret: false,
    description: 'The exact iss of your app JWTs; checked when set.',
    format: 'text, e.g. https://your-tenant.us.auth0.com/',
  },
  {
    name: 'AUTH_AUDIENCE',
    group: 'Caller authentication',
    kind: 'text',
    required: 'with AUTH_JWKS_URL',
    secret: false,
    description: 'The aud your app JWTs are issued for; checked when set.',
    format: 'text, e.g. your API identifier',
  },
  {
    name: 'AUTH_CLOCK_TOLERANCE',
    group: 'Caller authentication',
    kind: 'seconds',
    required: 'no',
    default: '30',
    secret: false,
    description: "Seconds of clock skew accepted on an app JWT's exp and nbf.",
    format: 'whole seconds, 0 to 300',
  },
  {
    name: 'AUTH_MAX_TOKEN_AGE',
    group: 'Caller authentication',
    kind: 'seconds',
    required: 'no',
    default: '86400',
    secret: false,
    description:
      'The longest an app JWT may claim to stay valid: one whose exp is further from now is refused, as is one issued in the future.',
    format: 'whole seconds, 60 to 2592000 (30 days)',
  },
  {
    name: 'AUTH_IDENTITY_CLAIM',
    group: 'Caller authentication',
    kind: 'text',
    required: 'no',
    default: 'sub',
    secret: false,
    description: 'The app JWT claim holding the Twilio identity; it must pass the identity rules of the requested grants.',
    format: 'a claim name, e.g. sub, email or https://example.com/username',
  },
  {
    name: 'AUTH_WORKER_CLAIM',
    group: 'Caller authentication',
    kind: 'text',
    required: 'no',
    default: 'twilio_worker_sid',
    secret: false,
    description:
      'With AUTH_MODE=jwt, the app JWT claim holding the TaskRouter Worker SID of a taskrouter grant (the worker parameter is then refused).',
    format: 'a claim name, e.g. twilio_worker_sid',
  },
  {
    name: 'AUTH_VOICE_PARAMS',
    group: 'Caller authentication',
    kind: 'text',
    required: 'no',
    secret: false,
    description:
      "With AUTH_MODE=jwt, app JWT claims copied into the voice grant's outgoing parameters, which your TwiML App receives with each call as trusted values. Never from a request parameter.",
    format: 'comma list of claim names, e.g. tenant,plan',
  },
  {
    name: 'DOMAIN_NAME',
    group: 'Set by the runtime',
    kind: 'text',
    required: 'no: the runtime sets it',
    secret: false,
    description: "The service's own host. Its https:// origin is always allowed; a local host means a local server.",
    format: 'a host, e.g. token-service-1234-dev.twil.io or localhost:3000',
  },
  {
    name: 'AUTH_TOKEN',
    group: 'Deploy only',
    kind: 'secret',
    required: 'to deploy (or a Twilio CLI profile); locally, for /video-app/token',
    secret: true,
    description:
      "The account's Auth Token, which twilio-run deploy uploads with. Never uploaded, never used in tokens. Locally the runtime builds context.getTwilioClient() from it and ACCOUNT_SID, which /video-app/token creates rooms with (deployed, the runtime has its own).",
    format: '32 hexadecimal digits',
    where: 'the Console dashboard',
  },
] as const satisfies readonly VariableSpec[];

/** A declared variable's name: every reader takes one, so a misspelt name does not compile. */
export type VariableName = (typeof DECLARED)[number]['name'];

export const VARIABLES: readonly (VariableSpec & { name: VariableName })[] = DECLARED;

const BY_NAME: ReadonlyMap<string, VariableSpec> = new Map(VARIABLES.map((spec) => [spec.name, spec]));

export function variableSpec(name: VariableName): VariableSpec {
  return BY_NAME.get(name)!;
}

/** Whether a name (from an env file, say) is a declared variable. */
export const isVariableName = (name: string): name is VariableName => BY_NAME.has(name);

/** The SID prefix of a SID variable; a variable of another kind is a programming error. */
export function sidPrefixOfVariable(name: VariableName): SidPrefix {
  const prefix = variableSpec(name).sidPrefix;
  if (prefix === undefined) throw new Error(`${name} is not a SID variable`);
  return prefix;
}

/** How a value looks, for documents and messages: a SID variable's shape comes from its prefix. */
export function formatOf(spec: VariableSpec): string {
  if (spec.sidPrefix === undefined) return spec.format ?? '';
  const shape = `${spec.sidPrefix} + 32 hex digits`;
  return spec.format === undefined ? shape : `${shape}, ${spec.format}`;
}

/** The variables the functions read from `context`; everything is an optional string there. */
export type ConfigVars = Readonly<Record<string, unknown>>;

/**
 * A variable's value as every reader sees it: an own string property, trimmed, with empty
 * meaning unset. The one reader of configuration values in the project.
 */
export function readVar(vars: ConfigVars, name: VariableName): string | undefined {
  const value = Object.prototype.hasOwnProperty.call(vars, name) ? vars[name] : undefined;
  if (typeof value !== 'string') return undefined;
  const trimmed = value.trim();
  return trimmed === '' ? undefined : trimmed;
}

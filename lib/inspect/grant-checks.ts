import {
  describeSidProblem,
  GRANT_NAMES,
  identityProblems,
  isSid,
  MISTAKEN_PAYLOAD_KEYS,
  OTHER_PAYLOAD_KEYS,
  PRODUCTS,
  productByPayloadKey,
  sidPrefixOf,
  type GrantName,
  type SidPrefix,
} from '../twilio';
import { describeClaim, FindingList, isRecord, own, shown } from './findings';
import type { Expectations, GrantSummary } from './types';

/** Grant keys Twilio knows, with the product each one unlocks. */
const KNOWN_PAYLOAD_KEYS: Readonly<Record<string, string>> = {
  ...Object.fromEntries(GRANT_NAMES.map((grant) => [PRODUCTS[grant].payloadKey, PRODUCTS[grant].title])),
  ...OTHER_PAYLOAD_KEYS,
};

/** Unknown grant keys named one finding each; the rest are counted in one (a finding per key of a 16 KB token would be 500 KB). */
const MAX_UNKNOWN_KEYS_LISTED = 5;

const ZS_HINT =
  'ZS... is the SID of the Functions service itself, which the runtime puts in SERVICE_SID; set CHAT_SERVICE_SID to your Conversations service SID (IS...).';

interface GrantContext {
  expect: Expectations;
  findings: FindingList;
}

/**
 * A SID inside a grant: present when required, the right prefix, and the expected one. Returns
 * the SID when it is well-formed.
 */
function checkGrantSid(
  ctx: GrantContext,
  grant: Record<string, unknown>,
  path: string,
  key: string,
  prefix: SidPrefix,
  what: string,
  opts: { required?: string; expected?: string; expectedName?: string; alsoAllow?: string },
): string | undefined {
  const field = `payload.grants.${path}.${key}`;
  const value = own(grant, key);
  if (value === undefined) {
    if (opts.required !== undefined) ctx.findings.error(20106, field, `The ${path} grant has no ${key} (${what}).`, opts.required);
    return undefined;
  }
  if (typeof value !== 'string' || (value !== opts.alsoAllow && !isSid(value, prefix))) {
    const problem = typeof value === 'string' ? describeSidProblem(value, prefix) : `must be a string, got ${describeClaim(value)}`;
    ctx.findings.error(
      20106,
      field,
      `${path}.${key} ${problem}.`,
      sidPrefixOf(value) === 'ZS'
        ? ZS_HINT
        : `Put the ${what} (${prefix} + 32 hex digits${opts.alsoAllow ? ` or "${opts.alsoAllow}"` : ''}) in this grant.`,
    );
    return undefined;
  }
  if (opts.expected !== undefined && value !== opts.expected) {
    ctx.findings.warning(
      20106,
      field,
      `${path}.${key} is ${value}, not the expected ${opts.expected}.`,
      `Tokens from this deployment use ${opts.expectedName ?? 'its configured SID'}; a SID from another account fails when the SDK uses it.`,
    );
  }
  return value;
}

function checkVoice(ctx: GrantContext, voice: Record<string, unknown>, identity: string | undefined): string[] {
  const abilities: string[] = [];
  let incomingAllowed = false;
  const incoming = own(voice, 'incoming');
  if (incoming !== undefined) {
    if (!isRecord(incoming)) {
      ctx.findings.error(
        20106,
        'payload.grants.voice.incoming',
        `voice.incoming must be an object like {"allow": true}, got ${describeClaim(incoming)}.`,
        'Mint with VoiceGrant({incomingAllow: true}).',
      );
    } else {
      const allow = own(incoming, 'allow');
      if (allow !== undefined && typeof allow !== 'boolean') {
        ctx.findings.error(
          20106,
          'payload.grants.voice.incoming.allow',
          `voice.incoming.allow must be true or false, got ${describeClaim(allow)}.`,
          'Convert request text to a boolean before minting: "false" is a string, and Boolean("false") is true.',
        );
      }
      incomingAllowed = allow === true;
    }
  }
  if (incomingAllowed)
    abilities.push(
      identity !== undefined
        ? `Receive incoming calls to client:${identity}`
        : 'Receive incoming calls (but the token has no identity to call)',
    );

  const outgoing = own(voice, 'outgoing');
  if (outgoing !== undefined) {
    if (!isRecord(outgoing)) {
      ctx.findings.error(
        20106,
        'payload.grants.voice.outgoing',
        `voice.outgoing must be an object like {"application_sid": "AP..."}, got ${describeClaim(outgoing)}.`,
        'Mint with VoiceGrant({outgoingApplicationSid: "AP..."}).',
      );
    } else {
      const app = checkGrantSid(ctx, outgoing, 'voice.outgoing', 'application_sid', 'AP', 'TwiML App SID', {
        required: 'Set outgoingApplicationSid to your TwiML App SID (AP...); Device.connect() needs it to know which Voice URL to call.',
        expected: ctx.expect.outgoingApplicationSid,
        expectedName: 'its OUTGOING_SID',
      });
      if (app !== undefined) abilities.push(`Place outgoing calls through TwiML App ${app}`);
    }
  } else if (!incomingAllowed) {
    ctx.findings.error(
      20106,
      'payload.grants.voice',
      'The voice grant allows neither incoming nor outgoing calls.',
      'Add outgoing.application_sid (a TwiML App, AP...) and/or incoming.allow: true.',
    );
  } else if (ctx.expect.outgoingApplicationSid !== undefined) {
    ctx.findings.warning(
      20106,
      'payload.grants.voice.outgoing',
      'The voice grant has no outgoing.application_sid: this token receives calls but Device.connect() fails.',
      'Mint with outgoingApplicationSid set to your TwiML App SID (OUTGOING_SID) unless the client only receives calls.',
    );
  }
  const push = checkGrantSid(ctx, voice, 'voice', 'push_credential_sid', 'CR', 'Push Credential SID', {
    expected: ctx.expect.pushCredentialSid,
    expectedName: 'its PUSH_CREDENTIAL_SID',
  });
  if (push !== undefined) abilities.push(`Get incoming-call push notifications through Push Credential ${push}`);
  if (abilities.length === 0) abilities.push('Nothing usable: see the findings');
  return abilities;
}

function checkVideo(ctx: GrantContext, video: Record<string, unknown>): string[] {
  const room = own(video, 'room');
  if (room === undefined) return ['Join any Video room'];
  if (typeof room !== 'string' || room === '') {
    ctx.findings.error(
      20106,
      'payload.grants.video.room',
      `video.room must be a room name or RM... SID, got ${describeClaim(room)}.`,
      'Leave room out to allow any room, or set it to one room name.',
    );
    return ['Nothing usable: see the findings'];
  }
  return [`Join only the Video room ${shown(room, 80)}`];
}

function checkChat(ctx: GrantContext, chat: Record<string, unknown>): string[] {
  const abilities: string[] = [];
  const service = checkGrantSid(ctx, chat, 'chat', 'service_sid', 'IS', 'Conversations service SID', {
    required: 'Set CHAT_SERVICE_SID to your Conversations service SID (IS...); the Conversations SDK cannot connect without it.',
    expected: ctx.expect.chatServiceSid,
    expectedName: 'its CHAT_SERVICE_SID',
  });
  if (service !== undefined) abilities.push(`Use Conversations in service ${service}`);
  const push = checkGrantSid(ctx, chat, 'chat', 'push_credential_sid', 'CR', 'Push Credential SID', {
    expected: ctx.expect.pushCredentialSid,
    expectedName: 'its PUSH_CREDENTIAL_SID',
  });
  if (push !== undefined) abilities.push(`Get message push notifications through Push Credential ${push}`);
  if (abilities.length === 0) abilities.push('Nothing usable: see the findings');
  return abilities;
}

function checkSync(ctx: GrantContext, sync: Record<string, unknown>): string[] {
  const service = checkGrantSid(ctx, sync, 'data_sync', 'service_sid', 'IS', 'Sync service SID', {
    required: 'Set the Sync service SID (IS...) or "default" for the account\'s default Sync service.',
    expected: ctx.expect.syncServiceSid,
    expectedName: 'its SYNC_SERVICE_SID',
    alsoAllow: 'default',
  });
  if (service === undefined) return ['Nothing usable: see the findings'];
  return [
    `Read and write Sync documents, lists, maps and streams in ${service === 'default' ? 'the default Sync service' : `service ${service}`}`,
  ];
}

/** The identity rules /token enforces (lib/twilio), reported as warnings with the SDK error they lead to. */
function checkIdentityRules(ctx: GrantContext, identity: string, payloadKeys: string[]): void {
  const field = 'payload.grants.identity';
  const grants = payloadKeys.map((key) => productByPayloadKey(key)?.grant).filter((grant): grant is GrantName => grant !== undefined);
  for (const problem of identityProblems(identity, grants)) {
    if (problem.grant === undefined) {
      ctx.findings.warning(
        20106,
        field,
        `The identity breaks Twilio's identity rules: ${problem.message}.`,
        'Use a short plain user name, e.g. alice_smith.',
      );
      continue;
    }
    const rule = PRODUCTS[problem.grant].identity;
    const title = PRODUCTS[problem.grant].title;
    const hint =
      rule?.pattern !== undefined
        ? `The ${title} SDK fails with ${problem.sdkError} on such identities; use ${rule.patternRule ?? 'allowed characters'} only.`
        : `${title} refuses identities over ${rule?.maxLength ?? 0} characters (${problem.sdkError}); use a shorter one.`;
    ctx.findings.warning(problem.sdkError ?? 20106, field, `The identity does not suit ${title}: ${problem.message}.`, hint);
  }
}

/** The grants claim (20106) and the identity, and what the token lets its holder do. */
export function checkGrants(
  payload: Record<string, unknown>,
  expect: Expectations,
  findings: FindingList,
): { identity?: string; summaries: GrantSummary[] } {
  const raw = own(payload, 'grants');
  if (raw === undefined) {
    findings.error(
      20106,
      'payload.grants',
      'The token has no grants claim: it lets its holder do nothing.',
      'Add a grant for the product the client uses (VoiceGrant, VideoGrant, ChatGrant, SyncGrant).',
    );
    return { summaries: [] };
  }
  if (!isRecord(raw)) {
    findings.error(
      20106,
      'payload.grants',
      `grants must be an object, got ${describeClaim(raw)}.`,
      'Mint with a Twilio helper library: grants is {"identity": "...", "voice": {...}, ...}.',
    );
    return { summaries: [] };
  }
  const ctx: GrantContext = { expect, findings };
  const products = Object.keys(raw).filter((key) => key !== 'identity' && Object.prototype.hasOwnProperty.call(KNOWN_PAYLOAD_KEYS, key));

  let identity: string | undefined;
  const identityValue = own(raw, 'identity');
  if (identityValue === undefined) {
    findings.error(
      20106,
      'payload.grants.identity',
      'The token has no identity.',
      'Mint with an identity (the user name): every product grant needs one.',
    );
  } else if (identityValue === '') {
    findings.error(
      20106,
      'payload.grants.identity',
      'The identity is empty.',
      'Mint with an identity (the user name): every product grant needs one.',
    );
  } else if (typeof identityValue !== 'string') {
    findings.error(
      20106,
      'payload.grants.identity',
      `identity must be a string, got ${describeClaim(identityValue)}.`,
      'Mint with the user name as a string.',
    );
  } else {
    identity = identityValue;
    checkIdentityRules(ctx, identity, products);
  }

  const unknown = Object.keys(raw).filter((key) => key !== 'identity' && !products.includes(key));
  for (const key of unknown.slice(0, MAX_UNKNOWN_KEYS_LISTED)) {
    const correct = Object.prototype.hasOwnProperty.call(MISTAKEN_PAYLOAD_KEYS, key) ? MISTAKEN_PAYLOAD_KEYS[key] : undefined;
    findings.warning(
      20106,
      `payload.grants.${key.length > 64 ? `${key.slice(0, 63)}…` : key}`,
      correct !== undefined
        ? `grants.${shown(key, 40)} is not a Twilio grant; Twilio ignores it.`
        : `grants.${shown(key, 40)} is not a grant Twilio knows; it is ignored.`,
      correct !== undefined
        ? `The key of this grant is ${correct}.`
        : `Twilio grant keys are ${Object.keys(KNOWN_PAYLOAD_KEYS).join(', ')}.`,
    );
  }
  if (unknown.length > MAX_UNKNOWN_KEYS_LISTED) {
    findings.warning(
      20106,
      'payload.grants',
      `grants has ${unknown.length - MAX_UNKNOWN_KEYS_LISTED} more keys that are not grants Twilio knows; they are ignored.`,
      `Twilio grant keys are ${Object.keys(KNOWN_PAYLOAD_KEYS).join(', ')}.`,
    );
  }
  if (products.length === 0) {
    findings.error(
      20106,
      'payload.grants',
      'The grants name no product (voice, video, chat, data_sync): the token lets its holder do nothing.',
      'Add a grant for the product the client uses (VoiceGrant, VideoGrant, ChatGrant, SyncGrant).',
    );
  }

  const summaries: GrantSummary[] = [];
  for (const key of products) {
    const grant = raw[key];
    const product = KNOWN_PAYLOAD_KEYS[key] as string;
    if (!isRecord(grant)) {
      findings.error(
        20106,
        `payload.grants.${key}`,
        `grants.${key} must be an object, got ${describeClaim(grant)}.`,
        'Mint with the helper library grant class; an empty grant is {}.',
      );
      summaries.push({ key, product, abilities: ['Nothing usable: see the findings'] });
      continue;
    }
    let abilities: string[];
    switch (key) {
      case 'voice':
        abilities = checkVoice(ctx, grant, identity);
        break;
      case 'video':
        abilities = checkVideo(ctx, grant);
        break;
      case 'chat':
        abilities = checkChat(ctx, grant);
        break;
      case 'data_sync':
        abilities = checkSync(ctx, grant);
        break;
      default:
        abilities = [`Use ${product} (this grant is not analysed)`];
    }
    summaries.push({ key, product, abilities });
  }
  return { identity, summaries };
}

/**
 * Voice (the Voice JS, iOS and Android SDKs): outgoing calls through a TwiML App, incoming calls
 * to `client:<identity>`, push notifications on mobile, and outgoing parameters the TwiML App
 * receives with each call, taken from verified sign-in claims only. The TwiML App's Voice URL is
 * this service's /voice: what it dials for a call's `To` is decided here (outgoingCall), and
 * lib/endpoints/voice.ts writes it as TwiML.
 */
import { problem, readList, readSid, type ConfigProblem } from '../config/read';
import { readVar, sidPrefixOfVariable, type ConfigVars } from '../config/schema';
import { badRequest, ServiceError } from '../errors';
import { checkGrantSid } from '../inspect/grant-sid';
import { describeClaim, isRecord, own, shown } from '../inspect/findings';
import { isSidFor, readVar as readDoctorVar, row, sidProblem, sidShape } from '../doctor/vars';
import { generalIdentityProblem } from '../twilio/identity';
import type { DoctorVars } from '../doctor/types';
import type { GrantCheck, OptionContext, ProductModule } from './types';

export interface VoiceSettings {
  /** OUTGOING_SID: the TwiML App of outgoing calls; voice cannot mint without it. */
  applicationSid?: string;
  pushCredentialSid?: string;
  /** AUTH_VOICE_PARAMS: claims copied into outgoing.params. */
  paramClaims: readonly string[];
  /** VOICE_CALLER_ID: the caller ID of the phone calls /voice dials; none, none dialled. */
  callerId?: string;
  /** VOICE_DIAL_PREFIXES: the only numbers /voice dials start with one of these. */
  dialPrefixes: readonly string[];
}

/** The Voice SDK's client names: letters, digits and underscores only. */
const VOICE_IDENTITY = {
  maxLength: 121,
  pattern: /^[A-Za-z0-9_]+$/,
  patternRule: 'letters A-Z, a-z, digits and underscores',
  sdkError: 31105,
} as const;

export interface VoiceOptions {
  incomingAllow: boolean;
  /** From verified claims (AUTH_VOICE_PARAMS), as strings; absent when none was copied. */
  outgoingParams?: Record<string, string>;
}

/** A claim name as AUTH_VOICE_PARAMS lists it: a JSON key, no spaces or commas. */
const CLAIM_NAME = /^[\x21-\x2b\x2d-\x7e]{1,200}$/;

/** A phone number as Twilio dials it: E.164, + and up to 15 digits, no leading zero. */
export const E164 = /^\+[1-9]\d{1,14}$/;
/** A VOICE_DIAL_PREFIXES entry: + and 1 to 15 digits. */
const DIAL_PREFIX = /^\+\d{1,15}$/;

const CALLER_ID_RULE = 'VOICE_CALLER_ID must be a phone number in E.164 form, like +15551234567';
const PREFIXES_RULE = 'VOICE_DIAL_PREFIXES must be a comma list of + and digits, like +1,+44';

function readSettings(vars: ConfigVars, problems: ConfigProblem[]): VoiceSettings {
  const paramClaims = readList(vars, 'AUTH_VOICE_PARAMS');
  if (paramClaims.some((claim) => !CLAIM_NAME.test(claim))) {
    problems.push(problem('AUTH_VOICE_PARAMS', 'AUTH_VOICE_PARAMS must be a comma list of claim names without spaces (e.g. tenant,plan)'));
  }
  const callerId = readVar(vars, 'VOICE_CALLER_ID');
  if (callerId !== undefined && !E164.test(callerId)) problems.push(problem('VOICE_CALLER_ID', CALLER_ID_RULE));
  const dialPrefixes = readList(vars, 'VOICE_DIAL_PREFIXES');
  if (dialPrefixes.some((prefix) => !DIAL_PREFIX.test(prefix))) problems.push(problem('VOICE_DIAL_PREFIXES', PREFIXES_RULE));
  return {
    applicationSid: readSid(vars, 'OUTGOING_SID', problems),
    pushCredentialSid: readSid(vars, 'PUSH_CREDENTIAL_SID', problems),
    paramClaims: paramClaims.filter((claim) => CLAIM_NAME.test(claim)),
    ...(callerId !== undefined && E164.test(callerId) ? { callerId } : {}),
    dialPrefixes: dialPrefixes.filter((prefix) => DIAL_PREFIX.test(prefix)),
  };
}

/** What /voice does with an outgoing call from a Voice SDK, decided from its `To` parameter. */
export type OutgoingCall =
  | { kind: 'client'; identity: string }
  | { kind: 'number'; number: string; callerId: string }
  /** `say`: the sentence the caller hears before the hang-up; `reason`: for the log line. */
  | { kind: 'refused'; reason: 'no_to' | 'invalid_client' | 'numbers_disabled' | 'number_not_allowed' | 'not_understood'; say: string };

/** Whether an identity can be called as `client:<identity>`: the rules of every identity and the Voice SDK's own. */
function isVoiceIdentity(identity: string): boolean {
  return (
    generalIdentityProblem(identity) === undefined && identity.length <= VOICE_IDENTITY.maxLength && VOICE_IDENTITY.pattern.test(identity)
  );
}

/**
 * What to dial for `To`: a client (`client:bob`, or a bare identity the Voice SDK accepts), a
 * phone number only when VOICE_CALLER_ID is set and the number starts with one of
 * VOICE_DIAL_PREFIXES (anyone holding a Voice token could otherwise dial any number at the
 * account's expense), else a refusal that says why.
 */
export function outgoingCall(to: unknown, settings: Pick<VoiceSettings, 'callerId' | 'dialPrefixes'>): OutgoingCall {
  if (typeof to !== 'string' || to.trim() === '') {
    return {
      kind: 'refused',
      reason: 'no_to',
      say: Array.isArray(to) ? 'This call names more than one destination.' : 'This call has no destination.',
    };
  }
  const target = to.trim();
  if (/^client:/i.test(target)) {
    const identity = target.slice('client:'.length);
    if (isVoiceIdentity(identity)) return { kind: 'client', identity };
    return { kind: 'refused', reason: 'invalid_client', say: 'That client name cannot be called.' };
  }
  if (E164.test(target)) {
    if (settings.callerId === undefined || settings.dialPrefixes.length === 0) {
      return { kind: 'refused', reason: 'numbers_disabled', say: 'Calls to phone numbers are not enabled on this service.' };
    }
    if (!settings.dialPrefixes.some((prefix) => target.startsWith(prefix))) {
      return { kind: 'refused', reason: 'number_not_allowed', say: 'Calls to this number are not allowed.' };
    }
    return { kind: 'number', number: target, callerId: settings.callerId };
  }
  if (isVoiceIdentity(target)) return { kind: 'client', identity: target };
  return {
    kind: 'refused',
    reason: 'not_understood',
    say: 'That destination is neither a client name nor a phone number in international format.',
  };
}

/**
 * Query strings carry "false" as text; `Boolean("false")` would be true, the classic bug. Only
 * true and false (text or JSON booleans): a `1` or a `yes` is a guess at what the client meant.
 */
function readIncomingAllow(raw: unknown): boolean {
  if (raw === undefined || raw === '' || raw === true || raw === 'true') return true;
  if (raw === false || raw === 'false') return false;
  throw badRequest('invalid_param', 'incomingAllow', 'incomingAllow must be true or false');
}

/**
 * A TwiML App trusts outgoing.params as the server's own values (a tenant, a plan): they come
 * only from the claims AUTH_VOICE_PARAMS names, in a verified sign-in token. Scalars become
 * strings, as Twilio passes them to the TwiML App; an object is refused rather than flattened.
 */
function outgoingParamsFrom(context: OptionContext<VoiceSettings>): Record<string, string> | undefined {
  const claims = context.caller.claims;
  if (claims === undefined || context.settings.paramClaims.length === 0) return undefined;
  const params: Record<string, string> = {};
  for (const name of context.settings.paramClaims) {
    const value = own(claims, name);
    if (value === undefined || value === null) continue;
    if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean') params[name] = String(value);
    else {
      throw new ServiceError(
        'invalid_claim',
        `Your sign-in token's ${JSON.stringify(name.slice(0, 60))} claim is ${describeClaim(value)}; voice call parameters take text, numbers or booleans only.`,
        name,
      );
    }
  }
  return Object.keys(params).length > 0 ? params : undefined;
}

function checkGrant({ findings, expected, identity }: GrantCheck<VoiceSettings>, voice: Record<string, unknown>): string[] {
  const abilities: string[] = [];
  let incomingAllowed = false;
  const incoming = own(voice, 'incoming');
  if (incoming !== undefined) {
    if (!isRecord(incoming)) {
      findings.error(
        20106,
        'payload.grants.voice.incoming',
        `voice.incoming must be an object like {"allow": true}, got ${describeClaim(incoming)}.`,
        'Mint with VoiceGrant({incomingAllow: true}).',
      );
    } else {
      const allow = own(incoming, 'allow');
      if (allow !== undefined && typeof allow !== 'boolean') {
        findings.error(
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
      findings.error(
        20106,
        'payload.grants.voice.outgoing',
        `voice.outgoing must be an object like {"application_sid": "AP..."}, got ${describeClaim(outgoing)}.`,
        'Mint with VoiceGrant({outgoingApplicationSid: "AP..."}).',
      );
    } else {
      const app = checkGrantSid(findings, outgoing, {
        path: 'voice.outgoing',
        key: 'application_sid',
        prefix: sidPrefixOfVariable('OUTGOING_SID'),
        what: 'TwiML App SID',
        required: 'Set outgoingApplicationSid to your TwiML App SID (AP...); Device.connect() needs it to know which Voice URL to call.',
        expected: expected.applicationSid,
        expectedName: 'its OUTGOING_SID',
      });
      if (app !== undefined) abilities.push(`Place outgoing calls through TwiML App ${app}`);
      const params = own(outgoing, 'params');
      if (params !== undefined) {
        if (!isRecord(params)) {
          findings.error(
            20106,
            'payload.grants.voice.outgoing.params',
            `voice.outgoing.params must be an object of names and values, got ${describeClaim(params)}.`,
            'Mint with VoiceGrant({outgoingApplicationParams: {name: "value"}}).',
          );
        } else if (Object.keys(params).length > 0) {
          abilities.push(`Send the TwiML App these call parameters: ${shown(Object.keys(params).join(', '), 80)}`);
        }
      }
    }
  } else if (!incomingAllowed) {
    findings.error(
      20106,
      'payload.grants.voice',
      'The voice grant allows neither incoming nor outgoing calls.',
      'Add outgoing.application_sid (a TwiML App, AP...) and/or incoming.allow: true.',
    );
  } else if (expected.applicationSid !== undefined) {
    findings.warning(
      20106,
      'payload.grants.voice.outgoing',
      'The voice grant has no outgoing.application_sid: this token receives calls but Device.connect() fails.',
      'Mint with outgoingApplicationSid set to your TwiML App SID (OUTGOING_SID) unless the client only receives calls.',
    );
  }
  const push = checkGrantSid(findings, voice, {
    path: 'voice',
    key: 'push_credential_sid',
    prefix: sidPrefixOfVariable('PUSH_CREDENTIAL_SID'),
    what: 'Push Credential SID',
    expected: expected.pushCredentialSid,
    expectedName: 'its PUSH_CREDENTIAL_SID',
  });
  if (push !== undefined) abilities.push(`Get incoming-call push notifications through Push Credential ${push}`);
  if (abilities.length === 0) abilities.push('Nothing usable: see the findings');
  return abilities;
}

const OUTGOING_FIX = `${sidShape('OUTGOING_SID')} (a TwiML App in the account ACCOUNT_SID whose Voice URL answers your calls' TwiML)`;

function outgoingSidRows(vars: DoctorVars) {
  const id = 'outgoing_sid';
  const title = 'OUTGOING_SID (voice)';
  const value = readDoctorVar(vars, 'OUTGOING_SID');
  if (value === undefined) {
    if (readDoctorVar(vars, 'PUSH_CREDENTIAL_SID') !== undefined) {
      return [
        row(
          id,
          title,
          'fail',
          'PUSH_CREDENTIAL_SID is set, so voice is meant to work, but OUTGOING_SID is not: every voice token request answers config_error.',
          OUTGOING_FIX,
        ),
      ];
    }
    // Voice is what the tutorial and the page lead with: say it, even to a Video-only deployment.
    return [
      row(
        id,
        title,
        'warn',
        'Voice is not configured: /token answers config_error for grants=voice, and the page marks Voice "not configured" and selects another product by default.',
        `to enable voice: ${OUTGOING_FIX}; if this deployment is not for Voice, nothing to do`,
      ),
    ];
  }
  const failure = sidProblem(
    'OUTGOING_SID',
    value,
    'voice tokens name a TwiML App Twilio cannot find, so calls fail (21218 invalid ApplicationSid)',
  );
  if (failure !== undefined) return [row(id, title, 'fail', failure, OUTGOING_FIX)];
  return [row(id, title, 'pass', `Voice tokens place calls through TwiML App ${value}.`)];
}

function pushCredentialRows(vars: DoctorVars) {
  const id = 'push_credential_sid';
  const title = 'PUSH_CREDENTIAL_SID';
  const fix = `${sidShape('PUSH_CREDENTIAL_SID')} (a Push Credential in the account ACCOUNT_SID), or leave it empty`;
  const value = readDoctorVar(vars, 'PUSH_CREDENTIAL_SID');
  if (value === undefined) return [row(id, title, 'pass', 'Not set (optional: mobile incoming-call push notifications).')];
  const failure = sidProblem(
    'PUSH_CREDENTIAL_SID',
    value,
    'voice grants name a credential Twilio cannot find, so incoming-call pushes never arrive',
  );
  if (failure !== undefined) return [row(id, title, 'fail', failure, fix)];
  return [row(id, title, 'pass', `Voice grants carry Push Credential ${value}.`)];
}

function voiceParamsRows(vars: DoctorVars) {
  const id = 'auth_voice_params';
  const title = 'AUTH_VOICE_PARAMS (voice)';
  const problems: ConfigProblem[] = [];
  const { paramClaims } = readSettings(vars, problems);
  const listProblem = problems.find((p) => p.variables.includes('AUTH_VOICE_PARAMS'));
  if (listProblem !== undefined) return [row(id, title, 'fail', `${listProblem.message}.`, 'AUTH_VOICE_PARAMS=tenant,plan')];
  if (paramClaims.length === 0) return [];
  const mode = readVar(vars, 'AUTH_MODE')?.toLowerCase();
  if (mode !== 'jwt') {
    return [
      row(
        id,
        title,
        'warn',
        `AUTH_VOICE_PARAMS names ${paramClaims.join(', ')}, but only a verified sign-in token (AUTH_MODE=jwt) supplies them: with AUTH_MODE=${mode ?? 'unset'} voice tokens carry no call parameters.`,
        'set AUTH_MODE=jwt, or remove AUTH_VOICE_PARAMS',
      ),
    ];
  }
  return [row(id, title, 'pass', `Voice tokens carry the sign-in token's ${paramClaims.join(', ')} claims as outgoing call parameters.`)];
}

/**
 * What npm run deploy does with the Voice URL of the TwiML App in OUTGOING_SID, for this service's
 * `wanted` /voice: sets it when empty, and never replaces one that points elsewhere (another app
 * of the account may answer those calls on purpose).
 */
export function voiceUrlWiring(current: string | null | undefined, wanted: string): 'set' | 'already' | 'elsewhere' {
  const url = (current ?? '').trim();
  if (url === '') return 'set';
  return url === wanted ? 'already' : 'elsewhere';
}

/** Both variables together say what /voice dials: one row, under VOICE_CALLER_ID. */
function dialRows(vars: DoctorVars) {
  const id = 'voice_dial';
  const title = 'VOICE_CALLER_ID, VOICE_DIAL_PREFIXES (/voice)';
  const callerId = readDoctorVar(vars, 'VOICE_CALLER_ID');
  const rawPrefixes = readDoctorVar(vars, 'VOICE_DIAL_PREFIXES');
  if (callerId === undefined && rawPrefixes === undefined) return [];
  const stops = 'the service answers config_error to every request until it is fixed';
  if (callerId !== undefined && !E164.test(callerId))
    return [
      row(
        id,
        title,
        'fail',
        `${CALLER_ID_RULE}: ${stops}.`,
        'VOICE_CALLER_ID=+15551234567 (a Twilio number of ACCOUNT_SID or a verified caller ID)',
      ),
    ];
  const problems: ConfigProblem[] = [];
  const { dialPrefixes } = readSettings(vars, problems);
  if (problems.some((p) => p.variables.includes('VOICE_DIAL_PREFIXES')))
    return [row(id, title, 'fail', `${PREFIXES_RULE}: ${stops}.`, 'VOICE_DIAL_PREFIXES=+1,+44')];
  if (callerId === undefined) {
    return [
      row(
        id,
        title,
        'warn',
        'VOICE_DIAL_PREFIXES is set but VOICE_CALLER_ID is not: /voice dials no phone number (calls to clients only).',
        'VOICE_CALLER_ID=+15551234567 (a Twilio number of ACCOUNT_SID or a verified caller ID), or empty VOICE_DIAL_PREFIXES',
      ),
    ];
  }
  if (dialPrefixes.length === 0) {
    return [
      row(
        id,
        title,
        'warn',
        'VOICE_CALLER_ID is set but VOICE_DIAL_PREFIXES is empty: /voice dials no phone number (calls to clients only).',
        'VOICE_DIAL_PREFIXES=+1 (the country codes or number prefixes you mean to pay for), or empty VOICE_CALLER_ID',
      ),
    ];
  }
  return [
    row(
      id,
      title,
      'pass',
      `/voice dials numbers starting with ${dialPrefixes.join(', ')} from ${callerId} (a number of ACCOUNT_SID or a verified caller ID, else Twilio refuses the dial, 13214); any other number is refused.`,
    ),
  ];
}

export const voice = {
  grant: 'voice' as const,
  title: 'Voice',
  shortTitle: 'Voice',
  aliases: [],
  grantClass: 'VoiceGrant',
  payloadKey: 'voice',
  identity: VOICE_IDENTITY,
  variables: ['OUTGOING_SID', 'PUSH_CREDENTIAL_SID', 'AUTH_VOICE_PARAMS', 'VOICE_CALLER_ID', 'VOICE_DIAL_PREFIXES'],
  requires: { variable: 'OUTGOING_SID', what: 'the TwiML App SID, AP...' },

  readSettings,
  configured: (settings: VoiceSettings): settings is VoiceSettings & { applicationSid: string } => settings.applicationSid !== undefined,
  describeSettings: (settings: Partial<VoiceSettings>): Record<string, string> => ({
    ...(settings.applicationSid !== undefined ? { outgoingApplicationSid: settings.applicationSid } : {}),
    ...(settings.pushCredentialSid !== undefined ? { pushCredentialSid: settings.pushCredentialSid } : {}),
  }),

  params: [
    {
      name: 'incomingAllow',
      label: 'Receive incoming calls',
      input: 'checkbox',
      checked: true,
      hint: "Voice only: calls to client:<identity> reach this token's holder.",
    },
  ] as const,
  refusedParams: [
    {
      matches: (name: string) => name === 'params' || name === 'outgoingApplicationParams' || /^params[[.]/.test(name),
      message:
        "Voice call parameters cannot be sent with the request: the TwiML App trusts them as this service's own values, so they come only from verified sign-in token claims (AUTH_VOICE_PARAMS).",
    },
  ],
  readOptions: (event: Record<string, unknown>, context: OptionContext<VoiceSettings>): VoiceOptions => {
    const outgoingParams = outgoingParamsFrom(context);
    return { incomingAllow: readIncomingAllow(own(event, 'incomingAllow')), ...(outgoingParams !== undefined ? { outgoingParams } : {}) };
  },
  buildGrant: (Token, settings, options: VoiceOptions) =>
    new Token.VoiceGrant({
      outgoingApplicationSid: settings.applicationSid,
      incomingAllow: options.incomingAllow,
      pushCredentialSid: settings.pushCredentialSid,
      outgoingApplicationParams: options.outgoingParams,
    }),

  checkGrant,

  doctorRows: {
    OUTGOING_SID: outgoingSidRows,
    PUSH_CREDENTIAL_SID: pushCredentialRows,
    AUTH_VOICE_PARAMS: voiceParamsRows,
    VOICE_CALLER_ID: dialRows,
    // Judged with VOICE_CALLER_ID, in one row.
    VOICE_DIAL_PREFIXES: () => [],
  },
  online: [
    {
      id: 'online.twiml_app',
      title: 'TwiML App (OUTGOING_SID)',
      run: (api, vars) => {
        const id = 'online.twiml_app';
        const title = 'TwiML App (OUTGOING_SID)';
        const sid = readDoctorVar(vars, 'OUTGOING_SID');
        if (!isSidFor('OUTGOING_SID', sid)) return Promise.resolve(row(id, title, 'skip', 'Voice is not configured.'));
        return api.fetchResource(
          {
            id,
            title,
            variable: 'OUTGOING_SID',
            fix: `${sidShape('OUTGOING_SID')} of a TwiML App in the account ACCOUNT_SID, with its Voice Request URL set`,
            consequence: 'outgoing calls from voice tokens fail with 21218 (invalid ApplicationSid)',
          },
          () => api.client.api.v2010.accounts(api.accountSid).applications(sid).fetch(),
          (app) => {
            const name = JSON.stringify(app.friendlyName ?? '');
            if (typeof app.voiceUrl !== 'string' || app.voiceUrl.trim() === '') {
              return row(
                id,
                title,
                'fail',
                `TwiML App ${name} has no Voice URL: Device.connect() reaches Twilio, which has nowhere to fetch the call's TwiML, so every outgoing call fails.`,
                'set the Voice Request URL of the TwiML App (Console > Voice > TwiML Apps) to the URL that returns your TwiML',
              );
            }
            // npm run deploy points an empty Voice URL at this service's /voice, and leaves any other.
            const elsewhere = /\/voice\/?$/.test(app.voiceUrl.split('?')[0]!)
              ? ''
              : ' That is not a /voice of this service: npm run deploy leaves it as it is.';
            return row(id, title, 'pass', `TwiML App ${name} sends calls to ${app.voiceMethod ?? 'POST'} ${app.voiceUrl}.${elsewhere}`);
          },
        );
      },
    },
    {
      id: 'online.push_credential',
      title: 'Push Credential (PUSH_CREDENTIAL_SID)',
      run: (api, vars) => {
        const id = 'online.push_credential';
        const title = 'Push Credential (PUSH_CREDENTIAL_SID)';
        const sid = readDoctorVar(vars, 'PUSH_CREDENTIAL_SID');
        if (!isSidFor('PUSH_CREDENTIAL_SID', sid)) return Promise.resolve(row(id, title, 'skip', 'No push credential configured.'));
        return api.fetchResource(
          {
            id,
            title,
            variable: 'PUSH_CREDENTIAL_SID',
            fix: `${sidShape('PUSH_CREDENTIAL_SID')} of a credential in the account ACCOUNT_SID`,
            consequence: 'push registration fails (20404) and incoming-call notifications never arrive',
          },
          // Push credentials are one account-wide resource; Conversations' Credentials API is its current home (Chat v2 and Notify are retired or deprecated).
          () => api.client.conversations.v1.credentials(sid).fetch(),
          (credential) =>
            row(
              id,
              title,
              'pass',
              `Push credential ${JSON.stringify(credential.friendlyName ?? '')} (${credential.type}${credential.type === 'apn' ? `, ${String(credential.sandbox).toLowerCase() === 'true' ? 'sandbox' : 'production'}` : ''}).`,
            ),
        );
      },
    },
  ],
} satisfies ProductModule<'VoiceGrant', VoiceSettings, VoiceSettings & { applicationSid: string }, VoiceOptions>;

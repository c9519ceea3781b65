/**
 * The SIDs that go into grants. There is no list of enabled grants: a product counts as
 * enabled when its variable is set (PUSH_CREDENTIAL_SID implies voice, since it only goes into
 * voice grants). An unset product is a skip, not a failure: /token answers config_error only
 * when someone asks for that grant.
 */
import { chatServiceVariable, usesDefaultSyncService } from '../../config/service';
import { describeSidProblem, isSid, sidPrefixOf, type SidPrefix } from '../../twilio';
import type { CheckResult, DoctorVars } from '../types';
import { isPlaceholderSid, readVar, row, sidShape } from '../vars';

const ZS_EXPLANATION = 'ZS... is the SID of a Functions (Serverless) service, which a deployed runtime puts in SERVICE_SID by itself';

/**
 * A set SID variable that is a placeholder or malformed: the failure sentence, else undefined.
 * A malformed one stops the whole service (lib/config validates every variable on every
 * request); a placeholder passes lib/config and fails later, at Twilio.
 */
function sidProblem(name: string, value: string, prefix: SidPrefix, placeholderConsequence: string): string | undefined {
  if (isPlaceholderSid(value))
    return `${name} is a placeholder (an all-zero or example SID), not a real resource: ${placeholderConsequence}.`;
  if (!isSid(value, prefix)) {
    const zs = sidPrefixOf(value) === 'ZS' ? ` (${ZS_EXPLANATION})` : '';
    return `${name} ${describeSidProblem(value, prefix)}${zs}: the service answers config_error to every request until it is fixed.`;
  }
  return undefined;
}

export function checkOutgoingSid(vars: DoctorVars): CheckResult {
  const id = 'outgoing_sid';
  const title = 'OUTGOING_SID (voice)';
  const fix = `${sidShape('OUTGOING_SID', 'AP')} (a TwiML App in the account ACCOUNT_SID whose Voice URL answers your calls' TwiML)`;
  const value = readVar(vars, 'OUTGOING_SID');
  if (value === undefined) {
    if (readVar(vars, 'PUSH_CREDENTIAL_SID') !== undefined) {
      return row(
        id,
        title,
        'fail',
        'PUSH_CREDENTIAL_SID is set, so voice is meant to work, but OUTGOING_SID is not: every voice token request answers config_error.',
        fix,
      );
    }
    // Voice is what the tutorial and the page lead with: say it, even to a Video-only deployment.
    return row(
      id,
      title,
      'warn',
      'Voice is not configured: /token answers config_error for grants=voice, and the page marks Voice "not configured" and selects another product by default.',
      `to enable voice: ${fix}; if this deployment is not for Voice, nothing to do`,
    );
  }
  const problem = sidProblem(
    'OUTGOING_SID',
    value,
    'AP',
    'voice tokens name a TwiML App Twilio cannot find, so calls fail (21218 invalid ApplicationSid)',
  );
  if (problem !== undefined) return row(id, title, 'fail', problem, fix);
  return row(id, title, 'pass', `Voice tokens place calls through TwiML App ${value}.`);
}

/** The Conversations service chat grants use, when well-formed (lib/config's rule). */
export function effectiveChatService(vars: DoctorVars): string | undefined {
  const variable = chatServiceVariable(vars);
  const value = variable === undefined ? undefined : readVar(vars, variable);
  return isSid(value, 'IS') ? value : undefined;
}

const CHAT_FIX = `${sidShape('CHAT_SERVICE_SID', 'IS')} (Conversations > Manage > Services, in the account ACCOUNT_SID)`;

export function checkChatServiceSid(vars: DoctorVars): CheckResult {
  const id = 'chat_service_sid';
  const title = 'CHAT_SERVICE_SID (chat)';
  const value = readVar(vars, 'CHAT_SERVICE_SID');
  if (value === undefined) {
    const legacy = readVar(vars, 'SERVICE_SID');
    if (legacy !== undefined && isSid(legacy, 'IS') && !isPlaceholderSid(legacy)) {
      return row(id, title, 'pass', `Chat tokens use Conversations service ${legacy} from SERVICE_SID (see the SERVICE_SID row).`);
    }
    return row(id, title, 'skip', 'Chat is not configured: /token answers config_error for grants=chat.', `to enable chat: ${CHAT_FIX}`);
  }
  const problem = sidProblem(
    'CHAT_SERVICE_SID',
    value,
    'IS',
    'chat tokens name a service Twilio cannot find, so the Conversations SDK fails to connect',
  );
  if (problem !== undefined) return row(id, title, 'fail', problem, CHAT_FIX);
  return row(id, title, 'pass', `Chat tokens use Conversations service ${value}.`);
}

export function checkServiceSid(vars: DoctorVars): CheckResult {
  const id = 'service_sid';
  const title = 'SERVICE_SID (legacy chat)';
  const value = readVar(vars, 'SERVICE_SID');
  const chat = readVar(vars, 'CHAT_SERVICE_SID');
  if (value === undefined) return row(id, title, 'pass', 'Not set (CHAT_SERVICE_SID is the variable for chat).');
  if (isSid(value, 'ZS')) {
    if (chat !== undefined)
      return row(id, title, 'pass', `Holds a Functions service SID (ZS...), which is ignored: chat uses CHAT_SERVICE_SID.`);
    return row(
      id,
      title,
      'warn',
      `${ZS_EXPLANATION}; it is not a Conversations service, so it is ignored and chat is not configured.`,
      `remove SERVICE_SID and set ${CHAT_FIX}`,
    );
  }
  if (chat !== undefined) {
    if (value === chat) return row(id, title, 'pass', 'Same SID as CHAT_SERVICE_SID (redundant; CHAT_SERVICE_SID is the one used).');
    return row(
      id,
      title,
      'warn',
      'SERVICE_SID and CHAT_SERVICE_SID name different values: CHAT_SERVICE_SID wins and SERVICE_SID is ignored, so someone reading SERVICE_SID is misled (and a deployed runtime overwrites it with its own ZS... SID anyway).',
      'remove SERVICE_SID; keep CHAT_SERVICE_SID',
    );
  }
  const problem = sidProblem('SERVICE_SID', value, 'IS', 'chat tokens name a service Twilio cannot find');
  if (problem !== undefined) return row(id, title, 'fail', problem, `remove SERVICE_SID and set ${CHAT_FIX}`);
  return row(
    id,
    title,
    'warn',
    `Chat uses SERVICE_SID (${value}) because CHAT_SERVICE_SID is not set. That works locally, but a deployed runtime sets SERVICE_SID to its own Functions service SID (ZS...), so deployed chat tokens would fail.`,
    `rename it: CHAT_SERVICE_SID=${value} and remove SERVICE_SID`,
  );
}

export function checkSyncServiceSid(vars: DoctorVars): CheckResult {
  const id = 'sync_service_sid';
  const title = 'SYNC_SERVICE_SID (sync)';
  const fix = `${sidShape('SYNC_SERVICE_SID', 'IS')} (Sync > Services, in the account ACCOUNT_SID), or SYNC_SERVICE_SID=default`;
  const value = readVar(vars, 'SYNC_SERVICE_SID');
  if (value === undefined || usesDefaultSyncService(vars))
    return row(id, title, 'pass', "Sync tokens use the account's default Sync service.");
  const problem = sidProblem(
    'SYNC_SERVICE_SID',
    value,
    'IS',
    'sync tokens name a service Twilio cannot find, so the Sync SDK fails to connect',
  );
  if (problem !== undefined) return row(id, title, 'fail', problem, fix);
  if (value === effectiveChatService(vars)) {
    return row(
      id,
      title,
      'warn',
      'SYNC_SERVICE_SID is the same SID as the chat service: a service is either a Conversations service or a Sync service, so one of the two grants names the wrong kind (20106 when the SDK uses it).',
      fix,
    );
  }
  return row(id, title, 'pass', `Sync tokens use Sync service ${value}.`);
}

export function checkPushCredentialSid(vars: DoctorVars): CheckResult {
  const id = 'push_credential_sid';
  const title = 'PUSH_CREDENTIAL_SID';
  const fix = `${sidShape('PUSH_CREDENTIAL_SID', 'CR')} (a Push Credential in the account ACCOUNT_SID), or leave it empty`;
  const value = readVar(vars, 'PUSH_CREDENTIAL_SID');
  if (value === undefined) return row(id, title, 'pass', 'Not set (optional: mobile incoming-call push notifications).');
  const problem = sidProblem(
    'PUSH_CREDENTIAL_SID',
    value,
    'CR',
    'voice grants name a credential Twilio cannot find, so incoming-call pushes never arrive',
  );
  if (problem !== undefined) return row(id, title, 'fail', problem, fix);
  return row(id, title, 'pass', `Voice grants carry Push Credential ${value}.`);
}

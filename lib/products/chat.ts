/**
 * Conversations (the chat grant; Programmable Chat's successor uses the same grant): one
 * Conversations service. SERVICE_SID is the old tutorials' name for it, which a deployed runtime
 * overwrites with its own Serverless service SID (ZS...): never put that in a grant.
 */
import { readSid, type ConfigProblem } from '../config/read';
import { readVar, sidPrefixOfVariable, type ConfigVars, type VariableName } from '../config/schema';
import type { DoctorVars } from '../doctor/types';
import { isPlaceholderSid, isSidFor, readVar as readDoctorVar, row, sidProblem, sidShape, ZS_EXPLANATION } from '../doctor/vars';
import { checkGrantSid } from '../inspect/grant-sid';
import { isSid } from '../twilio';
import type { GrantCheck, ProductModule } from './types';

export interface ChatSettings {
  serviceSid?: string;
}

/** Which variable names the chat service: CHAT_SERVICE_SID wins; SERVICE_SID unless it is the runtime's own ZS... SID. */
export function chatServiceVariable(vars: ConfigVars): 'CHAT_SERVICE_SID' | 'SERVICE_SID' | undefined {
  if (readVar(vars, 'CHAT_SERVICE_SID') !== undefined) return 'CHAT_SERVICE_SID';
  const legacy = readVar(vars, 'SERVICE_SID');
  return legacy !== undefined && !isSid(legacy, 'ZS') ? 'SERVICE_SID' : undefined;
}

/** The Conversations service chat grants use, when well-formed. */
export function effectiveChatService(vars: ConfigVars): string | undefined {
  const variable = chatServiceVariable(vars);
  const value = variable === undefined ? undefined : readVar(vars, variable);
  return isSidFor('CHAT_SERVICE_SID', value) ? value : undefined;
}

function readSettings(vars: ConfigVars, problems: ConfigProblem[]): ChatSettings {
  const variable = chatServiceVariable(vars);
  return { serviceSid: variable === undefined ? undefined : readSid(vars, variable, problems) };
}

function checkGrant({ findings, expected }: GrantCheck<ChatSettings>, chat: Record<string, unknown>): string[] {
  const abilities: string[] = [];
  const service = checkGrantSid(findings, chat, {
    path: 'chat',
    key: 'service_sid',
    prefix: sidPrefixOfVariable('CHAT_SERVICE_SID'),
    what: 'Conversations service SID',
    required: 'Set CHAT_SERVICE_SID to your Conversations service SID (IS...); the Conversations SDK cannot connect without it.',
    expected: expected.serviceSid,
    expectedName: 'its CHAT_SERVICE_SID',
  });
  if (service !== undefined) abilities.push(`Use Conversations in service ${service}`);
  const push = checkGrantSid(findings, chat, {
    path: 'chat',
    key: 'push_credential_sid',
    prefix: sidPrefixOfVariable('PUSH_CREDENTIAL_SID'),
    what: 'Push Credential SID',
  });
  if (push !== undefined) abilities.push(`Get message push notifications through Push Credential ${push}`);
  if (abilities.length === 0) abilities.push('Nothing usable: see the findings');
  return abilities;
}

const CHAT_FIX = `${sidShape('CHAT_SERVICE_SID')} (Conversations > Manage > Services, in the account ACCOUNT_SID)`;

function chatServiceRows(vars: DoctorVars) {
  const id = 'chat_service_sid';
  const title = 'CHAT_SERVICE_SID (chat)';
  const value = readDoctorVar(vars, 'CHAT_SERVICE_SID');
  if (value === undefined) {
    const legacy = readDoctorVar(vars, 'SERVICE_SID');
    if (isSidFor('SERVICE_SID', legacy) && !isPlaceholderSid(legacy)) {
      return [row(id, title, 'pass', `Chat tokens use Conversations service ${legacy} from SERVICE_SID (see the SERVICE_SID row).`)];
    }
    return [row(id, title, 'skip', 'Chat is not configured: /token answers config_error for grants=chat.', `to enable chat: ${CHAT_FIX}`)];
  }
  const failure = sidProblem(
    'CHAT_SERVICE_SID',
    value,
    'chat tokens name a service Twilio cannot find, so the Conversations SDK fails to connect',
  );
  if (failure !== undefined) return [row(id, title, 'fail', failure, CHAT_FIX)];
  return [row(id, title, 'pass', `Chat tokens use Conversations service ${value}.`)];
}

function legacyServiceRows(vars: DoctorVars) {
  const id = 'service_sid';
  const title = 'SERVICE_SID (legacy chat)';
  const value = readDoctorVar(vars, 'SERVICE_SID');
  const chat = readDoctorVar(vars, 'CHAT_SERVICE_SID');
  if (value === undefined) return [row(id, title, 'pass', 'Not set (CHAT_SERVICE_SID is the variable for chat).')];
  if (isSid(value, 'ZS')) {
    if (chat !== undefined)
      return [row(id, title, 'pass', `Holds a Functions service SID (ZS...), which is ignored: chat uses CHAT_SERVICE_SID.`)];
    return [
      row(
        id,
        title,
        'warn',
        `${ZS_EXPLANATION}; it is not a Conversations service, so it is ignored and chat is not configured.`,
        `remove SERVICE_SID and set ${CHAT_FIX}`,
      ),
    ];
  }
  if (chat !== undefined) {
    if (value === chat) return [row(id, title, 'pass', 'Same SID as CHAT_SERVICE_SID (redundant; CHAT_SERVICE_SID is the one used).')];
    return [
      row(
        id,
        title,
        'warn',
        'SERVICE_SID and CHAT_SERVICE_SID name different values: CHAT_SERVICE_SID wins and SERVICE_SID is ignored, so someone reading SERVICE_SID is misled (and a deployed runtime overwrites it with its own ZS... SID anyway).',
        'remove SERVICE_SID; keep CHAT_SERVICE_SID',
      ),
    ];
  }
  const failure = sidProblem('SERVICE_SID', value, 'chat tokens name a service Twilio cannot find');
  if (failure !== undefined) return [row(id, title, 'fail', failure, `remove SERVICE_SID and set ${CHAT_FIX}`)];
  return [
    row(
      id,
      title,
      'warn',
      `Chat uses SERVICE_SID (${value}) because CHAT_SERVICE_SID is not set. That works locally, but a deployed runtime sets SERVICE_SID to its own Functions service SID (ZS...), so deployed chat tokens would fail.`,
      `rename it: CHAT_SERVICE_SID=${value} and remove SERVICE_SID`,
    ),
  ];
}

export const chat = {
  grant: 'chat' as const,
  title: 'Conversations (Chat)',
  shortTitle: 'Chat',
  aliases: ['conversations'],
  grantClass: 'ChatGrant',
  payloadKey: 'chat',
  variables: ['CHAT_SERVICE_SID', 'SERVICE_SID'] satisfies VariableName[],
  requires: { variable: 'CHAT_SERVICE_SID', what: 'the Conversations service SID, IS...' },

  readSettings,
  configured: (settings: ChatSettings): settings is { serviceSid: string } => settings.serviceSid !== undefined,
  describeSettings: (settings: Partial<ChatSettings>): Record<string, string> =>
    settings.serviceSid !== undefined ? { chatServiceSid: settings.serviceSid } : {},

  params: [],
  readOptions: () => ({}),
  buildGrant: (Token, settings) => new Token.ChatGrant({ serviceSid: settings.serviceSid }),

  checkGrant,
  doctorRows: { CHAT_SERVICE_SID: chatServiceRows, SERVICE_SID: legacyServiceRows },
  online: [
    {
      id: 'online.conversations_service',
      title: 'Conversations service (chat)',
      run: (api, vars) => {
        const id = 'online.conversations_service';
        const title = 'Conversations service (chat)';
        const sid = effectiveChatService(vars);
        if (sid === undefined) return Promise.resolve(row(id, title, 'skip', 'Chat is not configured.'));
        return api.fetchResource(
          {
            id,
            title,
            variable: chatServiceVariable(vars) ?? 'CHAT_SERVICE_SID',
            fix: `${sidShape('CHAT_SERVICE_SID')} of a Conversations service in the account ACCOUNT_SID`,
            consequence: 'the Conversations SDK fails to connect with such tokens (20404; the grant names an unknown service, 20106)',
          },
          () => api.client.conversations.v1.services(sid).fetch(),
          (service) => row(id, title, 'pass', `Conversations service ${JSON.stringify(service.friendlyName ?? '')} exists.`),
        );
      },
    },
  ],
} satisfies ProductModule<'ChatGrant', ChatSettings, { serviceSid: string }, Record<string, never>>;

/** Sync (twilio-sync): a Sync service, or the account's default one. */
import { readSid, type ConfigProblem } from '../config/read';
import { readVar, sidPrefixOfVariable, type ConfigVars } from '../config/schema';
import type { DoctorVars } from '../doctor/types';
import { isSidFor, readVar as readDoctorVar, row, sidProblem, sidShape } from '../doctor/vars';
import { checkGrantSid } from '../inspect/grant-sid';
import { effectiveChatService } from './chat';
import type { GrantCheck, ProductModule } from './types';

/** Sync grants may name the account's default Sync service by this word instead of a SID. */
export const DEFAULT_SYNC_SERVICE = 'default';

export interface SyncSettings {
  /** An IS... SID or `default`; undefined only when SYNC_SERVICE_SID is malformed. */
  serviceSid?: string;
}

/** Sync grants name the account's default Sync service when SYNC_SERVICE_SID is unset or says `default`. */
export function usesDefaultSyncService(vars: ConfigVars): boolean {
  const raw = readVar(vars, 'SYNC_SERVICE_SID');
  return raw === undefined || raw === DEFAULT_SYNC_SERVICE;
}

function checkGrant({ findings, expected }: GrantCheck<SyncSettings>, sync: Record<string, unknown>): string[] {
  const service = checkGrantSid(findings, sync, {
    path: 'data_sync',
    key: 'service_sid',
    prefix: sidPrefixOfVariable('SYNC_SERVICE_SID'),
    what: 'Sync service SID',
    required: 'Set the Sync service SID (IS...) or "default" for the account\'s default Sync service.',
    expected: expected.serviceSid,
    expectedName: 'its SYNC_SERVICE_SID',
    alsoAllow: DEFAULT_SYNC_SERVICE,
  });
  if (service === undefined) return ['Nothing usable: see the findings'];
  return [
    `Read and write Sync documents, lists, maps and streams in ${service === DEFAULT_SYNC_SERVICE ? 'the default Sync service' : `service ${service}`}`,
  ];
}

function syncServiceRows(vars: DoctorVars) {
  const id = 'sync_service_sid';
  const title = 'SYNC_SERVICE_SID (sync)';
  const fix = `${sidShape('SYNC_SERVICE_SID')} (Sync > Services, in the account ACCOUNT_SID), or SYNC_SERVICE_SID=default`;
  const value = readDoctorVar(vars, 'SYNC_SERVICE_SID');
  if (value === undefined || usesDefaultSyncService(vars))
    return [row(id, title, 'pass', "Sync tokens use the account's default Sync service.")];
  const failure = sidProblem('SYNC_SERVICE_SID', value, 'sync tokens name a service Twilio cannot find, so the Sync SDK fails to connect');
  if (failure !== undefined) return [row(id, title, 'fail', failure, fix)];
  if (value === effectiveChatService(vars)) {
    return [
      row(
        id,
        title,
        'warn',
        'SYNC_SERVICE_SID is the same SID as the chat service: a service is either a Conversations service or a Sync service, so one of the two grants names the wrong kind (20106 when the SDK uses it).',
        fix,
      ),
    ];
  }
  return [row(id, title, 'pass', `Sync tokens use Sync service ${value}.`)];
}

export const sync = {
  grant: 'sync' as const,
  title: 'Sync',
  shortTitle: 'Sync',
  aliases: [],
  grantClass: 'SyncGrant',
  payloadKey: 'data_sync',
  variables: ['SYNC_SERVICE_SID'],

  readSettings: (vars: ConfigVars, problems: ConfigProblem[]): SyncSettings => ({
    serviceSid: usesDefaultSyncService(vars) ? DEFAULT_SYNC_SERVICE : readSid(vars, 'SYNC_SERVICE_SID', problems),
  }),
  configured: (settings: SyncSettings): settings is { serviceSid: string } => settings.serviceSid !== undefined,
  describeSettings: (settings: Partial<SyncSettings>): Record<string, string> =>
    settings.serviceSid !== undefined ? { syncServiceSid: settings.serviceSid } : {},

  params: [],
  readOptions: () => ({}),
  buildGrant: (Token, settings) => new Token.SyncGrant({ serviceSid: settings.serviceSid }),

  checkGrant,
  doctorRows: { SYNC_SERVICE_SID: syncServiceRows },
  online: [
    {
      id: 'online.sync_service',
      title: 'Sync service (sync)',
      run: (api, vars) => {
        const id = 'online.sync_service';
        const title = 'Sync service (sync)';
        const sid = readDoctorVar(vars, 'SYNC_SERVICE_SID');
        if (sid === undefined || usesDefaultSyncService(vars))
          return Promise.resolve(
            row(id, title, 'skip', "SYNC_SERVICE_SID is default: the account's default Sync service, which Twilio provides."),
          );
        if (!isSidFor('SYNC_SERVICE_SID', sid))
          return Promise.resolve(row(id, title, 'skip', 'SYNC_SERVICE_SID is malformed (see above).'));
        return api.fetchResource(
          {
            id,
            title,
            variable: 'SYNC_SERVICE_SID',
            fix: `${sidShape('SYNC_SERVICE_SID')} of a Sync service in the account ACCOUNT_SID, or SYNC_SERVICE_SID=default`,
            consequence: 'the Sync SDK fails to connect with such tokens (20404; the grant names an unknown service, 20106)',
          },
          () => api.client.sync.v1.services(sid).fetch(),
          (service) => row(id, title, 'pass', `Sync service ${JSON.stringify(service.friendlyName ?? '')} exists.`),
        );
      },
    },
  ],
} satisfies ProductModule<'SyncGrant', SyncSettings, { serviceSid: string }, Record<string, never>>;

/**
 * TaskRouter (the TaskRouter JS SDK and Flex workers): a worker in one Workspace. Who the worker
 * is decides which tasks its holder gets, so with AUTH_MODE=jwt it comes from the verified
 * sign-in token (AUTH_WORKER_CLAIM), never from the request.
 */
import { isClaimName, problem, readSid, type ConfigProblem } from '../config/read';
import { readVar, sidPrefixOfVariable, type ConfigVars } from '../config/schema';
import type { DoctorVars } from '../doctor/types';
import { isSidFor, readVar as readDoctorVar, row, sidProblem, sidShape } from '../doctor/vars';
import { badRequest, ServiceError } from '../errors';
import { own, shown } from '../inspect/findings';
import { checkGrantSid } from '../inspect/grant-sid';
import { expectedSid, isSid, type SidPrefix } from '../twilio';
import type { GrantCheck, OptionContext, ProductModule } from './types';

/** Workers are not configured anywhere: the worker's SID comes with each request or sign-in token. */
const WORKER_PREFIX: SidPrefix = 'WK';
/** The role the TaskRouter JS SDK's Worker needs. */
export const WORKER_ROLE = 'worker';
export const DEFAULT_WORKER_CLAIM = 'twilio_worker_sid';

export interface TaskRouterSettings {
  workspaceSid?: string;
  /** AUTH_WORKER_CLAIM: the sign-in token claim holding the worker's SID. */
  workerClaim: string;
}

export interface TaskRouterOptions {
  workerSid: string;
}

function readSettings(vars: ConfigVars, problems: ConfigProblem[]): TaskRouterSettings {
  const workerClaim = readVar(vars, 'AUTH_WORKER_CLAIM') ?? DEFAULT_WORKER_CLAIM;
  if (!isClaimName(workerClaim)) {
    problems.push(problem('AUTH_WORKER_CLAIM', 'AUTH_WORKER_CLAIM must be a claim name without spaces (e.g. twilio_worker_sid)'));
  }
  return { workspaceSid: readSid(vars, 'TASKROUTER_WORKSPACE_SID', problems), workerClaim };
}

function readOptions(event: Record<string, unknown>, { caller, settings }: OptionContext<TaskRouterSettings>): TaskRouterOptions {
  const raw = own(event, 'worker');
  const sent = raw !== undefined && raw !== '';
  if (caller.mode === 'jwt') {
    if (sent) {
      throw badRequest(
        'invalid_param',
        'worker',
        `worker cannot be chosen by the caller here: it comes from your sign-in token's ${settings.workerClaim} claim; drop the worker parameter.`,
      );
    }
    const claimed = own(caller.claims ?? {}, settings.workerClaim);
    if (!isSid(claimed, WORKER_PREFIX)) {
      throw new ServiceError(
        'missing_claim',
        `Your sign-in token has no ${JSON.stringify(settings.workerClaim.slice(0, 60))} claim holding ${expectedSid(WORKER_PREFIX)}, which a taskrouter grant needs (AUTH_WORKER_CLAIM).`,
        settings.workerClaim,
      );
    }
    return { workerSid: claimed as string };
  }
  if (!sent) {
    throw badRequest('invalid_param', 'worker', `worker is required with the taskrouter grant: ${expectedSid(WORKER_PREFIX)}.`);
  }
  if (!isSid(raw, WORKER_PREFIX)) throw badRequest('invalid_param', 'worker', `worker must be ${expectedSid(WORKER_PREFIX)}.`);
  return { workerSid: raw as string };
}

function checkGrant({ findings, expected }: GrantCheck<TaskRouterSettings>, grant: Record<string, unknown>): string[] {
  const workspace = checkGrantSid(findings, grant, {
    path: 'task_router',
    key: 'workspace_sid',
    prefix: sidPrefixOfVariable('TASKROUTER_WORKSPACE_SID'),
    what: 'TaskRouter Workspace SID',
    required: 'Set workspaceSid to the Workspace (WS...) the worker belongs to; the TaskRouter SDK cannot connect without it.',
    expected: expected.workspaceSid,
    expectedName: 'its TASKROUTER_WORKSPACE_SID',
  });
  const worker = checkGrantSid(findings, grant, {
    path: 'task_router',
    key: 'worker_sid',
    prefix: WORKER_PREFIX,
    what: 'TaskRouter Worker SID',
    required: 'Set workerSid to the Worker (WK...) this token acts as; the TaskRouter SDK needs it.',
  });
  const role = own(grant, 'role');
  if (typeof role !== 'string' || role === '') {
    findings.error(
      20106,
      'payload.grants.task_router.role',
      role === undefined ? 'The task_router grant has no role.' : `task_router.role must be a role name, got ${shown(role, 24)}.`,
      `Mint with TaskRouterGrant({role: "${WORKER_ROLE}"}); the TaskRouter SDK's Worker needs it.`,
    );
  }
  if (workspace === undefined || worker === undefined || typeof role !== 'string') return ['Nothing usable: see the findings'];
  return [`Work as TaskRouter worker ${worker} in workspace ${workspace} (role ${shown(role, 24)})`];
}

const WORKSPACE_FIX = `${sidShape('TASKROUTER_WORKSPACE_SID')} (Console > TaskRouter > Workspaces, in the account ACCOUNT_SID)`;

function workspaceRows(vars: DoctorVars) {
  const id = 'taskrouter_workspace_sid';
  const title = 'TASKROUTER_WORKSPACE_SID (taskrouter)';
  const value = readDoctorVar(vars, 'TASKROUTER_WORKSPACE_SID');
  if (value === undefined)
    return [
      row(
        id,
        title,
        'skip',
        'TaskRouter is not configured: /token answers config_error for grants=taskrouter.',
        `to enable taskrouter: ${WORKSPACE_FIX}`,
      ),
    ];
  const failure = sidProblem(
    'TASKROUTER_WORKSPACE_SID',
    value,
    'taskrouter tokens name a Workspace Twilio cannot find, so the TaskRouter SDK fails to connect',
  );
  if (failure !== undefined) return [row(id, title, 'fail', failure, WORKSPACE_FIX)];
  return [row(id, title, 'pass', `TaskRouter tokens are for workers of Workspace ${value}.`)];
}

function workerClaimRows(vars: DoctorVars) {
  const id = 'auth_worker_claim';
  const title = 'AUTH_WORKER_CLAIM (taskrouter)';
  const value = readDoctorVar(vars, 'AUTH_WORKER_CLAIM');
  if (value === undefined) return [];
  if (!isClaimName(value))
    return [
      row(
        id,
        title,
        'fail',
        'AUTH_WORKER_CLAIM is not a claim name (no spaces, at most 200 characters).',
        'AUTH_WORKER_CLAIM=twilio_worker_sid',
      ),
    ];
  if (readVar(vars, 'AUTH_MODE')?.toLowerCase() !== 'jwt') {
    return [
      row(
        id,
        title,
        'warn',
        'AUTH_WORKER_CLAIM is read only with AUTH_MODE=jwt: in other modes the worker comes from the worker parameter.',
        'set AUTH_MODE=jwt, or remove AUTH_WORKER_CLAIM',
      ),
    ];
  }
  return [row(id, title, 'pass', `TaskRouter tokens act as the worker in the sign-in token's ${value} claim.`)];
}

export const taskrouter = {
  grant: 'taskrouter' as const,
  title: 'TaskRouter',
  shortTitle: 'TaskRouter',
  aliases: [],
  grantClass: 'TaskRouterGrant',
  payloadKey: 'task_router',
  variables: ['TASKROUTER_WORKSPACE_SID', 'AUTH_WORKER_CLAIM'],
  requires: { variable: 'TASKROUTER_WORKSPACE_SID', what: 'the TaskRouter Workspace SID, WS...' },

  readSettings,
  configured: (settings: TaskRouterSettings): settings is TaskRouterSettings & { workspaceSid: string } =>
    settings.workspaceSid !== undefined,
  describeSettings: (settings: Partial<TaskRouterSettings>): Record<string, string> =>
    settings.workspaceSid !== undefined ? { taskrouterWorkspaceSid: settings.workspaceSid } : {},

  params: [
    {
      name: 'worker',
      label: 'TaskRouter worker',
      input: 'text',
      placeholder: 'WKxxxxxxxx...',
      hint: 'TaskRouter only: the Worker SID (WK...) the token acts as. With a sign-in token it comes from the token.',
    },
  ] as const,
  readOptions,
  buildGrant: (Token, settings, options: TaskRouterOptions) =>
    new Token.TaskRouterGrant({ workspaceSid: settings.workspaceSid, workerSid: options.workerSid, role: WORKER_ROLE }),

  checkGrant,
  doctorRows: { TASKROUTER_WORKSPACE_SID: workspaceRows, AUTH_WORKER_CLAIM: workerClaimRows },
  online: [
    {
      id: 'online.taskrouter_workspace',
      title: 'TaskRouter Workspace (TASKROUTER_WORKSPACE_SID)',
      run: (api, vars) => {
        const id = 'online.taskrouter_workspace';
        const title = 'TaskRouter Workspace (TASKROUTER_WORKSPACE_SID)';
        const sid = readDoctorVar(vars, 'TASKROUTER_WORKSPACE_SID');
        if (!isSidFor('TASKROUTER_WORKSPACE_SID', sid)) return Promise.resolve(row(id, title, 'skip', 'TaskRouter is not configured.'));
        return api.fetchResource(
          {
            id,
            title,
            variable: 'TASKROUTER_WORKSPACE_SID',
            fix: `${sidShape('TASKROUTER_WORKSPACE_SID')} of a Workspace in the account ACCOUNT_SID`,
            consequence: 'the TaskRouter SDK fails to connect with such tokens (the grant names an unknown Workspace)',
          },
          () => api.client.taskrouter.v1.workspaces(sid).fetch(),
          (workspace) => row(id, title, 'pass', `TaskRouter Workspace ${JSON.stringify(workspace.friendlyName ?? '')} exists.`),
        );
      },
    },
  ],
  selfTestParams: { worker: `${WORKER_PREFIX}${'0'.repeat(32)}` },
} satisfies ProductModule<'TaskRouterGrant', TaskRouterSettings, TaskRouterSettings & { workspaceSid: string }, TaskRouterOptions>;

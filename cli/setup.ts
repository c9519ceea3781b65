/**
 * npm run setup [-- --dry-run] [-- --env FILE]
 * From an Account SID and Auth Token to a working configuration: creates what is missing on the
 * account and reuses what exists (an API key, a TwiML App and a Conversations service, named
 * after the service), and writes their SIDs (and the key's secret, which is never printed) into
 * the env file, rewriting only those lines. A value already in the file is checked on the
 * account: kept when it is there, reported (and still kept) when it is not. A second run finds
 * everything and changes nothing. Exit 0 done, 1 something to fix, 2 usage.
 */
import path from 'node:path';
import type { VariableName } from '../lib/config/schema';
import { isSid } from '../lib/twilio';
import {
  AccountError,
  fetchIfExists,
  keyAuthenticates,
  keyFriendlyName,
  ownerAccount,
  ownerCredentials,
  rest,
  type Account,
  type OwnerCredentials,
} from './lib/account';
import { describeFlags, parseFlags, UsageError } from './lib/args';
import { projectServiceName } from './lib/deploy-plan';
import { editEnvText, writeEnvFile, type EnvChanges } from './lib/env-edit';
import { envTarget, processIo, refuseAmbiguousLines, setValue, table, type CliIo, type EnvTarget } from './lib/owner-cli';
import { runCli } from './lib/run';

const FLAGS = ['dry-run', 'env', 'help'] as const;

const USAGE = `Usage: npm run setup [-- --dry-run] [-- --env FILE]

Creates what this service needs on your Twilio account, or reuses what is there, and writes it
into the env file (default .env.local, created from .env.example when missing):
  API_KEY, API_SECRET  a Standard API key "<service> token signing YYYY-MM-DD" (its secret goes to the file only)
  OUTGOING_SID         a TwiML App named after the service (npm run deploy points it at /voice)
  CHAT_SERVICE_SID     a Conversations service named after the service
  SYNC_SERVICE_SID     default (the account's default Sync service)
It needs ACCOUNT_SID and AUTH_TOKEN (in the file, or the environment): API keys cannot create
API keys. Only those lines are rewritten; the previous file is kept as FILE.bak.

Options:
${describeFlags(FLAGS, { env: 'the env file to fill in (default: .env.local, created from .env.example when missing)' })}

Exit codes: 0 done, 1 something to fix (said above), 2 usage error.
`;

/** The lines setup may rewrite (ACCOUNT_SID only when it came from the environment). */
const WRITES: readonly VariableName[] = ['ACCOUNT_SID', 'API_KEY', 'API_SECRET', 'OUTGOING_SID', 'CHAT_SERVICE_SID', 'SYNC_SERVICE_SID'];

type Action = 'keep' | 'reuse' | 'create' | 'write' | 'stale';

/** One variable's line of the plan. */
interface Step {
  variable: VariableName;
  action: Action;
  /** What it is, for the plan; never a secret. */
  detail: string;
  /** What it writes: now, or (create) once made. */
  values?: EnvChanges;
  create?: () => Promise<EnvChanges>;
}

interface Context {
  account: Account;
  credentials: OwnerCredentials;
  vars: Record<string, string>;
  serviceName: string;
  now: number;
}

const stale = (variable: VariableName, detail: string): Step => ({ variable, action: 'stale', detail });

async function apiKeyStep({ account, credentials, vars, serviceName, now }: Context): Promise<Step> {
  const apiKey = setValue(vars, 'API_KEY');
  const keys = account.client.api.v2010.accounts(account.accountSid);
  if (apiKey === undefined) {
    const friendlyName = keyFriendlyName(serviceName, now);
    return {
      variable: 'API_KEY',
      action: 'create',
      detail: `a Standard key "${friendlyName}"; its secret goes to API_SECRET in the file, never to the screen`,
      create: async () => {
        const key = await rest(account, 'Creating the API key', () => keys.newKeys.create({ friendlyName }));
        return { API_KEY: key.sid, API_SECRET: key.secret };
      },
    };
  }
  if (!isSid(apiKey, 'SK'))
    return stale(
      'API_KEY',
      'API_KEY is not an API key SID (SK + 32 hex digits): kept. Fix it, or empty API_KEY and API_SECRET for a new key.',
    );
  const key = await fetchIfExists(account, `Reading API_KEY ${apiKey}`, () => keys.keys(apiKey).fetch());
  if (key === undefined) {
    return stale(
      'API_KEY',
      `${apiKey} is not a key of ${account.accountSid} (Twilio 20404: deleted, or another account's or region's): kept. Empty API_KEY and API_SECRET for a new key.`,
    );
  }
  const secret = setValue(vars, 'API_SECRET');
  if (secret === undefined) {
    return stale(
      'API_KEY',
      `${apiKey} "${key.friendlyName}" exists, but API_SECRET is empty, and Twilio shows a key's secret only once, when it is created: kept. Empty API_KEY for a new key (then delete the old one in the Console).`,
    );
  }
  if (!(await keyAuthenticates(account, apiKey, secret))) {
    const authToken = secret === credentials.authToken ? ': it is the Auth Token, the classic cause of 20107 on every token' : '';
    return stale(
      'API_KEY',
      `API_SECRET is not the secret of ${apiKey} (Twilio refused the pair with 20003)${authToken}: kept. Put the key's secret in API_SECRET, or empty API_KEY and API_SECRET for a new key.`,
    );
  }
  return { variable: 'API_KEY', action: 'keep', detail: `${apiKey} "${key.friendlyName}", and API_SECRET is its secret` };
}

async function twimlAppStep({ account, vars, serviceName }: Context): Promise<Step> {
  const apps = account.client.api.v2010.accounts(account.accountSid).applications;
  const sid = setValue(vars, 'OUTGOING_SID');
  if (sid !== undefined) {
    if (!isSid(sid, 'AP'))
      return stale(
        'OUTGOING_SID',
        'OUTGOING_SID is not a TwiML App SID (AP + 32 hex digits): kept. Fix it, or empty it to have one found or made.',
      );
    const app = await fetchIfExists(account, `Reading OUTGOING_SID ${sid}`, () =>
      account.client.api.v2010.accounts(account.accountSid).applications(sid).fetch(),
    );
    if (app === undefined) {
      return stale(
        'OUTGOING_SID',
        `${sid} is not a TwiML App of ${account.accountSid} (Twilio 20404: deleted, or another account's): kept. Empty OUTGOING_SID to have one found or made.`,
      );
    }
    return { variable: 'OUTGOING_SID', action: 'keep', detail: `TwiML App ${sid} "${app.friendlyName}"` };
  }
  const named = await rest(account, `Listing the TwiML Apps named "${serviceName}"`, () =>
    apps.list({ friendlyName: serviceName, limit: 20 }),
  );
  if (named.length > 0) {
    const others = named.length > 1 ? ` (the first of ${named.length} with that name)` : '';
    return {
      variable: 'OUTGOING_SID',
      action: 'reuse',
      detail: `TwiML App ${named[0]!.sid} "${serviceName}"${others}`,
      values: { OUTGOING_SID: named[0]!.sid },
    };
  }
  return {
    variable: 'OUTGOING_SID',
    action: 'create',
    detail: `a TwiML App "${serviceName}" (npm run deploy points its Voice URL at this service's /voice)`,
    create: async () => {
      const app = await rest(account, 'Creating the TwiML App', () => apps.create({ friendlyName: serviceName, voiceMethod: 'POST' }));
      return { OUTGOING_SID: app.sid };
    },
  };
}

async function conversationsStep({ account, vars, serviceName }: Context): Promise<Step> {
  const services = account.client.conversations.v1.services;
  const sid = setValue(vars, 'CHAT_SERVICE_SID');
  if (sid !== undefined) {
    if (!isSid(sid, 'IS'))
      return stale(
        'CHAT_SERVICE_SID',
        'CHAT_SERVICE_SID is not a service SID (IS + 32 hex digits): kept. Fix it, or empty it to have one found or made.',
      );
    const service = await fetchIfExists(account, `Reading CHAT_SERVICE_SID ${sid}`, () => services(sid).fetch());
    if (service === undefined) {
      return stale(
        'CHAT_SERVICE_SID',
        `${sid} is not a Conversations service of ${account.accountSid} (Twilio 20404: deleted, or another account's): kept. Empty CHAT_SERVICE_SID to have one found or made.`,
      );
    }
    return { variable: 'CHAT_SERVICE_SID', action: 'keep', detail: `Conversations service ${sid} "${service.friendlyName}"` };
  }
  const all = await rest(account, 'Listing the Conversations services', () => services.list({ limit: 1000 }));
  const named = all.filter((service) => service.friendlyName === serviceName);
  if (named.length > 0) {
    const others = named.length > 1 ? ` (the first of ${named.length} with that name)` : '';
    return {
      variable: 'CHAT_SERVICE_SID',
      action: 'reuse',
      detail: `Conversations service ${named[0]!.sid} "${serviceName}"${others}`,
      values: { CHAT_SERVICE_SID: named[0]!.sid },
    };
  }
  return {
    variable: 'CHAT_SERVICE_SID',
    action: 'create',
    detail: `a Conversations service "${serviceName}"`,
    create: async () => {
      const service = await rest(account, 'Creating the Conversations service', () => services.create({ friendlyName: serviceName }));
      return { CHAT_SERVICE_SID: service.sid };
    },
  };
}

async function syncStep({ account, vars }: Context): Promise<Step> {
  const sid = setValue(vars, 'SYNC_SERVICE_SID');
  if (sid === undefined) {
    return {
      variable: 'SYNC_SERVICE_SID',
      action: 'write',
      detail: "default (the account's default Sync service)",
      values: { SYNC_SERVICE_SID: 'default' },
    };
  }
  if (sid === 'default') return { variable: 'SYNC_SERVICE_SID', action: 'keep', detail: "default (the account's default Sync service)" };
  if (!isSid(sid, 'IS'))
    return stale(
      'SYNC_SERVICE_SID',
      'SYNC_SERVICE_SID is neither default nor a service SID (IS + 32 hex digits): kept. Fix it, or empty it for default.',
    );
  const service = await fetchIfExists(account, `Reading SYNC_SERVICE_SID ${sid}`, () => account.client.sync.v1.services(sid).fetch());
  if (service === undefined) {
    return stale(
      'SYNC_SERVICE_SID',
      `${sid} is not a Sync service of ${account.accountSid} (Twilio 20404: deleted, or another account's): kept. Empty SYNC_SERVICE_SID for the default service.`,
    );
  }
  return { variable: 'SYNC_SERVICE_SID', action: 'keep', detail: `Sync service ${sid} "${service.friendlyName}"` };
}

/** Every step, surveyed with reads only: the plan. */
async function survey(context: Context, target: EnvTarget): Promise<Step[]> {
  const steps: Step[] = [];
  if (context.credentials.from.accountSid === 'the environment' && setValue(target.vars, 'ACCOUNT_SID') === undefined) {
    steps.push({
      variable: 'ACCOUNT_SID',
      action: 'write',
      detail: `${context.account.accountSid}, from the environment`,
      values: { ACCOUNT_SID: context.account.accountSid },
    });
  }
  // One after the other: a handful of calls, and a failure says which.
  steps.push(await apiKeyStep(context));
  steps.push(await twimlAppStep(context));
  steps.push(await conversationsStep(context));
  steps.push(await syncStep(context));
  return steps;
}

function refuseOtherRegions(vars: Record<string, string>): void {
  const region = setValue(vars, 'TWILIO_REGION')?.toLowerCase();
  if (region === 'ie1' || region === 'au1') {
    throw new AccountError(
      `TWILIO_REGION is ${region}: npm run setup creates keys and resources with the Auth Token, in us1. Create the ${region} API key in the Console (in that region), and the TwiML App and Conversations service there too; then npm run doctor -- --online checks them.`,
    );
  }
}

export async function main(argv: readonly string[], io: CliIo): Promise<number> {
  let flags;
  try {
    flags = parseFlags(argv, FLAGS).flags;
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    io.stderr.write(`setup: ${error.message}\n\n${USAGE}`);
    return 2;
  }
  if (flags.help === true) {
    io.stdout.write(USAGE);
    return 0;
  }
  const dryRun = flags['dry-run'] === true;
  const out = (text: string): void => void io.stdout.write(text);
  try {
    const target = envTarget(io, flags.env);
    refuseAmbiguousLines(target, [...WRITES, 'AUTH_TOKEN']);
    let credentials: OwnerCredentials;
    try {
      credentials = ownerCredentials(target.vars, io.env, target.shown);
    } catch (error) {
      if (error instanceof AccountError && target.fromTemplate && !dryRun) {
        // Something to fill in: the file, from the template.
        writeEnvFile(target.file, target.text);
        throw new AccountError(`${error.message}\n(${target.shown} did not exist: it was created from .env.example.)`);
      }
      throw error;
    }
    refuseOtherRegions(target.vars);
    const context: Context = {
      account: ownerAccount(credentials),
      credentials,
      vars: target.vars,
      serviceName: projectServiceName(io.root),
      now: io.now(),
    };
    out(
      `npm run setup${dryRun ? ' (dry run)' : ''}: account ${credentials.accountSid} (ACCOUNT_SID from ${credentials.from.accountSid}, AUTH_TOKEN from ${credentials.from.authToken}), env file ${target.shown}${target.fromTemplate ? ' (to be created from .env.example)' : ''}\n\n`,
    );
    const steps = await survey(context, target);
    out(`${table(steps.map((s) => [s.variable, s.action === 'stale' ? 'STALE' : s.action, s.detail]))}\n`);
    const problems = steps.filter((s) => s.action === 'stale');

    if (dryRun) {
      const names = steps
        .filter((s) => s.action !== 'keep' && s.action !== 'stale')
        .flatMap((s) => (s.create ? [s.variable] : Object.keys(s.values ?? {})));
      const writes = names.flatMap((name) => (name === 'API_KEY' ? ['API_KEY', 'API_SECRET'] : [name]));
      out(
        `\n(dry run) nothing was created or written. ${writes.length > 0 ? `Would write ${writes.join(', ')} to ${target.shown}.` : 'Nothing to write.'}\n`,
      );
      return problems.length > 0 ? 1 : 0;
    }

    const changes: EnvChanges = {};
    let failure: AccountError | undefined;
    let created = 0;
    for (const step of steps) {
      if (step.create === undefined) Object.assign(changes, step.values ?? {});
      else if (failure === undefined) {
        try {
          Object.assign(changes, await step.create());
          created += 1;
        } catch (error) {
          if (!(error instanceof AccountError)) throw error;
          failure = error;
        }
      }
    }
    // A failure before anything was made leaves the file as it was; after, what was made is
    // written (in one atomic write), since a new key's secret exists nowhere else.
    if (failure !== undefined && created === 0) throw failure;
    const written = writeEnvFile(target.file, editEnvText(target.text, changes));
    const names = Object.keys(changes);
    if (!written.changed) out(`\nNothing to change: ${target.shown} already holds all of it, and nothing was created.\n`);
    else {
      const backup =
        written.backup !== undefined ? ` (the previous file is ${path.relative(io.cwd, written.backup) || written.backup})` : '';
      out(`\nWrote ${names.join(', ')} to ${target.shown}${backup}. Every other line is as it was.\n`);
    }
    if (failure !== undefined) throw failure;
    if (problems.length > 0) {
      io.stderr.write(
        `\nsetup: ${problems.length === 1 ? 'one value needs' : `${problems.length} values need`} fixing (STALE above); it was kept as it is.\n`,
      );
      return 1;
    }
    out(
      `\nNext: npm run doctor -- --online${target.shown === '.env.local' ? '' : ` --env ${target.shown}`} checks it all with Twilio; npm run deploy uploads the service and points the TwiML App at its /voice.\n`,
    );
    return 0;
  } catch (error) {
    if (!(error instanceof AccountError)) throw error;
    io.stderr.write(`\nsetup: ${error.message}\n`);
    return 1;
  }
}

if (require.main === module) runCli('setup', () => main(process.argv.slice(2), processIo()));

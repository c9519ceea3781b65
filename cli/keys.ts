/**
 * npm run keys -- status | rotate | revoke-previous [--now] [--dry-run] [--env FILE]
 * The signing key's whole life, without breaking a connected user: rotate creates a new key and
 * keeps the old one beside it (API_KEY_PREVIOUS) so the tokens it signed still verify; once the
 * last of them has expired (API_KEY_ROTATED_AT + TOKEN_MAX_TTL), revoke-previous deletes it on the
 * account, which ends every token it signed. With ACCOUNT_SID and AUTH_TOKEN (API keys cannot
 * manage API keys). Never prints a secret. Exit 0 done, 1 refused or failed, 2 usage.
 */
import path from 'node:path';
import { readRotation } from '../lib/config/rotation';
import type { VariableName } from '../lib/config/schema';
import { formatDuration } from '../lib/inspect';
import { isSid } from '../lib/twilio';
import { AccountError, fetchIfExists, keyFriendlyName, ownerAccount, ownerCredentials, rest, type Account } from './lib/account';
import { describeFlags, parseFlags, UsageError } from './lib/args';
import { projectServiceName } from './lib/deploy-plan';
import { editEnvText, writeEnvFile, type EnvChanges } from './lib/env-edit';
import { envTarget, processIo, refuseAmbiguousLines, setValue, table, type CliIo, type EnvTarget } from './lib/owner-cli';
import { runCli } from './lib/run';

const FLAGS = ['now', 'dry-run', 'env', 'help'] as const;
const COMMANDS = ['status', 'rotate', 'revoke-previous'] as const;
type Command = (typeof COMMANDS)[number];

const USAGE = `Usage: npm run keys -- status
       npm run keys -- rotate [--dry-run]
       npm run keys -- revoke-previous [--now] [--dry-run]
       (each takes --env FILE; default .env.local)

The API key that signs the tokens, from creation to revocation, without breaking connected users:
  status           the account's API keys (SID, name, created), marking API_KEY and API_KEY_PREVIOUS
  rotate           creates a new key: API_KEY/API_SECRET become API_KEY_PREVIOUS/API_SECRET_PREVIOUS,
                   the new key takes their place, API_KEY_ROTATED_AT records when. Then deploy.
  revoke-previous  deletes the previous key on the account, which ends every token it signed, and
                   removes the *_PREVIOUS lines; refused until its last token has expired
                   (API_KEY_ROTATED_AT + TOKEN_MAX_TTL) unless --now
Needs ACCOUNT_SID and AUTH_TOKEN (in the file, or the environment): API keys cannot manage API keys.

Options:
${describeFlags(FLAGS, { env: 'the env file (default: .env.local)' })}

Exit codes: 0 done, 1 refused or failed (said why), 2 usage error.
`;

const ROTATION_LINES: readonly VariableName[] = ['API_KEY', 'API_SECRET', 'API_KEY_PREVIOUS', 'API_SECRET_PREVIOUS', 'API_KEY_ROTATED_AT'];

const iso = (ms: number): string => new Date(ms).toISOString();

/** `2026-01-31T16:00:00.000Z (in 3 h 59 min)` */
function when(ms: number, now: number): string {
  const seconds = Math.round((ms - now) / 1000);
  return `${iso(ms)} (${seconds > 0 ? `in ${formatDuration(seconds)}` : seconds < 0 ? `${formatDuration(-seconds)} ago` : 'now'})`;
}

async function status(account: Account, target: EnvTarget, now: number, out: (text: string) => void): Promise<number> {
  const keys = await rest(account, 'Listing the API keys', () =>
    account.client.api.v2010.accounts(account.accountSid).keys.list({ limit: 1000 }),
  );
  const current = setValue(target.vars, 'API_KEY');
  const previous = setValue(target.vars, 'API_KEY_PREVIOUS');
  const mark = (sid: string): string => (sid === current ? 'current (API_KEY)' : sid === previous ? 'previous (API_KEY_PREVIOUS)' : '');
  out(`API keys of ${account.accountSid} (env file ${target.shown}):\n\n`);
  const rows = keys.map((key) => [
    key.sid,
    JSON.stringify(key.friendlyName ?? ''),
    key.dateCreated ? iso(key.dateCreated.getTime()) : '',
    mark(key.sid),
  ]);
  out(`${table([['SID', 'name', 'created', ''], ...rows])}\n\n`);
  const listed = new Set(keys.map((key) => key.sid));
  const notes: string[] = [];
  if (current === undefined) notes.push('API_KEY is not set: npm run setup creates a key.');
  else if (!listed.has(current))
    notes.push(`API_KEY ${current} is not a key of this account: every token it signs fails (20103). npm run setup says more.`);
  if (previous !== undefined) {
    if (!listed.has(previous))
      notes.push(`API_KEY_PREVIOUS ${previous} is no longer on the account (revoked): remove the *_PREVIOUS lines.`);
    const { lastTokenExpires } = readRotation(target.vars);
    if (lastTokenExpires === undefined) notes.push('API_KEY_ROTATED_AT is not set: revoke-previous needs --now.');
    else if (now < lastTokenExpires)
      notes.push(
        `Tokens signed by the previous key may be live until ${when(lastTokenExpires, now)}; revoke-previous waits until then (or --now).`,
      );
    else notes.push(`The last token of the previous key expired at ${iso(lastTokenExpires)}: npm run keys -- revoke-previous deletes it.`);
  }
  if (notes.length > 0) out(`${notes.join('\n')}\n`);
  return 0;
}

async function rotate(context: Run): Promise<number> {
  const { account, target, now, out, dryRun } = context;
  const previous = setValue(target.vars, 'API_KEY_PREVIOUS');
  if (previous !== undefined) {
    throw new AccountError(
      `a rotation is still under way: the previous key ${previous} is in ${target.shown}, and a new rotation would drop it while its tokens may be live. Run npm run keys -- revoke-previous first.`,
    );
  }
  const apiKey = setValue(target.vars, 'API_KEY');
  const apiSecret = setValue(target.vars, 'API_SECRET');
  if (apiKey === undefined || !isSid(apiKey, 'SK') || apiSecret === undefined)
    throw new AccountError(`${target.shown} has no API_KEY and API_SECRET to rotate from: npm run setup creates them.`);
  const keys = account.client.api.v2010.accounts(account.accountSid);
  const existing = await fetchIfExists(account, `Reading API_KEY ${apiKey}`, () => keys.keys(apiKey).fetch());
  if (existing === undefined) {
    throw new AccountError(
      `API_KEY ${apiKey} is not a key of ${account.accountSid} (Twilio 20404: deleted, or another account's): there is no live key to rotate from, so nothing was changed. npm run setup reports it; empty API_KEY and API_SECRET there for a new key.`,
    );
  }
  const friendlyName = keyFriendlyName(context.serviceName, now);
  const { maxTtl } = readRotation(target.vars);
  if (dryRun) {
    out(
      `(dry run) would create the key "${friendlyName}", make ${apiKey} the previous key and write API_KEY, API_SECRET, API_KEY_PREVIOUS, API_SECRET_PREVIOUS and API_KEY_ROTATED_AT to ${target.shown}. Nothing was created or written.\n`,
    );
    return 0;
  }
  const key = await rest(account, 'Creating the new API key', () => keys.newKeys.create({ friendlyName }));
  const changes: EnvChanges = {
    API_KEY: key.sid,
    API_SECRET: key.secret,
    API_KEY_PREVIOUS: apiKey,
    API_SECRET_PREVIOUS: apiSecret,
    API_KEY_ROTATED_AT: iso(now),
  };
  const written = writeEnvFile(target.file, editEnvText(target.text, changes));
  const lastToken = now + maxTtl * 1000;
  out(
    [
      `Created ${key.sid} "${friendlyName}": it is API_KEY now, its secret is in API_SECRET (not shown).`,
      `${apiKey} is API_KEY_PREVIOUS, with its secret in API_SECRET_PREVIOUS; API_KEY_ROTATED_AT=${iso(now)}.`,
      `Wrote ${target.shown}${written.backup !== undefined ? ` (the previous file is ${path.relative(context.cwd, written.backup) || written.backup})` : ''}; every other line is as it was.`,
      '',
      'Next:',
      '  1. npm run deploy: the deployed service signs with the new key from then on (until then it still signs with the old one).',
      `  2. Tokens signed by ${apiKey} stay valid until they expire, at most TOKEN_MAX_TTL (${formatDuration(maxTtl)}) after they were minted: all of them by ${iso(lastToken)} if it is deployed now, or until the key is revoked. /inspect and npm run inspect verify them with the previous secret meanwhile.`,
      `  3. From ${iso(lastToken)}: npm run keys -- revoke-previous deletes ${apiKey} on the account.`,
      '',
    ].join('\n'),
  );
  return 0;
}

async function revokePrevious(context: Run): Promise<number> {
  const { account, target, now, out, dryRun } = context;
  const previous = setValue(target.vars, 'API_KEY_PREVIOUS');
  if (previous === undefined) throw new AccountError(`${target.shown} has no API_KEY_PREVIOUS: there is no previous key to revoke.`);
  if (!isSid(previous, 'SK'))
    throw new AccountError('API_KEY_PREVIOUS is not an API key SID (SK + 32 hex digits): fix the line, or remove the *_PREVIOUS lines.');
  if (previous === setValue(target.vars, 'API_KEY')) {
    throw new AccountError('API_KEY_PREVIOUS is API_KEY itself: revoking it would end every token, new ones too. Nothing was changed.');
  }
  const { lastTokenExpires, maxTtl } = readRotation(target.vars);
  const early = lastTokenExpires === undefined || now < lastTokenExpires;
  const breaks = `every token ${previous} signed stops working at once: connected users whose token came from it are disconnected or fail their next call (Twilio no longer knows the key in the token, so it rejects it as invalid), until their app fetches a new token.`;
  if (early && !context.revokeNow) {
    const until =
      lastTokenExpires === undefined
        ? 'API_KEY_ROTATED_AT is not set, so nothing tells when the last of them expires'
        : `the last of them may live until ${when(lastTokenExpires, now)} (API_KEY_ROTATED_AT + TOKEN_MAX_TTL, ${formatDuration(maxTtl)})`;
    throw new AccountError(
      `refused: tokens signed by the previous key ${previous} may still be in use, and ${until}. Revoking it now means ${breaks}\nRun it again after that time, or with --now to accept it.`,
    );
  }
  if (early) out(`--now: ${breaks}\n`);
  if (dryRun) {
    out(
      `(dry run) would delete ${previous} on ${account.accountSid} and remove API_KEY_PREVIOUS, API_SECRET_PREVIOUS and API_KEY_ROTATED_AT from ${target.shown}. Nothing was deleted or written.\n`,
    );
    return 0;
  }
  const keys = account.client.api.v2010.accounts(account.accountSid);
  const existing = await fetchIfExists(account, `Reading API_KEY_PREVIOUS ${previous}`, () => keys.keys(previous).fetch());
  if (existing === undefined) {
    throw new AccountError(
      `API_KEY_PREVIOUS ${previous} is not a key of ${account.accountSid} (Twilio 20404: revoked already, or another account's): nothing was deleted or written. If it was revoked, remove the API_KEY_PREVIOUS, API_SECRET_PREVIOUS and API_KEY_ROTATED_AT lines.`,
    );
  }
  await rest(account, `Deleting ${previous}`, () => keys.keys(previous).remove());
  const written = writeEnvFile(
    target.file,
    editEnvText(target.text, { API_KEY_PREVIOUS: null, API_SECRET_PREVIOUS: null, API_KEY_ROTATED_AT: null }),
  );
  out(
    `Deleted ${previous} "${existing.friendlyName}" on ${account.accountSid}: the tokens it signed no longer work. Removed API_KEY_PREVIOUS, API_SECRET_PREVIOUS and API_KEY_ROTATED_AT from ${target.shown}${written.backup !== undefined ? ` (the previous file is ${path.relative(context.cwd, written.backup) || written.backup})` : ''}.\nNext: npm run deploy, so the deployed /inspect forgets it too.\n`,
  );
  return 0;
}

interface Run {
  account: Account;
  target: EnvTarget;
  serviceName: string;
  now: number;
  cwd: string;
  dryRun: boolean;
  revokeNow: boolean;
  out: (text: string) => void;
}

export async function main(argv: readonly string[], io: CliIo): Promise<number> {
  let parsed;
  let command: Command;
  try {
    parsed = parseFlags(argv, FLAGS, { positionals: true });
    if (parsed.flags.help === true) {
      io.stdout.write(USAGE);
      return 0;
    }
    const [name, ...extra] = parsed.positionals;
    if (name === undefined) throw new UsageError('which command? status, rotate or revoke-previous');
    if (!(COMMANDS as readonly string[]).includes(name))
      throw new UsageError(`unknown command ${JSON.stringify(name.slice(0, 40))}: status, rotate or revoke-previous`);
    if (extra.length > 0) throw new UsageError(`one command at a time (got ${parsed.positionals.length})`);
    command = name as Command;
    if (parsed.flags.now === true && command !== 'revoke-previous') throw new UsageError('--now is for revoke-previous only');
    if (parsed.flags['dry-run'] === true && command === 'status')
      throw new UsageError('status changes nothing: --dry-run is for rotate and revoke-previous');
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    io.stderr.write(`keys: ${error.message}\n\n${USAGE}`);
    return 2;
  }
  const out = (text: string): void => void io.stdout.write(text);
  try {
    const target = envTarget(io, parsed.flags.env);
    if (target.fromTemplate) throw new AccountError(`${target.shown} does not exist: npm run setup creates it, with a key.`);
    refuseAmbiguousLines(target, ['ACCOUNT_SID', 'AUTH_TOKEN', ...ROTATION_LINES]);
    const credentials = ownerCredentials(target.vars, io.env, target.shown);
    const account = ownerAccount(credentials);
    const now = io.now();
    if (command === 'status') return await status(account, target, now, out);
    const run: Run = {
      account,
      target,
      serviceName: projectServiceName(io.root),
      now,
      cwd: io.cwd,
      dryRun: parsed.flags['dry-run'] === true,
      revokeNow: parsed.flags.now === true,
      out,
    };
    return command === 'rotate' ? await rotate(run) : await revokePrevious(run);
  } catch (error) {
    if (!(error instanceof AccountError)) throw error;
    io.stderr.write(`keys ${command}: ${error.message}\n`);
    return 1;
  }
}

if (require.main === module) runCli('keys', () => main(process.argv.slice(2), processIo()));

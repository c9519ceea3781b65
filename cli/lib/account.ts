/**
 * What npm run setup, npm run keys and npm run deploy ask of the Twilio REST API, with the
 * `twilio` library: the owner's credentials (ACCOUNT_SID and AUTH_TOKEN, from the env file or
 * the environment; API keys cannot manage API keys), one client built the doctor's way, and every
 * failure turned into one sentence a person can act on (20003, 20404, no network). The library
 * sends its calls through HTTP_PROXY when set; that is how the tests reach a loopback stand-in.
 */
import { variableSpec } from '../../lib/config/schema';
import { isPlaceholderSid, readVar } from '../../lib/doctor/vars';
import { createClient, DEFAULT_TIMEOUT_MS, type TwilioClient } from '../../lib/doctor/online/client';
import { attempt, describeFailure, type ApiFailure } from '../../lib/doctor/online/checks';
import { isSid } from '../../lib/twilio';

/** A failure to report and stop on: its message is complete, and holds no secret. */
export class AccountError extends Error {
  override readonly name = 'AccountError';
}

export interface OwnerCredentials {
  accountSid: string;
  authToken: string;
  /** Where each came from, for messages. */
  from: { accountSid: string; authToken: string };
}

/** Where both are: the Console dashboard's Account Info. */
const WHERE = `Both are under ${variableSpec('ACCOUNT_SID').where ?? 'Account Info on the Twilio Console dashboard'}`;

/**
 * ACCOUNT_SID and AUTH_TOKEN: the file's when set (a placeholder is unset), else the
 * environment's. Throws the sentence that says which to add, and where, when one is missing.
 */
export function ownerCredentials(
  fileVars: Record<string, string>,
  env: Record<string, string | undefined>,
  fileShown: string,
): OwnerCredentials {
  const pick = (name: 'ACCOUNT_SID' | 'AUTH_TOKEN'): { value?: string; from: string } => {
    const inFile = readVar(fileVars, name);
    if (inFile !== undefined && !isPlaceholderSid(inFile)) return { value: inFile, from: fileShown };
    const inEnv = readVar(env, name);
    if (inEnv !== undefined && !isPlaceholderSid(inEnv)) return { value: inEnv, from: 'the environment' };
    return { from: '' };
  };
  const account = pick('ACCOUNT_SID');
  const token = pick('AUTH_TOKEN');
  const missing = [account.value === undefined ? 'ACCOUNT_SID' : '', token.value === undefined ? 'AUTH_TOKEN' : ''].filter(Boolean);
  if (missing.length > 0) {
    const withKey = readVar(fileVars, 'API_KEY') !== undefined && !isPlaceholderSid(readVar(fileVars, 'API_KEY')!);
    throw new AccountError(
      `${missing.join(' and ')} ${missing.length === 1 ? 'is' : 'are'} missing: add ACCOUNT_SID=AC... and AUTH_TOKEN=... to ${fileShown} (or the environment). ${WHERE}. ` +
        (withKey
          ? 'API_KEY and API_SECRET are not enough: an API key cannot create or delete API keys (Twilio answers 20003), only the Auth Token can.'
          : 'An API key cannot create API keys: the Account SID and Auth Token can.'),
    );
  }
  if (!isSid(account.value, 'AC'))
    throw new AccountError(`ACCOUNT_SID (from ${account.from}) is not an Account SID (AC + 32 hex digits). ${WHERE}.`);
  if (!/^[0-9a-f]{32}$/.test(token.value!)) {
    throw new AccountError(
      `AUTH_TOKEN (from ${token.from}) is not an Auth Token (32 lowercase hexadecimal digits): an API key secret cannot be used here. ${WHERE}.`,
    );
  }
  return { accountSid: account.value!, authToken: token.value!, from: { accountSid: account.from, authToken: token.from } };
}

export interface Account {
  accountSid: string;
  /** Authenticated as ACCOUNT_SID:AUTH_TOKEN. */
  client: TwilioClient;
  timeoutMs: number;
}

export function ownerAccount(credentials: OwnerCredentials, timeoutMs = DEFAULT_TIMEOUT_MS): Account {
  return {
    accountSid: credentials.accountSid,
    client: createClient(credentials.accountSid, credentials.authToken, credentials.accountSid, undefined, { timeoutMs }),
    timeoutMs,
  };
}

const isNotFound = (failure: ApiFailure): boolean => failure.kind === 'http' && failure.status === 404;

/** What went wrong, for a person: the Twilio code and what it means here. */
export function explainFailure(failure: ApiFailure, credentials = 'ACCOUNT_SID with AUTH_TOKEN'): string {
  const said = describeFailure(failure);
  if (failure.kind === 'network' || failure.kind === 'timeout')
    return `could not reach the Twilio REST API: ${said}. Check the network (and HTTP_PROXY, if you use one), then run this again.`;
  if (failure.code === 20008) return `Twilio answered ${said}: these are test credentials, which cannot manage API keys or resources.`;
  if (failure.status === 401 || failure.status === 403 || failure.code === 20003) {
    return `Twilio refused ${credentials} (${said}): AUTH_TOKEN must be the current Auth Token of ACCOUNT_SID (a rotated or mistyped token, or another account's, gets 20003), and the account must be active. ${WHERE}.`;
  }
  if (isNotFound(failure)) return `Twilio does not know it (${said}).`;
  return `Twilio answered ${said}; run this again later, and check status.twilio.com if it persists.`;
}

/** One REST call; any failure becomes an AccountError saying what was being done and why it failed. */
export async function rest<T>(account: Account, doing: string, call: () => Promise<T>): Promise<T> {
  const outcome = await attempt(call, account.timeoutMs);
  if (outcome.ok) return outcome.value;
  throw new AccountError(`${doing}: ${explainFailure(outcome.failure)}`);
}

/** A fetch whose 404 (20404: deleted, or another account's) is an answer, not a failure. */
export async function fetchIfExists<T>(account: Account, doing: string, call: () => Promise<T>): Promise<T | undefined> {
  const outcome = await attempt(call, account.timeoutMs);
  if (outcome.ok) return outcome.value;
  if (isNotFound(outcome.failure)) return undefined;
  throw new AccountError(`${doing}: ${explainFailure(outcome.failure)}`);
}

/** Whether an API key authenticates with a secret for the account (a call every Standard key may make). */
export async function keyAuthenticates(account: Account, apiKey: string, secret: string): Promise<boolean> {
  const client = createClient(apiKey, secret, account.accountSid, undefined, { timeoutMs: account.timeoutMs });
  const outcome = await attempt(() => client.api.v2010.accounts(account.accountSid).applications.page({ pageSize: 1 }), account.timeoutMs);
  if (outcome.ok) return true;
  const failure = outcome.failure;
  if (failure.kind === 'http' && (failure.status === 401 || failure.status === 403)) return false;
  throw new AccountError(`Checking API_KEY with API_SECRET: ${explainFailure(failure, 'API_KEY with API_SECRET')}`);
}

/** `YYYY-MM-DD` in UTC: the day in a new key's FriendlyName. */
export const day = (ms: number): string => new Date(ms).toISOString().slice(0, 10);

/** The FriendlyName of a key this project creates: `<serviceName> token signing YYYY-MM-DD`. */
export const keyFriendlyName = (serviceName: string, now: number): string => `${serviceName} token signing ${day(now)}`;

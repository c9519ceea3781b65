/**
 * The online checks: ask the Twilio REST API, with the very API key and secret the tokens are
 * signed with, whether what the configuration names exists in the account ACCOUNT_SID. Each
 * failure says which error the tokens would hit.
 *
 * Key types matter here: only Main keys may read /Accounts and /Keys; Standard keys (the right
 * kind for tokens) get 401/20003 there, exactly like a wrong secret does. So the credentials are
 * first proven on a resource every Standard key may read (the account's TwiML Apps), and the
 * Main-only reads fall back to AUTH_TOKEN when the file has one, else are skipped with a note.
 */
import type { VariableName } from '../../config/schema';
import { GRANT_NAMES, productOf } from '../../products';
import type { OnlineApi, OnlineCheck } from '../../products/types';
import type { CheckResult, DoctorVars } from '../types';
import { readVar, row, sidShape } from '../vars';
import { apiHostFor, createClient, DEFAULT_TIMEOUT_MS, type ClientOptions, type TwilioClient } from './client';

export interface OnlineOptions {
  /** Per-request deadline in milliseconds (default 10 s). */
  timeoutMs?: number;
  /** Loopback URL of a stand-in of the REST API; tests only. */
  apiBaseUrl?: string;
}

export type ApiFailure =
  | { kind: 'http'; status: number; code?: number; message: string }
  | { kind: 'network'; code: string; message: string }
  | { kind: 'timeout'; ms: number };

export type Outcome<T> = { ok: true; value: T } | { ok: false; failure: ApiFailure };

class Deadline extends Error {}

/** One REST call, never throwing: an answer, an HTTP error with Twilio's code, or why there was no answer. */
export async function attempt<T>(call: () => Promise<T>, timeoutMs: number): Promise<Outcome<T>> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Deadline()), timeoutMs);
  });
  try {
    return { ok: true, value: await Promise.race([call(), deadline]) };
  } catch (error) {
    return { ok: false, failure: classify(error, timeoutMs) };
  } finally {
    clearTimeout(timer);
  }
}

function classify(error: unknown, timeoutMs: number): ApiFailure {
  if (error instanceof Deadline) return { kind: 'timeout', ms: timeoutMs };
  const e = error as { status?: unknown; code?: unknown; message?: unknown; errors?: unknown } | null;
  if (e !== null && typeof e === 'object' && typeof e.status === 'number') {
    // RestException / TwilioServiceException: the API answered with an error body.
    return {
      kind: 'http',
      status: e.status,
      code: typeof e.code === 'number' ? e.code : undefined,
      message: typeof e.message === 'string' ? e.message : '',
    };
  }
  const code = e !== null && typeof e === 'object' && typeof e.code === 'string' ? e.code : undefined;
  if (code === 'ECONNABORTED' || code === 'ETIMEDOUT') return { kind: 'timeout', ms: timeoutMs };
  // Node reports a refused dual-stack connect as an AggregateError whose parts carry the code.
  const nested = Array.isArray(e?.errors) ? (e.errors as { code?: unknown }[]).find((x) => typeof x?.code === 'string')?.code : undefined;
  const networkCode = code ?? (typeof nested === 'string' ? nested : undefined) ?? 'ERROR';
  return { kind: 'network', code: networkCode, message: error instanceof Error ? error.message : String(error) };
}

const NETWORK_WORDS: Record<string, string> = {
  ECONNREFUSED: 'connection refused',
  ENOTFOUND: 'host not found (DNS)',
  EAI_AGAIN: 'DNS lookup failed',
  ECONNRESET: 'connection reset',
  EHOSTUNREACH: 'host unreachable',
  ENETUNREACH: 'network unreachable',
  CERT_HAS_EXPIRED: 'TLS certificate expired',
  UNABLE_TO_GET_ISSUER_CERT_LOCALLY: 'TLS certificate not trusted (a proxy?)',
};

export function describeFailure(failure: ApiFailure): string {
  switch (failure.kind) {
    case 'http':
      return `HTTP ${failure.status}${failure.code !== undefined ? `, Twilio error ${failure.code}` : ''}${failure.message ? ` (${failure.message})` : ''}`;
    case 'timeout':
      return `no answer within ${failure.ms / 1000} s`;
    case 'network':
      return `${failure.code}${NETWORK_WORDS[failure.code] ? ` (${NETWORK_WORDS[failure.code]})` : ''}`;
  }
}

const isAuthFailure = (f: ApiFailure): boolean => f.kind === 'http' && (f.status === 401 || f.status === 403) && f.code !== 20008;
const isNotFound = (f: ApiFailure): boolean => f.kind === 'http' && f.status === 404;
const noAnswer = (f: ApiFailure): boolean => f.kind === 'network' || f.kind === 'timeout';

interface Context {
  vars: DoctorVars;
  accountSid: string;
  apiKey: string;
  /** Authenticated with API_KEY:API_SECRET. */
  api: TwilioClient;
  /** Authenticated with ACCOUNT_SID:AUTH_TOKEN, when the file has an Auth Token. */
  owner?: TwilioClient;
  /** What was asked, for messages: the REST API host of the token's region, or the stand-in in its place. */
  apiHost: string;
  /** The loopback stand-in asked instead of Twilio (TWILIO_API_BASE_URL), if any. */
  standIn?: string;
  timeoutMs: number;
}

const call = <T>(ctx: Context, fn: () => Promise<T>): Promise<Outcome<T>> => attempt(fn, ctx.timeoutMs);

const KEY_FIX = `${sidShape('API_KEY')} and API_SECRET=<its 32-character secret>: a Standard key created in the account ACCOUNT_SID (and in the region of TWILIO_REGION)`;

/** Why the probe's 401 happened, asked with the Auth Token when there is one. */
async function diagnoseRejectedKey(ctx: Context): Promise<string | undefined> {
  if (ctx.owner === undefined) return undefined;
  const owner = ctx.owner;
  const key = await call(ctx, () => owner.iam.v1.apiKey(ctx.apiKey).fetch());
  if (key.ok) {
    if (key.value.policy !== null && key.value.policy !== undefined) {
      return 'Asked with AUTH_TOKEN: API_KEY is a Restricted key of this account, and Twilio does not accept Access Tokens signed with Restricted keys (the SDKs report an invalid token).';
    }
    return 'Asked with AUTH_TOKEN: API_KEY exists in this account, so API_SECRET is not its secret: every token fails with 20107 (invalid signature).';
  }
  if (isNotFound(key.failure)) {
    return 'Asked with AUTH_TOKEN: API_KEY is not a key of this account (deleted, or created in another account, subaccount or region): every token fails with 20103 (invalid issuer).';
  }
  return undefined;
}

/** The Twilio REST API by its host, or the stand-in by its URL: a test run never says Twilio was unreachable. */
const unreachableName = (ctx: Context): string =>
  ctx.standIn !== undefined
    ? `the REST API stand-in at ${ctx.standIn} (TWILIO_API_BASE_URL, in place of ${ctx.apiHost})`
    : `the Twilio REST API (${ctx.apiHost})`;

async function checkCredentials(ctx: Context): Promise<{ result: CheckResult; usable: boolean; unreachable: boolean }> {
  const id = 'online.credentials';
  const title = 'API key and secret (REST API)';
  const probe = await call(ctx, () => ctx.api.api.v2010.accounts(ctx.accountSid).applications.page({ pageSize: 1 }));
  if (probe.ok)
    return { result: row(id, title, 'pass', 'Twilio accepts API_KEY with API_SECRET for ACCOUNT_SID.'), usable: true, unreachable: false };
  const failure = probe.failure;
  if (noAnswer(failure)) {
    return {
      result: row(
        id,
        title,
        'fail',
        `Could not reach ${unreachableName(ctx)}: ${describeFailure(failure)}. Nothing online was checked.`,
        ctx.standIn !== undefined
          ? 'start the stand-in again, or unset TWILIO_API_BASE_URL to ask Twilio; the offline checks above still hold'
          : 'check the network, proxy (HTTP_PROXY) and firewall, then run npm run doctor -- --online again; the offline checks above still hold',
      ),
      usable: false,
      unreachable: true,
    };
  }
  if (failure.kind === 'http' && failure.code === 20008) {
    return {
      result: row(
        id,
        title,
        'fail',
        `Twilio answered ${describeFailure(failure)}: these are test credentials, which can neither own API keys nor sign Access Tokens (tokens fail with 20103).`,
        `${sidShape('ACCOUNT_SID')} of the live account, and ${KEY_FIX}`,
      ),
      usable: false,
      unreachable: false,
    };
  }
  if (isAuthFailure(failure)) {
    const diagnosis = await diagnoseRejectedKey(ctx);
    const detail =
      `Twilio rejected API_KEY with API_SECRET for ACCOUNT_SID: ${describeFailure(failure)}. ` +
      (diagnosis ??
        "Tokens signed with them fail the same way: 20107 (invalid signature) when API_SECRET is not the key's secret (often the Auth Token pasted instead), 20103 (invalid issuer) when the key was deleted or belongs to another account, subaccount or region. A Restricted key cannot sign tokens either. Add AUTH_TOKEN to the file and the doctor tells which.");
    return { result: row(id, title, 'fail', detail, KEY_FIX), usable: false, unreachable: false };
  }
  return {
    result: row(
      id,
      title,
      'fail',
      `Unexpected answer from Twilio: ${describeFailure(failure)}.`,
      'run again later; if it persists, check status.twilio.com',
    ),
    usable: false,
    unreachable: false,
  };
}

const MAIN_ONLY_NOTE = 'API_KEY is a Standard (or Restricted) key, and only Main keys may read /Accounts and /Keys';

/** A Main-only read: with the API key when it may, else with the Auth Token, else not at all. */
async function mainOnly<T>(
  ctx: Context,
  fn: (client: TwilioClient) => Promise<T>,
): Promise<{ outcome: Outcome<T>; via: 'key' | 'auth_token' } | undefined> {
  const withKey = await call(ctx, () => fn(ctx.api));
  if (withKey.ok || !isAuthFailure(withKey.failure)) return { outcome: withKey, via: 'key' };
  if (ctx.owner === undefined) return undefined;
  const owner = ctx.owner;
  return { outcome: await call(ctx, () => fn(owner)), via: 'auth_token' };
}

/** twilio-run deploy uploads with ACCOUNT_SID and AUTH_TOKEN from the same file, so a stale one fails the deploy too. */
const rejectedAuthToken = (id: string, title: string, failure: ApiFailure): CheckResult =>
  row(
    id,
    title,
    'fail',
    `${MAIN_ONLY_NOTE}, and AUTH_TOKEN was rejected too (${describeFailure(failure)}): it is not the current Auth Token of ACCOUNT_SID (rotated?), so npm run deploy, which uploads with it, fails as well.`,
    'AUTH_TOKEN=<the current Auth Token of ACCOUNT_SID, from the Console dashboard>, or remove it and deploy with a Twilio CLI profile',
  );

async function checkAccount(ctx: Context): Promise<CheckResult> {
  const id = 'online.account';
  const title = 'Account (ACCOUNT_SID)';
  const read = await mainOnly(ctx, (client) => client.api.v2010.accounts(ctx.accountSid).fetch());
  if (read === undefined) {
    return row(
      id,
      title,
      'skip',
      `Status not checked: ${MAIN_ONLY_NOTE}. The key did authenticate for ACCOUNT_SID, so the account exists.`,
      "to check it too: add AUTH_TOKEN=<the account's Auth Token> to the file (never deployed in tokens), or look at the Console",
    );
  }
  const { outcome, via } = read;
  if (!outcome.ok) {
    if (via === 'auth_token' && isAuthFailure(outcome.failure)) return rejectedAuthToken(id, title, outcome.failure);
    if (isNotFound(outcome.failure))
      return row(
        id,
        title,
        'fail',
        `Twilio does not know ACCOUNT_SID (${describeFailure(outcome.failure)}): tokens for it fail with 20103 (invalid subject).`,
        sidShape('ACCOUNT_SID'),
      );
    return row(
      id,
      title,
      'fail',
      `Could not read the account: ${describeFailure(outcome.failure)}.`,
      'run again; if it persists, check the account in the Console',
    );
  }
  const account = outcome.value;
  const name = JSON.stringify(account.friendlyName ?? '');
  const kind =
    account.ownerAccountSid && account.ownerAccountSid !== account.sid ? `subaccount of ${account.ownerAccountSid}` : 'main account';
  if (account.status !== 'active') {
    return row(
      id,
      title,
      'fail',
      `Account ${name} is ${account.status}: Twilio refuses its API calls (20003) and its tokens until it is active again.`,
      account.status === 'suspended'
        ? 'reactivate the account in the Console (billing, or contact Twilio support)'
        : 'a closed account cannot come back: create a new account or subaccount and its API key',
    );
  }
  return row(id, title, 'pass', `Account ${name} is active (${kind}, ${account.type}).`);
}

async function checkApiKeyExists(ctx: Context): Promise<CheckResult> {
  const id = 'online.api_key';
  const title = 'API key in this account';
  const read = await mainOnly(ctx, (client) => client.api.v2010.accounts(ctx.accountSid).keys(ctx.apiKey).fetch());
  if (read === undefined) {
    return row(
      id,
      title,
      'skip',
      `Key type not checked: ${MAIN_ONLY_NOTE}. It authenticated for ACCOUNT_SID; make sure it is a Standard key (Restricted keys cannot sign Access Tokens).`,
      "to check it too: add AUTH_TOKEN=<the account's Auth Token> to the file, or look at the key type in Console > API keys & tokens",
    );
  }
  const { outcome, via } = read;
  if (!outcome.ok) {
    if (via === 'auth_token' && isAuthFailure(outcome.failure)) return rejectedAuthToken(id, title, outcome.failure);
    if (isNotFound(outcome.failure)) {
      return row(
        id,
        title,
        'fail',
        `API_KEY is not a key of ACCOUNT_SID (${describeFailure(outcome.failure)}): it belongs to another account (a parent or another subaccount), so every token fails with 20103 (invalid issuer).`,
        KEY_FIX,
      );
    }
    return row(id, title, 'fail', `Could not read the key: ${describeFailure(outcome.failure)}.`, 'run again later');
  }
  const client = via === 'key' ? ctx.api : (ctx.owner as TwilioClient);
  const typed = await call(ctx, () => client.iam.v1.apiKey(ctx.apiKey).fetch());
  if (typed.ok && typed.value.policy !== null && typed.value.policy !== undefined) {
    return row(
      id,
      title,
      'fail',
      'API_KEY is a Restricted key: Twilio does not accept Access Tokens signed with Restricted keys (the SDKs report an invalid token).',
      KEY_FIX,
    );
  }
  const kind = via === 'key' ? 'a Main key, since it may read /Keys' : typed.ok ? 'not Restricted' : 'key type not readable';
  return row(id, title, 'pass', `API_KEY ${JSON.stringify(outcome.value.friendlyName ?? '')} exists in ACCOUNT_SID (${kind}).`);
}

/** A resource the tokens name: 404 means it is in another account (or gone), which the SDK reports later. */
async function checkResource<T>(
  ctx: Context,
  spec: { id: string; title: string; variable: VariableName; fix: string; consequence: string },
  fetch: () => Promise<T>,
  judge: (value: T) => CheckResult,
): Promise<CheckResult> {
  const outcome = await call(ctx, fetch);
  if (outcome.ok) return judge(outcome.value);
  if (isNotFound(outcome.failure)) {
    return row(
      spec.id,
      spec.title,
      'fail',
      `${spec.variable} is not in the account ACCOUNT_SID (${describeFailure(outcome.failure)}): it belongs to another account or was deleted; ${spec.consequence}.`,
      spec.fix,
    );
  }
  if (isAuthFailure(outcome.failure)) {
    return row(
      spec.id,
      spec.title,
      'fail',
      `API_KEY may not read ${spec.variable} (${describeFailure(outcome.failure)}): a Restricted key, which cannot sign Access Tokens anyway.`,
      KEY_FIX,
    );
  }
  return row(spec.id, spec.title, 'fail', `Could not read ${spec.variable}: ${describeFailure(outcome.failure)}.`, 'run again later');
}

/** Each product's online checks (its module's `online`), in the table's order. */
const PRODUCT_CHECKS: readonly OnlineCheck[] = GRANT_NAMES.flatMap((grant) => productOf(grant).online ?? []);

const ONLINE_IDS: [string, string][] = [
  ['online.credentials', 'API key and secret (REST API)'],
  ['online.account', 'Account (ACCOUNT_SID)'],
  ['online.api_key', 'API key in this account'],
  ...PRODUCT_CHECKS.map((check): [string, string] => [check.id, check.title]),
];

const skipAll = (ids: [string, string][], detail: string, fix?: string): CheckResult[] =>
  ids.map(([id, title]) => row(id, title, 'skip', detail, fix));

/**
 * Runs the online checks. `usableCredentials` is whether the offline checks passed ACCOUNT_SID,
 * API_KEY and API_SECRET (no point asking Twilio about a placeholder).
 */
export async function runOnlineChecks(vars: DoctorVars, usableCredentials: boolean, opts: OnlineOptions = {}): Promise<CheckResult[]> {
  const accountSid = readVar(vars, 'ACCOUNT_SID');
  const apiKey = readVar(vars, 'API_KEY');
  const apiSecret = readVar(vars, 'API_SECRET');
  if (!usableCredentials || accountSid === undefined || apiKey === undefined || apiSecret === undefined) {
    return skipAll(
      ONLINE_IDS,
      'Not run: ACCOUNT_SID, API_KEY and API_SECRET must pass the offline checks first.',
      'fix the failures above, then run npm run doctor -- --online again',
    );
  }
  const timeoutMs = opts.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const clientOpts: ClientOptions = { timeoutMs, apiBaseUrl: opts.apiBaseUrl };
  const region = readVar(vars, 'TWILIO_REGION')?.toLowerCase();
  const authToken = readVar(vars, 'AUTH_TOKEN');
  const ctx: Context = {
    vars,
    accountSid,
    apiKey,
    api: createClient(apiKey, apiSecret, accountSid, region, clientOpts),
    owner: authToken !== undefined ? createClient(accountSid, authToken, accountSid, region, clientOpts) : undefined,
    apiHost: apiHostFor(region),
    ...(opts.apiBaseUrl !== undefined ? { standIn: opts.apiBaseUrl } : {}),
    timeoutMs,
  };

  const credentials = await checkCredentials(ctx);
  if (!credentials.usable) {
    const detail = credentials.unreachable
      ? `Not run: ${ctx.standIn !== undefined ? 'the REST API stand-in' : 'the Twilio REST API'} could not be reached.`
      : 'Not run: Twilio rejected the credentials (see online.credentials).';
    return [credentials.result, ...skipAll(ONLINE_IDS.slice(1), detail)];
  }
  const api: OnlineApi = {
    accountSid,
    client: ctx.api,
    fetchResource: (spec, fetch, found) => checkResource(ctx, spec, fetch, found),
  };
  // Sequential on purpose: a handful of calls, and the order is the order a person reads them.
  const rows = [credentials.result, await checkAccount(ctx), await checkApiKeyExists(ctx)];
  for (const check of PRODUCT_CHECKS) rows.push(await check.run(api, vars));
  return rows;
}

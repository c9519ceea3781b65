/**
 * A local stand-in of the Twilio REST API, for the doctor's online checks: a real node:http
 * server on 127.0.0.1 serving the GET endpoints the doctor reads, with response bodies shaped
 * like the real API's (field names, RFC 2822 dates on 2010-04-01, ISO dates on v1, the 401/403/404
 * error bodies) and HTTP Basic authentication by API key and secret or Account SID and Auth Token.
 *
 * The twilio client reaches it through lib/doctor's stand-in request client, which sends
 * `https://<host>/<path>` to `<url>/<host>/<path>`; the host tells the API (api, iam,
 * conversations, sync) and the region (api.twilio.com is us1, api.dublin.ie1.twilio.com is ie1).
 *
 * Rules modelled on Twilio's documented behaviour:
 * - a key authenticates only in its own region, for its own account or that account's subaccounts;
 * - only Main keys (and the Auth Token) may read /Accounts and /Keys (Standard keys get 401/20003);
 * - Restricted keys may read only what their policy allows (here: `/twilio/voice/...` prefixes);
 * - test credentials get 403/20008 on everything the doctor reads;
 * - v1 APIs (iam, conversations, sync, taskrouter) act on the authenticated key's own account.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';

export type KeyType = 'main' | 'standard' | 'restricted';
export type Region = 'us1' | 'ie1' | 'au1';

export interface StandInAccount {
  sid: string;
  friendlyName: string;
  status: 'active' | 'suspended' | 'closed';
  type: 'Full' | 'Trial';
  /** Set for a subaccount: its parent's SID. */
  ownerAccountSid?: string;
  authToken: string;
  /** These are an account's test credentials (its Test Account SID and test Auth Token). */
  testCredentials?: boolean;
}

export interface StandInKey {
  sid: string;
  accountSid: string;
  secret: string;
  type: KeyType;
  friendlyName: string;
  region?: Region;
  /** For Restricted keys: the permissions, like the real `policy.allow`. */
  allow?: string[];
}

export interface StandInApplication {
  sid: string;
  accountSid: string;
  friendlyName: string;
  voiceUrl: string | null;
  voiceMethod?: string;
}

export interface StandInCredential {
  sid: string;
  accountSid: string;
  friendlyName: string;
  type: 'apn' | 'fcm' | 'gcm';
  sandbox?: boolean;
}

export interface StandInService {
  sid: string;
  accountSid: string;
  friendlyName: string;
}

export interface StandInWorld {
  accounts: StandInAccount[];
  keys: StandInKey[];
  applications?: StandInApplication[];
  credentials?: StandInCredential[];
  conversationsServices?: StandInService[];
  syncServices?: StandInService[];
  /** TaskRouter Workspaces (WS...). */
  workspaces?: StandInService[];
}

export interface StandInRequest {
  method: string;
  host: string;
  path: string;
  /** The Basic auth user name (a key or Account SID); never the password. */
  user?: string;
  status: number;
}

export interface TwilioApiStandIn {
  /** Base URL to hand to the doctor (`apiBaseUrl` / TWILIO_API_BASE_URL). */
  url: string;
  requests: StandInRequest[];
  /** Accept requests but never answer them (to test timeouts). */
  hang: boolean;
  close(): Promise<void>;
}

const RFC2822 = 'Thu, 30 Jul 2015 20:00:00 +0000';
const ISO = '2015-07-30T20:00:00Z';

const unauthorized = {
  code: 20003,
  detail: 'Your AccountSid or AuthToken was incorrect.',
  message: 'Authenticate',
  more_info: 'https://www.twilio.com/docs/errors/20003',
  status: 401,
};
const testCredentialsRefused = {
  code: 20008,
  message: 'Resource not accessible with Test Account Credentials',
  more_info: 'https://www.twilio.com/docs/errors/20008',
  status: 403,
};
const notFound = (path: string) => ({
  code: 20404,
  message: `The requested resource ${path} was not found`,
  more_info: 'https://www.twilio.com/docs/errors/20404',
  status: 404,
});

interface Principal {
  accountSid: string;
  type: KeyType;
  allow: string[];
  test: boolean;
}

type Answer = { status: number; body: unknown };

function parseHost(host: string): { product: string; region: Region } | undefined {
  const match = /^([a-z-]+)(?:\.([a-z]+))?(?:\.(us1|ie1|au1))?\.twilio\.com$/.exec(host);
  if (match === null) return undefined;
  return { product: match[1] as string, region: (match[3] as Region | undefined) ?? 'us1' };
}

function authenticate(world: StandInWorld, header: string | undefined, region: Region): { user?: string; principal?: Principal } {
  const match = /^Basic (.+)$/.exec(header ?? '');
  if (match === null) return {};
  const decoded = Buffer.from(match[1] as string, 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  if (colon < 0) return {};
  const user = decoded.slice(0, colon);
  const password = decoded.slice(colon + 1);
  const key = world.keys.find((k) => k.sid === user);
  if (key !== undefined) {
    if (key.secret !== password || (key.region ?? 'us1') !== region) return { user };
    const account = world.accounts.find((a) => a.sid === key.accountSid);
    return {
      user,
      principal: { accountSid: key.accountSid, type: key.type, allow: key.allow ?? [], test: account?.testCredentials === true },
    };
  }
  const account = world.accounts.find((a) => a.sid === user);
  if (account !== undefined && account.authToken === password && region === 'us1') {
    return { user, principal: { accountSid: account.sid, type: 'main', allow: [], test: account.testCredentials === true } };
  }
  return { user };
}

/** A parent account may act on its subaccounts; nobody else on anybody else's. */
function mayActOn(world: StandInWorld, principal: Principal, accountSid: string): boolean {
  if (principal.accountSid === accountSid) return true;
  return world.accounts.find((a) => a.sid === accountSid)?.ownerAccountSid === principal.accountSid;
}

const restrictedAllows = (principal: Principal, permission: string): boolean =>
  principal.type !== 'restricted' || principal.allow.some((p) => permission.startsWith(p));

function accountBody(account: StandInAccount) {
  const uri = `/2010-04-01/Accounts/${account.sid}.json`;
  return {
    auth_token: account.authToken,
    date_created: RFC2822,
    date_updated: RFC2822,
    friendly_name: account.friendlyName,
    owner_account_sid: account.ownerAccountSid ?? account.sid,
    sid: account.sid,
    status: account.status,
    subresource_uris: {
      applications: `/2010-04-01/Accounts/${account.sid}/Applications.json`,
      keys: `/2010-04-01/Accounts/${account.sid}/Keys.json`,
    },
    type: account.type,
    uri,
  };
}

function applicationBody(app: StandInApplication) {
  return {
    account_sid: app.accountSid,
    api_version: '2010-04-01',
    date_created: RFC2822,
    date_updated: RFC2822,
    friendly_name: app.friendlyName,
    message_status_callback: null,
    sid: app.sid,
    sms_fallback_method: 'GET',
    sms_fallback_url: null,
    sms_method: 'GET',
    sms_status_callback: null,
    sms_url: null,
    status_callback: null,
    status_callback_method: 'POST',
    uri: `/2010-04-01/Accounts/${app.accountSid}/Applications/${app.sid}.json`,
    voice_caller_id_lookup: false,
    voice_fallback_method: 'POST',
    voice_fallback_url: null,
    voice_method: app.voiceMethod ?? 'POST',
    voice_url: app.voiceUrl,
    public_application_connect_enabled: true,
  };
}

function route(world: StandInWorld, product: string, path: string, principal: Principal): Answer {
  const missing: Answer = { status: 404, body: notFound(path) };
  if (principal.test) return { status: 403, body: testCredentialsRefused };

  if (product === 'api') {
    const m = /^\/2010-04-01\/Accounts\/(AC[0-9a-f]{32})(?:\/(Applications|Keys)(?:\/([A-Z]{2}[0-9a-f]{32}))?)?\.json$/.exec(path);
    if (m === null) return missing;
    const [, accountSid, collection, sid] = m as unknown as [string, string, string | undefined, string | undefined];
    if (!mayActOn(world, principal, accountSid)) return { status: 401, body: unauthorized };
    const account = world.accounts.find((a) => a.sid === accountSid);
    if (account === undefined) return missing;
    if (collection === undefined || collection === 'Keys') {
      // Standard and Restricted keys may not read /Accounts or /Keys.
      if (principal.type !== 'main') return { status: 401, body: unauthorized };
      if (collection === undefined) return { status: 200, body: accountBody(account) };
      const key = world.keys.find((k) => k.sid === sid && k.accountSid === accountSid);
      if (key === undefined) return missing;
      return { status: 200, body: { sid: key.sid, friendly_name: key.friendlyName, date_created: RFC2822, date_updated: RFC2822 } };
    }
    if (!restrictedAllows(principal, '/twilio/voice/applications/read')) return { status: 401, body: unauthorized };
    const apps = (world.applications ?? []).filter((a) => a.accountSid === accountSid);
    if (sid === undefined) {
      const uri = `/2010-04-01/Accounts/${accountSid}/Applications.json?PageSize=1&Page=0`;
      return {
        status: 200,
        body: {
          applications: apps.slice(0, 1).map(applicationBody),
          end: 0,
          first_page_uri: uri,
          next_page_uri: null,
          page: 0,
          page_size: 1,
          previous_page_uri: null,
          start: 0,
          uri,
        },
      };
    }
    const app = apps.find((a) => a.sid === sid);
    return app === undefined ? missing : { status: 200, body: applicationBody(app) };
  }

  if (product === 'iam') {
    const m = /^\/v1\/Keys\/(SK[0-9a-f]{32})$/.exec(path);
    if (m === null) return missing;
    if (principal.type !== 'main') return { status: 401, body: unauthorized };
    const key = world.keys.find((k) => k.sid === m[1] && k.accountSid === principal.accountSid);
    if (key === undefined) return missing;
    return {
      status: 200,
      body: {
        sid: key.sid,
        friendly_name: key.friendlyName,
        date_created: RFC2822,
        date_updated: RFC2822,
        policy: key.type === 'restricted' ? { allow: key.allow ?? [] } : null,
      },
    };
  }

  if (product === 'taskrouter') {
    if (!restrictedAllows(principal, '/twilio/taskrouter/')) return { status: 401, body: unauthorized };
    const workspace = /^\/v1\/Workspaces\/(WS[0-9a-f]{32})$/.exec(path);
    const found =
      workspace === null
        ? undefined
        : (world.workspaces ?? []).find((w) => w.sid === workspace[1] && w.accountSid === principal.accountSid);
    if (found === undefined) return missing;
    const url = `https://taskrouter.twilio.com/v1/Workspaces/${found.sid}`;
    return {
      status: 200,
      body: {
        sid: found.sid,
        account_sid: found.accountSid,
        friendly_name: found.friendlyName,
        event_callback_url: null,
        events_filter: null,
        default_activity_name: 'Offline',
        default_activity_sid: 'WA' + '0'.repeat(32),
        timeout_activity_name: 'Offline',
        timeout_activity_sid: 'WA' + '0'.repeat(32),
        multi_task_enabled: true,
        prioritize_queue_order: 'FIFO',
        date_created: ISO,
        date_updated: ISO,
        url,
        links: { workers: `${url}/Workers`, task_queues: `${url}/TaskQueues`, tasks: `${url}/Tasks`, activities: `${url}/Activities` },
      },
    };
  }

  if (product === 'conversations' || product === 'sync') {
    if (!restrictedAllows(principal, `/twilio/${product}/`)) return { status: 401, body: unauthorized };
    const host = `https://${product}.twilio.com`;
    const credential = /^\/v1\/Credentials\/(CR[0-9a-f]{32})$/.exec(path);
    if (product === 'conversations' && credential !== null) {
      const found = (world.credentials ?? []).find((c) => c.sid === credential[1] && c.accountSid === principal.accountSid);
      if (found === undefined) return missing;
      return {
        status: 200,
        body: {
          sid: found.sid,
          account_sid: found.accountSid,
          friendly_name: found.friendlyName,
          type: found.type,
          sandbox: found.type === 'apn' ? (found.sandbox ? 'True' : 'False') : null,
          date_created: ISO,
          date_updated: ISO,
          url: `${host}/v1/Credentials/${found.sid}`,
        },
      };
    }
    const service = /^\/v1\/Services\/(IS[0-9a-f]{32})$/.exec(path);
    if (service === null) return missing;
    const pool = product === 'conversations' ? world.conversationsServices : world.syncServices;
    const found = (pool ?? []).find((s) => s.sid === service[1] && s.accountSid === principal.accountSid);
    if (found === undefined) return missing;
    const url = `${host}/v1/Services/${found.sid}`;
    const common = {
      sid: found.sid,
      account_sid: found.accountSid,
      friendly_name: found.friendlyName,
      date_created: ISO,
      date_updated: ISO,
      url,
    };
    return {
      status: 200,
      body:
        product === 'conversations'
          ? {
              ...common,
              links: {
                conversations: `${url}/Conversations`,
                users: `${url}/Users`,
                roles: `${url}/Roles`,
                bindings: `${url}/Bindings`,
                configuration: `${url}/Configuration`,
              },
            }
          : {
              ...common,
              unique_name: null,
              webhook_url: null,
              webhooks_from_rest_enabled: false,
              reachability_webhooks_enabled: false,
              acl_enabled: false,
              reachability_debouncing_enabled: false,
              reachability_debouncing_window: 5000,
              links: {
                documents: `${url}/Documents`,
                sync_lists: `${url}/Lists`,
                sync_maps: `${url}/Maps`,
                sync_streams: `${url}/Streams`,
              },
            },
    };
  }
  return missing;
}

export async function startTwilioApiStandIn(world: StandInWorld): Promise<TwilioApiStandIn> {
  const requests: StandInRequest[] = [];
  const standIn = { hang: false } as TwilioApiStandIn;
  const server = http.createServer((req, res) => {
    if (standIn.hang) return; // never answers; close() destroys the socket
    const [, host = '', ...rest] = (req.url ?? '/').split('?')[0]!.split('/');
    const path = `/${rest.join('/')}`;
    const send = (answer: Answer, user?: string): void => {
      requests.push({ method: req.method ?? '', host, path, user, status: answer.status });
      const body = JSON.stringify(answer.body);
      res.writeHead(answer.status, {
        'Content-Type': 'application/json',
        'Content-Length': Buffer.byteLength(body),
        'Twilio-Request-Id': 'RQ' + '0'.repeat(32),
      });
      res.end(body);
    };
    const target = parseHost(host);
    if (target === undefined || req.method !== 'GET') {
      send({ status: 404, body: notFound(path) });
      return;
    }
    const { user, principal } = authenticate(world, req.headers.authorization, target.region);
    if (principal === undefined) {
      send({ status: 401, body: unauthorized }, user);
      return;
    }
    send(route(world, target.product, path, principal), user);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  standIn.url = `http://127.0.0.1:${port}`;
  standIn.requests = requests;
  standIn.close = () =>
    new Promise<void>((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    });
  return standIn;
}

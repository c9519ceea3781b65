/**
 * api.twilio.com, 2010-04-01: Accounts, Applications (TwiML Apps: list with the FriendlyName
 * filter, create, fetch, update) and Keys (list, create, fetch, update, delete). As on Twilio, a
 * key's secret is in the create answer only, and only the Auth Token or a Main key may touch
 * /Accounts and /Keys: Standard and Restricted keys get 401/20003 there.
 */
import { randomBytes } from 'node:crypto';
import {
  mayActOn,
  newSid,
  RFC2822,
  restrictedAllows,
  rfc2822,
  unauthorized,
  type Answer,
  type ApiRequest,
  type ApiRoute,
  type StandInAccount,
  type StandInApplication,
  type StandInKey,
} from './world';

export function accountBody(account: StandInAccount) {
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

export function applicationBody(app: StandInApplication) {
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

export function keyBody(key: StandInKey) {
  const date = key.dateCreated ?? RFC2822;
  return { sid: key.sid, friendly_name: key.friendlyName, date_created: date, date_updated: date };
}

/** A secret as Twilio shows it once: 32 letters and digits, mixed case. */
function newSecret(): string {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
  return [...randomBytes(32)].map((byte) => alphabet[byte % alphabet.length]).join('');
}

/** A 2010-04-01 list page holding every item (`PageSize` honoured, default 50), under `key`. */
function listPage(request: ApiRequest, key: string, items: unknown[]): Answer {
  const pageSize = Number(request.query.get('PageSize') ?? '50') || 50;
  const shown = items.slice(0, pageSize);
  const uri = `${request.path}?PageSize=${pageSize}&Page=0`;
  return {
    status: 200,
    body: {
      [key]: shown,
      end: Math.max(0, shown.length - 1),
      first_page_uri: uri,
      next_page_uri: null,
      page: 0,
      page_size: pageSize,
      previous_page_uri: null,
      start: 0,
      uri,
    },
  };
}

/** Form fields of an Applications create or update, onto the app. */
function applyAppForm(app: StandInApplication, form: URLSearchParams): void {
  const friendlyName = form.get('FriendlyName');
  if (friendlyName !== null) app.friendlyName = friendlyName;
  const voiceUrl = form.get('VoiceUrl');
  if (voiceUrl !== null) app.voiceUrl = voiceUrl;
  const voiceMethod = form.get('VoiceMethod');
  if (voiceMethod !== null) app.voiceMethod = voiceMethod.toUpperCase();
}

function keys(world: Parameters<ApiRoute>[0], request: ApiRequest, accountSid: string, sid: string | undefined): Answer | undefined {
  const mine = world.keys.filter((k) => k.accountSid === accountSid);
  if (sid === undefined) {
    if (request.method === 'GET') return listPage(request, 'keys', mine.map(keyBody));
    if (request.method !== 'POST') return undefined;
    const key: StandInKey = {
      sid: newSid('SK'),
      accountSid,
      secret: newSecret(),
      type: 'standard',
      friendlyName: request.form.get('FriendlyName') ?? '',
      dateCreated: rfc2822(Date.now()),
    };
    world.keys.push(key);
    return { status: 201, body: { ...keyBody(key), secret: key.secret } };
  }
  const key = mine.find((k) => k.sid === sid);
  if (key === undefined) return undefined;
  if (request.method === 'GET') return { status: 200, body: keyBody(key) };
  if (request.method === 'POST') {
    key.friendlyName = request.form.get('FriendlyName') ?? key.friendlyName;
    return { status: 200, body: keyBody(key) };
  }
  if (request.method === 'DELETE') {
    world.keys.splice(world.keys.indexOf(key), 1);
    return { status: 204, body: null };
  }
  return undefined;
}

function applications(
  world: Parameters<ApiRoute>[0],
  request: ApiRequest,
  accountSid: string,
  sid: string | undefined,
): Answer | undefined {
  const apps = (world.applications ??= []);
  const mine = apps.filter((a) => a.accountSid === accountSid);
  if (sid === undefined) {
    if (request.method === 'GET') {
      const name = request.query.get('FriendlyName');
      return listPage(request, 'applications', mine.filter((a) => name === null || a.friendlyName === name).map(applicationBody));
    }
    if (request.method !== 'POST') return undefined;
    const app: StandInApplication = { sid: newSid('AP'), accountSid, friendlyName: '', voiceUrl: null };
    applyAppForm(app, request.form);
    apps.push(app);
    return { status: 201, body: applicationBody(app) };
  }
  const app = mine.find((a) => a.sid === sid);
  if (app === undefined) return undefined;
  if (request.method === 'GET') return { status: 200, body: applicationBody(app) };
  if (request.method === 'POST') {
    applyAppForm(app, request.form);
    return { status: 200, body: applicationBody(app) };
  }
  return undefined;
}

export const api: ApiRoute = (world, request, principal) => {
  const m = /^\/2010-04-01\/Accounts\/(AC[0-9a-f]{32})(?:\/(Applications|Keys)(?:\/([A-Z]{2}[0-9a-f]{32}))?)?\.json$/.exec(request.path);
  if (m === null) return undefined;
  const [, accountSid, collection, sid] = m as unknown as [string, string, string | undefined, string | undefined];
  if (!mayActOn(world, principal, accountSid)) return { status: 401, body: unauthorized };
  const account = world.accounts.find((a) => a.sid === accountSid);
  if (account === undefined) return undefined;
  if (collection === undefined || collection === 'Keys') {
    // Only the Auth Token and Main keys: Standard and Restricted keys get 401/20003 on /Accounts and /Keys.
    if (principal.type !== 'main') return { status: 401, body: unauthorized };
    if (collection === undefined) return request.method === 'GET' ? { status: 200, body: accountBody(account) } : undefined;
    return keys(world, request, accountSid, sid);
  }
  const permission = request.method === 'GET' ? 'read' : request.method === 'DELETE' ? 'delete' : sid === undefined ? 'create' : 'update';
  if (!restrictedAllows(principal, `/twilio/voice/applications/${permission}`)) return { status: 401, body: unauthorized };
  return applications(world, request, accountSid, sid);
};

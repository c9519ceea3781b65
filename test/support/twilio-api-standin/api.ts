/** api.twilio.com, 2010-04-01: Accounts, Applications (TwiML Apps) and Keys. */
import {
  mayActOn,
  notFound,
  RFC2822,
  restrictedAllows,
  unauthorized,
  type Answer,
  type ApiRoute,
  type StandInAccount,
  type StandInApplication,
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

export const api: ApiRoute = (world, request, principal) => {
  const path = request.path;
  const missing: Answer = { status: 404, body: notFound(path) };

  const m = /^\/2010-04-01\/Accounts\/(AC[0-9a-f]{32})(?:\/(Applications|Keys)(?:\/([A-Z]{2}[0-9a-f]{32}))?)?\.json$/.exec(path);
  if (m === null) return undefined;
  const [, accountSid, collection, sid] = m as unknown as [string, string, string | undefined, string | undefined];
  if (!mayActOn(world, principal, accountSid)) return { status: 401, body: unauthorized };
  const account = world.accounts.find((a) => a.sid === accountSid);
  if (account === undefined) return undefined;
  if (collection === undefined || collection === 'Keys') {
    // Standard and Restricted keys may not read /Accounts or /Keys.
    if (principal.type !== 'main') return { status: 401, body: unauthorized };
    if (collection === undefined) return { status: 200, body: accountBody(account) };
    const key = world.keys.find((k) => k.sid === sid && k.accountSid === accountSid);
    if (key === undefined) return undefined;
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

  return undefined;
};

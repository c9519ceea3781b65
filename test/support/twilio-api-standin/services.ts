/** conversations.twilio.com and sync.twilio.com v1: Services (and Conversations Credentials). */
import { ISO, restrictedAllows, unauthorized, type ApiRoute } from './world';

export const services: ApiRoute = (world, request, principal) => {
  const path = request.path;
  const product = request.host.split('.')[0];

  if (!restrictedAllows(principal, `/twilio/${product}/`)) return { status: 401, body: unauthorized };
  const host = `https://${product}.twilio.com`;
  const credential = /^\/v1\/Credentials\/(CR[0-9a-f]{32})$/.exec(path);
  if (product === 'conversations' && credential !== null) {
    const found = (world.credentials ?? []).find((c) => c.sid === credential[1] && c.accountSid === principal.accountSid);
    if (found === undefined) return undefined;
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
  if (service === null) return undefined;
  const pool = product === 'conversations' ? world.conversationsServices : world.syncServices;
  const found = (pool ?? []).find((s) => s.sid === service[1] && s.accountSid === principal.accountSid);
  if (found === undefined) return undefined;
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
};

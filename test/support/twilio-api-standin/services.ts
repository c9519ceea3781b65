/**
 * conversations.twilio.com and sync.twilio.com v1: Services (list, create, fetch) and
 * Conversations Credentials (fetch). v1 acts on the authenticated account.
 */
import { ISO, newSid, restrictedAllows, unauthorized, type ApiRoute, type StandInService, type StandInWorld } from './world';

function serviceBody(product: string, found: StandInService) {
  const url = `https://${product}.twilio.com/v1/Services/${found.sid}`;
  const common = {
    sid: found.sid,
    account_sid: found.accountSid,
    friendly_name: found.friendlyName,
    date_created: ISO,
    date_updated: ISO,
    url,
  };
  return product === 'conversations'
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
      };
}

const poolOf = (world: StandInWorld, product: string): StandInService[] =>
  product === 'conversations' ? (world.conversationsServices ??= []) : (world.syncServices ??= []);

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
  if (path === '/v1/Services') {
    const pool = poolOf(world, product!);
    if (request.method === 'GET') {
      const pageSize = Number(request.query.get('PageSize') ?? '50') || 50;
      const first = `${host}/v1/Services?PageSize=${pageSize}&Page=0`;
      return {
        status: 200,
        body: {
          services: pool
            .filter((s) => s.accountSid === principal.accountSid)
            .slice(0, pageSize)
            .map((s) => serviceBody(product!, s)),
          meta: {
            page: 0,
            page_size: pageSize,
            first_page_url: first,
            previous_page_url: null,
            url: first,
            next_page_url: null,
            key: 'services',
          },
        },
      };
    }
    if (request.method !== 'POST') return undefined;
    const friendlyName = request.form.get('FriendlyName');
    if (product === 'conversations' && (friendlyName === null || friendlyName === '')) {
      return {
        status: 400,
        body: {
          code: 20001,
          message: 'Missing required parameter FriendlyName in the post body',
          more_info: 'https://www.twilio.com/docs/errors/20001',
          status: 400,
        },
      };
    }
    const created: StandInService = { sid: newSid('IS'), accountSid: principal.accountSid, friendlyName: friendlyName ?? '' };
    pool.push(created);
    return { status: 201, body: serviceBody(product!, created) };
  }
  const service = /^\/v1\/Services\/(IS[0-9a-f]{32})$/.exec(path);
  if (service === null || request.method !== 'GET') return undefined;
  const found = poolOf(world, product!).find((s) => s.sid === service[1] && s.accountSid === principal.accountSid);
  if (found === undefined) return undefined;
  return { status: 200, body: serviceBody(product!, found) };
};

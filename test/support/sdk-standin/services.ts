/**
 * The REST services Conversations and Sync reach through twilsock: aim.<region> (Conversations:
 * its configuration and the user's conversation list) and cds.<region> (Sync: documents, maps,
 * subscriptions). Only what a client needs to start and open a document is answered.
 */
import type { Upstream } from './twilsock';

export const upstream: Upstream = (request, body, { identity, notify }) => {
  const base = `https://${request.host}`;
  if (request.host.startsWith('aim.')) {
    if (request.method === 'GET' && request.path === '/Client/v2/Configuration') {
      return {
        code: 200,
        body: {
          identity: identity ?? 'unknown',
          links: {
            my_conversations: `${base}/Client/v2/Users/Me/Conversations`,
            conversations: `${base}/Client/v2/Conversations`,
            users: `${base}/Client/v2/Users`,
            current_user: `${base}/Client/v2/Users/Me`,
            typing: `${base}/Client/v2/Services/Typing`,
            media_service: 'https://mcs.us1.twilio.com/v1/Services/IS0/Media',
            media_set_service: 'https://mcs.us1.twilio.com/v1/Services/IS0/MediaSet',
            messages_receipts: `${base}/Client/v2/Conversations/%s/Messages/%s/Receipts`,
          },
          options: {
            reachability_enabled: false,
            consumption_report_interval: 'PT5S',
            http_cache_interval: 'PT5S',
            user_infos_to_subscribe: 100,
            media_attachments_count_limit: 10,
          },
          // my_user_info null: the client does not open the user's Sync map.
          sync_objects: { my_user_info: null, my_conversations: 'MY_CONVERSATIONS' },
        },
      };
    }
    if (request.method === 'GET' && request.path === '/Client/v2/Users/Me/Conversations')
      return { code: 200, body: { conversations: [], meta: { next_token: null } } };
  }
  if (request.host.startsWith('cds.')) {
    const match = /^\/v3\/(Maps|Documents)\/([^/]+)$/.exec(request.path);
    if (request.method === 'GET' && match !== null) {
      const [, kind, id] = match as unknown as [string, string, string];
      const sid = (kind === 'Maps' ? 'MP' : 'ET') + id.padEnd(32, '0').slice(0, 32);
      return {
        code: 200,
        body: {
          sid,
          unique_name: id,
          url: `${base}/v3/${kind}/${sid}`,
          revision: '0',
          last_event_id: 0,
          date_updated: new Date().toISOString(),
          date_expires: null,
          data: {},
          items: [],
          links: { items: `${base}/v3/${kind}/${sid}/Items` },
        },
      };
    }
    if (request.method === 'POST' && request.path === '/v4/Subscriptions') {
      const subscription = (typeof body === 'string' ? JSON.parse(body) : body) as {
        action?: string;
        correlation_id?: unknown;
        requests?: { object_sid: string; object_type: string; last_event_id?: number }[];
      };
      if (subscription.action === 'establish') {
        setTimeout(
          () =>
            notify('twilio.sync.event', {
              event_type: 'subscription_established',
              correlation_id: subscription.correlation_id,
              events: (subscription.requests ?? []).map((r) => ({
                object_sid: r.object_sid,
                object_type: r.object_type,
                replay_status: 'completed',
                last_event_id: r.last_event_id ?? 0,
              })),
            }),
          50,
        );
      }
      return { code: 200, body: { estimated_delivery_in_ms: 60_000, max_batch_size: 100, ttl_in_s: -1 } };
    }
  }
  return undefined;
};

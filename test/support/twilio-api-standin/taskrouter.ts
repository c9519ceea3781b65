/** taskrouter.twilio.com v1: Workspaces. */
import { ISO, restrictedAllows, unauthorized, type ApiRoute } from './world';

export const taskrouter: ApiRoute = (world, request, principal) => {
  const path = request.path;
  if (!restrictedAllows(principal, '/twilio/taskrouter/')) return { status: 401, body: unauthorized };
  const workspace = /^\/v1\/Workspaces\/(WS[0-9a-f]{32})$/.exec(path);
  const found =
    workspace === null ? undefined : (world.workspaces ?? []).find((w) => w.sid === workspace[1] && w.accountSid === principal.accountSid);
  if (found === undefined) return undefined;
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
};

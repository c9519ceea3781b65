/** iam.twilio.com v1: API keys with their type (policy). */
import { RFC2822, unauthorized, type ApiRoute } from './world';

export const iam: ApiRoute = (world, request, principal) => {
  const path = request.path;
  const m = /^\/v1\/Keys\/(SK[0-9a-f]{32})$/.exec(path);
  if (m === null) return undefined;
  if (principal.type !== 'main') return { status: 401, body: unauthorized };
  const key = world.keys.find((k) => k.sid === m[1] && k.accountSid === principal.accountSid);
  if (key === undefined) return undefined;
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
};

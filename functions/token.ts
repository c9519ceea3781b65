/// <reference types="@twilio-labs/serverless-runtime-types" />
import type { ServerlessFunctionSignature } from '@twilio-labs/serverless-runtime-types/types';
import { handleToken } from '../lib/endpoints/token';
import { respond } from '../lib/http/result';

/**
 * GET/POST /token?identity=alice&grants=voice,video[&ttl=600][&room=r][&incomingAllow=false]
 * Answers {token, identity, grants, ttl, expiresAt} or {error: {code, message, field}}.
 */
export const handler: ServerlessFunctionSignature = (context, event, callback) => {
  respond(handleToken(context, event as Record<string, unknown>, { AccessToken: Twilio.jwt.AccessToken }), Twilio.Response, callback);
};

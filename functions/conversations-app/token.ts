/// <reference types="@twilio-labs/serverless-runtime-types" />
import type { ServerlessFunctionSignature } from '@twilio-labs/serverless-runtime-types/types';
import { handleConversationsAppToken } from '../../lib/endpoints/conversations-app';
import { respond } from '../../lib/http/result';

/**
 * GET /conversations-app/token?identity=alice&password=<passcode>: the token service of
 * twilio-conversations-demo-react (REACT_APP_ACCESS_TOKEN_SERVICE_URL). Answers the JWT itself
 * as text/plain (a chat grant for CHAT_SERVICE_SID), or one sentence as text/plain. See docs/apps.md.
 */
export const handler: ServerlessFunctionSignature = (context, event, callback) => {
  respond(
    handleConversationsAppToken(context, event as Record<string, unknown>, { AccessToken: Twilio.jwt.AccessToken }),
    Twilio.Response,
    callback,
  );
};

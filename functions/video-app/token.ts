/// <reference types="@twilio-labs/serverless-runtime-types" />
import type { ServerlessFunctionSignature } from '@twilio-labs/serverless-runtime-types/types';
import { handleVideoAppToken } from '../../lib/endpoints/video-app';
import { respond } from '../../lib/http/result';
import { REST_REQUEST_TIMEOUT_MS } from '../../lib/rest/call';

/**
 * POST /video-app/token: twilio-video-app-react's token endpoint (REACT_APP_TOKEN_ENDPOINT).
 * {user_identity, room_name, create_room, create_conversation, passcode} -> {token, room_type},
 * the room and its conversation created on the way; {room_sid, rules} -> the room's recording
 * rules updated. Errors: {error: {message, explanation, code}}. See docs/apps.md.
 */
export const handler: ServerlessFunctionSignature = (context, event, callback) => {
  respond(
    handleVideoAppToken(context, event as Record<string, unknown>, {
      AccessToken: Twilio.jwt.AccessToken,
      restClient: () => context.getTwilioClient({ timeout: REST_REQUEST_TIMEOUT_MS }),
    }),
    Twilio.Response,
    callback,
  );
};

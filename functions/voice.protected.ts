/// <reference types="@twilio-labs/serverless-runtime-types" />
import type { ServerlessFunctionSignature } from '@twilio-labs/serverless-runtime-types/types';
import { handleVoice } from '../lib/endpoints/voice';
import { respond } from '../lib/http/result';

/**
 * POST /voice (a form from Twilio): the Voice URL of the TwiML App in OUTGOING_SID. Answers the
 * TwiML of a Voice SDK's outgoing call to its `To`. Protected: the platform rejects a request
 * without a valid X-Twilio-Signature before this runs (the local server does not check it).
 */
export const handler: ServerlessFunctionSignature = (context, event, callback) => {
  respond(handleVoice(context, event as Record<string, unknown>), Twilio.Response, callback);
};

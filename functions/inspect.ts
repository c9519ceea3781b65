/// <reference types="@twilio-labs/serverless-runtime-types" />
import type { ServerlessFunctionSignature } from '@twilio-labs/serverless-runtime-types/types';
import { handleInspect } from '../lib/endpoints/inspect';
import { respond } from '../lib/http/result';

/**
 * POST /inspect {"token": "eyJ..."}
 * Answers the inspection report {valid, header, payload, signature, grants, times, findings, checkedAgainst}
 * judged against this deployment's configuration, or {error: {code, message, field}}.
 */
export const handler: ServerlessFunctionSignature = (context, event, callback) => {
  respond(handleInspect(context, event as Record<string, unknown>), Twilio.Response, callback);
};

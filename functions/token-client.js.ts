/// <reference types="@twilio-labs/serverless-runtime-types" />
import type { ServerlessFunctionSignature } from '@twilio-labs/serverless-runtime-types/types';
import script from 'virtual:token-client';
import { handleTokenClientScript } from '../lib/endpoints/token-client';
import { respond } from '../lib/http/result';

/**
 * GET /token-client.js: the browser token client as an ES module, for pages on this service's
 * origin and on ALLOWED_ORIGINS (the file is named token-client.js.ts so the path keeps `.js`).
 */
export const handler: ServerlessFunctionSignature = (context, event, callback) => {
  respond(handleTokenClientScript(context, event as Record<string, unknown>, script), Twilio.Response, callback);
};

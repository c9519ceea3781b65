/// <reference types="@twilio-labs/serverless-runtime-types" />
import type { ServerlessFunctionSignature } from '@twilio-labs/serverless-runtime-types/types';
import { handleProducts } from '../lib/endpoints/products';
import { toTwilioResponse } from '../lib/http/result';

/** GET /products: {products: [{grant, title, configured, needs?}]}, so a page offers what this deployment can mint. */
export const handler: ServerlessFunctionSignature = (context, event, callback) => {
  handleProducts(context, event as Record<string, unknown>)
    .then((result) => callback(null, toTwilioResponse(result, Twilio.Response)))
    .catch((error: unknown) => callback(error as Error));
};

/// <reference types="@twilio-labs/serverless-runtime-types" />
import type { ServerlessFunctionSignature } from '@twilio-labs/serverless-runtime-types/types';
import { handleProducts } from '../lib/endpoints/products';
import { respond } from '../lib/http/result';

/** GET /products: {products: [{grant, title, configured, needs?}]}, so a page offers what this deployment can mint. */
export const handler: ServerlessFunctionSignature = (context, event, callback) => {
  respond(handleProducts(context, event as Record<string, unknown>), Twilio.Response, callback);
};

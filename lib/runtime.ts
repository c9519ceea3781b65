import type { HttpResult } from './http';

/** The part of Twilio.Response we use; injected so this module needs no runtime global. */
export interface ResponseLike {
  setStatusCode(code: number): unknown;
  appendHeader(name: string, value: string): unknown;
  setBody(body: object | string): unknown;
}

export function toTwilioResponse<R extends ResponseLike>(result: HttpResult, ResponseClass: new () => R): R {
  const response = new ResponseClass();
  response.setStatusCode(result.status);
  const { headers } = result;
  for (const name of Object.keys(headers)) response.appendHeader(name, headers[name]!);
  // An object, not a JSON string: the runtime's serialize() stringifies application/json
  // bodies itself, so a string would arrive double-encoded.
  if (result.body !== undefined) response.setBody(result.body);
  return response;
}

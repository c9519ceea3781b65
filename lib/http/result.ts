/** What a function answers, free of any runtime class, and how it becomes a Twilio.Response. */
import type { ErrorBody } from '../errors';
import { own } from '../text';

export interface HttpResult {
  status: number;
  headers: Record<string, string>;
  /** An object for JSON answers; a string for anything else (the token client's JavaScript). */
  body?: object | string;
}

/** Request headers as the runtime hands them over: lower-case names, repeated headers as arrays. */
export type RequestHeaders = Record<string, string | string[] | undefined>;

/**
 * A header's value, or the first of a repeated one. Only strings count: the runtime merges the
 * JSON body (or a qs query such as `request[headers][origin][x]=1`) over `event.request`, so a
 * caller can put objects, numbers or null where headers belong (fuzzing found `origin: {}`
 * crashing the origin check into a 500).
 */
export function header(headers: RequestHeaders, name: string): string | undefined {
  const value = own(headers, name);
  const first: unknown = Array.isArray(value) ? value[0] : value;
  return typeof first === 'string' ? first : undefined;
}

/** The request headers of a runtime event: `event.request.headers`, or none when that is not an object. */
export function requestHeaders(event: Record<string, unknown>): RequestHeaders {
  const request = own(event, 'request');
  const headers = typeof request === 'object' && request !== null ? own(request, 'headers') : undefined;
  return typeof headers === 'object' && headers !== null ? (headers as RequestHeaders) : {};
}

/** On every answer: a browser must never read a JSON answer as HTML or script. */
export const NOSNIFF = { 'X-Content-Type-Options': 'nosniff' } as const;

export function jsonResult(status: number, body: object | ErrorBody, headers: Record<string, string>): HttpResult {
  return { status, headers: { ...headers, 'Content-Type': 'application/json', 'Cache-Control': 'no-store', ...NOSNIFF }, body };
}

/** The part of Twilio.Response we use; injected so this module needs no runtime global. */
export interface ResponseLike {
  setStatusCode(code: number): unknown;
  appendHeader(name: string, value: string): unknown;
  setBody(body: object | string): unknown;
}

export function toTwilioResponse<R extends ResponseLike>(result: HttpResult, ResponseClass: new () => R): R {
  const response = new ResponseClass();
  response.setStatusCode(result.status);
  for (const [name, value] of Object.entries(result.headers)) response.appendHeader(name, value);
  // An object, not a JSON string: the runtime's serialize() stringifies application/json
  // bodies itself, so a string would arrive double-encoded.
  if (result.body !== undefined) response.setBody(result.body);
  return response;
}

/**
 * Hands an answer to the runtime's callback: at once when it is ready (a function that waits for
 * nothing answers in the same turn, which the runtime serves cheaper), else when it is.
 */
export function respond<R extends ResponseLike>(
  result: HttpResult | Promise<HttpResult>,
  ResponseClass: new () => R,
  callback: (error: Error | null, response?: R) => void,
): void {
  if (!(result instanceof Promise)) {
    callback(null, toTwilioResponse(result, ResponseClass));
    return;
  }
  result.then(
    (ready) => callback(null, toTwilioResponse(ready, ResponseClass)),
    (error: unknown) => callback(error instanceof Error ? error : new Error(String(error))),
  );
}

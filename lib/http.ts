import type { ErrorBody } from './errors';
import type { OriginPolicy } from './config';
import { isLocalHost } from './origins';

/** What an endpoint answers, free of any runtime class; functions turn it into a Twilio.Response. */
export interface HttpResult {
  status: number;
  headers: Record<string, string>;
  body?: object;
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
  const value: unknown = Object.prototype.hasOwnProperty.call(headers, name) ? headers[name] : undefined;
  const first: unknown = Array.isArray(value) ? value[0] : value;
  return typeof first === 'string' ? first : undefined;
}

export interface CorsSettings {
  allowedOrigins: OriginPolicy;
  domainName?: string;
}

/**
 * Whether a browser at `origin` may read our answers. The service's own page always may: its
 * origin is https://DOMAIN_NAME (http:// for a local server), or whatever host the browser
 * addressed (a browser always sends the real Host, so Origin host == Host means same-origin).
 */
export function isOriginAllowed(origin: string, settings: CorsSettings, host?: string): boolean {
  if (settings.allowedOrigins.anyOrigin) return true;
  if (settings.allowedOrigins.origins.has(origin)) return true;
  const match = /^(https?):\/\/([^/]+)$/.exec(origin);
  if (match === null) return false;
  const [, scheme, originHost] = match as unknown as [string, string, string];
  const secureOrLocal = scheme === 'https' || isLocalHost(originHost);
  if (!secureOrLocal) return false;
  const own = [settings.domainName, host].filter((h): h is string => typeof h === 'string' && h !== '');
  return own.some((h) => h.toLowerCase() === originHost.toLowerCase());
}

/**
 * CORS headers for an allowed origin: echoed, never `*`, so Authorization headers work and
 * caches keep one answer per origin (Vary). Deployed Functions answer preflight themselves, so
 * these matter on the real GET/POST, on errors as much as on success.
 */
export function corsHeadersFor(origin: string | undefined, allowed: boolean): Record<string, string> {
  const headers: Record<string, string> = { Vary: 'Origin' };
  if (origin !== undefined && allowed) {
    headers['Access-Control-Allow-Origin'] = origin;
    headers['Access-Control-Allow-Methods'] = 'GET, POST, OPTIONS';
    headers['Access-Control-Allow-Headers'] = 'Authorization, Content-Type';
    headers['Access-Control-Expose-Headers'] = 'WWW-Authenticate';
    headers['Access-Control-Max-Age'] = '600';
  }
  return headers;
}

export function jsonResult(status: number, body: object | ErrorBody, headers: Record<string, string>): HttpResult {
  // Copied name by name: `{ ...headers, 'Content-Type': ... }` (a spread followed by more
  // properties) falls off V8's fast object-clone path and costs ~1.4 us per call on Node 20.
  const all: Record<string, string> = {};
  for (const name of Object.keys(headers)) all[name] = headers[name]!;
  all['Content-Type'] = 'application/json';
  all['Cache-Control'] = 'no-store';
  return { status, headers: all, body };
}

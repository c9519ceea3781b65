/**
 * The browser origin policy, as one step every answer goes through (the functions' pipeline,
 * /token-client.js and the local server's own refusals): which pages may read the service's
 * answers, the CORS headers that say so, and the refusal for the others.
 */
import { isLocalHost, isWellFormedOrigin } from '../config/origins';
import type { CorsSettings } from '../config/service';
import { ServiceError } from '../errors';
import { header, type RequestHeaders } from './result';

/** The names a local server answers on; its pages may come from any of them. */
const LOOPBACK_NAMES = ['localhost', '127.0.0.1', '[::1]'];

/**
 * The origins of the service's own pages, from configuration only: https://DOMAIN_NAME, or for
 * a local server (a local DOMAIN_NAME) its port on each loopback name. Never from a request
 * header: the runtime lets a query or body replace `event.request`, so a page anywhere could
 * claim any Host (and deployed Functions are not given Host at all).
 */
export function ownOrigins(domainName: string | undefined): string[] {
  if (domainName === undefined || domainName === '') return [];
  const host = domainName.toLowerCase();
  if (!isLocalHost(host)) return [`https://${host}`];
  const port = /:\d+$/.exec(host)?.[0] ?? '';
  return [...new Set([`http://${host}`, ...LOOPBACK_NAMES.map((name) => `http://${name}${port}`)])];
}

/**
 * Whether a browser at `origin` may read our answers: the service's own pages, the origins in
 * ALLOWED_ORIGINS, or any origin with `*`. The header is untrusted text: anything that is not
 * a serialized origin (CR/LF, NUL, non-ASCII, a path) is refused, even with `*` (only the
 * opaque `null` of sandboxed pages is let through there).
 */
export function isOriginAllowed(origin: string, settings: CorsSettings): boolean {
  if (!isWellFormedOrigin(origin)) return origin === 'null' && settings.allowedOrigins.anyOrigin;
  if (settings.allowedOrigins.anyOrigin) return true;
  return settings.allowedOrigins.origins.has(origin) || ownOrigins(settings.domainName).includes(origin);
}

/**
 * CORS headers for an allowed origin: echoed, never `*`, so Authorization headers work and
 * caches keep one answer per origin (Vary). Deployed Functions answer preflight themselves, so
 * these matter on the real GET/POST, on errors as much as on success.
 */
export function corsHeadersFor(origin: string | undefined, allowed: boolean): Record<string, string> {
  if (origin === undefined || !allowed) return { Vary: 'Origin' };
  return { Vary: 'Origin', 'Access-Control-Allow-Origin': origin, 'Access-Control-Expose-Headers': 'WWW-Authenticate' };
}

/** What a preflight answer adds: the methods and headers a page may use, cached 10 minutes. */
export const PREFLIGHT_HEADERS = {
  'Access-Control-Allow-Methods': 'GET, POST, OPTIONS',
  'Access-Control-Allow-Headers': 'Authorization, Content-Type',
  'Access-Control-Max-Age': '600',
} as const;

/**
 * The 403 for an Origin outside the policy: names the fix for a real origin (on a local server,
 * the flag that allows it for one run), says less for a forged one.
 */
export function originRefusal(origin: string, settings: CorsSettings): ServiceError {
  const shown = JSON.stringify(origin.slice(0, 200));
  const local = settings.domainName !== undefined && isLocalHost(settings.domainName);
  const flag =
    local && isWellFormedOrigin(origin) ? ` Locally, npm start -- --allow-origin ${origin} allows it until the server stops.` : '';
  return isWellFormedOrigin(origin) || origin === 'null'
    ? new ServiceError(
        'origin_not_allowed',
        `The origin ${shown} may not call this service; add it to ALLOWED_ORIGINS, a comma list of exact origins as the browser sends them (scheme://host[:port], e.g. https://app.example.com or http://localhost:5173).${flag}`,
        'Origin',
      )
    : new ServiceError(
        'origin_not_allowed',
        `The Origin header ${shown} is not a browser origin (scheme://host[:port]); this request is refused.`,
        'Origin',
      );
}

/** The policy's verdict on one request. */
export interface CorsVerdict {
  origin?: string;
  /** The headers every answer to this request carries (Vary, and the allow headers when allowed). */
  headers: Record<string, string>;
  /** Set when the origin is refused: the 403 to answer. */
  refusal?: ServiceError;
  /** A preflight (Access-Control-Request-Method): answered 204 when allowed. */
  preflight: boolean;
}

/** The CORS step: the request's Origin judged against the settings. */
export function applyCors(requestHeaders: RequestHeaders, settings: CorsSettings): CorsVerdict {
  const origin = header(requestHeaders, 'origin');
  const preflight = header(requestHeaders, 'access-control-request-method') !== undefined;
  if (origin === undefined) return { headers: { Vary: 'Origin' }, preflight };
  const allowed = isOriginAllowed(origin, settings);
  return { origin, headers: corsHeadersFor(origin, allowed), preflight, ...(allowed ? {} : { refusal: originRefusal(origin, settings) }) };
}

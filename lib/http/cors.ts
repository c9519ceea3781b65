/** The browser origin policy: which pages may read the service's answers, and the CORS headers that say so. */
import { isLocalHost, isWellFormedOrigin } from '../config/origins';
import type { CorsSettings } from '../config/service';

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

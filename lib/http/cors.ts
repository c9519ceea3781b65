/** The browser origin policy: which pages may read the service's answers, and the CORS headers that say so. */
import { isLocalHost } from '../config/origins';
import type { CorsSettings } from '../config/service';

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

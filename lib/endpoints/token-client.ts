/**
 * `/token-client.js`: the browser token client (lib/token-client, bundled by the build) as an ES
 * module that pages may import(). A cross-origin module import is a CORS request, and Twilio's
 * asset hosting sends no CORS headers, so a Function serves it, through the same pipeline and
 * origin policy as /token: the service's own pages and ALLOWED_ORIGINS. It is code, not a
 * credential: no caller auth, served whatever the configuration, cacheable (Vary: Origin keeps
 * one copy per origin), revalidated by ETag.
 */
import type { ConfigVars } from '../config/schema';
import { header, requestHeaders, type HttpResult } from '../http/result';
import { RawAnswer, runEndpoint, type EndpointDeps, type MaybePromise } from './pipeline';

export interface ScriptSource {
  /** The bundled ES module. */
  code: string;
  /** A strong ETag of `code` (quoted), computed at build time. */
  etag: string;
}

/** Five minutes: a deploy reaches browsers soon; revalidation costs a 304. */
export const SCRIPT_CACHE_CONTROL = 'public, max-age=300, must-revalidate';

function scriptAnswer(event: Record<string, unknown>, script: ScriptSource): RawAnswer {
  const common = { 'Cache-Control': SCRIPT_CACHE_CONTROL, ETag: script.etag };
  const known = header(requestHeaders(event), 'if-none-match');
  if (known !== undefined && known.split(',').some((tag) => tag.trim().replace(/^W\//, '') === script.etag)) {
    return new RawAnswer({ status: 304, headers: common }, 'not_modified');
  }
  return new RawAnswer({ status: 200, headers: { ...common, 'Content-Type': 'text/javascript; charset=utf-8' }, body: script.code });
}

export function handleTokenClientScript(
  vars: ConfigVars,
  event: Record<string, unknown>,
  script: ScriptSource,
  deps: EndpointDeps = {},
): MaybePromise<HttpResult> {
  return runEndpoint(
    {
      path: '/token-client.js',
      params: [],
      authenticate: false,
      requiresConfig: false,
      handle: ({ event: request }) => scriptAnswer(request, script),
    },
    vars,
    event,
    deps,
  );
}

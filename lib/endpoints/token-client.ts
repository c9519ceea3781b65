/**
 * `/token-client.js`: the browser token client (lib/token-client, bundled by the build) as an ES
 * module that pages may import(). A cross-origin module import is a CORS request, and Twilio's
 * asset hosting sends no CORS headers, so a Function serves it, with /token's origin policy: the
 * service's own pages and ALLOWED_ORIGINS. It is code, not a credential: no caller auth, cacheable
 * (Vary: Origin keeps one copy per origin), revalidated by ETag.
 */
import type { ConfigVars } from '../config/schema';
import { readCorsSettings } from '../config/service';
import { corsHeadersFor, isOriginAllowed } from '../http/cors';
import { header, jsonResult, NOSNIFF, requestHeaders, type HttpResult } from '../http/result';
import { requestLogLine } from './log';
import { originRefusal, type EndpointDeps } from './pipeline';

export interface ScriptSource {
  /** The bundled ES module. */
  code: string;
  /** A strong ETag of `code` (quoted), computed at build time. */
  etag: string;
}

/** Five minutes: a deploy reaches browsers soon; revalidation costs a 304. */
export const SCRIPT_CACHE_CONTROL = 'public, max-age=300, must-revalidate';

function answer(vars: ConfigVars, event: Record<string, unknown>, script: ScriptSource): { result: HttpResult; outcome: string } {
  const headers = requestHeaders(event);
  const origin = header(headers, 'origin');
  const allowed = origin === undefined || isOriginAllowed(origin, readCorsSettings(vars));
  const cors = corsHeadersFor(origin, allowed);
  if (!allowed) {
    const error = originRefusal(origin);
    return { result: jsonResult(error.status, error.toBody(), cors), outcome: error.code };
  }
  const common = { ...cors, 'Cache-Control': SCRIPT_CACHE_CONTROL, ETag: script.etag, ...NOSNIFF };
  const known = header(headers, 'if-none-match');
  if (known !== undefined && known.split(',').some((tag) => tag.trim().replace(/^W\//, '') === script.etag)) {
    return { result: { status: 304, headers: common }, outcome: 'not_modified' };
  }
  return {
    result: { status: 200, headers: { ...common, 'Content-Type': 'text/javascript; charset=utf-8' }, body: script.code },
    outcome: 'ok',
  };
}

export function handleTokenClientScript(
  vars: ConfigVars,
  event: Record<string, unknown>,
  script: ScriptSource,
  deps: EndpointDeps = {},
): HttpResult {
  const now = deps.now ?? Date.now;
  const started = now();
  const { result, outcome } = answer(vars, event, script);
  const origin = header(requestHeaders(event), 'origin');
  try {
    (deps.log ?? console.log)(
      requestLogLine({ started, path: '/token-client.js', status: result.status, outcome, origin, ms: now() - started }),
    );
  } catch {
    // A failing logger must not fail the request.
  }
  return result;
}

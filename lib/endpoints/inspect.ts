/**
 * `/inspect`: {token: <anything pasted>} -> the report of the token(s) found in it, judged
 * against this deployment's own account, key, secret and SIDs. The token itself is never logged:
 * only its alg, the verdict, the finding codes and how many were found, which is enough to see
 * patterns without holding a live credential.
 */
import type { ConfigVars } from '../config/schema';
import { badRequest } from '../errors';
import type { HttpResult } from '../http/result';
import { expectationsFromConfig, inspectText } from '../inspect';
import { param } from '../token/request';
import { isHmacAlgorithm } from '../twilio';
import { runEndpoint, type EndpointDeps, type EndpointInput, type MaybePromise } from './pipeline';

/** A HAR of a short session fits; a long one is read by the page or the CLI, which keep it on the machine. */
export const MAX_PASTE_CHARS = 256 * 1024;

async function inspect({ config, event, log }: EndpointInput, now: () => number): Promise<object> {
  const raw = param(event, 'token');
  if (raw === undefined || raw === null || (typeof raw === 'string' && raw.trim() === '')) {
    throw badRequest(
      'missing_token',
      'token',
      'token is required: POST a JSON body {"token": "<the Access Token, or any text holding it>"}.',
    );
  }
  if (typeof raw !== 'string') {
    const got = Array.isArray(raw) ? 'a list (was token sent more than once?)' : `a ${typeof raw}`;
    throw badRequest('invalid_token', 'token', `token must be a single string (the JWT, or text holding it), got ${got}.`);
  }
  if (raw.length > MAX_PASTE_CHARS) {
    throw badRequest(
      'invalid_token',
      'token',
      `token is ${raw.length} characters; this endpoint reads up to ${MAX_PASTE_CHARS} (256 KB). For a bigger HAR file use the page's file picker or npm run inspect -- --file, which read it on your machine.`,
    );
  }
  const report = await inspectText(raw, { expect: expectationsFromConfig(config), now: now() });
  const alg = 'header' in report ? report.header?.alg : undefined;
  log.alg = isHmacAlgorithm(alg) || alg === 'none' ? alg : alg === undefined ? 'absent' : 'other';
  log.found = report.found;
  log.valid = report.valid;
  if ('signature' in report) log.signature = report.signature;
  log.findings = report.findings.map((f) => String(f.code));
  return report;
}

export function handleInspect(vars: ConfigVars, event: Record<string, unknown>, deps: EndpointDeps = {}): MaybePromise<HttpResult> {
  const now = deps.now ?? Date.now;
  return runEndpoint({ path: '/inspect', params: ['token'], handle: (input) => inspect(input, now) }, vars, event, deps);
}

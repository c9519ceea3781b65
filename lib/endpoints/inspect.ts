/**
 * `/inspect`: {token} -> the inspection report, judged against this deployment's own account,
 * key, secret and SIDs. The token itself is never logged: only its alg, the verdict and the
 * finding codes, which is enough to see patterns without holding a live credential.
 */
import type { ConfigVars } from '../config/schema';
import { badRequest } from '../errors';
import type { HttpResult } from '../http/result';
import { expectationsFromConfig, inspectToken, MAX_TOKEN_CHARS } from '../inspect';
import { param } from '../token/request';
import { isHmacAlgorithm } from '../twilio';
import { runEndpoint, type EndpointDeps, type EndpointInput } from './pipeline';

async function inspect({ config, event, log }: EndpointInput, now: () => number): Promise<object> {
  const raw = param(event, 'token');
  if (raw === undefined || raw === null || (typeof raw === 'string' && raw.trim() === '')) {
    throw badRequest('missing_token', 'token', 'token is required: POST a JSON body {"token": "<the Access Token>"}.');
  }
  if (typeof raw !== 'string') {
    const got = Array.isArray(raw) ? 'a list (was token sent more than once?)' : `a ${typeof raw}`;
    throw badRequest('invalid_token', 'token', `token must be a single string (the JWT), got ${got}.`);
  }
  if (raw.length > MAX_TOKEN_CHARS) {
    throw badRequest(
      'invalid_token',
      'token',
      `token is ${raw.length} characters; an Access Token is at most a few thousand, and this endpoint accepts up to ${MAX_TOKEN_CHARS}.`,
    );
  }
  const report = await inspectToken(raw, { expect: expectationsFromConfig(config), now: now() });
  const alg = report.header?.alg;
  log.alg = isHmacAlgorithm(alg) || alg === 'none' ? alg : alg === undefined ? 'absent' : 'other';
  log.valid = report.valid;
  log.signature = report.signature;
  log.findings = report.findings.map((f) => String(f.code));
  return report;
}

export function handleInspect(vars: ConfigVars, event: Record<string, unknown>, deps: EndpointDeps = {}): Promise<HttpResult> {
  const now = deps.now ?? Date.now;
  return runEndpoint({ path: '/inspect', params: ['token'], handle: (input) => inspect(input, now) }, vars, event, deps);
}

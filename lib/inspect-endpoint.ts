import type { ConfigVars } from './config';
import { runEndpoint, type Endpoint, type EndpointDeps } from './endpoint';
import { badRequest } from './errors';
import type { HttpResult } from './http';
import { expectationsFromConfig, inspectToken, MAX_TOKEN_CHARS } from './inspect';
import { HMAC_ALGORITHMS } from './inspect/claims';
import { param } from './request';

/**
 * `/inspect`: {token} -> the inspection report, judged against this deployment's own account,
 * key, secret and SIDs. The token itself is never logged: only its alg, the verdict and the
 * finding codes, which is enough to see patterns without holding a live credential.
 */
export function inspectEndpoint(now: () => number = Date.now): Endpoint {
  return {
    path: '/inspect',
    async handle({ config, event, log }) {
      const raw = param(event, 'token');
      if (raw === undefined || raw === null || (typeof raw === 'string' && raw.trim() === '')) {
        throw badRequest('missing_token', 'token', 'token is required: POST a JSON body {"token": "<the Access Token>"}.');
      }
      if (typeof raw !== 'string') {
        const got = Array.isArray(raw) ? 'a list (was token sent more than once?)' : `a ${typeof raw}`;
        throw badRequest('invalid_token', 'token', `token must be a single string (the JWT), got ${got}.`);
      }
      if (raw.length > MAX_TOKEN_CHARS) {
        throw badRequest('invalid_token', 'token', `token is ${raw.length} characters; an Access Token is at most a few thousand, and this endpoint accepts up to ${MAX_TOKEN_CHARS}.`);
      }
      const report = await inspectToken(raw, { expect: expectationsFromConfig(config), now: now() });
      const alg = report.header?.alg;
      log.alg = typeof alg === 'string' && (HMAC_ALGORITHMS.includes(alg) || alg === 'none') ? alg : alg === undefined ? 'absent' : 'other';
      log.valid = report.valid;
      log.signature = report.signature;
      log.findings = report.findings.map((f) => String(f.code));
      return { status: 200, body: report };
    },
  };
}

export function handleInspect(vars: ConfigVars, event: Record<string, unknown>, deps: EndpointDeps = {}): Promise<HttpResult> {
  return runEndpoint(inspectEndpoint(deps.now), vars, event, deps);
}

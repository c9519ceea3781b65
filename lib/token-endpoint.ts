import type { ConfigVars } from './config';
import { runEndpoint, type Endpoint, type EndpointDeps } from './endpoint';
import type { AccessTokenClass } from './grants';
import type { HttpResult } from './http';
import { mintToken } from './mint';
import { param, parseTokenRequest } from './request';

/** `/token`: event -> typed request -> grants -> signed token, as JSON. */
export function tokenEndpoint(AccessToken?: AccessTokenClass): Endpoint {
  return {
    path: '/token',
    handle({ config, event, log }) {
      const identityParam = param(event, 'identity');
      if (typeof identityParam === 'string') log.identity = identityParam;
      const request = parseTokenRequest(event, config.maxTtl);
      log.grants = request.grants;
      const minted = mintToken(request, config, AccessToken);
      log.ttl = minted.ttl;
      return { status: 200, body: minted };
    },
  };
}

export interface TokenDeps extends EndpointDeps {
  AccessToken?: AccessTokenClass;
}

export function handleToken(vars: ConfigVars, event: Record<string, unknown>, deps: TokenDeps = {}): Promise<HttpResult> {
  return runEndpoint(tokenEndpoint(deps.AccessToken), vars, event, deps);
}

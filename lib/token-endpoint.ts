import type { ConfigVars } from './config';
import { ServiceError } from './errors';
import type { Caller } from './auth';
import { runEndpoint, type Endpoint, type EndpointDeps } from './endpoint';
import type { AccessTokenClass } from './grants';
import type { HttpResult } from './http';
import { mintToken } from './mint';
import { param, parseTokenRequest, type TokenRequest } from './request';

/** The caller's verified identity replaces the param; its rule failures say where the identity came from. */
function parseRequestFor(caller: Caller, event: Record<string, unknown>, maxTtl: number): TokenRequest {
  try {
    return parseTokenRequest(event, maxTtl, caller.identity);
  } catch (error) {
    if (caller.identity !== undefined && error instanceof ServiceError && error.field === 'identity') {
      throw new ServiceError(error.status, error.code, `The identity from your sign-in token cannot be used: ${error.message}`, error.field);
    }
    throw error;
  }
}

/** `/token`: event -> typed request -> grants -> signed token, as JSON. */
export function tokenEndpoint(AccessToken?: AccessTokenClass): Endpoint {
  return {
    path: '/token',
    handle({ config, event, log, caller }) {
      const identityParam = param(event, 'identity');
      if (typeof identityParam === 'string') log.identity = identityParam;
      if (caller.identity !== undefined) {
        log.identity = caller.identity;
        // The verified claim is the identity; a different param is someone asking for another user's token.
        if (identityParam !== undefined && identityParam !== '' && identityParam !== caller.identity) {
          throw new ServiceError(403, 'identity_mismatch', 'identity differs from the user your sign-in token was issued for; omit identity or send the same one.', 'identity');
        }
      }
      const request = parseRequestFor(caller, event, config.maxTtl);
      log.grants = request.grants;
      if (caller.allowedGrants !== undefined) {
        const allowed = caller.allowedGrants;
        const refused = request.grants.filter((grant) => !allowed.includes(grant));
        if (refused.length > 0) {
          const may = allowed.length === 0 ? 'no grants' : allowed.join(', ');
          throw new ServiceError(403, 'grant_not_allowed', `Your sign-in token does not allow the ${refused.join(', ')} grant${refused.length > 1 ? 's' : ''} (its twilio_grants claim allows ${may}).`, 'grants');
        }
      }
      const minted = mintToken(request, config, AccessToken);
      log.ttl = minted.ttl;
      return { status: 200, body: minted };
    },
  };
}

export interface TokenDeps extends EndpointDeps {
  AccessToken?: AccessTokenClass;
}

/** One endpoint object per AccessToken class, not one per request. */
const endpoints = new Map<AccessTokenClass | undefined, Endpoint>();

export function handleToken(vars: ConfigVars, event: Record<string, unknown>, deps: TokenDeps = {}): Promise<HttpResult> {
  let endpoint = endpoints.get(deps.AccessToken);
  if (endpoint === undefined) {
    endpoint = tokenEndpoint(deps.AccessToken);
    endpoints.set(deps.AccessToken, endpoint);
  }
  return runEndpoint(endpoint, vars, event, deps);
}

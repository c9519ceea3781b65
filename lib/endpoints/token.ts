/** `/token`: event -> typed request -> grants -> signed token, as JSON. */
import type { Caller } from '../auth';
import type { ConfigVars } from '../config/schema';
import type { ServiceConfig } from '../config/service';
import { ServiceError } from '../errors';
import type { HttpResult } from '../http/result';
import type { AccessTokenClass } from '../token/grants';
import { mintToken, type MintedToken } from '../token/mint';
import { param, parseTokenRequest, TOKEN_PARAMS, type TokenRequest } from '../token/request';
import { runEndpoint, type EndpointDeps, type EndpointInput, type MaybePromise } from './pipeline';

/** The caller's verified identity replaces the param; its rule failures say where the identity came from. */
function parseRequestFor(caller: Caller, event: Record<string, unknown>, config: ServiceConfig): TokenRequest {
  try {
    return parseTokenRequest(event, config, caller);
  } catch (error) {
    if (caller.identity !== undefined && error instanceof ServiceError && error.field === 'identity') {
      throw new ServiceError(error.code, `The identity from your sign-in token cannot be used: ${error.message}`, error.field);
    }
    throw error;
  }
}

function mint({ config, event, log, caller }: EndpointInput, AccessToken: AccessTokenClass | undefined): MintedToken {
  const identityParam = param(event, 'identity');
  if (typeof identityParam === 'string') log.identity = identityParam;
  if (caller.identity !== undefined) {
    log.identity = caller.identity;
    // The verified claim is the identity; a different param is someone asking for another user's token.
    if (identityParam !== undefined && identityParam !== '' && identityParam !== caller.identity) {
      throw new ServiceError(
        'identity_mismatch',
        'identity differs from the user your sign-in token was issued for; omit identity or send the same one.',
        'identity',
      );
    }
  }
  const request = parseRequestFor(caller, event, config);
  log.grants = request.grants;
  if (caller.allowedGrants !== undefined) {
    const allowed = caller.allowedGrants;
    const refused = request.grants.filter((grant) => !allowed.includes(grant));
    if (refused.length > 0) {
      const may = allowed.length === 0 ? 'no grants' : allowed.join(', ');
      throw new ServiceError(
        'grant_not_allowed',
        `Your sign-in token does not allow the ${refused.join(', ')} grant${refused.length > 1 ? 's' : ''} (its twilio_grants claim allows ${may}).`,
        'grants',
      );
    }
  }
  const minted = mintToken(request, config, AccessToken);
  log.ttl = minted.ttl;
  return minted;
}

export interface TokenDeps extends EndpointDeps {
  /** The runtime's `Twilio.jwt.AccessToken`; twilio's own module when absent. */
  AccessToken?: AccessTokenClass;
}

export function handleToken(vars: ConfigVars, event: Record<string, unknown>, deps: TokenDeps = {}): MaybePromise<HttpResult> {
  return runEndpoint({ path: '/token', params: TOKEN_PARAMS, handle: (input) => mint(input, deps.AccessToken) }, vars, event, deps);
}

import type { AuthConfig } from '../config/auth';
import type { ServiceConfig } from '../config/service';
import type { RequestHeaders } from '../http/result';
import type { Caller } from '../products';
import { credentialReader, passcodeMatches, unauthorized, type CredentialReader } from './credentials';
import { verifyCallerJwt, type JwtDeps } from './jwt';

export type { JwtDeps as AuthDeps } from './jwt';
export { credentialReader, unauthorized, type CredentialReader } from './credentials';
export type { Caller } from '../products';

/** Where /token's callers put their credential: Authorization: Bearer, or a passcode parameter. */
const BEARER_OR_PASSCODE = credentialReader();

/**
 * Establishes the caller under the configured AUTH_MODE (lib/config/auth reads it) or throws a
 * ServiceError: 401 unauthorized (missing or invalid credential), 503 auth_unavailable (JWKS
 * unreachable). Synchronous unless a JWT must be verified (jose, perhaps a key set fetched):
 * a request that waits for nothing is answered in the same turn.
 */
export function authenticateCaller(
  auth: AuthConfig,
  config: Pick<ServiceConfig, 'apiKey'>,
  headers: RequestHeaders,
  event: Record<string, unknown>,
  deps: JwtDeps = {},
  readCredential: CredentialReader = BEARER_OR_PASSCODE,
): Caller | Promise<Caller> {
  if (auth.mode === 'none') return { mode: 'none' };
  const presented = readCredential(headers, event, auth.mode);
  if ('missing' in presented) throw unauthorized(presented.missing);
  if (auth.mode === 'passcode') {
    if (!passcodeMatches(presented.credential, auth.passcode)) throw unauthorized('The passcode is wrong.');
    return { mode: 'passcode' };
  }
  return verifyCallerJwt(presented.credential, auth, { apiKey: config.apiKey }, deps).then((verified) => {
    const caller: Caller = { mode: 'jwt', identity: verified.identity, claims: verified.claims };
    if (verified.allowedGrants !== undefined) caller.allowedGrants = verified.allowedGrants;
    return caller;
  });
}

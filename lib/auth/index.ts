import type { AuthConfig } from '../config/auth';
import type { ServiceConfig } from '../config/service';
import type { RequestHeaders } from '../http/result';
import type { Caller } from '../products';
import { own } from '../text';
import { passcodeMatches, readBearer, unauthorized } from './credentials';
import { verifyCallerJwt, type JwtDeps } from './jwt';

export type { JwtDeps as AuthDeps } from './jwt';
export type { Caller } from '../products';

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
): Caller | Promise<Caller> {
  if (auth.mode === 'none') return { mode: 'none' };

  const bearer = readBearer(headers);
  if (auth.mode === 'passcode') {
    let presented: string | undefined;
    if (bearer.kind === 'bearer') {
      presented = bearer.credential;
    } else {
      const fromParam = own(event, 'passcode');
      if (fromParam !== undefined && fromParam !== '' && typeof fromParam !== 'string') {
        throw unauthorized('The passcode parameter must be a single string.');
      }
      presented = fromParam === '' ? undefined : fromParam;
    }
    if (presented === undefined) {
      throw unauthorized(
        'This service needs a passcode: send Authorization: Bearer <passcode> (or a passcode parameter in the POST body).',
      );
    }
    if (!passcodeMatches(presented, auth.passcode)) throw unauthorized('The passcode is wrong.');
    return { mode: 'passcode' };
  }

  if (bearer.kind === 'absent') {
    throw unauthorized("This service needs a sign-in token: send Authorization: Bearer <your app's JWT for this user>.");
  }
  return verifyCallerJwt(bearer.credential, auth, { apiKey: config.apiKey }, deps).then((verified) => {
    const caller: Caller = { mode: 'jwt', identity: verified.identity, claims: verified.claims };
    if (verified.allowedGrants !== undefined) caller.allowedGrants = verified.allowedGrants;
    return caller;
  });
}

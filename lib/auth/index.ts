import { loadAuthConfig } from '../config/auth';
import type { ConfigVars } from '../config/schema';
import type { ServiceConfig } from '../config/service';
import type { RequestHeaders } from '../http/result';
import { param } from '../token/request';
import type { GrantName } from '../twilio';
import { passcodeMatches, readBearer, unauthorized } from './credentials';
import { verifyCallerJwt, type JwtDeps } from './jwt';

export type { JwtDeps as AuthDeps } from './jwt';

/** Who is calling, as far as the configured AUTH_MODE could establish it. */
export interface Caller {
  mode: 'none' | 'passcode' | 'jwt';
  /** In jwt mode: the verified identity claim. */
  identity?: string;
  /** In jwt mode, when the caller's JWT carries a twilio_grants claim: the grants it may request. */
  allowedGrants?: GrantName[];
}

/**
 * Establishes the caller or throws a ServiceError: 500 config_error (AUTH_* variables),
 * 401 unauthorized (missing or invalid credential), 503 auth_unavailable (JWKS unreachable).
 */
export async function authenticateCaller(
  vars: ConfigVars,
  config: ServiceConfig,
  headers: RequestHeaders,
  event: Record<string, unknown>,
  deps: JwtDeps = {},
): Promise<Caller> {
  const auth = loadAuthConfig(vars, config);
  if (auth.mode === 'none') return { mode: 'none' };

  const bearer = readBearer(headers);
  if (auth.mode === 'passcode') {
    let presented: string | undefined;
    if (bearer.kind === 'bearer') {
      presented = bearer.credential;
    } else {
      const fromParam = param(event, 'passcode');
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
  const verified = await verifyCallerJwt(bearer.credential, auth, { apiKey: config.apiKey }, deps);
  const caller: Caller = { mode: 'jwt', identity: verified.identity };
  if (verified.allowedGrants !== undefined) caller.allowedGrants = verified.allowedGrants;
  return caller;
}

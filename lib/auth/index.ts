import type { ConfigVars, ServiceConfig } from '../config';
import type { RequestHeaders } from '../http';

/** Who is calling, as far as the configured AUTH_MODE could establish it. */
export interface Caller {
  mode: 'none' | 'passcode' | 'jwt';
  /** In jwt mode: the verified identity claim. */
  identity?: string;
  /** In jwt mode, when the caller's JWT carries a twilio_grants claim: the grants it may request. */
  allowedGrants?: string[];
}

/**
 * Establishes the caller or throws a ServiceError (401 unauthorized, 500 config_error).
 * Placeholder until caller authentication (issue 3) lands: everyone is anonymous.
 */
export async function authenticateCaller(_vars: ConfigVars, _config: ServiceConfig, _headers: RequestHeaders, _event: Record<string, unknown>): Promise<Caller> {
  return { mode: 'none' };
}

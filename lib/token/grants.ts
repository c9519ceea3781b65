/** A TokenRequest's grants as twilio's own grant objects (each product module builds its own). */
import { isProductConfigured, missingGrantConfig, type ServiceConfig } from '../config/service';
import { productOf, type AccessTokenClass } from '../products';
import type { TokenRequest } from './request';

export type { AccessTokenClass } from '../products';

/** Exactly the requested products' grants. Throws config_error when a requested product is not configured. */
export function buildGrants(request: TokenRequest, config: ServiceConfig, Token: AccessTokenClass) {
  return request.grants.map((grant) => {
    if (!isProductConfigured(grant, config)) throw missingGrantConfig(grant);
    return productOf(grant).buildGrant(Token, config.products[grant], request.options[grant] ?? {});
  });
}

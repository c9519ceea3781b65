/**
 * `/products`: which grants this deployment can mint, so a page offers (and selects by default)
 * only what works. No caller authentication: the page asks before anyone signs in, and the answer
 * names products and variable names, never a value.
 */
import type { ConfigVars } from '../config/schema';
import { isProductConfigured } from '../config/service';
import type { ProductAnswer } from '../contract';
import type { HttpResult } from '../http/result';
import { GRANT_NAMES, productOf } from '../products';
import { runEndpoint, type EndpointDeps, type MaybePromise } from './pipeline';

export type { ProductAnswer } from '../contract';

export function handleProducts(vars: ConfigVars, event: Record<string, unknown>, deps: EndpointDeps = {}): MaybePromise<HttpResult> {
  return runEndpoint(
    {
      path: '/products',
      params: [],
      authenticate: false,
      handle: ({ config }) => ({
        products: GRANT_NAMES.map((grant): ProductAnswer => {
          const { title, requires } = productOf(grant);
          const configured = isProductConfigured(grant, config);
          return { grant, title, configured, ...(!configured && requires !== undefined ? { needs: requires.variable } : {}) };
        }),
      }),
    },
    vars,
    event,
    deps,
  );
}

/**
 * What the form asks /token for. The page talks to the network only through the token client
 * (lib/token-client), the same module apps import from /token-client.js; the credential travels
 * in the Authorization header (never the URL, where it would land in history and access logs).
 */
import type { ProductAnswer } from '../../lib/contract';
import { productOf, type GrantName, type ProductParamValues } from '../../lib/products';
import type { TokenClientError } from '../../lib/token-client';

export interface TokenForm {
  identity: string;
  grants: GrantName[];
  /** As typed; empty means the service's default. */
  ttl: string;
  /** Every product option as its control holds it (text as typed, checkboxes as booleans). */
  params: Readonly<Record<string, string | boolean>>;
}

/** An error the form shows: the service's {code, message, field} and status, or the token client's own (network_error, timeout ...). */
export type TokenError = TokenClientError;

/** What the token client is asked for: /token's own parameters and the products' options. */
export interface TokenRequestBody extends ProductParamValues {
  identity: string;
  grants: GrantName[];
  /** A number, or the text as typed when it is not one (the service's invalid_ttl names what was sent). */
  ttl?: number | string;
}

/**
 * The JSON body for /token. The options of products not asked for are left out, since the
 * service rejects them (room without video, incomingAllow without voice); empty text is left out.
 */
export function requestBody(form: TokenForm): TokenRequestBody {
  const body: TokenRequestBody = { identity: form.identity, grants: form.grants };
  const ttl = form.ttl.trim();
  if (ttl !== '') body.ttl = /^\d{1,9}$/.test(ttl) ? Number(ttl) : ttl;
  const params: Record<string, string | boolean> = {};
  for (const grant of form.grants) {
    for (const { name } of productOf(grant).params) {
      const value = form.params[name];
      if (value !== undefined && value !== '') params[name] = value;
    }
  }
  return Object.assign(body, params);
}

/** What this deployment can mint (/products), or undefined when it cannot say (an older deployment, offline). */
export async function fetchProducts(): Promise<ProductAnswer[] | undefined> {
  try {
    const res = await fetch('products', { headers: { Accept: 'application/json' }, cache: 'no-store' });
    if (!res.ok) return undefined;
    const body = (await res.json()) as { products?: ProductAnswer[] };
    return Array.isArray(body.products) ? body.products : undefined;
  } catch {
    return undefined;
  }
}

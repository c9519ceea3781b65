/**
 * What the form asks /token for. The page talks to the network only through the token client
 * (lib/token-client), the same module apps import from /token-client.js; the credential travels
 * in the Authorization header (never the URL, where it would land in history and access logs).
 */
import type { ProductAnswer } from '../../lib/contract';
import type { TokenClientError } from '../../lib/token-client';
import type { GrantName } from '../../lib/twilio';

export interface TokenForm {
  identity: string;
  grants: GrantName[];
  /** As typed; empty means the service's default. */
  ttl: string;
  room: string;
  incomingAllow: boolean;
}

/** An error the form shows: the service's {code, message, field} and status, or the token client's own (network_error, timeout ...). */
export type TokenError = TokenClientError;

/**
 * The JSON body for /token. Options that only apply to another grant are left out, since the
 * service rejects them (room without video, incomingAllow without voice).
 */
export function requestBody(form: TokenForm): Record<string, unknown> {
  const body: Record<string, unknown> = { identity: form.identity, grants: form.grants };
  const ttl = form.ttl.trim();
  // Anything but digits goes as typed, so the service's invalid_ttl message names what was sent.
  if (ttl !== '') body.ttl = /^\d{1,9}$/.test(ttl) ? Number(ttl) : ttl;
  if (form.grants.includes('video') && form.room !== '') body.room = form.room;
  if (form.grants.includes('voice')) body.incomingAllow = form.incomingAllow;
  return body;
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

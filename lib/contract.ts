/**
 * The service's HTTP contract as types: what /token answers, and the error body of every
 * function. Shared by the functions and their browser clients; browser-safe.
 */
import type { GrantName } from './products';
import type { TwilioRegion } from './twilio';

export type { ErrorBody, ErrorCode } from './errors';

/** A 200 from /token. */
export interface TokenAnswer {
  token: string;
  identity: string;
  grants: GrantName[];
  ttl: number;
  /** ISO-8601 UTC of the token's `exp`. */
  expiresAt: string;
  /** The token's region (its `twr`), only when TWILIO_REGION is set: the SDKs must be told it (edge / region options). */
  region?: TwilioRegion;
}

/** One entry of what /products answers: whether this deployment can mint the grant. */
export interface ProductAnswer {
  grant: GrantName;
  title: string;
  configured: boolean;
  /** When not configured: the variable to set. */
  needs?: string;
}

/**
 * Regions a token's `twr` header may name. us1/ie1/au1 are Twilio Regions, each with its own
 * REST API and API keys; the others are the legacy Voice SDK regions Twilio still accepts in
 * `twr`. Anything else makes Twilio reject the token (20102/20151), so we refuse to mint it.
 */
export const TWILIO_REGIONS = ['us1', 'us2', 'ie1', 'au1', 'jp1', 'sg1', 'de1', 'br1', 'in1'] as const;

export type TwilioRegion = (typeof TWILIO_REGIONS)[number];

/** A token without `twr` belongs to us1. */
export const DEFAULT_REGION: TwilioRegion = 'us1';

/** Regions with their own REST API and API keys; the legacy Voice regions use us1's. */
export const API_REGIONS = ['us1', 'ie1', 'au1'] as const;

export type ApiRegion = (typeof API_REGIONS)[number];

/** The edge twilio-node pairs with a regional REST API (api.dublin.ie1.twilio.com); us1 is api.twilio.com. */
export const REGIONAL_API_EDGES: Readonly<Record<Exclude<ApiRegion, 'us1'>, string>> = { ie1: 'dublin', au1: 'sydney' };

export const isTwilioRegion = (value: unknown): value is TwilioRegion =>
  typeof value === 'string' && (TWILIO_REGIONS as readonly string[]).includes(value);

export const isApiRegion = (value: unknown): value is ApiRegion =>
  typeof value === 'string' && (API_REGIONS as readonly string[]).includes(value);

/**
 * Regions a token's `twr` header may name. us1/ie1/au1 are Twilio Regions; the others are the
 * legacy Voice SDK regions Twilio still accepts in `twr`. Anything else makes Twilio reject the
 * token (20102/20151), so we refuse to mint it.
 */
export const TWILIO_REGIONS = ['us1', 'us2', 'ie1', 'au1', 'jp1', 'sg1', 'de1', 'br1', 'in1'] as const;

export type TwilioRegion = (typeof TWILIO_REGIONS)[number];

export const isTwilioRegion = (value: unknown): value is TwilioRegion =>
  typeof value === 'string' && (TWILIO_REGIONS as readonly string[]).includes(value);

/**
 * A token's region does not steer any SDK: each connects to its default (Voice: the `roaming`
 * edge; Conversations and Sync: us1) unless told. These are the options that point each SDK at
 * the region the token was minted for, from the `region` /token answers when TWILIO_REGION is set.
 */
import { isApiRegion, isTwilioRegion, type TwilioRegion } from '../twilio/regions';

/** Voice JS SDK 2.x `regionToEdge` (lib/twilio/regions.ts): the edge that serves each region. in1 has none. */
export const VOICE_EDGES: Readonly<Partial<Record<TwilioRegion, string>>> = {
  us1: 'ashburn',
  us2: 'umatilla',
  ie1: 'dublin',
  de1: 'frankfurt',
  au1: 'sydney',
  jp1: 'tokyo',
  sg1: 'singapore',
  br1: 'sao-paulo',
};

export interface SdkRegionOptions {
  /** `new Twilio.Device(token, { ...voice })`: `{ edge }`, or nothing for us1 (roaming finds the nearest edge). */
  voice: { edge?: string };
  /** `new Twilio.Conversations.Client(token, { ...conversations })`: `{ region }` for ie1/au1. */
  conversations: { region?: string };
  /** `new Twilio.Sync.Client(token, { ...sync })`: `{ region }` for ie1/au1. */
  sync: { region?: string };
}

/**
 * The SDK options for a token region (`current.region`). Undefined or us1: no options, every SDK's
 * default is right. Conversations and Sync run only in the regions with their own API (us1, ie1,
 * au1); a legacy Voice region (de1, jp1 ...) leaves them on us1, where their API keys live.
 */
export function sdkOptionsForRegion(region: string | undefined): SdkRegionOptions {
  if (region === undefined || region === 'us1' || !isTwilioRegion(region)) return { voice: {}, conversations: {}, sync: {} };
  const edge = VOICE_EDGES[region];
  const twilsock = isApiRegion(region) ? { region } : {};
  return { voice: edge !== undefined ? { edge } : {}, conversations: { ...twilsock }, sync: { ...twilsock } };
}

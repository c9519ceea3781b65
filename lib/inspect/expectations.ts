import type { ServiceConfig } from '../config';
import { isTwilioRegion } from '../regions';
import { isSid, type SidPrefix } from '../sids';
import type { CheckedAgainst, Expectations } from './types';

/** What tokens minted by a deployment with this configuration must look like. */
export function expectationsFromConfig(config: ServiceConfig): Expectations {
  return {
    accountSid: config.accountSid,
    apiKey: config.apiKey,
    secret: config.apiSecret,
    outgoingApplicationSid: config.outgoingApplicationSid,
    chatServiceSid: config.chatServiceSid,
    syncServiceSid: config.syncServiceSid,
    pushCredentialSid: config.pushCredentialSid,
    // The service mints without twr unless TWILIO_REGION is set; no twr means us1.
    region: config.region ?? 'us1',
  };
}

/**
 * Expectations from raw variables when the configuration as a whole does not load: every
 * variable that is well-formed is used, every one that is set but malformed is named in
 * `ignored` (names only, never values).
 */
export function expectationsFromVars(vars: Record<string, unknown>): { expectations: Expectations; ignored: string[] } {
  const ignored: string[] = [];
  const read = (name: string): string | undefined => {
    const value = Object.prototype.hasOwnProperty.call(vars, name) ? vars[name] : undefined;
    return typeof value === 'string' && value.trim() !== '' ? value.trim() : undefined;
  };
  const sid = (name: string, prefix: SidPrefix): string | undefined => {
    const value = read(name);
    if (value === undefined) return undefined;
    if (isSid(value, prefix)) return value;
    ignored.push(name);
    return undefined;
  };
  const expectations: Expectations = {};
  const set = <K extends keyof Expectations>(key: K, value: Expectations[K]): void => {
    if (value !== undefined) expectations[key] = value;
  };
  set('accountSid', sid('ACCOUNT_SID', 'AC'));
  set('apiKey', sid('API_KEY', 'SK'));
  set('secret', read('API_SECRET'));
  set('outgoingApplicationSid', sid('OUTGOING_SID', 'AP'));
  const legacyService = read('SERVICE_SID');
  set('chatServiceSid', read('CHAT_SERVICE_SID') !== undefined ? sid('CHAT_SERVICE_SID', 'IS') : legacyService !== undefined && !isSid(legacyService, 'ZS') ? sid('SERVICE_SID', 'IS') : undefined);
  set('syncServiceSid', read('SYNC_SERVICE_SID') === undefined || read('SYNC_SERVICE_SID') === 'default' ? 'default' : sid('SYNC_SERVICE_SID', 'IS'));
  set('pushCredentialSid', sid('PUSH_CREDENTIAL_SID', 'CR'));
  const region = read('TWILIO_REGION')?.toLowerCase();
  if (region === undefined) expectations.region = 'us1';
  else if (isTwilioRegion(region)) expectations.region = region;
  else ignored.push('TWILIO_REGION');
  return { expectations, ignored };
}

/** The expectations with the secret reduced to a flag: safe to show, log or send. */
export function describeExpectations(expect: Expectations): CheckedAgainst {
  const { secret, ...rest } = expect;
  const checked: CheckedAgainst = { secretKnown: typeof secret === 'string' && secret !== '' };
  for (const [key, value] of Object.entries(rest) as [keyof typeof rest, unknown][]) {
    if (typeof value === 'string') checked[key] = value;
  }
  return checked;
}

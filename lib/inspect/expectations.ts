/** What tokens minted by a deployment must look like, from its configuration. */
import type { ConfigVars } from '../config/schema';
import { readServiceVariables, type ServiceConfig } from '../config/service';
import { DEFAULT_REGION } from '../twilio';
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
    region: config.region ?? DEFAULT_REGION,
  };
}

/** The variable each expectation comes from. */
const SOURCES: Readonly<Record<keyof Expectations, readonly string[]>> = {
  accountSid: ['ACCOUNT_SID'],
  apiKey: ['API_KEY'],
  secret: ['API_SECRET'],
  outgoingApplicationSid: ['OUTGOING_SID'],
  chatServiceSid: ['CHAT_SERVICE_SID', 'SERVICE_SID'],
  syncServiceSid: ['SYNC_SERVICE_SID'],
  pushCredentialSid: ['PUSH_CREDENTIAL_SID'],
  region: ['TWILIO_REGION'],
};

export const EXPECTATION_KEYS = Object.keys(SOURCES) as readonly (keyof Expectations)[];

/**
 * Expectations from raw variables when the configuration as a whole does not load: every
 * variable that is well-formed is used, every one that is set but malformed is named in
 * `ignored` (names only, never values).
 */
export function expectationsFromVars(vars: ConfigVars): { expectations: Expectations; ignored: string[] } {
  const { values, problems } = readServiceVariables(vars);
  const bad = new Set(problems.flatMap((p) => p.variables));
  const candidates: Expectations = {
    ...expectationsFromConfig(values as ServiceConfig),
    region: bad.has('TWILIO_REGION') ? undefined : (values.region ?? DEFAULT_REGION),
  };
  const expectations: Expectations = {};
  const ignored: string[] = [];
  for (const [key, sources] of Object.entries(SOURCES) as [keyof Expectations, readonly string[]][]) {
    const value = candidates[key];
    if (value !== undefined) expectations[key] = value;
    else ignored.push(...sources.filter((name) => bad.has(name)));
  }
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

/** What tokens minted by a deployment must look like, from its configuration. */
import type { ConfigVars, VariableName } from '../config/schema';
import { variableSpec } from '../config/schema';
import { readServiceVariables, type ServiceConfig } from '../config/service';
import { GRANT_NAMES, productOf, type ProductSettings } from '../products';
import { DEFAULT_REGION } from '../twilio';
import { own } from '../text';
import type { CheckedAgainst, Expectations, ProductExpectations } from './types';

/** What tokens minted by a deployment with this configuration must look like. */
export function expectationsFromConfig(
  config: Pick<ServiceConfig, 'accountSid' | 'apiKey' | 'apiSecret' | 'previousKey' | 'region' | 'products'>,
): Expectations {
  return {
    accountSid: config.accountSid,
    apiKey: config.apiKey,
    secret: config.apiSecret,
    ...(config.previousKey !== undefined
      ? { previousApiKey: config.previousKey.apiKey, previousSecret: config.previousKey.apiSecret }
      : {}),
    // The service mints without twr unless TWILIO_REGION is set; no twr means us1.
    region: config.region ?? DEFAULT_REGION,
    products: config.products,
  };
}

/** The variables expectations come from: the credentials, the region and every product's SIDs. */
const SOURCES: readonly VariableName[] = [
  'ACCOUNT_SID',
  'API_KEY',
  'API_SECRET',
  'API_KEY_PREVIOUS',
  'API_SECRET_PREVIOUS',
  'TWILIO_REGION',
  ...GRANT_NAMES.flatMap((grant) => productOf(grant).variables.filter((name) => variableSpec(name).sidPrefix !== undefined)),
];

/**
 * Expectations from raw variables when the configuration as a whole does not load: every
 * variable that is well-formed is used, every one that is set but malformed is named in
 * `ignored` (names only, never values).
 */
export function expectationsFromVars(vars: ConfigVars): { expectations: Expectations; ignored: VariableName[] } {
  const { values, problems } = readServiceVariables(vars);
  const bad = new Set(problems.flatMap((p) => p.variables));
  const expectations = sanitizeExpectations({
    accountSid: values.accountSid,
    apiKey: values.apiKey,
    secret: values.apiSecret,
    previousApiKey: values.previousKey?.apiKey,
    previousSecret: values.previousKey?.apiSecret,
    region: bad.has('TWILIO_REGION') ? undefined : (values.region ?? DEFAULT_REGION),
    products: values.products,
  });
  return { expectations, ignored: SOURCES.filter((name) => bad.has(name)) };
}

/** Only non-empty strings count; anything else (a page passing form values, say) is dropped. */
function strings(raw: unknown): Record<string, string> {
  const clean: Record<string, string> = {};
  if (typeof raw !== 'object' || raw === null) return clean;
  for (const key of Object.keys(raw)) {
    const value = own(raw, key);
    if (typeof value === 'string' && value !== '') clean[key] = value;
  }
  return clean;
}

/** Expectations as the engine trusts them: strings only, in the known places. */
export function sanitizeExpectations(raw: Expectations | undefined): Expectations {
  if (typeof raw !== 'object' || raw === null) return {};
  const { accountSid, apiKey, secret, previousApiKey, previousSecret, region } = strings(raw);
  const products: ProductExpectations = {};
  const given = own(raw, 'products');
  for (const grant of GRANT_NAMES) {
    const settings = typeof given === 'object' && given !== null ? strings(own(given, grant)) : {};
    if (Object.keys(settings).length > 0) (products as Record<string, object>)[grant] = settings;
  }
  return {
    ...(accountSid !== undefined ? { accountSid } : {}),
    ...(apiKey !== undefined ? { apiKey } : {}),
    ...(secret !== undefined ? { secret } : {}),
    ...(previousApiKey !== undefined ? { previousApiKey } : {}),
    ...(previousSecret !== undefined ? { previousSecret } : {}),
    ...(region !== undefined ? { region } : {}),
    ...(Object.keys(products).length > 0 ? { products } : {}),
  };
}

/** The expectations with the secret reduced to a flag: safe to show, log or send. */
export function describeExpectations(expect: Expectations): CheckedAgainst {
  const checked: CheckedAgainst = { secretKnown: typeof expect.secret === 'string' && expect.secret !== '' };
  if (expect.accountSid !== undefined) checked.accountSid = expect.accountSid;
  if (expect.apiKey !== undefined) checked.apiKey = expect.apiKey;
  if (expect.previousApiKey !== undefined && expect.previousSecret !== undefined) checked.previousApiKey = expect.previousApiKey;
  if (expect.region !== undefined) checked.region = expect.region;
  for (const grant of GRANT_NAMES) {
    const settings = expect.products?.[grant];
    if (settings !== undefined) Object.assign(checked, productOf(grant).describeSettings(settings));
  }
  return checked;
}

export type { ProductSettings };

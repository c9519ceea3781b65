/**
 * The token service's configuration: the function `context` -> a typed ServiceConfig, or one
 * config_error naming every bad variable. Variables are declared in schema.ts; each product
 * reads its own (lib/products); the rules that involve more than one variable (TOKEN_TTL within
 * TOKEN_MAX_TTL, the demo credentials deployed) live here, once.
 */
import { isDemoCredentials } from '../demo';
import { configError } from '../errors';
import { GRANT_NAMES, productOf, type GrantName, type ProductSettings } from '../products';
import { isTwilioRegion, MAX_TOKEN_LIFETIME_SECONDS, DEFAULT_TOKEN_TTL_SECONDS, TWILIO_REGIONS, type TwilioRegion } from '../twilio';
import { describeBadOriginByPosition, isLocalHost, parseAllowedOrigins, type OriginPolicy } from './origins';
import { configErrorFor, problem, readSeconds, readSid, type ConfigProblem } from './read';
import { readVar, type ConfigVars } from './schema';

export { configErrorFor, problem, readSeconds, secretProblem, type ConfigProblem } from './read';

export interface ServiceConfig {
  accountSid: string;
  apiKey: string;
  apiSecret: string;
  /**
   * The key API_KEY replaced (API_KEY_PREVIOUS and its secret), while both are set: never used to
   * mint, only to verify the tokens it signed before the rotation (the inspector).
   */
  previousKey?: { apiKey: string; apiSecret: string };
  region?: TwilioRegion;
  /** True when running under a local server (or with no DOMAIN_NAME at all). */
  isLocal: boolean;
  defaultTtl: number;
  maxTtl: number;
  /** Each product's configuration (lib/products): whether it can mint, and with what. */
  products: ProductSettings;
}

/** The values every variable yields on its own, and what is wrong with each that is set badly. */
export interface ServiceVariables {
  /** Each variable's value; a malformed one is undefined (and has a problem). */
  values: Partial<ServiceConfig> & Pick<ServiceConfig, 'isLocal' | 'defaultTtl' | 'maxTtl' | 'products'>;
  problems: ConfigProblem[];
}

/**
 * Reads every service variable, collecting all problems in one pass so the operator fixes them
 * all at once. The inspector uses the well-formed values of a configuration that does not load.
 */
export function readServiceVariables(vars: ConfigVars): ServiceVariables {
  const problems: ConfigProblem[] = [];
  const accountSid = readSid(vars, 'ACCOUNT_SID', problems, true);
  const apiKey = readSid(vars, 'API_KEY', problems, true);
  const apiSecret = readVar(vars, 'API_SECRET');
  if (apiSecret === undefined)
    problems.push(problem('API_SECRET', 'API_SECRET is not set; set it to the secret shown when the API key was created'));
  const previousApiKey = readSid(vars, 'API_KEY_PREVIOUS', problems);
  const previousSecret = readVar(vars, 'API_SECRET_PREVIOUS');
  const previousKey =
    previousApiKey !== undefined && previousSecret !== undefined && previousApiKey !== apiKey
      ? { apiKey: previousApiKey, apiSecret: previousSecret }
      : undefined;
  const products = Object.fromEntries(
    GRANT_NAMES.map((grant) => [grant, productOf(grant).readSettings(vars, problems)]),
  ) as ProductSettings;

  let region: TwilioRegion | undefined;
  const rawRegion = readVar(vars, 'TWILIO_REGION')?.toLowerCase();
  if (rawRegion !== undefined) {
    if (isTwilioRegion(rawRegion)) region = rawRegion;
    else problems.push(problem('TWILIO_REGION', `TWILIO_REGION must be one of ${TWILIO_REGIONS.join(', ')}`));
  }

  const lifetime = { min: 1, max: MAX_TOKEN_LIFETIME_SECONDS };
  const maxTtl = readSeconds(vars, 'TOKEN_MAX_TTL', lifetime, MAX_TOKEN_LIFETIME_SECONDS, problems);
  const defaultTtl = readSeconds(vars, 'TOKEN_TTL', lifetime, Math.min(DEFAULT_TOKEN_TTL_SECONDS, maxTtl), problems);
  if (defaultTtl > maxTtl)
    problems.push(
      problem('TOKEN_TTL', 'TOKEN_TTL must not be above TOKEN_MAX_TTL', `TOKEN_TTL (${defaultTtl} s) is above TOKEN_MAX_TTL (${maxTtl} s)`),
    );

  const { bad } = parseAllowedOrigins(readVar(vars, 'ALLOWED_ORIGINS'));
  if (bad.length > 0) {
    const rule = 'ALLOWED_ORIGINS must be a comma list of origins like https://app.example.com';
    const described = bad.map(({ entry, position }) => describeBadOriginByPosition(entry, position));
    problems.push(problem('ALLOWED_ORIGINS', rule, `${rule}: ${described.join(', ')}`));
  }

  const isLocal = isLocalDomain(vars);
  if (isDemoCredentials(vars) && !isLocal) {
    problems.push(
      problem(
        'API_SECRET',
        'the demo configuration from .env is deployed; put your real ACCOUNT_SID, API_KEY and API_SECRET in .env.local and deploy with npm run deploy',
      ),
    );
  }
  return {
    values: {
      accountSid,
      apiKey,
      apiSecret,
      ...(previousKey !== undefined ? { previousKey } : {}),
      region,
      isLocal,
      defaultTtl,
      maxTtl,
      products,
    },
    problems,
  };
}

/** A local server (or no DOMAIN_NAME at all, as in a unit test). */
export function isLocalDomain(vars: ConfigVars): boolean {
  const domainName = readVar(vars, 'DOMAIN_NAME');
  return domainName === undefined || isLocalHost(domainName);
}

/** Turns the function `context` into a typed configuration, or throws one config_error naming every bad variable. */
export function loadConfig(vars: ConfigVars): ServiceConfig {
  const { values, problems } = readServiceVariables(vars);
  if (problems.length > 0) throw configErrorFor(problems, 'The token service is misconfigured');
  return Object.freeze(values as ServiceConfig);
}

export interface CorsSettings {
  allowedOrigins: OriginPolicy;
  domainName?: string;
}

/**
 * The CORS part of the configuration, read leniently (bad entries skipped) so that even a
 * config_error answer carries CORS headers and the browser shows it instead of a CORS failure.
 */
export function readCorsSettings(vars: ConfigVars): CorsSettings {
  return { allowedOrigins: parseAllowedOrigins(readVar(vars, 'ALLOWED_ORIGINS')).policy, domainName: readVar(vars, 'DOMAIN_NAME') };
}

/** The error for a grant whose configuration is absent; raised only when that grant is requested. */
export function missingGrantConfig(grant: GrantName) {
  const requires = productOf(grant).requires;
  if (requires === undefined) return configError([], `The ${grant} grant is not configured.`);
  return configError(
    [requires.variable],
    `The ${grant} grant needs ${requires.variable} (${requires.what}); set it in the service's environment.`,
  );
}

/** Whether tokens with this grant can be minted with this configuration. */
export function isProductConfigured(grant: GrantName, config: Pick<ServiceConfig, 'products'>): boolean {
  return productOf(grant).configured(config.products[grant]);
}

/**
 * The token service's configuration: the function `context` -> a typed ServiceConfig, or one
 * config_error naming every bad variable. Variables are declared in schema.ts; the rules that
 * involve more than one variable (which SID is the chat service, TOKEN_TTL within
 * TOKEN_MAX_TTL, the demo credentials deployed) live here, once.
 */
import { isDemoCredentials } from '../demo';
import { configError } from '../errors';
import {
  describeSidProblem,
  isSid,
  isTwilioRegion,
  MAX_TOKEN_LIFETIME_SECONDS,
  DEFAULT_TOKEN_TTL_SECONDS,
  sidExample,
  TWILIO_REGIONS,
  type TwilioRegion,
} from '../twilio';
import { describeBadOriginByPosition, isLocalHost, parseAllowedOrigins, type OriginPolicy } from './origins';
import { readVar, variableSpec, type ConfigVars } from './schema';

export interface ServiceConfig {
  accountSid: string;
  apiKey: string;
  apiSecret: string;
  /** TwiML App for the voice grant; absent means voice tokens cannot be minted. */
  outgoingApplicationSid?: string;
  /** Conversations/Chat service, never the runtime's own ZS... SID. */
  chatServiceSid?: string;
  /** An IS... SID or `default`. */
  syncServiceSid: string;
  pushCredentialSid?: string;
  region?: TwilioRegion;
  /** True when running under a local server (or with no DOMAIN_NAME at all). */
  isLocal: boolean;
  defaultTtl: number;
  maxTtl: number;
}

/** One thing wrong with one variable; the message names variables and shapes, never a value. */
export interface ConfigProblem {
  variables: readonly string[];
  /** For the operator: the doctor and the log line. */
  message: string;
  /** For callers, when `message` describes a secret (its length, its shape): names only. */
  publicMessage?: string;
}

export const problem = (variable: string, message: string): ConfigProblem => ({ variables: [variable], message });

/**
 * A problem with a secret variable: callers of a misconfigured service learn which variable,
 * never how long or what shape it is (that helps guessing); the operator reads the rest.
 */
export const secretProblem = (variable: string, message: string): ConfigProblem => ({
  variables: [variable],
  message,
  publicMessage: `${variable} is not usable (npm run doctor on this configuration says why, and so do the function logs)`,
});

/** One config_error for all the problems, naming every variable once; the operator's version goes to the log. */
export function configErrorFor(problems: readonly ConfigProblem[], intro: string) {
  const variables = [...new Set(problems.flatMap((p) => p.variables))];
  const detailed = `${intro}: ${problems.map((p) => p.message).join('; ')}.`;
  if (problems.every((p) => p.publicMessage === undefined)) return configError(variables, detailed);
  return configError(variables, `${intro}: ${problems.map((p) => p.publicMessage ?? p.message).join('; ')}.`, detailed);
}

/** A SID variable: undefined when unset, else the SID or the problem with it. */
function readSid(vars: ConfigVars, name: string, problems: ConfigProblem[], required = false): string | undefined {
  const prefix = variableSpec(name).sidPrefix;
  if (prefix === undefined) throw new Error(`${name} is not a SID variable`);
  const value = readVar(vars, name);
  if (value === undefined) {
    if (required) problems.push(problem(name, `${name} is not set; set it to your ${sidExample(prefix).slice(0, 8)}... SID`));
    return undefined;
  }
  if (!isSid(value, prefix)) {
    problems.push(problem(name, `${name} ${describeSidProblem(value, prefix)}`));
    return undefined;
  }
  return value;
}

/** A whole number of seconds from `min` to `max`, or the fallback when unset; token lifetimes explain Twilio's 24 h cap (20157). */
export function readSeconds(
  vars: ConfigVars,
  name: string,
  range: { min: number; max: number },
  fallback: number,
  problems: ConfigProblem[],
): number {
  const raw = readVar(vars, name);
  if (raw === undefined) return fallback;
  const value = /^\d{1,9}$/.test(raw) ? Number(raw) : Number.NaN;
  if (value > range.max && range.max === MAX_TOKEN_LIFETIME_SECONDS) {
    problems.push(problem(name, `${name} is ${value} s but Twilio rejects tokens living over ${range.max} s (24 h, error 20157)`));
    return fallback;
  }
  if (!(value >= range.min && value <= range.max)) {
    problems.push(problem(name, `${name} must be a whole number of seconds from ${range.min} to ${range.max}`));
    return fallback;
  }
  return value;
}

/**
 * Which variable names the chat service. CHAT_SERVICE_SID wins. SERVICE_SID is the old
 * tutorials' name for it, but a deployed runtime fills SERVICE_SID with its own Serverless
 * service SID (ZS...), which must never land in a chat grant (the SDK would fail far from the cause).
 */
export function chatServiceVariable(vars: ConfigVars): 'CHAT_SERVICE_SID' | 'SERVICE_SID' | undefined {
  if (readVar(vars, 'CHAT_SERVICE_SID') !== undefined) return 'CHAT_SERVICE_SID';
  const legacy = readVar(vars, 'SERVICE_SID');
  return legacy !== undefined && !isSid(legacy, 'ZS') ? 'SERVICE_SID' : undefined;
}

/** Sync grants name the account's default Sync service when SYNC_SERVICE_SID is unset or says `default`. */
export function usesDefaultSyncService(vars: ConfigVars): boolean {
  const raw = readVar(vars, 'SYNC_SERVICE_SID');
  return raw === undefined || raw === 'default';
}

function readSyncService(vars: ConfigVars, problems: ConfigProblem[]): string | undefined {
  return usesDefaultSyncService(vars) ? 'default' : readSid(vars, 'SYNC_SERVICE_SID', problems);
}

/** The values every variable yields on its own, and what is wrong with each that is set badly. */
export interface ServiceVariables {
  /** Each variable's value; a malformed one is undefined (and has a problem). */
  values: Partial<ServiceConfig> & Pick<ServiceConfig, 'isLocal' | 'defaultTtl' | 'maxTtl'>;
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
  const outgoingApplicationSid = readSid(vars, 'OUTGOING_SID', problems);
  const chatVariable = chatServiceVariable(vars);
  const chatServiceSid = chatVariable === undefined ? undefined : readSid(vars, chatVariable, problems);
  const pushCredentialSid = readSid(vars, 'PUSH_CREDENTIAL_SID', problems);
  const syncServiceSid = readSyncService(vars, problems);

  let region: TwilioRegion | undefined;
  const rawRegion = readVar(vars, 'TWILIO_REGION')?.toLowerCase();
  if (rawRegion !== undefined) {
    if (isTwilioRegion(rawRegion)) region = rawRegion;
    else problems.push(problem('TWILIO_REGION', `TWILIO_REGION must be one of ${TWILIO_REGIONS.join(', ')}`));
  }

  const lifetime = { min: 1, max: MAX_TOKEN_LIFETIME_SECONDS };
  const maxTtl = readSeconds(vars, 'TOKEN_MAX_TTL', lifetime, MAX_TOKEN_LIFETIME_SECONDS, problems);
  const defaultTtl = readSeconds(vars, 'TOKEN_TTL', lifetime, Math.min(DEFAULT_TOKEN_TTL_SECONDS, maxTtl), problems);
  if (defaultTtl > maxTtl) problems.push(problem('TOKEN_TTL', `TOKEN_TTL (${defaultTtl} s) is above TOKEN_MAX_TTL (${maxTtl} s)`));

  const { bad } = parseAllowedOrigins(readVar(vars, 'ALLOWED_ORIGINS'));
  if (bad.length > 0) {
    const described = bad.map(({ entry, position }) => describeBadOriginByPosition(entry, position));
    problems.push(
      problem('ALLOWED_ORIGINS', `ALLOWED_ORIGINS must be a comma list of origins like https://app.example.com: ${described.join(', ')}`),
    );
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
      outgoingApplicationSid,
      chatServiceSid,
      syncServiceSid,
      pushCredentialSid,
      region,
      isLocal,
      defaultTtl,
      maxTtl,
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
export function missingGrantConfig(variable: string, grant: string, what: string) {
  return configError([variable], `The ${grant} grant needs ${variable} (${what}); set it in the service's environment.`);
}

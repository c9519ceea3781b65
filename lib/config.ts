import { configError, ServiceError } from './errors';
import type { CorsSettings } from './http';
import { isDemoCredentials } from './demo';
import { isLocalHost, isWellFormedOrigin } from './origins';
import { isTwilioRegion, TWILIO_REGIONS, type TwilioRegion } from './regions';
import { describeSidProblem, isSid, sidExample, type SidPrefix } from './sids';

/** Twilio rejects any Access Token that lives longer than 24 hours (error 20157). */
export const TWILIO_MAX_TTL = 86_400;
export const DEFAULT_TTL = 3_600;

/** The variables a function reads from `context`; everything is an optional string there. */
export type ConfigVars = Record<string, unknown>;

export type OriginPolicy = { anyOrigin: true } | { anyOrigin: false; origins: ReadonlySet<string> };

export interface ServiceConfig {
  accountSid: string;
  apiKey: string;
  apiSecret: string;
  /** TwiML App for the Voice grant; absent means voice tokens cannot be minted. */
  outgoingApplicationSid?: string;
  /** Conversations/Chat service, never the runtime's own ZS... SID. */
  chatServiceSid?: string;
  syncServiceSid: string;
  pushCredentialSid?: string;
  region?: TwilioRegion;
  allowedOrigins: OriginPolicy;
  /** The service's own host (DOMAIN_NAME), e.g. `token-1234-dev.twil.io` or `localhost:3000`. */
  domainName?: string;
  /** True when running under a local twilio-run (or with no DOMAIN_NAME at all). */
  isLocal: boolean;
  isDemo: boolean;
  defaultTtl: number;
  maxTtl: number;
}

const str = (vars: ConfigVars, name: string): string | undefined => {
  const value = Object.prototype.hasOwnProperty.call(vars, name) ? vars[name] : undefined;
  if (typeof value !== 'string') return undefined;
  const trimmed = value.trim();
  return trimmed === '' ? undefined : trimmed;
};

/**
 * Collects every configuration problem in one pass so the operator fixes them all at once.
 * Messages name variables and describe shapes; they never print a value.
 */
class ProblemList {
  private readonly problems: { variable: string; message: string }[] = [];

  add(variable: string, message: string): void {
    this.problems.push({ variable, message });
  }

  sid(vars: ConfigVars, name: string, prefix: SidPrefix, required: boolean): string | undefined {
    const value = str(vars, name);
    if (value === undefined) {
      if (required) this.add(name, `${name} is not set; set it to your ${sidExample(prefix).slice(0, 8)}... SID`);
      return undefined;
    }
    if (!isSid(value, prefix)) {
      this.add(name, `${name} ${describeSidProblem(value, prefix)}`);
      return undefined;
    }
    return value;
  }

  throwIfAny(): void {
    if (this.problems.length === 0) return;
    const variables = [...new Set(this.problems.map((p) => p.variable))];
    const details = this.problems.map((p) => p.message).join('; ');
    throw configError(variables, `The token service is misconfigured: ${details}.`);
  }
}

function parseSeconds(problems: ProblemList, vars: ConfigVars, name: string, fallback: number): number {
  const raw = str(vars, name);
  if (raw === undefined) return fallback;
  if (!/^\d+$/.test(raw) || Number(raw) < 1) {
    problems.add(name, `${name} must be a whole number of seconds between 1 and ${TWILIO_MAX_TTL}`);
    return fallback;
  }
  const value = Number(raw);
  if (value > TWILIO_MAX_TTL) {
    problems.add(name, `${name} is ${value} s but Twilio rejects tokens living over ${TWILIO_MAX_TTL} s (24 h, error 20157)`);
    return fallback;
  }
  return value;
}

function parseOrigins(raw: string | undefined): { policy: OriginPolicy; bad: string[] } {
  if (raw === undefined) return { policy: { anyOrigin: false, origins: new Set() }, bad: [] };
  const entries = raw.split(',').map((e) => e.trim()).filter((e) => e !== '');
  if (entries.includes('*')) return { policy: { anyOrigin: true }, bad: [] };
  return {
    policy: { anyOrigin: false, origins: new Set(entries.filter(isWellFormedOrigin)) },
    bad: entries.flatMap((e, i) => (isWellFormedOrigin(e) ? [] : [describeBadOrigin(e, i + 1)])),
  };
}

/**
 * What is wrong with an ALLOWED_ORIGINS entry, by position and never by value: this message is
 * the public config_error answer, and fuzzing found that a secret pasted into ALLOWED_ORIGINS
 * came back in it verbatim. (The doctor, which runs on the operator's machine, quotes entries.)
 */
function describeBadOrigin(entry: string, position: number): string {
  const which = `entry ${position}`;
  if (!/^[a-z][a-z0-9+.-]*:\/\//i.test(entry)) return `${which} has no scheme (write https://host)`;
  if (!/^https?:\/\//.test(entry)) return `${which} must use http:// or https://`;
  if (/^https?:\/\/[^/]+\/$/.test(entry)) return `${which} ends with a slash (browsers send none)`;
  if (/^https?:\/\/[^/]+\/./.test(entry)) return `${which} has a path (an origin is scheme://host[:port] only)`;
  if (entry !== entry.toLowerCase()) return `${which} has upper-case letters (browsers send lower case)`;
  return `${which} is not an origin of the form https://app.example.com`;
}

/**
 * The CORS part of the configuration, read leniently (bad entries skipped) so that even a
 * config_error answer carries CORS headers and the browser shows it instead of a CORS failure.
 */
let memoCors: { raw: string | undefined; domainName: string | undefined; settings: CorsSettings } | undefined;
export function readCorsSettings(vars: ConfigVars): CorsSettings {
  const raw = str(vars, 'ALLOWED_ORIGINS');
  const domainName = str(vars, 'DOMAIN_NAME');
  if (memoCors === undefined || memoCors.raw !== raw || memoCors.domainName !== domainName) {
    memoCors = { raw, domainName, settings: { allowedOrigins: parseOrigins(raw).policy, domainName } };
  }
  return memoCors.settings;
}

/**
 * Chat service SID: CHAT_SERVICE_SID wins. SERVICE_SID is the old tutorials' name for it, but a
 * deployed runtime fills SERVICE_SID with its own Serverless service SID (ZS...), which must
 * never land in a chat grant (the SDK would fail with 20106-style errors far from the cause).
 */
function parseChatService(problems: ProblemList, vars: ConfigVars): string | undefined {
  if (str(vars, 'CHAT_SERVICE_SID') !== undefined) return problems.sid(vars, 'CHAT_SERVICE_SID', 'IS', false);
  const legacy = str(vars, 'SERVICE_SID');
  if (legacy === undefined || isSid(legacy, 'ZS')) return undefined;
  return problems.sid(vars, 'SERVICE_SID', 'IS', false);
}

/** Every variable loadConfig reads: the memo below compares exactly these. */
const CONFIG_VARIABLES = [
  'ACCOUNT_SID', 'API_KEY', 'API_SECRET', 'OUTGOING_SID', 'CHAT_SERVICE_SID', 'SERVICE_SID', 'PUSH_CREDENTIAL_SID',
  'SYNC_SERVICE_SID', 'TWILIO_REGION', 'TOKEN_TTL', 'TOKEN_MAX_TTL', 'ALLOWED_ORIGINS', 'DOMAIN_NAME',
] as const;

let memoValues: unknown[] = [];
let memoConfig: ServiceConfig | undefined;

const ownValue = (vars: ConfigVars, name: string): unknown => (Object.prototype.hasOwnProperty.call(vars, name) ? vars[name] : undefined);

/** Compared in place: this runs on every request, and an array per call was measurable. */
function sameAsMemo(vars: ConfigVars): boolean {
  for (let i = 0; i < CONFIG_VARIABLES.length; i++) {
    if (ownValue(vars, CONFIG_VARIABLES[i]!) !== memoValues[i]) return false;
  }
  return true;
}

/**
 * Turns the function `context` into a typed configuration, or throws one config_error naming
 * every bad variable. The runtime builds a new context per request from the same environment,
 * so the last good result is reused while every variable is unchanged.
 */
export function loadConfig(vars: ConfigVars): ServiceConfig {
  if (memoConfig !== undefined && sameAsMemo(vars)) return memoConfig;
  const values = CONFIG_VARIABLES.map((name) => ownValue(vars, name));
  const config = parseConfig(vars);
  memoValues = values;
  memoConfig = config;
  return config;
}

function parseConfig(vars: ConfigVars): ServiceConfig {
  const problems = new ProblemList();
  const accountSid = problems.sid(vars, 'ACCOUNT_SID', 'AC', true);
  const apiKey = problems.sid(vars, 'API_KEY', 'SK', true);
  const apiSecret = str(vars, 'API_SECRET');
  if (apiSecret === undefined) problems.add('API_SECRET', 'API_SECRET is not set; set it to the secret shown when the API key was created');
  const outgoingApplicationSid = problems.sid(vars, 'OUTGOING_SID', 'AP', false);
  const chatServiceSid = parseChatService(problems, vars);
  const pushCredentialSid = problems.sid(vars, 'PUSH_CREDENTIAL_SID', 'CR', false);

  let syncServiceSid = 'default';
  const rawSync = str(vars, 'SYNC_SERVICE_SID');
  if (rawSync !== undefined && rawSync !== 'default') syncServiceSid = problems.sid(vars, 'SYNC_SERVICE_SID', 'IS', false) ?? 'default';

  let region: TwilioRegion | undefined;
  const rawRegion = str(vars, 'TWILIO_REGION');
  if (rawRegion !== undefined) {
    if (isTwilioRegion(rawRegion.toLowerCase())) region = rawRegion.toLowerCase() as TwilioRegion;
    else problems.add('TWILIO_REGION', `TWILIO_REGION must be one of ${TWILIO_REGIONS.join(', ')}`);
  }

  const maxTtl = parseSeconds(problems, vars, 'TOKEN_MAX_TTL', TWILIO_MAX_TTL);
  const defaultTtl = parseSeconds(problems, vars, 'TOKEN_TTL', Math.min(DEFAULT_TTL, maxTtl));
  if (defaultTtl > maxTtl) problems.add('TOKEN_TTL', `TOKEN_TTL (${defaultTtl} s) is above TOKEN_MAX_TTL (${maxTtl} s)`);

  const origins = parseOrigins(str(vars, 'ALLOWED_ORIGINS'));
  if (origins.bad.length > 0) {
    problems.add('ALLOWED_ORIGINS', `ALLOWED_ORIGINS must be a comma list of origins like https://app.example.com: ${origins.bad.join(', ')}`);
  }
  const allowedOrigins = origins.policy;
  const domainName = str(vars, 'DOMAIN_NAME');
  const isLocal = domainName === undefined || isLocalHost(domainName);
  const isDemo = isDemoCredentials(vars);
  if (isDemo && !isLocal) {
    problems.add('API_SECRET', 'the demo configuration from .env is deployed; put your real ACCOUNT_SID, API_KEY and API_SECRET in .env.local and deploy with npm run deploy');
  }

  problems.throwIfAny();
  return Object.freeze({
    accountSid: accountSid!,
    apiKey: apiKey!,
    apiSecret: apiSecret!,
    outgoingApplicationSid,
    chatServiceSid,
    syncServiceSid,
    pushCredentialSid,
    region,
    allowedOrigins,
    domainName,
    isLocal,
    isDemo,
    defaultTtl,
    maxTtl,
  });
}

/** The error for a grant whose configuration is absent; raised only when that grant is requested. */
export function missingGrantConfig(variable: string, grant: string, what: string): ServiceError {
  return configError([variable], `The ${grant} grant needs ${variable} (${what}); set it in the service's environment.`);
}

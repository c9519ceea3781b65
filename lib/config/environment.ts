/**
 * Everything the functions read from `context`, parsed once per distinct environment: the CORS
 * settings (lenient, so even a config_error carries CORS headers), the service configuration
 * and the caller-authentication settings (each a value or the config_error to answer).
 *
 * A warm container serves many requests with the same variables, so the last parse is reused
 * while every declared variable holds the same value (npm run bench measures what that saves).
 * Keyed on the values themselves: an environment that changes (a test, a redeploy) is parsed anew.
 */
import { ServiceError } from '../errors';
import { loadAuthConfig, type AuthConfig } from './auth';
import { own } from '../text';
import { VARIABLES, type ConfigVars } from './schema';
import { loadConfig, readCorsSettings, type CorsSettings, type ServiceConfig } from './service';

export interface Environment {
  cors: CorsSettings;
  /** The configuration, or the config_error every request but a preflight answers. */
  config: ServiceConfig | ServiceError;
  /** How callers authenticate, or the config_error; undefined when the configuration itself failed. */
  auth?: AuthConfig | ServiceError;
}

function attempt<T>(read: () => T): T | ServiceError {
  try {
    return read();
  } catch (error) {
    if (error instanceof ServiceError) return error;
    throw error;
  }
}

/** Parses without the memo: what readEnvironment reuses. */
export function parseEnvironment(vars: ConfigVars): Environment {
  const config = attempt(() => loadConfig(vars));
  const cors = readCorsSettings(vars);
  if (config instanceof ServiceError) return { cors, config };
  return { cors, config, auth: attempt(() => loadAuthConfig(vars, config)) };
}

const NAMES = VARIABLES.map((spec) => spec.name);
let last: { values: unknown[]; environment: Environment } | undefined;

/** The environment of these variables: the previous parse while no declared variable holds another value. */
export function readEnvironment(vars: ConfigVars): Environment {
  const previous = last;
  if (previous !== undefined && NAMES.every((name, i) => own(vars, name) === previous.values[i])) return previous.environment;
  const environment = parseEnvironment(vars);
  last = { values: NAMES.map((name) => own(vars, name)), environment };
  return environment;
}

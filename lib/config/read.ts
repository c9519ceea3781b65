/**
 * Reading single variables into typed values, and the problems a bad one makes. Shared by the
 * service configuration (service.ts), caller authentication (auth.ts) and the product modules
 * (lib/products), which each read their own variables.
 *
 * A problem has two sentences: the public one names the variable and what it must be, never
 * what it holds (a config_error answers anyone who calls a misconfigured service, and a length
 * or a prefix helps someone guess a secret pasted into the wrong variable); the operator's
 * sentence says what was found, for the log line's `detail` and the doctor.
 */
import { configError } from '../errors';
import { describeSidProblem, expectedSid, isSid, MAX_TOKEN_LIFETIME_SECONDS, sidExample } from '../twilio';
import { readVar, sidPrefixOfVariable, type ConfigVars, type VariableName } from './schema';

export interface ConfigProblem {
  variables: readonly VariableName[];
  /** For callers: names the variables and what they must be, never their values, lengths or shapes. */
  publicMessage: string;
  /** For the operator (the doctor and the log line): may describe what the variable holds, never its value. */
  message: string;
}

/** A problem whose public sentence is all there is to say, or with the operator's fuller one. */
export const problem = (variable: VariableName, publicMessage: string, detail = publicMessage): ConfigProblem => ({
  variables: [variable],
  publicMessage,
  message: detail,
});

/** A problem with a secret variable: callers learn which variable, the operator reads why. */
export const secretProblem = (variable: VariableName, detail: string): ConfigProblem =>
  problem(variable, `${variable} is not usable (npm run doctor on this configuration says why, and so do the function logs)`, detail);

/** One config_error for all the problems, naming every variable once; the operator's version goes to the log. */
export function configErrorFor(problems: readonly ConfigProblem[], intro: string) {
  const variables = [...new Set(problems.flatMap((p) => p.variables))];
  const forCallers = `${intro}: ${problems.map((p) => p.publicMessage).join('; ')}.`;
  const detailed = `${intro}: ${problems.map((p) => p.message).join('; ')}.`;
  return configError(variables, forCallers, detailed === forCallers ? undefined : detailed);
}

/** A SID variable: undefined when unset (a problem too when `required`), else the SID or the problem with it. */
export function readSid(vars: ConfigVars, name: VariableName, problems: ConfigProblem[], required = false): string | undefined {
  const prefix = sidPrefixOfVariable(name);
  const value = readVar(vars, name);
  if (value === undefined) {
    if (required) problems.push(problem(name, `${name} is not set; set it to your ${sidExample(prefix).slice(0, 8)}... SID`));
    return undefined;
  }
  if (!isSid(value, prefix)) {
    problems.push(problem(name, `${name} must be ${expectedSid(prefix)}`, `${name} ${describeSidProblem(value, prefix)}`));
    return undefined;
  }
  return value;
}

/** A whole number of seconds from `min` to `max`, or the fallback when unset; token lifetimes explain Twilio's 24 h cap (20157). */
export function readSeconds(
  vars: ConfigVars,
  name: VariableName,
  range: { min: number; max: number },
  fallback: number,
  problems: ConfigProblem[],
): number {
  const raw = readVar(vars, name);
  if (raw === undefined) return fallback;
  const value = /^\d{1,9}$/.test(raw) ? Number(raw) : Number.NaN;
  if (value >= range.min && value <= range.max) return value;
  const rule = `${name} must be a whole number of seconds from ${range.min} to ${range.max}`;
  if (value > range.max && range.max === MAX_TOKEN_LIFETIME_SECONDS) {
    problems.push(problem(name, `${rule} (Twilio rejects tokens living over 24 h, error 20157)`, `${name} is ${value} s: ${rule}`));
  } else {
    problems.push(problem(name, rule));
  }
  return fallback;
}

/** A comma list of names (claims, prefixes): trimmed, empty entries dropped, duplicates kept once. */
export function readList(vars: ConfigVars, name: VariableName): string[] {
  const raw = readVar(vars, name);
  if (raw === undefined) return [];
  return [...new Set(raw.split(',').map((entry) => entry.trim()))].filter((entry) => entry !== '');
}

/** Claim names are JSON keys; namespaced ones (https://example.com/username) are common with Auth0. */
export const isClaimName = (name: string): boolean => /^[\x21-\x7e]{1,200}$/.test(name);

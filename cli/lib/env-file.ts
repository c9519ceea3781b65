/**
 * The one way the project's tools find and read an env file: `--env FILE` when given, else
 * `.env.local` (untracked, real values) when it exists, else the tracked demo `.env`. Read with
 * the very parser twilio-run uses for the file it serves and uploads (its own copy of dotenv),
 * so what the doctor checks is what gets deployed.
 */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import type { EnvIssue } from '../../lib/config/env-issues';
import { scanEnvText } from './env-scan';

export class EnvFileError extends Error {}

export interface EnvFile {
  /** Absolute path. */
  path: string;
  /** Relative to the working directory, for messages. */
  shown: string;
}

/** `--env FILE`, else .env.local, else .env; undefined when none exists and none was named. */
export function chooseEnvFile(cwd: string, explicit?: string): EnvFile | undefined {
  const at = (file: string): EnvFile => ({ path: file, shown: path.relative(cwd, file) || file });
  if (explicit !== undefined) {
    const file = path.resolve(cwd, explicit);
    if (!existsSync(file)) throw new EnvFileError(`env file ${explicit} not found`);
    return at(file);
  }
  for (const name of ['.env.local', '.env']) {
    const file = path.join(cwd, name);
    if (existsSync(file)) return at(file);
  }
  return undefined;
}

type DotenvParse = (source: string) => Record<string, string>;

let parse: DotenvParse | undefined;
/** dotenv as twilio-run resolves it (6.2.0 today), not whichever copy is hoisted for us. */
function twilioRunDotenv(): DotenvParse {
  if (parse === undefined) {
    const twilioRun = path.dirname(require.resolve('twilio-run/package.json'));
    parse = (require(require.resolve('dotenv', { paths: [twilioRun] })) as { parse: DotenvParse }).parse;
  }
  return parse;
}

export interface EnvReading {
  /** The variables, exactly as twilio-run reads them. */
  vars: Record<string, string>;
  /** Lines other tools read differently (lib/config/env-issues.ts). */
  issues: EnvIssue[];
}

/** An env file as twilio-run reads it, and what in it other tools would read differently. */
export function readEnvFileChecked(file: string): EnvReading {
  const text = readFileSync(file, 'utf8');
  const vars = twilioRunDotenv()(text);
  return { vars, issues: scanEnvText(text, vars) };
}

/** The variables of an env file, exactly as twilio-run reads them. */
export function readEnvFile(file: string): Record<string, string> {
  return twilioRunDotenv()(readFileSync(file, 'utf8'));
}

/** Env-file text as twilio-run reads it. */
export const parseEnvText = (text: string): Record<string, string> => twilioRunDotenv()(text);

/** Text as an env file holds it, read as twilio-run reads it, with what other tools read differently. */
export function readEnvTextChecked(text: string): EnvReading {
  const vars = twilioRunDotenv()(text);
  return { vars, issues: scanEnvText(text, vars) };
}

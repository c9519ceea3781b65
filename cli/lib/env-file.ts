/**
 * The one way the project's tools find and read an env file: `--env FILE` when given, else
 * `.env.local` (untracked, real values) when it exists, else the tracked demo `.env`. Read with
 * the very parser twilio-run uses for the file it serves and uploads (its own copy of dotenv),
 * so what the doctor checks is what gets deployed.
 */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';

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

/** The variables of an env file, exactly as twilio-run reads them. */
export function readEnvFile(file: string): Record<string, string> {
  return twilioRunDotenv()(readFileSync(file, 'utf8'));
}

/**
 * What npm run setup and npm run keys share: the env file they edit (`--env FILE`, default
 * .env.local in the project, created from .env.example when missing), read with twilio-run's
 * parser and refused when a line they would read or rewrite is one other tools read differently,
 * and the output streams. Each command says what it does; nothing here prints a secret.
 */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { blockingIssues } from '../../lib/config/env-issues';
import type { VariableName } from '../../lib/config/schema';
import { isPlaceholderSid, readVar } from '../../lib/doctor/vars';
import { AccountError } from './account';
import { readEnvTextChecked } from './env-file';

export interface CliIo {
  stdout: { write(text: string): unknown };
  stderr: { write(text: string): unknown };
  /** ACCOUNT_SID and AUTH_TOKEN may come from here when the file has none. */
  env: Record<string, string | undefined>;
  /** Where `--env FILE` is resolved, and what paths are shown relative to. */
  cwd: string;
  /** The project: .env.local, .env.example, .twilioserverlessrc and package.json are here. */
  root: string;
  now(): number;
}

/** The process's own streams, environment and clock, for the command run from npm. */
export const processIo = (): CliIo => ({
  stdout: process.stdout,
  stderr: process.stderr,
  env: process.env,
  cwd: process.cwd(),
  // Bundled into dist/cli/<command>.js: the project is two folders up.
  root: path.resolve(__dirname, '..', '..'),
  now: Date.now,
});

export interface EnvTarget {
  /** Absolute path. */
  file: string;
  /** For messages: relative to the working directory. */
  shown: string;
  /** The text as it is now; .env.example's when the file does not exist yet. */
  text: string;
  /** The file does not exist: it is to be created from .env.example. */
  fromTemplate: boolean;
  vars: Record<string, string>;
}

/** The env file to edit, read; `--env FILE` names another (created from .env.example too when missing). */
export function envTarget(io: CliIo, named: string | undefined): EnvTarget {
  const file = named !== undefined ? path.resolve(io.cwd, named) : path.join(io.root, '.env.local');
  const shown = path.relative(io.cwd, file) || file;
  if (file === path.join(io.root, '.env')) {
    // Tracked in git: a key's secret written there would be committed.
    throw new AccountError(
      `${shown} is the tracked demo configuration, not for real values: use .env.local (the default), which git ignores.`,
    );
  }
  const fromTemplate = !existsSync(file);
  const text = readFileSync(fromTemplate ? path.join(io.root, '.env.example') : file, 'utf8');
  return { file, shown, text, fromTemplate, vars: readEnvTextChecked(text).vars };
}

/**
 * Refuses a file whose lines for these variables twilio-run and other tools read differently (a
 * name set twice, an `export ` line, an inline comment...): which line is the value is unclear,
 * so rewriting one could leave the wrong one in force.
 */
export function refuseAmbiguousLines(target: EnvTarget, variables: readonly VariableName[]): void {
  const issues = blockingIssues(readEnvTextChecked(target.text).issues).filter((issue) =>
    (variables as readonly string[]).includes(issue.variable ?? ''),
  );
  if (issues.length === 0) return;
  const lines = issues.map((i) => `  ${target.shown} line ${i.line}: ${i.message}\n    fix: ${i.fix}`).join('\n');
  throw new AccountError(
    `${target.shown} has lines other tools read differently, so which value is in force is unclear; nothing was changed:\n${lines}`,
  );
}

/** A variable's value in the file; a placeholder (`SKxxxx...`, an all-zero SID) is unset. */
export function setValue(vars: Record<string, string>, name: VariableName): string | undefined {
  const value = readVar(vars, name);
  return value === undefined || isPlaceholderSid(value) ? undefined : value;
}

/** Rows of a table, columns padded. */
export function table(rows: readonly (readonly string[])[]): string {
  const widths = rows.reduce<number[]>((w, row) => row.map((cell, i) => Math.max(w[i] ?? 0, cell.length)), []);
  return rows
    .map((row) => `  ${row.map((cell, i) => (i === row.length - 1 ? cell : cell.padEnd(widths[i]!))).join('  ')}`.trimEnd())
    .join('\n');
}

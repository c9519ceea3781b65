/**
 * Rewriting the lines of an env file that npm run setup and npm run keys set, and nothing else:
 * comments, blank lines, the order and every other line stay byte for byte, and so do the line
 * endings and a BOM. A variable's line is the one twilio-run reads it from (dotenv 6.2.0's line
 * rule, the last one; a removed variable loses every line that sets it); a missing variable goes
 * after its nearest predecessor in the schema's order that the file sets, else at the end. Writing is atomic (a temporary file renamed over the old
 * one), after a copy of the old file is kept beside it (`<file>.bak`); text that would not change
 * is not written at all, so a run with nothing to do leaves the file and its backup as they were.
 */
import { randomBytes } from 'node:crypto';
import { closeSync, existsSync, fsyncSync, openSync, readFileSync, renameSync, statSync, unlinkSync, writeSync } from 'node:fs';
import path from 'node:path';
import { VARIABLES, type VariableName } from '../../lib/config/schema';
import { parseEnvText } from './env-file';

/** A variable to set to `value`, or (null) whose line to remove. */
export type EnvChanges = Partial<Record<VariableName, string | null>>;

const DOTENV6_LINE = /^\s*([\w.-]+)\s*=\s*(.*)?\s*$/;
const ORDER: readonly VariableName[] = VARIABLES.map((spec) => spec.name);

/** The variable a line sets as twilio-run reads it, or undefined (a comment, a blank, an `export` line). */
function nameOf(line: string): string | undefined {
  return DOTENV6_LINE.exec(line.replace(/^\uFEFF/, '').replace(/\r$/, ''))?.[1];
}

/** Values setup and keys write: SIDs, secrets, ISO times, `default`. Nothing that needs quotes. */
function assertWritable(name: string, value: string): void {
  if (!/^[\x21-\x7e]+$/.test(value) || /["'`#\\]/.test(value)) throw new Error(`refusing to write ${name}: its value needs quoting`);
}

/** `text` with the changes made to the lines of their variables only. */
export function editEnvText(text: string, changes: EnvChanges): string {
  const eol = text.includes('\r\n') ? '\r\n' : '\n';
  const lines = text === '' ? [] : text.split('\n');
  // The last element is what follows the last line break: '' when the text ends with one.
  let endsWithBreak = lines.length > 0 && lines[lines.length - 1] === '';
  if (endsWithBreak) lines.pop();
  const lastLineOf = (name: string): number => {
    for (let i = lines.length - 1; i >= 0; i--) if (nameOf(lines[i]!) === name) return i;
    return -1;
  };
  const entries = Object.entries(changes) as [VariableName, string | null | undefined][];
  for (const [name, value] of entries.sort(([a], [b]) => ORDER.indexOf(a) - ORDER.indexOf(b))) {
    if (value === undefined) continue;
    const at = lastLineOf(name);
    if (value === null) {
      // Every line that sets it: removing only the last would bring an earlier one into force.
      for (let i = lines.length - 1; i >= 0; i--) if (nameOf(lines[i]!) === name) lines.splice(i, 1);
      continue;
    }
    assertWritable(name, value);
    if (at >= 0) {
      const line = lines[at]!;
      // Already so (however it is written): the line stays as it is.
      if (parseEnvText(line.replace(/^\uFEFF/, ''))[name] === value) continue;
      const bom = line.startsWith('\uFEFF') ? '\uFEFF' : '';
      lines[at] = `${bom}${name}=${value}${line.endsWith('\r') ? '\r' : ''}`;
      continue;
    }
    const cr = eol === '\r\n' ? '\r' : '';
    const before = ORDER.slice(0, ORDER.indexOf(name))
      .reverse()
      .map(lastLineOf)
      .find((index) => index >= 0);
    const insertAt = before === undefined ? lines.length : before + 1;
    if (insertAt === lines.length && !endsWithBreak && lines.length > 0) {
      // The old last line had no line break: it gets one before the new line follows it.
      lines[lines.length - 1] += cr;
      endsWithBreak = true;
    }
    lines.splice(insertAt, 0, `${name}=${value}${cr}`);
    if (lines.length === 1) endsWithBreak = true;
  }
  return lines.length === 0 ? '' : `${lines.join('\n')}${endsWithBreak ? '\n' : ''}`;
}

/** Writes `data` to `file` so that a reader sees the old content or the new, never a part. */
function writeAtomically(file: string, data: string | Buffer, mode: number): void {
  const temporary = path.join(path.dirname(file), `.${path.basename(file)}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`);
  const fd = openSync(temporary, 'wx', mode);
  try {
    writeSync(fd, typeof data === 'string' ? Buffer.from(data, 'utf8') : data);
    fsyncSync(fd);
  } catch (error) {
    closeSync(fd);
    unlinkSync(temporary);
    throw error;
  }
  closeSync(fd);
  try {
    renameSync(temporary, file);
  } catch (error) {
    unlinkSync(temporary);
    throw error;
  }
}

export interface Written {
  /** False: the text was what the file holds, so nothing was written. */
  changed: boolean;
  /** The copy of the previous file, when there was one. */
  backup?: string;
}

/**
 * Replaces the file's text (creating the file when it does not exist, readable by its owner only):
 * the old file is first copied to `<file>.bak`, then the new text renamed into place.
 */
export function writeEnvFile(file: string, text: string): Written {
  if (!existsSync(file)) {
    writeAtomically(file, text, 0o600);
    return { changed: true };
  }
  const old = readFileSync(file);
  if (old.equals(Buffer.from(text, 'utf8'))) return { changed: false };
  const mode = statSync(file).mode & 0o777;
  const backup = `${file}.bak`;
  writeAtomically(backup, old, mode & 0o700);
  writeAtomically(file, text, mode);
  return { changed: true, backup };
}

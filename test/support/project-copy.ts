/** A temp copy of the project's sources (node_modules linked, nothing built), for tests that run its npm scripts. */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

export const ROOT = path.resolve(__dirname, '..', '..');
const PROJECT_FILES = [
  'package.json',
  '.twilioserverlessrc',
  '.env',
  '.env.example',
  'tsconfig.json',
  'tsconfig.base.json',
  'functions',
  'assets',
  'lib',
  'cli',
  'scripts',
];

export function copyProject(prefix: string, files: Record<string, string> = {}): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
  for (const entry of PROJECT_FILES) fs.cpSync(path.join(ROOT, entry), path.join(dir, entry), { recursive: true });
  fs.symlinkSync(path.join(ROOT, 'node_modules'), path.join(dir, 'node_modules'), 'dir');
  for (const [name, text] of Object.entries(files)) fs.writeFileSync(path.join(dir, name), text);
  return dir;
}

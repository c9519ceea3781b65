/**
 * npm run docs [-- --check]
 * Writes the documents derived from the code's tables: .env, .env.example and the README's
 * configuration table (lib/config/schema.ts), and docs/inspector.md's finding codes
 * (lib/inspect/finding-codes.ts). --check only says which are out of date (exit 1).
 */
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { renderDemoEnv, renderEnvExample, withBlock, withConfigTable } from '../lib/config/docs';
import { renderFindingTable } from '../lib/inspect/finding-codes';
import { parseFlags, UsageError } from './lib/args';

export const FINDING_TABLE = {
  start: '<!-- finding-codes:start (npm run docs writes this table from lib/inspect/finding-codes.ts) -->',
  end: '<!-- finding-codes:end -->',
};

export function derivedDocuments(root: string): { file: string; expected: string }[] {
  const read = (file: string): string => readFileSync(path.join(root, file), 'utf8');
  return [
    { file: '.env', expected: renderDemoEnv() },
    { file: '.env.example', expected: renderEnvExample() },
    { file: 'README.md', expected: withConfigTable(read('README.md')) },
    { file: 'docs/inspector.md', expected: withBlock(read('docs/inspector.md'), FINDING_TABLE, renderFindingTable()) },
  ];
}

function main(argv: readonly string[]): number {
  const root = path.resolve(__dirname, '..', '..');
  let check: boolean;
  try {
    check = parseFlags(argv, ['check']).flags.check === true;
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    process.stderr.write(`docs: ${error.message}\nUsage: npm run docs [-- --check]\n`);
    return 2;
  }
  let stale = 0;
  for (const { file, expected } of derivedDocuments(root)) {
    const target = path.join(root, file);
    if (readFileSync(target, 'utf8') === expected) continue;
    stale += 1;
    if (check) process.stderr.write(`${file} is out of date: run npm run docs\n`);
    else {
      writeFileSync(target, expected);
      process.stdout.write(`wrote ${file}\n`);
    }
  }
  return check && stale > 0 ? 1 : 0;
}

if (require.main === module) process.exitCode = main(process.argv.slice(2));

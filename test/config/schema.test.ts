/** The variable schema is the one list: every variable the code reads is declared, and what is derived from it is current. */
import { readFileSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { derivedDocuments } from '../../cli/docs';
import { VARIABLES } from '../../lib/config/schema';
import { unjudgedVariables } from '../../lib/doctor/offline';
import { ROOT } from '../support/runtime';

function sources(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const file = path.join(dir, name);
    return statSync(file).isDirectory() ? sources(file) : file.endsWith('.ts') ? [file] : [];
  });
}

test('every variable the code reads by name is declared in the schema', () => {
  const read = new Set<string>();
  for (const file of [...sources(path.join(ROOT, 'lib')), ...sources(path.join(ROOT, 'functions'))]) {
    for (const match of readFileSync(file, 'utf8').matchAll(/readVar\([a-zA-Z.]+, '([A-Z_]+)'\)/g)) read.add(match[1]!);
  }
  expect(read.size).toBeGreaterThan(15);
  const declared = new Set(VARIABLES.map((spec) => spec.name));
  expect([...read].filter((name) => !declared.has(name))).toEqual([]);
});

test('every declared variable has a doctor row, or is judged in another row', () => {
  expect(unjudgedVariables()).toEqual([]);
});

test('variable names are unique and secrets say so', () => {
  const names = VARIABLES.map((spec) => spec.name);
  expect(new Set(names).size).toBe(names.length);
  expect(VARIABLES.filter((spec) => spec.secret).map((spec) => spec.name)).toEqual([
    'API_SECRET',
    'APP_PASSCODE',
    'AUTH_JWT_SECRET',
    'AUTH_TOKEN',
  ]);
});

test.each(derivedDocuments(ROOT).map((doc) => [doc.file, doc.expected] as const))(
  '%s is what npm run docs writes from the schema',
  (file, expected) => {
    expect(readFileSync(path.join(ROOT, file), 'utf8')).toBe(expected);
  },
);

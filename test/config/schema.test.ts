/**
 * The variable schema is the one list: what is derived from it is current. (Every variable the
 * code reads is declared: readVar takes a VariableName, so a misspelt one does not compile.)
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { derivedDocuments } from '../../cli/docs';
import { VARIABLES } from '../../lib/config/schema';
import { unjudgedVariables } from '../../lib/doctor/offline';
import { ROOT } from '../support/runtime';

test('every declared variable has a doctor row, or is judged in another row', () => {
  expect(unjudgedVariables()).toEqual([]);
});

test('variable names are unique and secrets say so', () => {
  const names = VARIABLES.map((spec) => spec.name);
  expect(new Set(names).size).toBe(names.length);
  expect(VARIABLES.filter((spec) => spec.secret).map((spec) => spec.name)).toEqual([
    'API_SECRET',
    'API_SECRET_PREVIOUS',
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

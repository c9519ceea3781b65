/**
 * The suites `npm run test:mutation` (Stryker) runs against each mutant: those that import lib/
 * sources, so a mutant can change what they see. Not the ones that run the built dist/
 * (integration, deploy, e2e: they would never notice a source mutant) nor the slow ones outside
 * the mutated core (doctor online, token client, CLI).
 */
const base = require('./jest.config');

const SUITES = [
  'test/auth/**/*.test.ts',
  'test/config/auth.test.ts',
  'test/config/service.test.ts',
  'test/config/origins.test.ts',
  'test/endpoints/**/*.test.ts',
  'test/functions/token.test.ts',
  'test/functions/inspect.test.ts',
  'test/functions/products.test.ts',
  'test/http/**/*.test.ts',
  'test/token/**/*.test.ts',
  'test/products/**/*.test.ts',
  'test/twilio/**/*.test.ts',
  // Quick depth (bounded by time); a mutant the oracle disagrees with fails the property.
  'test/fuzz/**/*.test.ts',
  'test/inspect/engine.test.ts',
  'test/inspect/minted.test.ts',
  'test/doctor/offline.test.ts',
];

/** @type {import('jest').Config} */
module.exports = { ...base, testMatch: SUITES.map((glob) => `<rootDir>/${glob}`) };

/**
 * The suites `npm run test:mutation` (Stryker) runs against each mutant: those that import lib/
 * sources, so a mutant can change what they see. Not the ones that run the built dist/
 * (integration, deploy, e2e: they would never notice a source mutant) nor those of the tools
 * around the core (the doctor, the inspector, the token client, the CLIs): a static mutant (a
 * pattern or table at module level) runs every suite listed, and the doctor's and inspector's
 * suites alone were 60% of that time.
 */
const base = require('./jest.config');

// Each mutant a property reaches runs it whole: 100 events per property (not the quick pass's
// 1,500) keep a run within hours; a mutant the oracle disagrees with rarely needs more.
process.env.FUZZ_RUNS ??= '100';

const SUITES = [
  'test/auth/**/*.test.ts',
  'test/config/auth.test.ts',
  'test/config/service.test.ts',
  'test/config/origins.test.ts',
  'test/endpoints/**/*.test.ts',
  'test/functions/token.test.ts',
  'test/functions/products.test.ts',
  'test/http/**/*.test.ts',
  'test/token/**/*.test.ts',
  'test/products/**/*.test.ts',
  'test/twilio/**/*.test.ts',
  // Quick depth (bounded by time); a mutant the oracle disagrees with fails the property.
  'test/fuzz/token.test.ts',
  'test/fuzz/auth.test.ts',
  'test/fuzz/regressions.test.ts',
];

/** @type {import('jest').Config} */
module.exports = { ...base, testMatch: SUITES.map((glob) => `<rootDir>/${glob}`) };

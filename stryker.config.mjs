// Mutation testing of the core that decides who gets a token and what is in it (npm run
// test:mutation; docs/testing.md has the score, the run time and why each survivor is left).

/**
 * The mutated core, the one list to update when lib/ moves: caller authentication, the CORS
 * decision and origins, the parameter checks and the pipeline, identity and SID rules, the
 * product modules that build each grant, and signing.
 */
const CORE = [
  'lib/auth/**/*.ts',
  'lib/http/**/*.ts',
  'lib/config/origins.ts',
  'lib/endpoints/params.ts',
  'lib/endpoints/pipeline.ts',
  'lib/twilio/identity.ts',
  'lib/twilio/sids.ts',
  'lib/products/**/*.ts',
  'lib/token/**/*.ts',
];

/** @type {import('@stryker-mutator/api/core').PartialStrykerOptions} */
export default {
  mutate: CORE,
  testRunner: 'jest',
  jest: { projectType: 'custom', configFile: 'jest.mutation.config.js', enableFindRelatedTests: false },
  // Each mutant runs only the tests that reached it; a mutant of module-level code (a regex, a
  // constant) is reached while loading, by no test in particular, so it runs them all.
  coverageAnalysis: 'perTest',
  ignoreStatic: false,
  concurrency: 2,
  // A mutant past twice the tests' own time plus 10 s loops (a timeout counts as noticed); the
  // fuzz properties are bounded by time, so a mutant that slows them is still noticed.
  timeoutFactor: 2,
  timeoutMS: 10000,
  reporters: ['clear-text', 'progress', 'html', 'json'],
  htmlReporter: { fileName: 'reports/mutation/index.html' },
  jsonReporter: { fileName: 'reports/mutation/mutation.json' },
  clearTextReporter: { allowColor: false, logTests: false, reportScoreTable: true },
  thresholds: { high: 90, low: 80, break: null },
  ignorePatterns: ['test-output', 'coverage', '.dist-*', '.bench-variants-*', 'reports'],
  tempDirName: '.stryker-tmp',
  cleanTempDir: true,
};

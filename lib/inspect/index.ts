/**
 * The token inspector: pure functions of (text or token, expectations, clock). Runs unchanged in
 * Node (the /inspect function, the CLI, the doctor) and in a browser (the page), so nothing
 * here imports a Node built-in or touches a runtime global.
 */
export * from './types';
export { findTokenCandidates, type Candidate } from './extract';
export { describeExpectations, expectationsFromConfig, expectationsFromVars } from './expectations';
export { inspectText, MAX_ANSWER_CHARS, MAX_OTHER_TOKENS } from './paste';
export { MAX_SOURCE_CHARS } from './labels';
export { foundTokens, supportReport } from './support-report';
export { formatDuration, relativeTime } from './time';
export { inspectToken, MAX_TOKEN_CHARS } from './token-report';

'use strict';
// The configuration bench and load serve with: SID-shaped fake values, never a real account.
const BENCH_ENV = Object.freeze({
  ACCOUNT_SID: 'AC' + 'a1'.repeat(16),
  API_KEY: 'SK' + 'b2'.repeat(16),
  API_SECRET: 'f3b2c1d0e9f8a7b6c5d4e3f2a1b0c9d8',
  OUTGOING_SID: 'AP' + 'c3'.repeat(16),
  CHAT_SERVICE_SID: 'IS' + 'd4'.repeat(16),
  TASKROUTER_WORKSPACE_SID: 'WS' + 'e5'.repeat(16),
  DOMAIN_NAME: 'localhost:3000',
});

module.exports = { BENCH_ENV };

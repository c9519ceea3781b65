'use strict';
// Starts scripts/bench-server.js as a child process serving the built functions (and the
// baselines) with the bench configuration; resolves when it printed its URL. `stats()` asks the
// child for its CPU time, memory and log counters (`gc` first collects garbage when node runs
// with --expose-gc). The child exits when its stdin closes: call `stop()`.
const { spawn } = require('node:child_process');
const path = require('node:path');
const readline = require('node:readline');
const { BENCH_ENV } = require('./bench-env');

/**
 * @param {{ env?: Record<string, string>, extra?: Record<string, string>, nodeArgs?: string[], logs?: 'write' | 'check' }} [options]
 *   logs: `write` (the bench) writes log lines as production does; `check` (default, the load test) scans them for leaks.
 */
function startServerChild(options = {}) {
  const child = spawn(process.execPath, [...(options.nodeArgs ?? []), path.join(__dirname, '..', 'bench-server.js')], {
    env: {
      ...process.env,
      BENCH_ENV: JSON.stringify(options.env ?? BENCH_ENV),
      BENCH_EXTRA: JSON.stringify(options.extra ?? {}),
      BENCH_LOGS: options.logs ?? 'check',
    },
    stdio: ['pipe', 'pipe', 'inherit'],
  });
  const lines = readline.createInterface({ input: child.stdout });
  /** @type {((value: any) => void)[]} */
  const waiting = [];
  lines.on('line', (line) => waiting.shift()?.(JSON.parse(line)));
  const next = () => new Promise((resolve) => waiting.push(resolve));
  /** @type {Promise<{ url: string }>} */
  const ready = new Promise((resolve, reject) => {
    child.once('error', reject);
    child.once('exit', (code) => reject(new Error(`the bench server exited with ${code}`)));
    void next().then(resolve);
  });
  return {
    ready,
    /** @param {'stats' | 'gc'} [command] */
    stats(command = 'stats') {
      const answer = next();
      child.stdin.write(`${command}\n`);
      return answer;
    },
    stop: () => child.stdin.end(),
  };
}

module.exports = { startServerChild };

'use strict';
// Child process of bench/load: serves every built function (dist/functions/*.js) and the
// baselines of scripts/lib/baselines.js (/hello, /seed, /mintonly) on the in-process twilio-run
// server, prints {"url":...} and runs until its parent closes stdin.
// BENCH_LOGS=write (the bench): each log line is written to /dev/null, the syscall production's
// console.log pays on stdout, and nothing more. Otherwise (the load test) each line is counted
// and scanned for tokens and secrets, which costs CPU a benchmark must not charge to /token.
// Line protocol on stdin: `stats` answers one JSON line on stdout with the process's memory and
// what the functions logged; `gc` does the same after a full garbage collection (when node runs
// with --expose-gc), so memory is compared without the garbage of the last burst.
const fs = require('node:fs');
const path = require('node:path');
const readline = require('node:readline');
const { writeBaselines } = require('./lib/baselines');

const root = path.resolve(__dirname, '..');

/** A JWS compact serialization with an HS256-sized signature: never allowed in a log line. */
const JWT_SHAPE = /eyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{40,}/;

async function main() {
  const env = JSON.parse(process.env.BENCH_ENV || '{}');
  const baselines = writeBaselines();

  // The functions' request log lines are counted and checked for leaks, not printed: printing
  // would measure the terminal, and stdout is the line protocol.
  const logs = { lines: 0, leaky: 0 };
  const secrets = [env.API_SECRET, env.APP_PASSCODE, env.AUTH_JWT_SECRET].filter((s) => typeof s === 'string' && s.length >= 8);
  /** @param {unknown[]} args */
  const count = (args) => {
    const line = args.map(String).join(' ');
    logs.lines += 1;
    if (JWT_SHAPE.test(line) || secrets.some((secret) => line.includes(secret))) logs.leaky += 1;
    return line;
  };
  if (process.env.BENCH_LOGS === 'write') {
    const devNull = fs.openSync('/dev/null', 'w');
    console.log = (...args) => {
      logs.lines += 1;
      fs.writeSync(devNull, `${args.map(String).join(' ')}\n`);
    };
  } else console.log = (...args) => void count(args);
  // Warnings and errors are counted too (a request must log one line, no more) and shown, cut short.
  console.warn = console.info = console.error = (...args) => void process.stderr.write(`${count(args).slice(0, 300)}\n`);

  // The local server of npm start (built from cli/serve.ts), with the baselines as extra routes.
  const { listRoutes, startLocalServer } = require(path.join(root, 'dist', 'cli', 'serve.js'));
  const routes = await listRoutes(root);
  // BENCH_EXTRA: more function files to serve, e.g. the bench's variants of /token.
  const extra = JSON.parse(process.env.BENCH_EXTRA || '{}');
  for (const [name, filePath] of Object.entries({ ...baselines.files, ...extra }))
    routes.functions.push({ name, path: `/${name}`, access: 'public', content: '', filePath });
  const server = await startLocalServer({ env, root, routes });
  const stats = () => {
    const { rss, heapUsed, heapTotal, external, arrayBuffers } = process.memoryUsage();
    const { user, system } = process.cpuUsage();
    return { rss, heapUsed, heapTotal, external, arrayBuffers, cpuMicros: user + system, logLines: logs.lines, leakyLogLines: logs.leaky };
  };
  process.stdout.write(JSON.stringify({ url: server.url, pid: process.pid, ...stats() }) + '\n');

  readline.createInterface({ input: process.stdin }).on('line', (command) => {
    if (command.trim() === 'gc' && typeof global.gc === 'function') global.gc();
    if (command.trim() === 'stats' || command.trim() === 'gc') process.stdout.write(JSON.stringify(stats()) + '\n');
  });
  process.stdin.on('end', async () => {
    await server.close();
    baselines.remove();
    process.exit(0);
  });
}
main().catch((e) => {
  process.stderr.write(String(e) + '\n');
  process.exit(1);
});

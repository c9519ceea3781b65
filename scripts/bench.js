#!/usr/bin/env node
// npm run bench [-- --quick] [-- --write]: ratios measured in one run on this machine (never
// asserted in tests). On 2 shared cores the load generator sets req/s, so the figure compared is
// the server's CPU time per request: median over alternating rounds, each subject measured in
// every round so a noisy neighbour hurts all alike.
//  1. HTTP: /token, an AccessToken-only function with the same payload and answer shape (the
//     library's ceiling: our overhead is the distance to it), hello-world with the same query
//     string, and the tutorial function, on the in-process local server of npm start
//  2. What the environment memo buys: /token against a variant that parses the configuration per request
//  3. The KeyObject cache: twilio's AccessToken with a string secret vs a cached KeyObject
//  4. Module load time of the built functions
// --write records the results in BENCHMARKS.md. Loopback only; every phase is bounded.
'use strict';
const { spawnSync } = require('node:child_process');
const crypto = require('node:crypto');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const autocannon = require('autocannon');
const { BENCH_ENV } = require('./lib/bench-env');
const { startServerChild } = require('./lib/server-child');

const root = path.resolve(__dirname, '..');
const QUICK = process.argv.includes('--quick');
const WRITE = process.argv.includes('--write');
const ROUNDS = QUICK ? 3 : 9;
const REQUESTS_PER_ROUND = QUICK ? 1_000 : 4_000;
const CONNECTIONS = 10;
const MICRO_SECONDS = QUICK ? 0.3 : 1;
const LOAD_SAMPLES = QUICK ? 5 : 15;
const OVERHEAD_TARGET = 0.05;
/** Issue 18: /token at least 1.25x the tutorial function's throughput (CPU per request). */
const TUTORIAL_TARGET = 1.25;
const MEMO_THRESHOLD = 0.03;
const NOTES_MARKER = '<!-- Everything below this line is kept when npm run bench -- --write rewrites the figures above. -->';
const QUERY = '?identity=alice&grants=voice,video';

/** @typedef {{ median: number, min: number, max: number }} Spread */
/** @typedef {{ routes: Record<string, Spread>, errors: number }} CpuResults */
/** @typedef {{ file: string } & Spread} LoadTime */

/** @param {number[]} values */
const median = (values) => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? Number(sorted[mid]) : (Number(sorted[mid - 1]) + Number(sorted[mid])) / 2;
};

/**
 * /token with a piece of its hot path swapped at bundle time (an esbuild plugin replaces the
 * module an importer asks for with a wrapper), so the bench measures what that piece buys
 * without the product code carrying switches for it.
 */
/** @type {Record<string, { module: string, importer: string, wrapper: (real: string) => string }>} */
const VARIANTS = {
  // The environment memo (lib/config/environment.ts) removed: every request parses the configuration again.
  nomemo: {
    module: 'lib/config/environment.ts',
    importer: 'lib/endpoints/pipeline.ts',
    wrapper: (real) => `
      export * from ${JSON.stringify(real)};
      export { parseEnvironment as readEnvironment } from ${JSON.stringify(real)};`,
  },
};

/**
 * @param {string} dir
 * @returns {Promise<Record<string, string>>}
 */
async function buildVariants(dir) {
  const esbuild = require('esbuild');
  // A second copy of /token as it ships: the spread between the two is the measurement's noise.
  const tokencopy = path.join(dir, 'tokencopy.js');
  fs.copyFileSync(path.join(root, 'dist', 'functions', 'token.js'), tokencopy);
  /** @type {Record<string, string>} */
  const files = { tokencopy };
  for (const [name, memo] of Object.entries(VARIANTS)) {
    const real = path.join(root, memo.module);
    const out = path.join(dir, `${name}.js`);
    /** @type {import('esbuild').Plugin} */
    const swap = {
      name: `swap-${name}`,
      setup(build) {
        build.onResolve({ filter: /^\.\.?\// }, (args) => {
          if (args.importer !== path.join(root, memo.importer)) return undefined;
          const target = path.resolve(path.dirname(args.importer), args.path);
          return target === real.replace(/\.ts$/, '') || target === real ? { path: `${name}-wrapper`, namespace: 'memo' } : undefined;
        });
        build.onLoad({ filter: /.*/, namespace: 'memo' }, () => ({ contents: memo.wrapper(real), loader: 'ts', resolveDir: root }));
      },
    };
    files[name] = out;
    await esbuild.build({
      entryPoints: [path.join(root, 'functions', 'token.ts')],
      bundle: true,
      platform: 'node',
      format: 'cjs',
      target: 'node22',
      packages: 'external',
      outfile: out,
      logLevel: 'error',
      plugins: [swap],
    });
  }
  return files;
}

/**
 * @param {string} url
 * @param {number} amount
 * @returns {Promise<import('autocannon').Result>}
 */
function cannon(url, amount) {
  return new Promise((resolve, reject) => {
    autocannon({ url, connections: CONNECTIONS, amount, timeout: 10 }, (error, result) => (error ? reject(error) : resolve(result)));
  });
}

/**
 * Server CPU microseconds per request for each route: median over alternating rounds.
 * @returns {Promise<CpuResults>}
 */
async function serverCpu() {
  // Inside the project, so the variants find node_modules as the built functions do.
  const dir = fs.mkdtempSync(path.join(root, '.bench-variants-'));
  const server = startServerChild({ extra: await buildVariants(dir), logs: 'write' });
  try {
    const { url } = await server.ready;
    /** @type {Record<string, string>} */
    const routes = {
      token: `/token${QUERY}`,
      mintonly: `/mintonly${QUERY}`,
      hello: `/hello${QUERY}`,
      seed: `/seed${QUERY}`,
      mintasync: `/mintasync${QUERY}`,
      tokencopy: `/tokencopy${QUERY}`,
      ...Object.fromEntries(Object.keys(VARIANTS).map((name) => [name, `/${name}${QUERY}`])),
    };
    for (const route of Object.values(routes)) await cannon(url + route, 500); // warm-up: JIT, module loads
    /** @type {Record<string, number[]>} */
    const perRound = Object.fromEntries(Object.keys(routes).map((name) => [name, []]));
    let errors = 0;
    for (let round = 0; round < ROUNDS; round++) {
      // A different order each round, so no subject always follows the same one.
      const order = Object.keys(routes);
      for (let i = 0; i < round % order.length; i++) order.push(/** @type {string} */ (order.shift()));
      for (const name of order) {
        const before = await server.stats();
        const result = await cannon(url + routes[name], REQUESTS_PER_ROUND);
        const after = await server.stats();
        errors += result.errors + result.timeouts + result.non2xx;
        perRound[name]?.push((after.cpuMicros - before.cpuMicros) / result.requests.total);
      }
    }
    return {
      errors,
      routes: Object.fromEntries(
        Object.entries(perRound).map(([name, values]) => [
          name,
          { median: median(values), min: Math.min(...values), max: Math.max(...values) },
        ]),
      ),
    };
  } finally {
    server.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * Median microseconds per call of each subject, over alternating rounds.
 * @param {Record<string, () => unknown>} subjects
 * @returns {Record<string, number>}
 */
function microCosts(subjects) {
  /** @type {Record<string, number[]>} */
  const samples = Object.fromEntries(Object.keys(subjects).map((name) => [name, []]));
  for (let round = 0; round < ROUNDS; round++) {
    for (const [name, fn] of Object.entries(subjects)) {
      const deadline = process.hrtime.bigint() + BigInt(Math.round(MICRO_SECONDS * 1e9));
      const start = process.hrtime.bigint();
      let calls = 0;
      while (process.hrtime.bigint() < deadline) {
        for (let i = 0; i < 50; i++) fn();
        calls += 50;
      }
      samples[name]?.push(Number(process.hrtime.bigint() - start) / 1e3 / calls);
    }
  }
  return Object.fromEntries(Object.entries(samples).map(([name, values]) => [name, median(values)]));
}

function bundleForBench() {
  // The core modules the memos lived in, bundled once for this process (the functions bundle them too).
  const esbuild = require('esbuild');
  const out = path.join(os.tmpdir(), `bench-core-${process.pid}.js`);
  esbuild.buildSync({
    stdin: {
      contents: `
        export { parseEnvironment, readEnvironment } from './lib/config/environment';
        export { requestLogLine } from './lib/endpoints/log';
      `,
      resolveDir: root,
      loader: 'ts',
    },
    bundle: true,
    platform: 'node',
    format: 'cjs',
    packages: 'external',
    outfile: out,
    logLevel: 'error',
  });
  const core = require(out);
  fs.rmSync(out, { force: true });
  return core;
}

function perRequestSteps() {
  const core = bundleForBench();
  const env = { ...BENCH_ENV, AUTH_MODE: 'none' };
  const fields = { identity: 'alice', grants: ['voice', 'video'], ttl: 3600 };
  return microCosts({
    'parsing the configuration (config, CORS and auth settings)': () => core.parseEnvironment(env),
    'the same through the memo (variables unchanged)': () => core.readEnvironment(env),
    'the log line (built, not written)': () =>
      core.requestLogLine({ started: Date.now(), path: '/token', status: 200, outcome: 'ok', fields, ms: 1 }),
  });
}

function installRuntimeGlobals() {
  require(path.join(root, 'dist', 'cli', 'serve.js')).installRuntimeGlobals(root);
}

/** twilio's AccessToken signing with a string secret (the tutorial way) vs a cached KeyObject. */
function keyObjectCache() {
  installRuntimeGlobals();
  const { AccessToken } = globalThis.Twilio.jwt;
  const key = crypto.createSecretKey(Buffer.from(BENCH_ENV.API_SECRET, 'utf8'));
  /** @param {string | import('node:crypto').KeyObject} secret */
  const mint = (secret) => () => {
    const token = new AccessToken(BENCH_ENV.ACCOUNT_SID, BENCH_ENV.API_KEY, /** @type {string} */ (secret), {
      identity: 'alice',
      ttl: 3600,
    });
    token.addGrant(new AccessToken.VoiceGrant({ outgoingApplicationSid: BENCH_ENV.OUTGOING_SID, incomingAllow: true }));
    token.addGrant(new AccessToken.VideoGrant());
    return token.toJwt();
  };
  if (mint(key)().split('.')[2] === undefined) throw new Error('no token');
  return microCosts({ 'string secret': mint(BENCH_ENV.API_SECRET), 'cached KeyObject': mint(key) });
}

/** require() time of a function file in a fresh process that already has the runtime's globals; median of `samples`. */
/**
 * @param {string} file
 * @param {number} samples
 * @returns {Spread}
 */
function moduleLoadMs(file, samples) {
  const probe = `
    require(${JSON.stringify(path.join(root, 'dist', 'cli', 'serve.js'))}).installRuntimeGlobals(${JSON.stringify(root)});
    const start = process.hrtime.bigint();
    require(${JSON.stringify(file)});
    process.stdout.write(String(Number(process.hrtime.bigint() - start) / 1e6));
  `;
  const times = [];
  for (let i = 0; i < samples; i++) {
    const run = spawnSync(process.execPath, ['-e', probe], { cwd: root, encoding: 'utf8', timeout: 30_000 });
    if (run.status !== 0) throw new Error(`loading ${file} failed: ${run.stderr}`);
    times.push(Number(run.stdout));
  }
  return { median: median(times), min: Math.min(...times), max: Math.max(...times) };
}

function machine() {
  const cpus = os.cpus();
  return {
    cpu: `${cpus.length} x ${cpus[0]?.model.trim() ?? 'unknown CPU'}`,
    memory: `${Math.round(os.totalmem() / 2 ** 30)} GiB`,
    os: `${os.type()} ${os.release()} ${os.arch()}`,
    node: process.version,
  };
}

/** @param {number} n */
const us = (n) => n.toFixed(1);
/** @param {number} n */
const pct = (n) => `${(n * 100).toFixed(1)}%`;
/** @param {(string | number)[]} cells */
const row = (cells) => `| ${cells.join(' | ')} |`;

/** @typedef {{ date: string, machine: ReturnType<typeof machine>, loadBefore: string, loadAfter: string, cpu: CpuResults, steps: Record<string, number>, key: Record<string, number>, load: LoadTime[] }} Results */

/** @param {Results} r */

function report(r) {
  const spread = (/** @type {string} */ name) => /** @type {Spread} */ (r.cpu.routes[name]);
  const token = spread('token');
  const mintonly = spread('mintonly');
  const hello = spread('hello');
  const seed = spread('seed');
  const overhead = token.median / mintonly.median - 1;
  const lines = [];
  lines.push(
    `1. Server CPU per request over HTTP (in-process local server, ${CONNECTIONS} connections, median of ${ROUNDS} alternating rounds of ${REQUESTS_PER_ROUND} requests; errors ${r.cpu.errors})`,
  );
  lines.push('');
  lines.push(row(['route (same query string)', 'median µs CPU', 'min', 'max']));
  lines.push(row(['---', '---:', '---:', '---:']));
  /** @type {[string, Spread][]} */
  const routeRows = [
    ['`/token`', token],
    ['`/mintonly` (twilio AccessToken alone, same payload and answer)', mintonly],
    ['`/hello` (hello-world)', hello],
    ['`/seed` (tutorial function, string secret)', seed],
  ];
  for (const [label, s] of routeRows) {
    lines.push(row([label, us(s.median), us(s.min), us(s.max)]));
  }
  lines.push('');
  lines.push(
    `- **our overhead over the library's ceiling: /token / mintonly = ${(token.median / mintonly.median).toFixed(3)}x CPU, ${pct(overhead)}, so /token runs at ${(mintonly.median / token.median).toFixed(2)}x mintonly's throughput (target <= ${pct(OVERHEAD_TARGET)}: ${overhead <= OVERHEAD_TARGET ? 'met' : 'MISSED'})**`,
  );
  lines.push(
    `- what a request costs the runtime alone (hello-world): ${us(hello.median)} µs; signing and answering a token adds ${us(mintonly.median - hello.median)} µs; our pipeline adds ${us(token.median - mintonly.median)} µs more`,
  );
  const vsTutorial = seed.median / token.median;
  lines.push(
    `- **/token vs the tutorial function: ${vsTutorial.toFixed(2)}x its throughput (target >= ${TUTORIAL_TARGET}x: ${vsTutorial >= TUTORIAL_TARGET ? 'met' : 'MISSED'})**`,
  );
  lines.push('');
  const noise = Math.abs(1 - spread('tokencopy').median / token.median);
  /** @param {number} saves */
  const worthIt = (saves) => (saves >= Math.max(MEMO_THRESHOLD, noise) ? 'yes' : 'no');
  lines.push(
    `2. What a piece of /token's hot path buys, as a variant without it measured in the same rounds. Worth keeping only if it saves >= ${pct(MEMO_THRESHOLD)} of the variant's CPU and more than the noise: a second copy of /token measured ${pct(noise)} apart from the first.`,
  );
  lines.push('');
  lines.push(row(['variant of /token', 'median µs CPU', 'what /token saves', 'worth keeping']));
  lines.push(row(['---', '---:', '---:', '---']));
  lines.push(
    row([
      'the same /token, served twice (control)',
      us(spread('tokencopy').median),
      pct(1 - spread('tokencopy').median / token.median),
      '',
    ]),
  );
  /** @type {[string, Spread][]} */
  const variants = [['without the environment memo (the configuration parsed on every request)', spread('nomemo')]];
  for (const [label, s] of variants) {
    const saves = 1 - token.median / s.median;
    lines.push(row([label, us(s.median), pct(saves), worthIt(saves)]));
  }
  const asyncCost = 1 - mintonly.median / spread('mintasync').median;
  lines.push(
    row(['answering synchronously (mintonly vs the same function calling back a microtask later)', '', pct(asyncCost), worthIt(asyncCost)]),
  );
  lines.push('');
  lines.push(
    `Single steps in-process (median µs per call, JIT-hot, so a lower bound): ${Object.entries(r.steps)
      .map(([step, cost]) => `${step} ${us(cost)}`)
      .join('; ')}.`,
  );
  lines.push('');
  const stringSecret = Number(r.key['string secret']);
  const keyObject = Number(r.key['cached KeyObject']);
  lines.push(
    `3. The KeyObject cache (in-process, twilio AccessToken voice+video, median µs per token): string secret ${us(stringSecret)}, cached KeyObject ${us(keyObject)}: **${(stringSecret / keyObject).toFixed(1)}x**, ${pct((stringSecret - keyObject) / token.median)} of /token's CPU: kept`,
  );
  lines.push('');
  lines.push(`4. Module load time (fresh process with the runtime's globals, require() only, median of ${LOAD_SAMPLES})`);
  lines.push('');
  lines.push(row(['file', 'median ms', 'min', 'max']));
  lines.push(row(['---', '---:', '---:', '---:']));
  for (const l of r.load) lines.push(row([`\`${l.file}\``, l.median.toFixed(2), l.min.toFixed(2), l.max.toFixed(2)]));
  return lines.join('\n');
}

/**
 * @param {Results} r
 * @param {string} body
 */
function markdown(r, body) {
  const m = r.machine;
  return `# Benchmarks

Measured by \`npm run bench -- --write\` (\`scripts/bench.js\`), which rewrites this file. Ratios
measured in one run on one machine, never assertions in tests.

- Date: ${r.date}
- Machine: ${m.cpu}, ${m.memory}, ${m.os}, Node ${m.node}
- Load average (1 min) at start / end: ${r.loadBefore} / ${r.loadAfter}${Number(r.loadBefore) >= 1 ? ' (the machine was shared with other work: expect noise)' : ''}
- Reproduce: \`npm run bench\` (add \`-- --write\` to update this file, \`-- --quick\` for a short run)

${body}
`;
}

async function main() {
  const loadAverage = () => String(os.loadavg()[0]?.toFixed(2));
  const loadBefore = loadAverage();
  const m = machine();
  console.log(`Machine: ${m.cpu}, ${m.memory}, ${m.os}, Node ${m.node}; load average ${loadBefore}${QUICK ? ' (quick run)' : ''}\n`);
  const cpu = await serverCpu();
  const steps = perRequestSteps();
  const key = keyObjectCache();
  const load = ['token.js', 'inspect.js'].map((file) => ({
    file: `dist/functions/${file}`,
    ...moduleLoadMs(path.join(root, 'dist', 'functions', file), LOAD_SAMPLES),
  }));
  /** @type {Results} */
  const results = { date: new Date().toISOString(), machine: m, loadBefore, loadAfter: loadAverage(), cpu, steps, key, load };
  const body = report(results);
  console.log(body);
  if (WRITE) {
    // Hand-written notes (history, analysis) after the marker survive a rewrite of the figures.
    const file = path.join(root, 'BENCHMARKS.md');
    const previous = fs.existsSync(file) ? fs.readFileSync(file, 'utf8') : '';
    const at = previous.indexOf(NOTES_MARKER);
    fs.writeFileSync(file, `${markdown(results, body)}\n${at >= 0 ? previous.slice(at) : `${NOTES_MARKER}\n`}`);
    console.log('\nWrote BENCHMARKS.md');
  }
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});

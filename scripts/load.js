#!/usr/bin/env node
// npm run load: 20,000 requests (LOAD_AMOUNT; after LOAD_WARMUP, 10,000), 50 at a time, against the in-process twilio-run server (the
// bench server child), mixing valid and invalid requests. Every answer must have the status its
// request deserves; socket errors and timeouts count as failures. Prints p50/p99 latency and the
// server's RSS, and exits non-zero when a goal is missed:
//   0 unexpected answers, 0 socket errors/timeouts, RSS growth < 20 MB, one clean log line per request.
// Loopback only; bounded by the request count and a time limit; the server child exits with us.
'use strict';
const fs = require('node:fs');
const path = require('node:path');
const autocannon = require('autocannon');
const root = path.resolve(__dirname, '..');
const { BENCH_ENV } = require('./lib/bench-env');
const { startServerChild } = require('./lib/server-child');

const AMOUNT = Number(process.env.LOAD_AMOUNT ?? 20_000);
const CONNECTIONS = 50;
/**
 * Warm-up of the same mix before the "before" measurement: V8 grows its committed heap to the
 * allocation rate of 50 concurrent requests within the first few thousand (the hello-world
 * function alone shows the same), so growth measured from a cold server says nothing about leaks.
 */
const WARMUP = Number(process.env.LOAD_WARMUP ?? 10_000);
const TIME_LIMIT_S = 180;
const RSS_GROWTH_GOAL = 20 * 2 ** 20;

const ENV = { ...BENCH_ENV, ALLOWED_ORIGINS: 'https://app.example.com' };

/** @typedef {{ name: string, method?: import('autocannon').Request['method'], path: string, headers?: Record<string, string>, body?: string, expect: number }} MixedRequest */

/** @param {unknown} body */
const json = (body) => ({ headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
const HUGE = 'x'.repeat(100_000);
const hasInspect = fs.existsSync(path.join(root, 'dist', 'functions', 'inspect.js'));

/**
 * The mix: every request with the status it must get. Autocannon cycles through them in order.
 * @param {string} sampleToken
 * @returns {MixedRequest[]}
 */
function requestMix(sampleToken) {
  /** @type {MixedRequest[]} */
  const mix = [
    { name: 'GET voice+video', path: '/token?identity=alice&grants=voice,video', expect: 200 },
    {
      name: 'POST JSON chat+sync',
      method: 'POST',
      path: '/token',
      ...json({ identity: 'bob@example.com', grants: ['chat', 'sync'], ttl: 600 }),
      expect: 200,
    },
    {
      name: 'POST form video room',
      method: 'POST',
      path: '/token',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: 'identity=carol&grants=video&room=standup',
      expect: 200,
    },
    { name: 'GET allowed origin', path: '/token?identity=dave&grants=video', headers: { origin: 'https://app.example.com' }, expect: 200 },
    // The local server refuses a query that would replace event.request (issue 11).
    { name: 'GET qs-nested request override', path: '/token?identity=erin&grants=video&request[headers][origin][x]=1', expect: 400 },
    { name: 'GET taskrouter worker', path: `/token?identity=agent_7&grants=taskrouter&worker=WK${'f6'.repeat(16)}`, expect: 200 },
    // Voice call parameters come from verified claims only (issue 18).
    { name: 'GET voice params from the caller', path: '/token?identity=alice&grants=voice&params[tenant]=acme', expect: 400 },
    { name: 'GET voice identity with a space', path: '/token?identity=alice%20smith&grants=voice', expect: 400 },
    { name: 'GET missing identity', path: '/token?grants=video', expect: 400 },
    { name: 'GET unknown grant', path: '/token?identity=alice&grants=phone', expect: 400 },
    { name: 'GET ttl too long', path: '/token?identity=alice&grants=video&ttl=90000', expect: 400 },
    {
      name: 'POST JSON hostile types',
      method: 'POST',
      path: '/token',
      ...json({ identity: { __proto__: { admin: true } }, grants: [null, 1], ttl: [] }),
      expect: 400,
    },
    { name: 'POST JSON 100 KB identity', method: 'POST', path: '/token', ...json({ identity: HUGE, grants: 'chat' }), expect: 400 },
    {
      name: 'GET disallowed origin',
      path: '/token?identity=alice&grants=video',
      headers: { origin: 'https://evil.example.com' },
      expect: 403,
    },
    {
      name: 'OPTIONS preflight',
      method: 'OPTIONS',
      path: '/token',
      headers: { origin: 'https://app.example.com', 'access-control-request-method': 'POST' },
      expect: 204,
    },
  ];
  if (hasInspect) {
    mix.push(
      { name: 'POST inspect a token', method: 'POST', path: '/inspect', ...json({ token: sampleToken }), expect: 200 },
      { name: 'POST inspect junk', method: 'POST', path: '/inspect', ...json({ token: 'eyJ.not.a-token' }), expect: 200 },
      { name: 'POST inspect nothing', method: 'POST', path: '/inspect', ...json({}), expect: 400 },
    );
  }
  return mix;
}

/**
 * @param {string} url
 * @param {MixedRequest[]} requests
 * @param {number} amount
 * @param {(name: string, expected: number, status: number, body: string) => void} onAnswer
 * @returns {Promise<import('autocannon').Result>}
 */
function run(url, requests, amount, onAnswer) {
  return new Promise((resolve, reject) => {
    const instance = autocannon(
      {
        url,
        connections: CONNECTIONS,
        amount,
        timeout: 10,
        requests: requests.map(({ name, expect, ...request }) => ({
          ...request,
          onResponse: (/** @type {number} */ status, /** @type {string} */ body) => onAnswer(name, expect, status, body),
        })),
      },
      (error, result) => (error ? reject(error) : resolve(result)),
    );
    const limit = setTimeout(() => {
      instance.stop();
      reject(new Error(`the load run did not finish within ${TIME_LIMIT_S} s`));
    }, TIME_LIMIT_S * 1000);
    instance.on('done', () => clearTimeout(limit));
  });
}

/** @param {number} bytes */
const mb = (bytes) => `${(bytes / 2 ** 20).toFixed(1)} MB`;

async function main() {
  // --expose-gc: the `gc` command collects garbage before a measurement, so growth means retention.
  const server = startServerChild({ env: ENV, nodeArgs: ['--expose-gc'] });
  let exitCode;
  try {
    const { url } = await server.ready;
    const sample = /** @type {{ token: string }} */ (await (await fetch(`${url}/token?identity=alice&grants=voice,video`)).json());
    const requests = requestMix(sample.token);
    const cold = await server.stats('gc');

    const unexpected = new Map();
    const answered = new Map();
    let checked = 0;
    /** @type {(name: string, expected: number, status: number, body: string) => void} */
    const onAnswer = (name, expected, status, body) => {
      checked += 1;
      answered.set(name, (answered.get(name) ?? 0) + 1);
      const tokenMissing = expected === 200 && name.startsWith('GET voice') && !/"token":"eyJ/.test(body);
      if (status !== expected || tokenMissing) {
        const key = `${name}: got ${status}, expected ${expected}`;
        unexpected.set(key, (unexpected.get(key) ?? 0) + 1);
      }
    };

    // Warm-up (JIT, lazily loaded modules, the runtime's caches): memory is compared from here.
    await run(url, requests, WARMUP, onAnswer);
    const warm = await server.stats('gc');
    const started = Date.now();
    const result = await run(url, requests, AMOUNT, onAnswer);
    const seconds = (Date.now() - started) / 1000;
    const after = await server.stats('gc');
    // LOAD_REPEAT=n runs the same load n more times to tell a leak (RSS keeps climbing) from a plateau.
    let final = after;
    for (let round = 1; round <= Number(process.env.LOAD_REPEAT ?? 0); round++) {
      await run(url, requests, AMOUNT, onAnswer);
      final = await server.stats('gc');
      console.log(`  repeat ${round}: RSS ${mb(final.rss)}, heap used ${mb(final.heapUsed)}, committed ${mb(final.heapTotal)}`);
    }

    const socketErrors = result.errors + result.timeouts;
    const unexpectedCount = [...unexpected.values()].reduce((a, b) => a + b, 0);
    const growth = after.rss - warm.rss;
    // OPTIONS never reaches a function: the runtime answers preflight itself, as deployed Twilio does.
    const logLinesExpected = 1 + [...answered].filter(([name]) => !name.startsWith('OPTIONS')).reduce((sum, [, n]) => sum + n, 0);

    console.log(
      `Load: ${AMOUNT.toLocaleString('en-US')} requests (+${WARMUP} warm-up), ${CONNECTIONS} connections, ${requests.length} request kinds${hasInspect ? ' (incl. /inspect)' : ''}, loopback`,
    );
    console.log(`  finished in ${seconds.toFixed(1)} s: ${Math.round(result.requests.average).toLocaleString('en-US')} req/s average`);
    console.log(`  latency p50 ${result.latency.p50} ms, p99 ${result.latency.p99} ms, max ${result.latency.max} ms`);
    console.log(
      `  answers checked ${checked.toLocaleString('en-US')}; unexpected ${unexpectedCount} (goal 0); socket errors ${result.errors}, timeouts ${result.timeouts} (goal 0)`,
    );
    for (const [what, n] of unexpected) console.log(`    ${n} x ${what}`);
    console.log(
      `  server RSS (after a full GC): cold ${mb(cold.rss)}, after warm-up ${mb(warm.rss)}, after the run ${mb(after.rss)}: growth ${mb(growth)} (goal < ${mb(RSS_GROWTH_GOAL)})`,
    );
    console.log(
      `  server JS heap used ${mb(warm.heapUsed)} -> ${mb(after.heapUsed)} (committed ${mb(warm.heapTotal)} -> ${mb(after.heapTotal)})`,
    );
    console.log(
      `  log lines ${final.logLines.toLocaleString('en-US')} for ${logLinesExpected.toLocaleString('en-US')} requests that reached a function (goal: one each); lines with a token or a secret: ${final.leakyLogLines} (goal 0)`,
    );

    const missed = [];
    if (unexpectedCount > 0) missed.push('unexpected answers');
    if (socketErrors > 0) missed.push('socket errors/timeouts');
    if (checked < AMOUNT + WARMUP) missed.push(`only ${checked} answers`);
    if (growth >= RSS_GROWTH_GOAL) missed.push('RSS growth');
    if (final.leakyLogLines > 0) missed.push('leaky log lines');
    if (final.logLines !== logLinesExpected) missed.push('one log line per request');
    console.log(missed.length === 0 ? 'All load goals met.' : `MISSED: ${missed.join(', ')}`);
    exitCode = missed.length === 0 ? 0 : 1;
  } finally {
    server.stop();
  }
  return exitCode;
}

main().then(
  (code) => {
    process.exitCode = code;
  },
  (error) => {
    console.error(error);
    process.exit(1);
  },
);

#!/usr/bin/env node
// npm run bench [-- --quick] [-- --write]: throughput ratios measured in one run on this machine
// (never asserted in tests).
//  1. in-process /token handler vs a hand-made node:crypto HS256 JWT of the same payload, vs the
//     naive seed-style function (tutorial code, string secret), and twilio's AccessToken alone
//  2. HTTP /token vs a hello-world function on the same in-process twilio-run server (autocannon),
//     with p50/p99, and the seed-style and AccessToken-only functions over HTTP
//  3. module load time of dist/functions/token.js in a fresh process, the Twilio global present
// --write records the results in BENCHMARKS.md. Loopback only; every phase is bounded in time
// and the server child exits with us.
'use strict';
const { spawn, spawnSync } = require('node:child_process');
const crypto = require('node:crypto');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const readline = require('node:readline');
const autocannon = require('autocannon');
const { writeBaselines } = require('./lib/baselines');
const { BENCH_ENV } = require('./lib/bench-env');
const { root } = require('./lib/serve');

const QUICK = process.argv.includes('--quick');
const WRITE = process.argv.includes('--write');
const CPU_SECONDS = QUICK ? 0.4 : 1.5;
const CPU_ROUNDS = QUICK ? 2 : 4;
const HTTP_SECONDS = QUICK ? 2 : 5;
const HTTP_ROUNDS = QUICK ? 1 : 3;
const CONNECTIONS = 20;
const LOAD_SAMPLES = QUICK ? 5 : 15;
const LOAD_TIME_GOAL_MS = 5;
const NOTES_MARKER = '<!-- Everything below this line is kept when npm run bench -- --write rewrites the figures above. -->';

const ENV = BENCH_ENV;
const EVENT = { identity: 'alice', grants: 'voice,video', request: { headers: {}, cookies: {} } };

/** Runs `fn` (sync or async) repeatedly for `seconds`; returns operations per second. */
async function opsPerSecond(fn, seconds) {
  const deadline = process.hrtime.bigint() + BigInt(Math.round(seconds * 1e9));
  const start = process.hrtime.bigint();
  let ops = 0;
  while (process.hrtime.bigint() < deadline) {
    for (let i = 0; i < 50; i++) await fn();
    ops += 50;
  }
  return ops / (Number(process.hrtime.bigint() - start) / 1e9);
}

/** Best of `rounds` alternating runs of every subject, so a noisy neighbour hurts all alike. */
async function compare(subjects, seconds, rounds) {
  const best = Object.fromEntries(Object.keys(subjects).map((name) => [name, 0]));
  for (let r = 0; r < rounds; r++) {
    for (const [name, fn] of Object.entries(subjects)) best[name] = Math.max(best[name], await opsPerSecond(fn, seconds));
  }
  return best;
}

const b64 = (obj) => Buffer.from(JSON.stringify(obj)).toString('base64url');

/** The floor: the same header and payload, signed with nothing but node:crypto. */
function handMadeJwt() {
  const now = Math.floor(Date.now() / 1000);
  const header = { alg: 'HS256', typ: 'JWT', cty: 'twilio-fpa;v=1' };
  const payload = {
    jti: `${ENV.API_KEY}-${now}`,
    grants: { identity: 'alice', voice: { incoming: { allow: true }, outgoing: { application_sid: ENV.OUTGOING_SID } }, video: {} },
    iat: now,
    exp: now + 3600,
    iss: ENV.API_KEY,
    sub: ENV.ACCOUNT_SID,
  };
  const input = `${b64(header)}.${b64(payload)}`;
  return `${input}.${crypto.createHmac('sha256', ENV.API_SECRET).update(input).digest('base64url')}`;
}

function installRuntimeGlobals() {
  const twilio = require('twilio');
  const { Response } = require('twilio-run/dist/runtime/internal/response');
  global.Twilio = { ...twilio, Response };
}

/** A function handler as a promise of its 200 response, the way the runtime calls it. */
const asCall = (handler) => () =>
  new Promise((resolve, reject) => handler(ENV, EVENT, (err, res) => (err ? reject(err) : res.statusCode === 200 ? resolve(res) : reject(new Error(`status ${res.statusCode}`)))));

async function inProcess(baselines) {
  installRuntimeGlobals();
  const ours = require(path.join(root, 'dist', 'functions', 'token.js')).handler;
  const seed = require(baselines.files.seed).handler;
  const mintOnly = require(baselines.files.mintonly).handler;
  const quiet = console.log;
  console.log = () => {}; // request log lines go to the runtime's log pipe, not measured here
  try {
    return await compare({ ours: asCall(ours), floor: handMadeJwt, mintOnly: asCall(mintOnly), seed: asCall(seed) }, CPU_SECONDS, CPU_ROUNDS);
  } finally {
    console.log = quiet;
  }
}

function startServerChild() {
  const child = spawn(process.execPath, [path.join(__dirname, 'bench-server.js')], {
    env: { ...process.env, BENCH_ENV: JSON.stringify(ENV) },
    stdio: ['pipe', 'pipe', 'inherit'],
  });
  return new Promise((resolve, reject) => {
    child.once('error', reject);
    child.once('exit', (code) => reject(new Error(`bench server exited with ${code}`)));
    readline.createInterface({ input: child.stdout }).once('line', (line) => resolve({ child, url: JSON.parse(line).url }));
  });
}

function cannon(url, seconds) {
  return new Promise((resolve, reject) => {
    autocannon({ url, connections: CONNECTIONS, duration: seconds }, (err, result) => (err ? reject(err) : resolve(result)));
  });
}

async function overHttp() {
  const { child, url } = await startServerChild();
  try {
    const targets = {
      token: `${url}/token?identity=alice&grants=voice,video`,
      hello: `${url}/hello`,
      mintOnly: `${url}/mintonly?identity=alice`,
      seed: `${url}/seed?identity=alice`,
    };
    for (const target of Object.values(targets)) await cannon(target, 1); // warm-up: JIT, module loads
    const runs = Object.fromEntries(Object.keys(targets).map((name) => [name, []]));
    for (let r = 0; r < HTTP_ROUNDS; r++) {
      for (const [name, target] of Object.entries(targets)) runs[name].push(await cannon(target, HTTP_SECONDS));
    }
    const summary = (list) => ({
      rps: Math.max(...list.map((r) => r.requests.average)),
      p50: Math.min(...list.map((r) => r.latency.p50)),
      p99: Math.min(...list.map((r) => r.latency.p99)),
      errors: list.reduce((n, r) => n + r.errors + r.timeouts + r.non2xx, 0),
    });
    return Object.fromEntries(Object.entries(runs).map(([name, list]) => [name, summary(list)]));
  } finally {
    child.stdin.end();
  }
}

/** require() time of a function file in a fresh node with the runtime's Twilio global present; median of `samples`. */
function moduleLoadMs(file, samples) {
  const probe = `
    const twilio = require('twilio');
    const { Response } = require('twilio-run/dist/runtime/internal/response');
    globalThis.Twilio = { ...twilio, Response };
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
  times.sort((a, b) => a - b);
  return { median: times[Math.floor(times.length / 2)], min: times[0], max: times[times.length - 1] };
}

const fmt = (n) => Math.round(n).toLocaleString('en-US');
const met = (ok) => (ok ? 'met' : 'MISSED');
const verdict = (ratio, target) => `${ratio.toFixed(2)}x (target >= ${target}x: ${met(ratio >= target)})`;
const micros = (opsPerSec) => (1e6 / opsPerSec).toFixed(1);

function machine() {
  const cpus = os.cpus();
  return {
    cpu: `${cpus.length} x ${cpus[0]?.model.trim() ?? 'unknown CPU'}`,
    memory: `${Math.round(os.totalmem() / 2 ** 30)} GiB`,
    os: `${os.type()} ${os.release()} ${os.arch()}`,
    node: process.version,
  };
}

function markdown(r) {
  const m = r.machine;
  const row = (cells) => `| ${cells.join(' | ')} |`;
  return `# Benchmarks

Measured by \`npm run bench -- --write\` (\`scripts/bench.js\`), which rewrites this file. The
figures are ratios measured in one run on one machine, never assertions in tests: absolute
numbers move with the machine, the ratios much less.

- Date: ${r.date}
- Machine: ${m.cpu}, ${m.memory}, ${m.os}, Node ${m.node}
- Load average (1 min) at start / end: ${r.loadBefore} / ${r.loadAfter}${r.loadBefore >= 1 ? ' (the machine was shared with other work: expect noise)' : ''}
- Reproduce: \`npm run bench\` (add \`-- --write\` to update this file, \`-- --quick\` for a short run)

## 1. In-process tokens/s (voice + video grant)

The function handler called as the runtime calls it (real \`Twilio.Response\`), best of ${CPU_ROUNDS} alternating
${CPU_SECONDS} s rounds per subject.

${row(['subject', 'tokens/s', 'µs/token'])}
${row(['---', '---:', '---:'])}
${row(['`/token` handler (twilio AccessToken, cached KeyObject, validation, CORS, log line)', fmt(r.cpu.ours), micros(r.cpu.ours)])}
${row(['hand-made node:crypto HS256 JWT, same payload (the floor)', fmt(r.cpu.floor), micros(r.cpu.floor)])}
${row(['twilio AccessToken alone with a KeyObject, nothing else (the library floor)', fmt(r.cpu.mintOnly), micros(r.cpu.mintOnly)])}
${row(['naive seed-style function (tutorial code, string secret)', fmt(r.cpu.seed), micros(r.cpu.seed)])}

- **handler / hand-made: ${verdict(r.cpu.ours / r.cpu.floor, 0.5)}**
- handler / seed-style function: ${(r.cpu.ours / r.cpu.seed).toFixed(1)}x (the cached KeyObject avoids jsonwebtoken's failed PEM parse of a string secret on every call)
- twilio AccessToken alone / hand-made: ${(r.cpu.mintOnly / r.cpu.floor).toFixed(2)}x: the ceiling for any function that signs with twilio's library
- handler / AccessToken alone: ${(r.cpu.ours / r.cpu.mintOnly).toFixed(2)}x: what validation, CORS, error mapping and the log line cost

## 2. HTTP over loopback

In-process twilio-run server (\`LocalDevelopmentServer\`, no fork), autocannon with ${CONNECTIONS} connections,
best of ${HTTP_ROUNDS} runs of ${HTTP_SECONDS} s per route after a warm-up; client and server share the machine.

${row(['route', 'req/s', 'p50 ms', 'p99 ms', 'errors'])}
${row(['---', '---:', '---:', '---:', '---:'])}
${row(['`GET /token?identity=alice&grants=voice,video`', fmt(r.http.token.rps), r.http.token.p50, r.http.token.p99, r.http.token.errors])}
${row(['`GET /hello` (hello-world function)', fmt(r.http.hello.rps), r.http.hello.p50, r.http.hello.p99, r.http.hello.errors])}
${row(['`GET /mintonly` (twilio AccessToken alone)', fmt(r.http.mintOnly.rps), r.http.mintOnly.p50, r.http.mintOnly.p99, r.http.mintOnly.errors])}
${row(['`GET /seed` (tutorial function, string secret)', fmt(r.http.seed.rps), r.http.seed.p50, r.http.seed.p99, r.http.seed.errors])}

- **/token / hello-world: ${verdict(r.http.token.rps / r.http.hello.rps, 0.9)}**
- AccessToken-only function / hello-world: ${(r.http.mintOnly.rps / r.http.hello.rps).toFixed(2)}x: the ceiling for a function that signs with twilio's library
- /token / seed-style function: ${(r.http.token.rps / r.http.seed.rps).toFixed(2)}x

## 3. Function module load time

\`require()\` of the built function in a fresh process that already has the runtime's \`Twilio\` global
(cold start cost of our code only), median of ${LOAD_SAMPLES} processes.

${row(['file', 'median ms', 'min ms', 'max ms', 'goal'])}
${row(['---', '---:', '---:', '---:', '---'])}
${r.load.map((l) => row([`\`${l.file}\``, l.median.toFixed(2), l.min.toFixed(2), l.max.toFixed(2), l.goal ? `<= ${LOAD_TIME_GOAL_MS} ms: ${met(l.median <= LOAD_TIME_GOAL_MS)}` : 'informational'])).join('\n')}

## Targets

${row(['target', 'result'])}
${row(['---', '---'])}
${row(['in-process handler / hand-made >= 0.5x', verdict(r.cpu.ours / r.cpu.floor, 0.5)])}
${row(['HTTP /token / hello-world >= 0.9x', verdict(r.http.token.rps / r.http.hello.rps, 0.9)])}
${row([`dist/functions/token.js load <= ${LOAD_TIME_GOAL_MS} ms`, `${r.load[0].median.toFixed(2)} ms: ${met(r.load[0].median <= LOAD_TIME_GOAL_MS)}`])}
${row(['HTTP errors', `${r.http.token.errors + r.http.hello.errors} (goal 0)`])}
`;
}

async function main() {
  const baselines = writeBaselines();
  const results = { date: new Date().toISOString(), machine: machine(), loadBefore: os.loadavg()[0].toFixed(2) };
  const m = results.machine;
  console.log(`Machine: ${m.cpu}, ${m.memory}, ${m.os}, Node ${m.node}; load average ${results.loadBefore}${QUICK ? ' (quick run)' : ''}`);
  try {
    const cpu = (results.cpu = await inProcess(baselines));
    console.log('\n1. In-process tokens/s (voice+video grant)');
    console.log(`   /token handler (twilio AccessToken, cached key)   ${fmt(cpu.ours).padStart(9)} /s  ${micros(cpu.ours).padStart(6)} us`);
    console.log(`   hand-made node:crypto HS256 JWT, same payload     ${fmt(cpu.floor).padStart(9)} /s  ${micros(cpu.floor).padStart(6)} us`);
    console.log(`   twilio AccessToken alone (KeyObject)              ${fmt(cpu.mintOnly).padStart(9)} /s  ${micros(cpu.mintOnly).padStart(6)} us`);
    console.log(`   naive seed-style function (string secret)         ${fmt(cpu.seed).padStart(9)} /s  ${micros(cpu.seed).padStart(6)} us`);
    console.log(`   ratio handler / hand-made: ${verdict(cpu.ours / cpu.floor, 0.5)}`);
    console.log(`   ratio handler / seed-style function: ${(cpu.ours / cpu.seed).toFixed(1)}x`);
    console.log(`   ceiling AccessToken alone / hand-made: ${(cpu.mintOnly / cpu.floor).toFixed(2)}x; handler / AccessToken alone: ${(cpu.ours / cpu.mintOnly).toFixed(2)}x`);

    const http = (results.http = await overHttp());
    console.log(`\n2. HTTP over loopback, in-process twilio-run, ${CONNECTIONS} connections, best of ${HTTP_ROUNDS} x ${HTTP_SECONDS} s each`);
    for (const [name, label] of [['token', 'GET /token   '], ['hello', 'GET /hello   '], ['mintOnly', 'GET /mintonly'], ['seed', 'GET /seed    ']]) {
      const h = http[name];
      console.log(`   ${label} ${fmt(h.rps).padStart(7)} req/s  p50 ${h.p50} ms  p99 ${h.p99} ms  errors ${h.errors}`);
    }
    console.log(`   ratio /token / hello-world: ${verdict(http.token.rps / http.hello.rps, 0.9)}`);
    console.log(`   ceiling AccessToken-only function / hello-world: ${(http.mintOnly.rps / http.hello.rps).toFixed(2)}x; /token / seed-style: ${(http.token.rps / http.seed.rps).toFixed(2)}x`);

    results.load = [
      { file: 'dist/functions/token.js', goal: true, ...moduleLoadMs(path.join(root, 'dist', 'functions', 'token.js'), LOAD_SAMPLES) },
    ];
    const inspect = path.join(root, 'dist', 'functions', 'inspect.js');
    if (fs.existsSync(inspect)) results.load.push({ file: 'dist/functions/inspect.js', goal: false, ...moduleLoadMs(inspect, LOAD_SAMPLES) });
    console.log(`\n3. Function module load time (fresh process, Twilio global present, require() only, median of ${LOAD_SAMPLES})`);
    for (const l of results.load) {
      console.log(`   ${l.file.padEnd(26)} ${l.median.toFixed(2)} ms (min ${l.min.toFixed(2)}, max ${l.max.toFixed(2)})${l.goal ? `  goal <= ${LOAD_TIME_GOAL_MS} ms: ${met(l.median <= LOAD_TIME_GOAL_MS)}` : ''}`);
    }
    results.loadAfter = os.loadavg()[0].toFixed(2);
    if (WRITE) {
      // Hand-written notes (history, analysis) after the marker survive a rewrite of the figures.
      const file = path.join(root, 'BENCHMARKS.md');
      const previous = fs.existsSync(file) ? fs.readFileSync(file, 'utf8') : '';
      const at = previous.indexOf(NOTES_MARKER);
      fs.writeFileSync(file, `${markdown(results)}\n${at >= 0 ? previous.slice(at) : `${NOTES_MARKER}\n`}`);
      console.log('\nWrote BENCHMARKS.md');
    }
  } finally {
    baselines.remove();
  }
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});

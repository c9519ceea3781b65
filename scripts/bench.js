#!/usr/bin/env node
// npm run bench: throughput ratios measured in one run on this machine (never asserted in tests).
//  1. in-process /token handler vs a hand-made node:crypto HS256 JWT of the same payload
//  2. HTTP /token vs a hello-world function on the same in-process twilio-run server (autocannon)
// Loopback only; every phase is bounded in time and the server child exits with us.
'use strict';
const { spawn } = require('node:child_process');
const crypto = require('node:crypto');
const os = require('node:os');
const path = require('node:path');
const readline = require('node:readline');
const autocannon = require('autocannon');
const { root } = require('./lib/serve');

const QUICK = process.argv.includes('--quick');
const CPU_SECONDS = QUICK ? 0.4 : 1.5;
const HTTP_SECONDS = QUICK ? 2 : 5;
const CONNECTIONS = 20;

const ENV = {
  ACCOUNT_SID: 'AC' + 'a1'.repeat(16),
  API_KEY: 'SK' + 'b2'.repeat(16),
  API_SECRET: 'f3b2c1d0e9f8a7b6c5d4e3f2a1b0c9d8',
  OUTGOING_SID: 'AP' + 'c3'.repeat(16),
  CHAT_SERVICE_SID: 'IS' + 'd4'.repeat(16),
  DOMAIN_NAME: 'localhost:3000',
};
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

/** Best of `rounds` alternating runs, so a noisy neighbour hurts both sides alike. */
async function compare(a, b, seconds, rounds = 3) {
  let bestA = 0;
  let bestB = 0;
  for (let r = 0; r < rounds; r++) {
    bestA = Math.max(bestA, await opsPerSecond(a, seconds));
    bestB = Math.max(bestB, await opsPerSecond(b, seconds));
  }
  return [bestA, bestB];
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

function loadTokenFunction() {
  const twilio = require('twilio');
  const { Response } = require('twilio-run/dist/runtime/internal/response');
  global.Twilio = { ...twilio, Response };
  return require(path.join(root, 'dist', 'functions', 'token.js')).handler;
}

async function inProcess() {
  const handler = loadTokenFunction();
  const quiet = console.log;
  console.log = () => {}; // request log lines go to the runtime's log pipe, not measured here
  const callHandler = () =>
    new Promise((resolve, reject) => handler(ENV, EVENT, (err, res) => (err ? reject(err) : res.statusCode === 200 ? resolve(res) : reject(new Error(`status ${res.statusCode}`)))));
  try {
    const [ours, floor] = await compare(callHandler, handMadeJwt, CPU_SECONDS);
    return { ours, floor };
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
    const tokenUrl = `${url}/token?identity=alice&grants=voice,video`;
    await cannon(`${url}/hello`, 1); // warm-up: JIT, module loads
    await cannon(tokenUrl, 1);
    const runs = { hello: [], token: [] };
    for (let r = 0; r < 2; r++) {
      runs.hello.push(await cannon(`${url}/hello`, HTTP_SECONDS));
      runs.token.push(await cannon(tokenUrl, HTTP_SECONDS));
    }
    const summary = (list) => ({
      rps: Math.max(...list.map((r) => r.requests.average)),
      p99: Math.min(...list.map((r) => r.latency.p99)),
      errors: list.reduce((n, r) => n + r.errors + r.non2xx, 0),
    });
    return { hello: summary(runs.hello), token: summary(runs.token) };
  } finally {
    child.stdin.end();
  }
}

const fmt = (n) => Math.round(n).toLocaleString('en-US');
const verdict = (ratio, target) => `${ratio.toFixed(2)}x (target >= ${target}x: ${ratio >= target ? 'met' : 'MISSED'})`;

async function main() {
  console.log(`Machine: ${os.cpus().length} x ${os.cpus()[0]?.model.trim()}, ${Math.round(os.totalmem() / 2 ** 30)} GiB, Node ${process.version}${QUICK ? ' (quick run)' : ''}`);
  const cpu = await inProcess();
  console.log('\n1. In-process tokens/s (voice+video grant)');
  console.log(`   /token handler (twilio AccessToken, cached key)   ${fmt(cpu.ours).padStart(9)} /s`);
  console.log(`   hand-made node:crypto HS256 JWT, same payload     ${fmt(cpu.floor).padStart(9)} /s`);
  console.log(`   ratio handler / hand-made: ${verdict(cpu.ours / cpu.floor, 0.5)}`);

  const http = await overHttp();
  console.log(`\n2. HTTP over loopback, in-process twilio-run, ${CONNECTIONS} connections, ${HTTP_SECONDS} s x 2 each`);
  console.log(`   GET /token   ${fmt(http.token.rps).padStart(7)} req/s  p99 ${http.token.p99} ms  errors ${http.token.errors}`);
  console.log(`   GET /hello   ${fmt(http.hello.rps).padStart(7)} req/s  p99 ${http.hello.p99} ms  errors ${http.hello.errors}`);
  console.log(`   ratio /token / hello-world: ${verdict(http.token.rps / http.hello.rps, 0.9)}`);
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});

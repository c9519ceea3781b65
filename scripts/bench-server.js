'use strict';
// Child process of bench/load: serves dist/functions/token.js and a hello-world function on the
// in-process twilio-run server, prints {"url":...} and runs until its parent closes stdin.
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { serve, root } = require('./lib/serve');

async function main() {
  const env = JSON.parse(process.env.BENCH_ENV || '{}');
  const helloDir = fs.mkdtempSync(path.join(os.tmpdir(), 'bench-hello-'));
  const hello = path.join(helloDir, 'hello.js');
  // The baseline: the smallest function the runtime can serve, answering a JSON body.
  fs.writeFileSync(hello, "exports.handler = (context, event, callback) => callback(null, { hello: 'world' });\n");
  console.log = () => {}; // the token function's request log lines would measure the terminal
  const server = await serve(env, [
    { name: 'token', filePath: path.join(root, 'dist', 'functions', 'token.js') },
    { name: 'hello', filePath: hello },
  ]);
  process.stdout.write(JSON.stringify({ url: server.url, pid: process.pid }) + '\n');
  process.stdin.resume();
  process.stdin.on('end', async () => {
    await server.close();
    fs.rmSync(helloDir, { recursive: true, force: true });
    process.exit(0);
  });
}
main().catch((e) => { process.stderr.write(String(e) + '\n'); process.exit(1); });

#!/usr/bin/env node
// npm start: serve dist/ with twilio-run in-process (--no-fork-process --no-live: one process,
// modules loaded once; thousands of req/s instead of ~9). Extra arguments pass through:
// npm start -- --port 4000   (rebuild with npm start again after editing sources)
'use strict';
const { spawn } = require('node:child_process');
const path = require('node:path');
const { chooseEnvFile, root } = require('./env-file');

const args = process.argv.slice(2);
const envFile = chooseEnvFile(args);
const hasPort = args.some((a) => a === '--port' || a === '-p' || a.startsWith('--port='));
console.log(`Using configuration from ${path.relative(root, envFile)}`);
const child = spawn(
  process.execPath,
  [require.resolve('twilio-run/bin/twilio-run.js'), 'start', '--no-fork-process', '--no-live', '--env', envFile, ...(hasPort ? [] : ['--port', '3000']), ...args],
  { cwd: root, stdio: 'inherit' },
);
for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => child.kill(signal));
child.on('exit', (code, signal) => process.exit(signal ? 1 : (code ?? 0)));

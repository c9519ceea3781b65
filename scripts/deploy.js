#!/usr/bin/env node
// npm run deploy [-- --env FILE] [-- twilio-run deploy flags] [--dry-run]
// Refuses to upload the demo configuration, then builds and runs `twilio-run deploy` on dist/.
// Real values live in the untracked .env.local (see .env.example); a bare
// `twilio serverless:deploy` also reads .env.local, per .twilioserverlessrc.
'use strict';
const { spawnSync } = require('node:child_process');
const fs = require('node:fs');
const path = require('node:path');
const { parseEnv } = require('node:util');
const { chooseEnvFile, root } = require('./env-file');

function fail(message) {
  console.error(`\nDeploy refused: ${message}\n`);
  process.exit(1);
}

function main() {
  const args = process.argv.slice(2);
  const dryRun = args.includes('--dry-run');
  const passThrough = args.filter((a) => a !== '--dry-run');
  const envFile = chooseEnvFile(passThrough);
  const shown = path.relative(root, envFile) || envFile;
  if (!fs.existsSync(envFile)) {
    fail(`${shown} does not exist. Copy .env.example to .env.local, fill in your Account SID, API key and secret, TwiML App and service SIDs, then run npm run deploy again.`);
  }
  const vars = parseEnv(fs.readFileSync(envFile, 'utf8'));
  const { isDemoCredentials } = require(path.join(root, 'dist', 'cli', 'deploy-checks.js'));
  if (isDemoCredentials(vars)) {
    fail(`${shown} holds the demo configuration (fake SIDs and the demo secret). Tokens signed with it are rejected by Twilio. Put your real values in .env.local.`);
  }
  const doctor = path.join(root, 'dist', 'cli', 'doctor.js');
  if (fs.existsSync(doctor)) {
    const checked = spawnSync(process.execPath, [doctor, '--env', envFile], { stdio: 'inherit' });
    if (checked.status !== 0) fail('the configuration doctor found problems (above). Fix them, or see README "Troubleshooting".');
  }
  const command = [require.resolve('twilio-run/bin/twilio-run.js'), 'deploy', '--env', envFile, ...passThrough];
  console.log(`Deploying dist/ with configuration from ${shown}`);
  if (dryRun) {
    console.log(`(dry run) would run: twilio-run ${command.slice(1).join(' ')}`);
    return;
  }
  const run = spawnSync(process.execPath, command, { cwd: root, stdio: 'inherit' });
  process.exit(run.status ?? 1);
}

main();

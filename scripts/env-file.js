'use strict';
// Which env file a command uses: .env.local (untracked, your real values) when it exists,
// else the tracked demo configuration in .env. `--env FILE` on the command line wins.
const fs = require('node:fs');
const path = require('node:path');

const root = path.resolve(__dirname, '..');

function chooseEnvFile(args) {
  const i = args.findIndex((a) => a === '--env' || a.startsWith('--env='));
  if (i >= 0) {
    const value = args[i].includes('=') ? args[i].split('=').slice(1).join('=') : args[i + 1];
    args.splice(i, args[i].includes('=') ? 1 : 2);
    return path.resolve(value);
  }
  const local = path.join(root, '.env.local');
  return fs.existsSync(local) ? local : path.join(root, '.env');
}

module.exports = { chooseEnvFile, root };

/** npm run deploy must never upload the demo configuration, nor run without a real env file. */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { DEMO_CONFIG } from '../lib/demo';
import { REAL_LOOKING, STRONG_PASSCODE } from './support/env';

const root = path.resolve(__dirname, '..');
const envText = (vars: Record<string, string>) =>
  Object.entries(vars)
    .map(([k, v]) => `${k}=${v}`)
    .join('\n') + '\n';

let dir: string;
beforeAll(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'deploy-'));
});
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

function deploy(...args: string[]) {
  return spawnSync(process.execPath, [path.join(root, 'dist', 'cli', 'deploy.js'), ...args], {
    cwd: root,
    encoding: 'utf8',
    timeout: 60000,
  });
}

test('the demo configuration is refused before anything is uploaded', () => {
  const file = path.join(dir, 'demo.env');
  fs.writeFileSync(file, envText({ ...DEMO_CONFIG }));
  const run = deploy('--env', file, '--dry-run');
  expect(run.status).toBe(1);
  expect(run.stderr).toMatch(/Deploy refused: .*demo configuration/);
  expect(run.stdout).not.toMatch(/would run/);
});

test('a missing env file is refused with the way to create it', () => {
  const run = deploy('--env', path.join(dir, 'nope.env'), '--dry-run');
  expect(run.status).toBe(1);
  expect(run.stderr).toMatch(/Copy .env.example to .env.local/);
});

test('a real-looking configuration goes on to twilio-run deploy with that env file', () => {
  const file = path.join(dir, 'real.env');
  fs.writeFileSync(file, envText({ ...REAL_LOOKING, AUTH_MODE: 'passcode', APP_PASSCODE: STRONG_PASSCODE }));
  const run = deploy('--env', file, '--dry-run');
  expect(run.stderr).toBe('');
  expect(run.status).toBe(0);
  expect(run.stdout).toContain(`would run: twilio-run deploy --env ${file}`);
});

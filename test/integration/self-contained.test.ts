/**
 * Deployed functions are stored apart from each other and from lib/: each built file must run
 * alone, with only node_modules beside it. Copy each one into an empty folder and call it
 * from a fresh Node process the way the runtime does (global Twilio with Response).
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { demoVars } from '../support/env';
import { FUNCTION_RUNNER_SOURCE } from '../support/runtime';

const root = path.resolve(__dirname, '..', '..');
const built = path.join(root, 'dist', 'functions');
// Subfolders too: functions/video-app/token.ts is served at /video-app/token.
const functionFiles = fs
  .readdirSync(built, { recursive: true, encoding: 'utf8' })
  .filter((f) => f.endsWith('.js'))
  .sort();

test("there are the token function and the apps' endpoints to check", () => {
  expect(functionFiles).toEqual(expect.arrayContaining(['token.js', 'video-app/token.js', 'conversations-app/token.js']));
});

describe.each(functionFiles)('dist/functions/%s', (file) => {
  let dir: string;
  beforeAll(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'fn-alone-'));
    // Alone in the folder, whatever subfolder it was built in.
    fs.copyFileSync(path.join(built, file), path.join(dir, path.basename(file)));
    fs.symlinkSync(path.join(root, 'node_modules'), path.join(dir, 'node_modules'), 'dir');
  });
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  test('requires no other project file', () => {
    const source = fs.readFileSync(path.join(dir, path.basename(file)), 'utf8');
    expect(source.match(/require\((["'])\.{1,2}\/[^"']*\1\)/g)).toBeNull();
  });

  test('loads and answers alone in an empty folder', () => {
    const event =
      file === 'token.js'
        ? { identity: 'solo', grants: 'chat', request: { headers: {}, cookies: {} } }
        : { request: { headers: {}, cookies: {} } };
    const out = execFileSync(process.execPath, ['-e', FUNCTION_RUNNER_SOURCE], {
      cwd: dir,
      env: {
        ...process.env,
        NODE_PATH: '',
        NODE_MODULES: path.join(dir, 'node_modules'),
        FUNCTION_FILE: path.join(dir, path.basename(file)),
        CALL: JSON.stringify([demoVars(), event]),
      },
      encoding: 'utf8',
      timeout: 20000,
    });
    const result = JSON.parse(out);
    expect(result.err).toBeUndefined();
    expect(result.statusCode).toBeLessThan(500);
    if (file === 'token.js') {
      expect(result.statusCode).toBe(200);
      expect(JSON.parse(result.body).token.split('.')).toHaveLength(3);
    }
  });
});

/**
 * Running npm run setup and npm run keys as a person does, against the loopback stand-in of the
 * Twilio REST API: the built CLI in a child process (the twilio library reads HTTP_PROXY, and
 * Node reads the stand-in's CA from NODE_EXTRA_CA_CERTS, only at start), in a temp folder, on an
 * env file the test writes. Never the developer's .env.local: every run names its file.
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { TwilioApiStandIn } from '../support/twilio-api-standin';

export const ROOT = path.resolve(__dirname, '..', '..');

/** An Auth Token's shape: 32 lowercase hex digits. */
export const AUTH_TOKEN = '0a1b2c3d4e5f60718293a4b5c6d7e8f9';

export interface Run {
  code: number;
  stdout: string;
  stderr: string;
  /** Both, for messages that may go to either. */
  output: string;
}

/** The environment of a child: the stand-in's proxy and CA, and none of the shell's Twilio values. */
export function childEnv(standIn: TwilioApiStandIn, extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const base = { ...process.env };
  for (const name of ['ACCOUNT_SID', 'AUTH_TOKEN', 'API_KEY', 'API_SECRET', 'TWILIO_ACCOUNT_SID', 'TWILIO_AUTH_TOKEN', 'FORCE_COLOR'])
    delete base[name];
  return { ...standIn.childEnv(base), NO_COLOR: '1', ...extra };
}

/** `node dist/cli/<cli>.js ...args` in `cwd`, asynchronously (the stand-in answers from this process). */
export function runCli(cli: 'setup' | 'keys' | 'inspect' | 'doctor', args: string[], cwd: string, env: NodeJS.ProcessEnv): Promise<Run> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [path.join(ROOT, 'dist', 'cli', `${cli}.js`), ...args], { cwd, env });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('close', (code) => resolve({ code: code ?? 1, stdout, stderr, output: stdout + stderr }));
  });
}

export function tempDir(prefix: string): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), prefix));
}

/** The file's bytes and its modification time: what "nothing was written" compares. */
export function snapshot(file: string): { text: string; mtimeMs: number } | undefined {
  if (!fs.existsSync(file)) return undefined;
  return { text: fs.readFileSync(file, 'utf8'), mtimeMs: fs.statSync(file).mtimeMs };
}

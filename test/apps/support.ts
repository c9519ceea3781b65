/**
 * The apps' own requests, copied from their code (each function names the file and commit it
 * reproduces), and `npm start`'s server as a child process whose `twilio` library reaches the
 * REST API stand-in through HTTP_PROXY with the stand-in's throwaway CA (NODE_EXTRA_CA_CERTS is
 * read only at start, hence the child). Run `npm run build` first: the server serves dist/.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { REAL_LOOKING, STRONG_PASSCODE, TEST_SECRET } from '../support/env';
import { ROOT, servingUrl } from '../support/runtime';
import type { StandInCall, StandInWorld, TwilioApiStandIn } from '../support/twilio-api-standin';

/** The commits the requests below were read from (git -C <mirror> show <commit>:<file>). */
export const VIDEO_APP_COMMIT = 'twilio/twilio-video-app-react@54c123fa3dc2530bb429db64297312af297e9247';
export const PLUGIN_RTC_COMMIT = 'twilio-labs/plugin-rtc@0807c0f848b072c210e3d9c1ed2ad27c2d9340be';
export const CONVERSATIONS_DEMO_COMMIT = 'twilio/twilio-conversations-demo-react@f95309366dc7655d7ad429918e83b2a4220347a6';

/** Where the apps' pages are served from in these tests (create-react-app's default dev port). */
export const APP_ORIGIN = 'http://localhost:3000';
export const AUTH_TOKEN = 'c'.repeat(32);
export const PASSCODE = STRONG_PASSCODE;

/** The account of REAL_LOOKING, its Auth Token (what getTwilioClient() signs with) and a Conversations service. */
export function appWorld(): StandInWorld {
  return {
    accounts: [{ sid: REAL_LOOKING.ACCOUNT_SID, friendlyName: 'Acme', status: 'active', type: 'Full', authToken: AUTH_TOKEN }],
    keys: [
      { sid: REAL_LOOKING.API_KEY, secret: TEST_SECRET, accountSid: REAL_LOOKING.ACCOUNT_SID, type: 'standard', friendlyName: 'tokens' },
    ],
    conversationsServices: [{ sid: REAL_LOOKING.CHAT_SERVICE_SID, accountSid: REAL_LOOKING.ACCOUNT_SID, friendlyName: 'Video app chat' }],
  };
}

/** A local configuration (no DOMAIN_NAME: the local server's own) with the Auth Token getTwilioClient() needs. */
export function appEnv(extra: Record<string, string | undefined> = {}): Record<string, string | undefined> {
  return {
    ACCOUNT_SID: REAL_LOOKING.ACCOUNT_SID,
    API_KEY: REAL_LOOKING.API_KEY,
    API_SECRET: TEST_SECRET,
    AUTH_TOKEN,
    CHAT_SERVICE_SID: REAL_LOOKING.CHAT_SERVICE_SID,
    ALLOWED_ORIGINS: APP_ORIGIN,
    ...extra,
  };
}

export interface ChildServer {
  base: string;
  /** The JSON log lines it printed. */
  logs: string[];
  close(): Promise<void>;
}

/** `node dist/cli/serve.js --env <file> --port 0` with the stand-in's proxy and CA in its environment. */
export async function startChildServer(env: Record<string, string | undefined>, standIn: TwilioApiStandIn): Promise<ChildServer> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'apps-'));
  const envFile = path.join(dir, 'apps.env');
  fs.writeFileSync(
    envFile,
    Object.entries(env)
      .filter(([, value]) => value !== undefined)
      .map(([name, value]) => `${name}=${value}\n`)
      .join(''),
  );
  const child: ChildProcess = spawn(process.execPath, [path.join(ROOT, 'dist', 'cli', 'serve.js'), '--port', '0', '--env', envFile], {
    cwd: dir,
    env: standIn.childEnv(),
  });
  const logs: string[] = [];
  const { base } = await servingUrl(child);
  let pending = '';
  child.stdout!.on('data', (chunk: Buffer) => {
    pending += chunk.toString();
    const lines = pending.split('\n');
    pending = lines.pop() ?? '';
    for (const line of lines) if (line.startsWith('{')) logs.push(line);
  });
  return {
    base,
    logs,
    close: async () => {
      if (child.exitCode === null) {
        const exited = new Promise((resolve) => child.once('exit', resolve));
        child.kill();
        await exited;
      }
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}

/**
 * Holds back the first `count` requests `matches` picks until all of them arrived, then lets
 * them through together: two participants' look-ups both miss, and both try to create.
 */
export function barrier(count: number, matches: (call: StandInCall) => boolean): (call: StandInCall) => Promise<void> {
  let waiting: (() => void)[] = [];
  let seen = 0;
  return (call) => {
    if (!matches(call) || seen >= count) return Promise.resolve();
    seen += 1;
    return new Promise<void>((resolve) => {
      waiting.push(resolve);
      if (waiting.length === count) {
        for (const release of waiting) release();
        waiting = [];
      }
    });
  };
}

/** Gates in sequence: each request passes every one. */
export const gates =
  (...all: ((call: StandInCall) => Promise<void>)[]) =>
  async (call: StandInCall): Promise<void> => {
    for (const gate of all) await gate(call);
  };

export interface AppAnswer {
  status: number;
  headers: Headers;
  text: string;
  json: any;
}

async function answerOf(res: Response): Promise<AppAnswer> {
  const text = await res.text();
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    json = undefined;
  }
  return { status: res.status, headers: res.headers, text, json };
}

// ---- twilio-video-app-react ----

/**
 * The default mode's getToken: src/state/index.tsx (VIDEO_APP_COMMIT), `REACT_APP_TOKEN_ENDPOINT`
 * posted with `{user_identity, room_name, create_conversation}`; create_conversation is
 * `REACT_APP_DISABLE_TWILIO_CONVERSATIONS !== 'true'`. The browser adds Origin.
 */
export async function videoAppGetToken(endpoint: string, user_identity: string, room_name: string, disableConversations = false) {
  const res = await fetch(endpoint, {
    method: 'POST',
    headers: { 'content-type': 'application/json', Origin: APP_ORIGIN },
    body: JSON.stringify({ user_identity, room_name, create_conversation: !disableConversations }),
  });
  return answerOf(res);
}

/**
 * The passcode mode's fetchToken: src/state/usePasscodeAuth/usePasscodeAuth.ts (VIDEO_APP_COMMIT):
 * `{user_identity, room_name, passcode, create_room = true, create_conversation}`.
 */
export async function videoAppFetchToken(
  endpoint: string,
  name: string,
  room: string,
  passcode: string,
  create_room = true,
  create_conversation = true,
) {
  const res = await fetch(endpoint, {
    method: 'POST',
    headers: { 'content-type': 'application/json', Origin: APP_ORIGIN },
    body: JSON.stringify({ user_identity: name, room_name: room, passcode, create_room, create_conversation }),
  });
  return answerOf(res);
}

/**
 * The passcode mode's verifyPasscode (same file): fetchToken('temp-name', 'temp-room', passcode,
 * false, false), valid `if (res.ok && jsonResponse.token)`, else `jsonResponse.error?.message`
 * on a 401, which getErrorMessage maps ('passcode incorrect' -> 'Passcode is incorrect').
 */
export async function videoAppVerifyPasscode(endpoint: string, passcode: string) {
  const answer = await videoAppFetchToken(endpoint, 'temp-name', 'temp-room', passcode, false, false);
  if (answer.status === 401) return { answer, verification: { isValid: false, error: answer.json?.error?.message as string | undefined } };
  return { answer, verification: answer.status === 200 && answer.json?.token ? { isValid: true } : undefined };
}

/** The passcode mode's getErrorMessage, verbatim in effect (usePasscodeAuth.ts, VIDEO_APP_COMMIT). */
export function videoAppErrorMessage(message: string | undefined): string | undefined {
  switch (message) {
    case 'passcode incorrect':
      return 'Passcode is incorrect';
    case 'passcode expired':
      return 'Passcode has expired';
    default:
      return message;
  }
}

/**
 * The Firebase mode's getToken: src/state/useFirebaseAuth/useFirebaseAuth.ts (VIDEO_APP_COMMIT):
 * `Authorization: <ID token>` with no scheme, and the default mode's body.
 */
export async function videoAppFirebaseGetToken(endpoint: string, idToken: string, user_identity: string, room_name: string) {
  const res = await fetch(endpoint, {
    method: 'POST',
    headers: { Authorization: idToken, 'content-type': 'application/json', Origin: APP_ORIGIN },
    body: JSON.stringify({ user_identity, room_name, create_conversation: true }),
  });
  return answerOf(res);
}

/**
 * The default mode's updateRecordingRules (src/state/index.tsx, VIDEO_APP_COMMIT): `{room_sid,
 * rules}` to REACT_APP_TOKEN_ENDPOINT; src/components/MenuBar/Menu/Menu.tsx sends
 * `[{type: 'exclude', all: true}]` to stop and `[{type: 'include', all: true}]` to start. The
 * passcode mode's (usePasscodeAuth.ts) adds `passcode` (and posts to its own /recordingrules).
 */
export async function videoAppUpdateRecordingRules(endpoint: string, room_sid: string, rules: object[], passcode?: string) {
  const res = await fetch(endpoint, {
    headers: { 'Content-Type': 'application/json', Origin: APP_ORIGIN },
    body: JSON.stringify(passcode === undefined ? { room_sid, rules } : { room_sid, rules, passcode }),
    method: 'POST',
  });
  return answerOf(res);
}

// ---- twilio-conversations-demo-react ----

/**
 * The demo's getToken: src/api.ts (CONVERSATIONS_DEMO_COMMIT), `axios.get(URL, {params: {identity,
 * password}})`, `response.data` as the token; a 401's `error.response.data` is shown as the
 * error. (axios' serializer writes these plain values as URLSearchParams does.)
 */
export async function conversationsDemoGetToken(url: string, identity: string, password: string) {
  const res = await fetch(`${url}?${new URLSearchParams({ identity, password }).toString()}`, {
    headers: { Accept: 'application/json, text/plain, */*', Origin: APP_ORIGIN },
  });
  return answerOf(res);
}

/**
 * npm run deploy, end to end (issue 14): the real command (build, doctor, plan, `twilio-run
 * deploy`) in a temp copy of the project, against a loopback stand-in of the Twilio Serverless API
 * (test/support/serverless-standin: a CONNECT proxy with a throwaway CA, reached through
 * HTTP_PROXY and NODE_EXTRA_CA_CERTS, the way @twilio-labs/serverless-api allows). Every upload is
 * recorded and checked; then what was uploaded runs alone, with only the uploaded dependencies,
 * under @twilio/runtime-handler with what Twilio injects, and answers over HTTP.
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import { createServer, type Server } from 'node:http';
import { builtinModules } from 'node:module';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { LocalDevelopmentServer } from '@twilio/runtime-handler/dev';
import { fsHelpers } from '@twilio-labs/serverless-api';
import { readEnvFile } from '../../cli/lib/env-file';
import type { DeployPlan } from '../../cli/lib/deploy-plan';
import { DEMO_CONFIG } from '../../lib/demo';
import { REAL_LOOKING, STRONG_PASSCODE, TEST_SECRET } from '../support/env';
import { verifyTwilioToken } from '../support/jwt';
import { copyProject } from '../support/project-copy';
import { plantStrays, removeStrays, STRAY_ASSETS } from '../support/stray-assets';
import { servingUrl } from '../support/runtime';
import { startTwilioApiStandIn, type StandInWorld, type TwilioApiStandIn } from '../support/twilio-api-standin';

jest.setTimeout(120_000);

interface Upload {
  path: string;
  visibility: string;
  contentType: string;
  content: Buffer;
}
interface Summary {
  service: { sid: string; unique_name: string };
  environment: { sid: string; domain_name: string };
  build: { sid: string };
  functions: Upload[];
  assets: Upload[];
  variables: Record<string, string>;
  dependencies: { name: string; version: string }[];
  runtime: string;
}
interface Standin {
  api: { summary(): Summary | null; requests: { authUser: string | null }[] };
  proxy: { refused: unknown[]; connects: { target: string }[] };
  childEnv(): NodeJS.ProcessEnv;
  close(): Promise<void>;
}

const { startServerlessStandin } = require('../support/serverless-standin') as {
  startServerlessStandin(opts: object, also?: { hosts: string[]; handler: TwilioApiStandIn['handle'] }): Promise<Standin>;
};

const root = path.resolve(__dirname, '..', '..');
const AUTH_TOKEN = '0123456789abcdef0123456789abcdef';

/** What a user keeps in .env.local: real values, the upload credentials, an empty one, a comment. */
const ENV_LOCAL = [
  '# Twilio Console values',
  `ACCOUNT_SID=${REAL_LOOKING.ACCOUNT_SID}`,
  `AUTH_TOKEN=${AUTH_TOKEN}`,
  `API_KEY=${REAL_LOOKING.API_KEY}`,
  `API_SECRET=${TEST_SECRET}`,
  `OUTGOING_SID=${REAL_LOOKING.OUTGOING_SID}`,
  `CHAT_SERVICE_SID=${REAL_LOOKING.CHAT_SERVICE_SID}`,
  'PUSH_CREDENTIAL_SID=',
  'AUTH_MODE=passcode',
  `APP_PASSCODE=${STRONG_PASSCODE}`,
  'ALLOWED_ORIGINS=https://app.example.com',
  '',
].join('\n');

let standin: Standin;
/** api.twilio.com, where npm run deploy sets the TwiML App's Voice URL: behind the same proxy as Serverless. */
let restApi: TwilioApiStandIn;
const world: StandInWorld = {
  accounts: [{ sid: REAL_LOOKING.ACCOUNT_SID, friendlyName: 'Acme', status: 'active', type: 'Full', authToken: AUTH_TOKEN }],
  keys: [],
  applications: [
    { sid: REAL_LOOKING.OUTGOING_SID, accountSid: REAL_LOOKING.ACCOUNT_SID, friendlyName: 'twilio-token-service', voiceUrl: null },
  ],
};
const DEPLOYED_VOICE_URL = 'https://twilio-token-service-1234-dev.twil.io/voice';
let project: string;
let plan: DeployPlan;
let summary: Summary;
let deployOutput: string;

function run(
  command: string,
  args: string[],
  cwd: string,
  env: NodeJS.ProcessEnv,
): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    // Async, never spawnSync: the stand-in answers from this process's event loop.
    const child = spawn(command, args, { cwd, env });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('close', (code) => resolve({ code: code ?? 1, stdout, stderr }));
  });
}

const npmDeploy = (...args: string[]) => run('npm', ['run', '--silent', 'deploy', '--', ...args], project, standin.childEnv());

beforeAll(async () => {
  restApi = await startTwilioApiStandIn(world);
  standin = await startServerlessStandin(
    {
      accountSid: REAL_LOOKING.ACCOUNT_SID,
      credentials: [{ username: REAL_LOOKING.ACCOUNT_SID, password: AUTH_TOKEN }],
      domainDigits: '1234',
      buildPolls: 0,
    },
    { hosts: ['api.twilio.com'], handler: restApi.handle },
  );
  project = copyProject('deploy-copy-', { '.env.local': ENV_LOCAL });
  plantStrays(path.join(project, 'assets'));
  const dry = await npmDeploy('--dry-run', '--json');
  if (dry.code !== 0) throw new Error(`npm run deploy -- --dry-run failed:\n${dry.stderr}`);
  plan = JSON.parse(dry.stdout) as DeployPlan;
  const requestsBefore = standin.api.requests.length;
  expect(requestsBefore).toBe(0);
  const deployed = await npmDeploy();
  deployOutput = deployed.stdout + deployed.stderr;
  if (deployed.code !== 0) throw new Error(`npm run deploy failed:\n${deployOutput}`);
  summary = standin.api.summary()!;
});

afterAll(async () => {
  await standin?.close();
  await restApi?.close();
  if (project !== undefined) fs.rmSync(project, { recursive: true, force: true });
});

const requiresOf = (code: string): string[] => [...code.matchAll(/\brequire\((["'])([^"']+)\1\)/g)].map((m) => m[2]!);
const packageOf = (id: string): string => (id.startsWith('@') ? id.split('/').slice(0, 2).join('/') : id.split('/')[0]!);
const isBuiltin = (id: string): boolean => id.startsWith('node:') || builtinModules.includes(id);

describe('npm run deploy against the Serverless API stand-in', () => {
  test('the dry run changed nothing; the real run printed the doctor, the plan and the deployed domain', () => {
    expect(deployOutput).toMatch(/READY: 0 failures/);
    expect(deployOutput).toMatch(/Deploy plan \(computed by twilio-run's own code/);
    expect(deployOutput).toContain('twilio-token-service-1234-dev.twil.io');
  });

  test("the TwiML App's empty Voice URL now points at the deployed /voice, by POST, with the upload's credentials", () => {
    expect(deployOutput).toContain(
      `Voice URL: TwiML App ${REAL_LOOKING.OUTGOING_SID} "twilio-token-service" had none; it now sends calls to POST ${DEPLOYED_VOICE_URL}.`,
    );
    expect(world.applications![0]).toMatchObject({ voiceUrl: DEPLOYED_VOICE_URL, voiceMethod: 'POST' });
    expect(restApi.requests.map((r) => `${r.method} ${r.host}${r.path} ${r.user} ${r.status}`)).toEqual([
      `GET api.twilio.com/2010-04-01/Accounts/${REAL_LOOKING.ACCOUNT_SID}/Applications/${REAL_LOOKING.OUTGOING_SID}.json ${REAL_LOOKING.ACCOUNT_SID} 200`,
      `POST api.twilio.com/2010-04-01/Accounts/${REAL_LOOKING.ACCOUNT_SID}/Applications/${REAL_LOOKING.OUTGOING_SID}.json ${REAL_LOOKING.ACCOUNT_SID} 200`,
    ]);
    expect(deployOutput).not.toContain(AUTH_TOKEN);
  });

  test('what the plan said is what was uploaded', () => {
    const pairs = (list: { path: string; access?: string; visibility?: string }[]) =>
      list.map((f) => `${f.access ?? f.visibility} ${f.path}`).sort();
    expect(pairs(summary.functions)).toEqual(pairs(plan.functions));
    expect(pairs(summary.assets)).toEqual(pairs(plan.assets));
    expect(Object.keys(summary.variables).sort()).toEqual(plan.variables);
    expect(summary.dependencies).toEqual(plan.dependencies);
    expect(summary.runtime).toBe(plan.runtime);
    expect(plan.credentials).toEqual({
      source: expect.stringMatching(/^ACCOUNT_SID and AUTH_TOKEN from the env file/),
      username: 'ACa1a1…',
      usable: true,
    });
  });

  test("functions: /token, /inspect, /products, /token-client.js and the apps' endpoints public, /voice protected (Twilio checks its signature), each self-contained", () => {
    expect(summary.functions.map((f) => [f.path, f.visibility, f.contentType]).sort()).toEqual([
      ['/conversations-app/token', 'public', 'application/javascript'],
      ['/inspect', 'public', 'application/javascript'],
      ['/products', 'public', 'application/javascript'],
      ['/token', 'public', 'application/javascript'],
      ['/token-client.js', 'public', 'application/javascript'],
      ['/video-app/token', 'public', 'application/javascript'],
      ['/voice', 'protected', 'application/javascript'],
    ]);
    expect(plan.functions.find((f) => f.path === '/voice')).toMatchObject({
      access: 'protected',
      file: 'dist/functions/voice.protected.js',
    });
    for (const fn of summary.functions) expect(requiresOf(fn.content.toString()).filter((id) => id.startsWith('.'))).toEqual([]);
  });

  test('assets: the page and exactly what it references; no source maps, tests, TypeScript or config', () => {
    const page = summary.assets.find((a) => a.path === '/index.html')!.content.toString();
    const referenced = [...page.matchAll(/\b(?:src|href)="([^"#:]+)"/g)].map((m) => `/${m[1]!.replace(/^\.?\//, '')}`);
    expect(summary.assets.map((a) => a.path).sort()).toEqual(['/index.html', ...referenced].sort());
    for (const file of [...summary.functions, ...summary.assets]) expect(file.path).not.toMatch(/\.(map|ts)$|test|tsconfig|\.env/);
    for (const file of [...summary.functions, ...summary.assets]) expect(file.content.toString()).not.toMatch(/sourceMappingURL/);
  });

  test('files planted in assets/ (a .env, a source map, a backup, an unlinked page, a link to .env.local): not planned, not uploaded', () => {
    const strays = STRAY_ASSETS.map((stray) => stray.path);
    expect(plan.assets.map((a) => a.path).filter((p) => strays.includes(p))).toEqual([]);
    expect(plan.refusedAssets).toEqual([]);
    expect(summary.assets.map((a) => a.path).filter((p) => strays.includes(p))).toEqual([]);
    expect(fs.readdirSync(path.join(project, 'dist', 'assets')).sort()).toEqual([
      'index.html',
      'inspect-worker.js',
      'page.js',
      'style.css',
    ]);
  });

  test('variables: exactly the non-empty entries of .env.local, less ACCOUNT_SID and AUTH_TOKEN', () => {
    const local = readEnvFile(path.join(project, '.env.local'));
    const expected = Object.fromEntries(Object.entries(local).filter(([k, v]) => v !== '' && k !== 'ACCOUNT_SID' && k !== 'AUTH_TOKEN'));
    expect(summary.variables).toEqual(expected);
    expect(plan.skippedEmpty).toEqual(['PUSH_CREDENTIAL_SID']);
  });

  test('no secret of .env.local in the uploaded code, and no demo configuration uploaded', () => {
    for (const file of [...summary.functions, ...summary.assets]) {
      const text = file.content.toString();
      for (const secret of [TEST_SECRET, AUTH_TOKEN, STRONG_PASSCODE]) expect(text).not.toContain(secret);
    }
    for (const value of Object.values(summary.variables)) expect(Object.values(DEMO_CONFIG)).not.toContain(value);
  });

  test('dependencies: package.json dependencies, covering every require of the uploaded code', () => {
    const pkg = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8')) as { dependencies: Record<string, string> };
    expect(summary.dependencies).toEqual(Object.entries(pkg.dependencies).map(([name, version]) => ({ name, version })));
    const names = new Set(summary.dependencies.map((d) => d.name));
    const required = summary.functions.flatMap((fn) => requiresOf(fn.content.toString())).filter((id) => !isBuiltin(id));
    expect([...new Set(required.map(packageOf))].filter((name) => !names.has(name))).toEqual([]);
  });

  test('the runtime is the one .twilioserverlessrc names, and every request went to the stand-in, with the account', () => {
    expect(summary.runtime).toBe('node22');
    expect(standin.proxy.refused).toEqual([]);
    expect([...new Set(standin.proxy.connects.map((c) => c.target))].sort()).toEqual([
      'api.twilio.com:443',
      'serverless-upload.twilio.com:443',
      'serverless.twilio.com:443',
    ]);
    expect(standin.api.requests.every((r) => r.authUser === REAL_LOOKING.ACCOUNT_SID)).toBe(true);
  });
});

describe('what was deployed, run alone', () => {
  let dir: string;
  let server: Server;
  let url: string;
  const domain = (): string => summary.environment.domain_name;

  beforeAll(async () => {
    // The uploaded files, in the layout the runtime serves, and only the uploaded dependencies.
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'deployed-'));
    for (const fn of summary.functions) {
      const file = path.join(dir, 'functions', `${fn.path}.js`);
      fs.mkdirSync(path.dirname(file), { recursive: true });
      fs.writeFileSync(file, fn.content);
    }
    for (const asset of summary.assets) {
      const file = path.join(dir, 'assets', asset.path);
      fs.mkdirSync(path.dirname(file), { recursive: true });
      fs.writeFileSync(file, asset.content);
    }
    for (const { name } of summary.dependencies) {
      fs.mkdirSync(path.dirname(path.join(dir, 'node_modules', name)), { recursive: true });
      fs.symlinkSync(path.join(root, 'node_modules', name), path.join(dir, 'node_modules', name), 'dir');
    }
    const routes = await fsHelpers.getListOfFunctionsAndAssets(dir, { functionsFolderNames: ['functions'], assetsFolderNames: ['assets'] });
    // The uploaded variables, and what Twilio adds to every deployed function's context.
    const env = {
      ...summary.variables,
      ACCOUNT_SID: REAL_LOOKING.ACCOUNT_SID,
      AUTH_TOKEN,
      DOMAIN_NAME: domain(),
      SERVICE_SID: summary.service.sid,
      ENVIRONMENT_SID: summary.environment.sid,
    };
    const runtime = new LocalDevelopmentServer(0, {
      baseDir: dir,
      env,
      port: 0,
      url: '',
      detailedLogs: false,
      live: false,
      logs: false,
      legacyMode: false,
      appName: 'deployed',
      forkProcess: false,
      routes,
      enableDebugLogs: false,
    });
    // The runtime sets DOMAIN_NAME from its url on every request: the deployed domain.
    (runtime as unknown as { config: { url: string } }).config.url = `https://${domain()}`;
    server = createServer(runtime.getApp());
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    jest.spyOn(console, 'log').mockImplementation(() => undefined);
  });

  afterAll(async () => {
    jest.restoreAllMocks();
    server?.closeAllConnections();
    await new Promise((resolve) => server?.close(resolve));
    if (dir !== undefined) fs.rmSync(dir, { recursive: true, force: true });
  });

  test('it mints with the passcode, and the token verifies against the deployed secret', async () => {
    const refused = await fetch(`${url}/token`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ identity: 'alice', grants: ['voice', 'chat'] }),
    });
    expect(refused.status).toBe(401);
    const res = await fetch(`${url}/token`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${STRONG_PASSCODE}`, Origin: 'https://app.example.com' },
      body: JSON.stringify({ identity: 'alice', grants: ['voice', 'chat'] }),
    });
    expect(res.status).toBe(200);
    expect(res.headers.get('access-control-allow-origin')).toBe('https://app.example.com');
    const { token } = (await res.json()) as { token: string };
    const { payload } = await verifyTwilioToken(token, TEST_SECRET);
    expect(payload.grants).toEqual({
      identity: 'alice',
      voice: { incoming: { allow: true }, outgoing: { application_sid: REAL_LOOKING.OUTGOING_SID } },
      chat: { service_sid: REAL_LOOKING.CHAT_SERVICE_SID },
    });

    const inspected = await fetch(`${url}/inspect`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${STRONG_PASSCODE}` },
      body: JSON.stringify({ token: `X-Twilio-Token: ${token}` }),
    });
    expect(await inspected.json()).toMatchObject({ valid: true, signature: 'valid', found: 1, findings: [] });
  });

  test("/voice answers Twilio's form POST with TwiML for this account's calls, and 403 for another account's", async () => {
    const call = (params: Record<string, string>) =>
      fetch(`${url}/voice`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({ CallSid: 'CA' + '0'.repeat(32), From: 'client:alice', ...params }).toString(),
      });
    const answer = await call({ AccountSid: REAL_LOOKING.ACCOUNT_SID, To: 'client:bob' });
    expect([answer.status, answer.headers.get('content-type'), await answer.text()]).toEqual([
      200,
      'text/xml; charset=utf-8',
      '<?xml version="1.0" encoding="UTF-8"?><Response><Dial><Client>bob</Client></Dial></Response>',
    ]);
    const foreign = await call({ AccountSid: 'AC' + '9e'.repeat(16), To: 'client:bob' });
    expect(foreign.status).toBe(403);
    expect(await foreign.json()).toMatchObject({ error: { code: 'account_mismatch', field: 'AccountSid' } });
  });

  test("the page, its script and style, and the token client load from the service's own origin", async () => {
    for (const [file, type] of [
      ['/index.html', /^text\/html/],
      ['/page.js', /javascript/],
      ['/style.css', /^text\/css/],
    ] as const) {
      const res = await fetch(`${url}${file}`);
      expect([file, res.status, res.headers.get('content-type')]).toEqual([file, 200, expect.stringMatching(type)]);
    }
    for (const stray of STRAY_ASSETS)
      expect([stray.path, (await fetch(`${url}${encodeURI(stray.path)}`)).status]).toEqual([stray.path, 404]);
    const client = await fetch(`${url}/token-client.js`, { headers: { Origin: `https://${domain()}` } });
    expect(client.status).toBe(200);
    expect(client.headers.get('access-control-allow-origin')).toBe(`https://${domain()}`);
    expect(await client.text()).toMatch(/createTokenClient/);
  });
});

describe('stray files in assets/ are not served by npm start either', () => {
  test('each is 404 not_found JSON; the page and its files are served', async () => {
    const child = spawn(process.execPath, [path.join(project, 'dist', 'cli', 'serve.js'), '--port', '0', '--env', '.env.local'], {
      cwd: project,
    });
    try {
      const { base, stdout } = await servingUrl(child);
      expect(stdout).not.toMatch(/asset .*\/(\.env|config|draft\.html|page\.js\.map|index\.html~)$/m);
      for (const stray of STRAY_ASSETS) {
        const res = await fetch(`${base}${encodeURI(stray.path)}`);
        const text = await res.text();
        expect([stray.path, res.status, res.headers.get('content-type')]).toEqual([
          stray.path,
          404,
          expect.stringMatching(/^application\/json/),
        ]);
        expect(JSON.parse(text)).toMatchObject({ error: { code: 'not_found' } });
        expect(text).not.toContain(TEST_SECRET);
      }
      for (const file of ['/index.html', '/page.js', '/style.css']) expect((await fetch(`${base}${file}`)).status).toBe(200);
    } finally {
      child.kill();
    }
  });
});

describe('the deploy gate refuses by name whatever the page does not use', () => {
  test('strays put straight into dist/assets (past the build): refused, each named with why, nothing uploaded', async () => {
    const assets = path.join(project, 'dist', 'assets');
    plantStrays(assets, path.join(project, '.env.local'));
    try {
      const before = standin.api.requests.length;
      // The built deploy.js without npm run build, which would make dist/ afresh.
      const run = await new Promise<{ code: number; stdout: string; stderr: string }>((resolve) => {
        const child = spawn(process.execPath, [path.join(project, 'dist', 'cli', 'deploy.js')], { cwd: project, env: standin.childEnv() });
        let stdout = '';
        let stderr = '';
        child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
        child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
        child.on('close', (code) => resolve({ code: code ?? 1, stdout, stderr }));
      });
      expect(run.code).toBe(1);
      expect(run.stderr).toMatch(/Deploy refused: twilio-run would publish these files of the assets folder, which the page does not use:/);
      for (const [pathname, why] of [
        ['/.env', 'a dotfile'],
        ['/page.js.map', 'a source map'],
        ['/index.html~', 'an editor backup'],
        ['/draft.html', 'not referenced by the page'],
        ['/config', 'a symbolic link'],
      ] as const)
        expect(run.stderr).toContain(`  ${pathname} (dist/assets/${pathname.slice(1)}): ${why}`);
      expect(run.stdout).toMatch(/^ {2}refused {7}\/\.env/m);
      expect(run.stdout + run.stderr).not.toContain(TEST_SECRET);
      expect(standin.api.requests.length).toBe(before);
    } finally {
      removeStrays(assets);
    }
  });
});

describe('npm run deploy refuses before uploading', () => {
  const writeEnv = (name: string, text: string): string => {
    fs.writeFileSync(path.join(project, name), text);
    return name;
  };
  const uploadsBefore = (): number => standin.api.requests.length;

  test.each([
    ['an inline comment after the API secret', `API_SECRET=${TEST_SECRET} # from the console`, /line \d+: API_SECRET's value has a "#"/],
    [
      'an export prefix on the TwiML App SID',
      `export OUTGOING_SID=${REAL_LOOKING.OUTGOING_SID}`,
      /OUTGOING_SID is exported \("export OUTGOING_SID=..."\): .* ignores the whole line, so OUTGOING_SID is not set/,
    ],
    ['a backquoted secret', `API_SECRET=\`${TEST_SECRET}\``, /API_SECRET is in backquotes/],
    ['a quoted secret with a comment after it', `API_SECRET="${TEST_SECRET}" # prod`, /API_SECRET has text after its closing quote/],
  ])('%s', async (_, line, message) => {
    const lines = ENV_LOCAL.split('\n').filter((l) => !l.startsWith(line.replace(/^export /, '').split('=')[0]!));
    const file = writeEnv('ambiguous.env', [...lines, line, ''].join('\n'));
    const before = uploadsBefore();
    const run = await npmDeploy('--env', file, '--dry-run');
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/Deploy refused: twilio-run would upload a secret or SID other tools read differently/);
    expect(run.stderr).toMatch(message);
    expect(uploadsBefore()).toBe(before);
  });

  test('the demo configuration', async () => {
    const file = writeEnv(
      'demo.env',
      Object.entries(DEMO_CONFIG)
        .map(([k, v]) => `${k}=${v}`)
        .join('\n'),
    );
    const run = await npmDeploy('--env', file);
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/Deploy refused: .*demo configuration/);
  });

  test('a missing env file, with the way to create it', async () => {
    const run = await npmDeploy('--env', 'nope.env');
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/Copy .env.example to .env.local/);
  });

  test('no credentials for the upload: the plan says which is missing', async () => {
    const file = writeEnv('no-token.env', ENV_LOCAL.replace(/^AUTH_TOKEN=.*$/m, ''));
    const run = await npmDeploy('--env', file, '--dry-run');
    expect(run.code).toBe(1);
    expect(run.stdout).toMatch(/credentials {3}ACCOUNT_SID and AUTH_TOKEN from the env file .*MISSING/);
    expect(run.stderr).toMatch(/Deploy refused: No credentials to upload with: its password \(AUTH_TOKEN, or --password\) is missing/);
  });
});

describe('a TwiML App whose Voice URL points elsewhere', () => {
  test('a second deploy leaves it as it is, and says so', async () => {
    const elsewhere = 'https://calls.example.com/twiml';
    world.applications![0]!.voiceUrl = elsewhere;
    const writesBefore = restApi.requests.filter((r) => r.method !== 'GET').length;
    // The built deploy.js, without npm run build: the upload itself is the same as above.
    const run = await new Promise<{ code: number; output: string }>((resolve) => {
      const child = spawn(process.execPath, [path.join(project, 'dist', 'cli', 'deploy.js')], { cwd: project, env: standin.childEnv() });
      let output = '';
      child.stdout.on('data', (d: Buffer) => (output += d.toString()));
      child.stderr.on('data', (d: Buffer) => (output += d.toString()));
      child.on('close', (code) => resolve({ code: code ?? 1, output }));
    });
    expect(run.code).toBe(0);
    expect(run.output).toContain(
      `Voice URL: TwiML App ${REAL_LOOKING.OUTGOING_SID} "twilio-token-service" sends calls to POST ${elsewhere}, not this service's /voice: left as it is. To have ${DEPLOYED_VOICE_URL} answer them, set it as the Voice URL (Console > Voice > TwiML Apps), or empty it and deploy again.`,
    );
    expect(world.applications![0]!.voiceUrl).toBe(elsewhere);
    expect(restApi.requests.filter((r) => r.method !== 'GET').length).toBe(writesBefore);
  });
});

/**
 * The REST API stand-in reached the way a service process reaches Twilio: the `twilio` library in
 * a child process, unchanged, through HTTP_PROXY with the throwaway CA from NODE_EXTRA_CA_CERTS
 * (it reads both only at start). What the setup, keys and app-endpoint tests build on.
 */
import { execFile } from 'node:child_process';
import http from 'node:http';
import { promisify } from 'node:util';
import { REAL_LOOKING } from '../support/env';
import { startTwilioApiStandIn, type TwilioApiStandIn } from '../support/twilio-api-standin';

const run = promisify(execFile);
const AUTH_TOKEN = 'a'.repeat(32);
const KEY = { sid: REAL_LOOKING.API_KEY, secret: 'Sec' + 'Q'.repeat(29) };

let standIn: TwilioApiStandIn;
beforeAll(async () => {
  standIn = await startTwilioApiStandIn(
    {
      accounts: [{ sid: REAL_LOOKING.ACCOUNT_SID, friendlyName: 'Acme', status: 'active', type: 'Full', authToken: AUTH_TOKEN }],
      keys: [{ ...KEY, accountSid: REAL_LOOKING.ACCOUNT_SID, type: 'standard', friendlyName: 'tokens' }],
      applications: [{ sid: REAL_LOOKING.OUTGOING_SID, accountSid: REAL_LOOKING.ACCOUNT_SID, friendlyName: 'Calls', voiceUrl: null }],
    },
    { proxy: true },
  );
});
afterAll(() => standIn.close());

/** Runs a few lines with the twilio library in a fresh Node process routed to the stand-in. */
async function inChild(code: string, env: Record<string, string> = {}): Promise<unknown> {
  const script = `const twilio = require('twilio'); (async () => { ${code} })().then((r) => process.stdout.write(JSON.stringify(r)), (e) => process.stdout.write(JSON.stringify({ status: e.status, code: e.code })));`;
  const { stdout } = await run(process.execPath, ['-e', script], { env: { ...standIn.childEnv(), ...env }, cwd: process.cwd() });
  return JSON.parse(stdout);
}

test('the twilio library in a child process reaches the stand-in through HTTP_PROXY and trusts its CA', async () => {
  const apps = await inChild(
    `const client = twilio('${KEY.sid}', '${KEY.secret}', { accountSid: '${REAL_LOOKING.ACCOUNT_SID}' });
     return (await client.applications.list()).map((a) => [a.sid, a.friendlyName]);`,
  );
  expect(apps).toEqual([[REAL_LOOKING.OUTGOING_SID, 'Calls']]);
  expect(standIn.requests.at(-1)).toMatchObject({ method: 'GET', host: 'api.twilio.com', user: KEY.sid, status: 200 });
});

test('bad credentials get 401 with Twilio error 20003, as from Twilio', async () => {
  const answer = await inChild(
    `const client = twilio('${REAL_LOOKING.ACCOUNT_SID}', '${'b'.repeat(32)}'); return await client.applications.list();`,
  );
  expect(answer).toEqual({ status: 401, code: 20003 });
});

test('the proxy tunnels the Twilio hosts only: CONNECT to any other host is 403, and nothing leaves 127.0.0.1', async () => {
  const proxyUrl = new URL(String(standIn.childEnv().HTTP_PROXY));
  const connect = (target: string) =>
    new Promise<number>((resolve, reject) => {
      const req = http.request({ host: proxyUrl.hostname, port: proxyUrl.port, method: 'CONNECT', path: target });
      req.on('connect', (res, socket) => {
        socket.destroy();
        resolve(res.statusCode ?? 0);
      });
      req.on('error', reject);
      req.end();
    });
  expect(await connect('example.com:443')).toBe(403);
  expect(await connect('api.twilio.com:80')).toBe(403);
  expect(await connect('api.twilio.com:443')).toBe(200);
});

test('Keys, as the API reference has them: the secret in the create answer only; 20404 for an unknown SID; refused to a Standard key (20003)', async () => {
  const owner = `const client = twilio('${REAL_LOOKING.ACCOUNT_SID}', '${AUTH_TOKEN}');`;
  const created = (await inChild(`${owner}
     const key = await client.newKeys.create({ friendlyName: 'signing' });
     const listed = (await client.keys.list()).find((k) => k.sid === key.sid);
     const fetched = await client.keys(key.sid).fetch();
     return { key: { sid: key.sid, friendlyName: key.friendlyName, secret: key.secret, created: key.dateCreated instanceof Date },
              listed: Object.keys(listed.toJSON()).includes('secret'), fetched: fetched.secret === undefined };`)) as {
    key: { sid: string; friendlyName: string; secret: string; created: boolean };
    listed: boolean;
    fetched: boolean;
  };
  expect(created.key).toEqual({
    sid: expect.stringMatching(/^SK[0-9a-f]{32}$/),
    friendlyName: 'signing',
    secret: expect.stringMatching(/^[A-Za-z0-9]{32}$/),
    created: true,
  });
  expect([created.listed, created.fetched]).toEqual([false, true]);

  // A Standard key may not manage keys, as on Twilio.
  const asKey = `const client = twilio('${KEY.sid}', '${KEY.secret}', { accountSid: '${REAL_LOOKING.ACCOUNT_SID}' });`;
  expect(await inChild(`${asKey} return await client.newKeys.create({ friendlyName: 'x' });`)).toEqual({ status: 401, code: 20003 });
  expect(await inChild(`${asKey} return await client.keys(${JSON.stringify(created.key.sid)}).remove();`)).toEqual({
    status: 401,
    code: 20003,
  });

  expect(await inChild(`${owner} return await client.keys(${JSON.stringify(created.key.sid)}).remove();`)).toBe(true);
  expect(await inChild(`${owner} return await client.keys(${JSON.stringify(created.key.sid)}).fetch();`)).toEqual({
    status: 404,
    code: 20404,
  });
});

test('Applications: list by FriendlyName, create, update the Voice URL; Conversations services: create and list', async () => {
  const owner = `const client = twilio('${REAL_LOOKING.ACCOUNT_SID}', '${AUTH_TOKEN}');`;
  const answer = await inChild(`${owner}
    const app = await client.applications.create({ friendlyName: 'svc', voiceMethod: 'POST' });
    const named = (await client.applications.list({ friendlyName: 'svc' })).map((a) => a.sid);
    const updated = await client.applications(app.sid).update({ voiceUrl: 'https://x.twil.io/voice', voiceMethod: 'POST' });
    const service = await client.conversations.v1.services.create({ friendlyName: 'svc' });
    const services = (await client.conversations.v1.services.list()).map((s) => [s.sid, s.friendlyName]);
    return { named: named.length === 1 && named[0] === app.sid, voice: [updated.voiceUrl, updated.voiceMethod], service: service.sid, services };`);
  expect(answer).toEqual({
    named: true,
    voice: ['https://x.twil.io/voice', 'POST'],
    service: expect.stringMatching(/^IS[0-9a-f]{32}$/),
    services: [[expect.stringMatching(/^IS/), 'svc']],
  });
});

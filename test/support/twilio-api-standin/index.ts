/**
 * A local stand-in of the Twilio REST API: a real node:http server on 127.0.0.1 answering the
 * endpoints this project calls, with response bodies shaped like the real API's (field names,
 * RFC 2822 dates on 2010-04-01, ISO dates on v1, the 401/403/404 error bodies) and HTTP Basic
 * authentication by API key and secret or Account SID and Auth Token. One module per API
 * (api.ts, iam.ts, services.ts, taskrouter.ts, video.ts, conversations.ts, ...), registered in APIS below.
 *
 * Two ways in, both nothing but loopback:
 * - `url`: lib/doctor's stand-in request client sends `https://<host>/<path>` to `<url>/<host>/<path>`
 *   (TWILIO_API_BASE_URL, the doctor's tests);
 * - `proxy: true`: a CONNECT proxy for the Twilio hosts that terminates TLS with a throwaway CA,
 *   so any process using the `twilio` library reaches it unchanged through HTTP_PROXY, with the CA
 *   from NODE_EXTRA_CA_CERTS (`childEnv()`), as the deploy test reaches its Serverless stand-in.
 * The host tells the API (api, iam, conversations, ...) and the region (api.twilio.com is us1,
 * api.dublin.ie1.twilio.com is ie1).
 *
 * Rules modelled on Twilio's documented behaviour:
 * - a key authenticates only in its own region, for its own account or that account's subaccounts;
 * - only Main keys (and the Auth Token) may read /Accounts and /Keys (Standard keys get 401/20003);
 * - Restricted keys may read only what their policy allows (here: `/twilio/voice/...` prefixes);
 * - test credentials get 403/20008 on everything the doctor reads;
 * - v1 APIs (iam, conversations, sync, taskrouter) act on the authenticated key's own account.
 */
import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { api } from './api';
import { conversations } from './conversations';
import { iam } from './iam';
import { services } from './services';
import { taskrouter } from './taskrouter';
import { video } from './video';
import {
  authenticate,
  notFound,
  parseHost,
  testCredentialsRefused,
  unauthorized,
  type Answer,
  type ApiRoute,
  type StandInWorld,
} from './world';

export * from './world';

/**
 * The APIs answered, by the first label of their host; each host's modules are asked in order
 * (several may share a host: Conversations' Services and its Conversations, say).
 */
const APIS: Readonly<Record<string, readonly ApiRoute[]>> = {
  api: [api],
  iam: [iam],
  conversations: [services, conversations],
  sync: [services],
  taskrouter: [taskrouter],
  video: [video],
};

/** The hosts the proxy accepts: each API's, in us1 and in the ie1 and au1 edges twilio-node builds. */
const HOSTS = Object.keys(APIS).flatMap((name) => [`${name}.twilio.com`, `${name}.dublin.ie1.twilio.com`, `${name}.sydney.au1.twilio.com`]);

export interface StandInRequest {
  method: string;
  host: string;
  path: string;
  /** The Basic auth user name (a key or Account SID); never the password. */
  user?: string;
  status: number;
}

/** A request as the hooks below see it. */
export interface StandInCall {
  method: string;
  host: string;
  path: string;
}

/** An answer to force instead of the API's own (an outage, a quota), for requests `matches` picks, `times` times (default always). */
export interface StandInFault {
  matches(call: StandInCall): boolean;
  answer: Answer;
  times?: number;
}

export interface TwilioApiStandIn {
  /** Base URL to hand to the doctor (`apiBaseUrl` / TWILIO_API_BASE_URL). */
  url: string;
  requests: StandInRequest[];
  /** Accept requests but never answer them (to test timeouts). */
  hang: boolean;
  /** Answers forced before the APIs are asked (after authentication). */
  faults: StandInFault[];
  /** Awaited before each authenticated request is answered: lets a test hold requests back (two racing creates). */
  gate?: (call: StandInCall) => Promise<void> | void;
  /**
   * Answers one request a CONNECT proxy decrypted for `host` (api.twilio.com, ...): for a proxy
   * of another stand-in that routes these hosts here (the deploy test's, beside Serverless).
   */
  handle(req: http.IncomingMessage, res: http.ServerResponse, host: string): void;
  /** With `proxy: true`: the environment of a child process that reaches the stand-in through the twilio library. */
  childEnv(base?: NodeJS.ProcessEnv): NodeJS.ProcessEnv;
  close(): Promise<void>;
}

interface Certificates {
  caPem: string;
  certPem: string;
  keyPem: string;
}
// The deploy test's throwaway CA and CONNECT proxy (plain CommonJS), reused.
const { makeCertificates } = require('../serverless-standin/certs') as { makeCertificates(hosts: string[]): Certificates };
const { startConnectProxy } = require('../serverless-standin/connect-proxy') as {
  startConnectProxy(opts: {
    hosts: string[];
    tls: { key: string; cert: string };
    handler: (req: http.IncomingMessage, res: http.ServerResponse, host: string) => void;
  }): Promise<{ url: string; close(): Promise<void> }>;
};

async function readForm(req: http.IncomingMessage): Promise<URLSearchParams> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return new URLSearchParams(Buffer.concat(chunks).toString('utf8'));
}

export async function startTwilioApiStandIn(world: StandInWorld, options: { proxy?: boolean } = {}): Promise<TwilioApiStandIn> {
  const requests: StandInRequest[] = [];
  const standIn = { hang: false, faults: [] as StandInFault[] } as TwilioApiStandIn;

  /** One request for `host` at `target` (its path and query). */
  const answer = async (req: http.IncomingMessage, res: http.ServerResponse, host: string, target: string): Promise<void> => {
    if (standIn.hang) return; // never answers; close() destroys the socket
    const [pathPart = '/', queryPart = ''] = target.split('?');
    const requestPath = pathPart;
    const send = (result: Answer, user?: string): void => {
      requests.push({ method: req.method ?? '', host, path: requestPath, user, status: result.status });
      const body = result.status === 204 ? '' : JSON.stringify(result.body);
      res.writeHead(result.status, {
        'Content-Type': 'application/json',
        'Content-Length': Buffer.byteLength(body),
        'Twilio-Request-Id': 'RQ' + '0'.repeat(32),
      });
      res.end(body);
    };
    const parsed = parseHost(host);
    const routes = parsed === undefined ? undefined : APIS[parsed.product];
    if (parsed === undefined || routes === undefined) {
      send({ status: 404, body: notFound(requestPath) });
      return;
    }
    const form = req.method === 'POST' ? await readForm(req) : new URLSearchParams();
    const { user, principal } = authenticate(world, req.headers.authorization, parsed.region);
    if (principal === undefined) {
      send({ status: 401, body: unauthorized }, user);
      return;
    }
    if (principal.test) {
      send({ status: 403, body: testCredentialsRefused }, user);
      return;
    }
    const call: StandInCall = { method: req.method ?? 'GET', host, path: requestPath };
    await standIn.gate?.(call);
    const fault = standIn.faults.find((f) => (f.times === undefined || f.times > 0) && f.matches(call));
    if (fault !== undefined) {
      if (fault.times !== undefined) fault.times -= 1;
      send(fault.answer, user);
      return;
    }
    const request = { ...call, query: new URLSearchParams(queryPart), form };
    let result: Answer | undefined;
    for (const route of routes) result ??= route(world, request, principal);
    send(result ?? { status: 404, body: notFound(requestPath) }, user);
  };

  // Base-URL mode: `<url>/<host>/<path>`.
  const server = http.createServer((req, res) => {
    const [, host = '', ...rest] = (req.url ?? '/').split('/');
    void answer(req, res, host, `/${rest.join('/')}`);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;

  let proxy: { url: string; close(): Promise<void> } | undefined;
  let caDir: string | undefined;
  if (options.proxy === true) {
    const certs = makeCertificates(HOSTS);
    caDir = fs.mkdtempSync(path.join(os.tmpdir(), 'twilio-api-standin-'));
    fs.writeFileSync(path.join(caDir, 'ca.pem'), certs.caPem);
    proxy = await startConnectProxy({
      hosts: HOSTS,
      tls: { key: certs.keyPem, cert: certs.certPem },
      handler: (req, res, host) => void answer(req, res, host, req.url ?? '/'),
    });
  }

  standIn.url = `http://127.0.0.1:${port}`;
  standIn.handle = (req, res, host) => void answer(req, res, host, req.url ?? '/');
  standIn.requests = requests;
  standIn.childEnv = (base = process.env) => {
    if (proxy === undefined || caDir === undefined)
      throw new Error('start the stand-in with { proxy: true } to reach it through HTTP_PROXY');
    const env = { ...base };
    // The twilio client builds regional hosts from these; a test sets them itself when it means to.
    for (const name of ['TWILIO_REGION', 'TWILIO_EDGE', 'NO_PROXY', 'no_proxy', 'http_proxy', 'https_proxy', 'NODE_OPTIONS'])
      delete env[name];
    return { ...env, HTTP_PROXY: proxy.url, HTTPS_PROXY: proxy.url, NODE_EXTRA_CA_CERTS: path.join(caDir, 'ca.pem') };
  };
  standIn.close = async () => {
    await proxy?.close();
    if (caDir !== undefined) fs.rmSync(caDir, { recursive: true, force: true });
    await new Promise<void>((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    });
  };
  return standIn;
}

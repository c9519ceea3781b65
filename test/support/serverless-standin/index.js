'use strict';
/**
 * A loopback stand-in of the Twilio Serverless API for the real `twilio-run deploy`: a throwaway CA
 * (certs.js, node-forge), a CONNECT proxy that only tunnels serverless.twilio.com and
 * serverless-upload.twilio.com and terminates TLS itself (connect-proxy.js), and a fake API that
 * answers with the documented shapes and SID prefixes and records every request (fake-serverless-api.js).
 * @twilio-labs/serverless-api sends its HTTPS calls through HTTP_PROXY (upper case only), and
 * NODE_EXTRA_CA_CERTS makes the child trust the CA: nothing in node_modules is touched, nothing
 * leaves 127.0.0.1. Plain JS (CommonJS), shared with the research prototype it came from.
 */
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { makeCertificates } = require('./certs');
const { startConnectProxy } = require('./connect-proxy');
const { FakeServerlessApi, API_HOST, UPLOAD_HOST } = require('./fake-serverless-api');

/**
 * @param {ConstructorParameters<typeof FakeServerlessApi>[0]} opts
 * @param {{ hosts: string[], handler: (req: import('node:http').IncomingMessage, res: import('node:http').ServerResponse, host: string) => void }} [also]
 *   more hosts the same proxy tunnels, each request handed to `handler` (the REST API stand-in's
 *   api.twilio.com, for a deploy that also sets a TwiML App's Voice URL): one HTTP_PROXY serves both.
 */
async function startServerlessStandin(opts, also) {
  const hosts = [API_HOST, UPLOAD_HOST, ...(also ? also.hosts : [])];
  const certs = makeCertificates(hosts);
  const tmpDir = fs.mkdtempSync(path.join(os.tmpdir(), 'serverless-standin-'));
  const caFile = path.join(tmpDir, 'standin-ca.pem');
  fs.writeFileSync(caFile, certs.caPem);
  const api = new FakeServerlessApi(opts);
  const proxy = await startConnectProxy({
    hosts,
    tls: { key: certs.keyPem, cert: certs.certPem },
    handler: (req, res, host) =>
      host === API_HOST || host === UPLOAD_HOST || !also ? api.handle(req, res, host) : also.handler(req, res, host),
  });

  /** The child's environment: what routes it to the stand-in, without what could send it elsewhere. */
  function childEnv(base = process.env) {
    const env = { ...base };
    // serverless-api builds serverless.<edge>.<region>.twilio.com from these: the stand-in answers the default hosts only.
    for (const k of ['TWILIO_REGION', 'TWILIO_EDGE', 'DEBUG', 'NO_PROXY', 'no_proxy', 'http_proxy', 'https_proxy', 'NODE_OPTIONS'])
      delete env[k];
    return {
      ...env,
      HTTP_PROXY: proxy.url,
      HTTPS_PROXY: proxy.url,
      NODE_EXTRA_CA_CERTS: caFile,
      TWILIO_SERVERLESS_API_RETRY_LIMIT: '0',
      CI: 'true',
      FORCE_COLOR: '0',
    };
  }

  return {
    api,
    proxy,
    caFile,
    childEnv,
    close: async () => {
      await proxy.close();
      fs.rmSync(tmpDir, { recursive: true, force: true });
    },
  };
}

module.exports = { startServerlessStandin, API_HOST, UPLOAD_HOST };

'use strict';
// A loopback HTTP proxy that only tunnels CONNECT to an allow-list of host:443 pairs, and
// does not tunnel them anywhere: it terminates TLS itself and hands the decrypted requests
// to an in-process node:http handler. Everything else (other hosts or ports, plain-HTTP
// proxy requests) is refused and recorded; the proxy never opens an outbound socket.
const http = require('node:http');
const tlsModule = require('node:tls');

/**
 * @param {object} opts
 * @param {string[]} opts.hosts hostnames accepted in CONNECT (port 443 only)
 * @param {{ key: string, cert: string }} opts.tls leaf key and certificate for those hosts
 * @param {(req: http.IncomingMessage, res: http.ServerResponse, connectHost: string) => void} opts.handler
 * @returns {Promise<{ url: string, port: number, refused: object[], connects: object[], close: () => Promise<void> }>}
 */
async function startConnectProxy({ hosts, tls, handler }) {
  const refused = [];
  const connects = [];
  const sockets = new Set();

  // TLS is terminated here: each accepted tunnel is wrapped in a server-side TLSSocket and fed
  // to an http.Server that never listens.
  const secureContext = tlsModule.createSecureContext({ key: tls.key, cert: tls.cert, minVersion: 'TLSv1.2' });
  const api = http.createServer((req, res) => handler(req, res, req.socket.connectHost));

  const proxy = http.createServer((req, res) => {
    // A plain-HTTP proxy request (GET http://host/...): never forwarded.
    refused.push({ kind: 'http', method: req.method, target: req.url });
    res.writeHead(403, { 'content-type': 'text/plain', connection: 'close' });
    res.end('deploy stand-in: only CONNECT to the Twilio Serverless hosts is allowed\n');
  });
  proxy.on('connection', (s) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  proxy.on('connect', (req, socket, head) => {
    const target = req.url || '';
    const m = /^([^:]+):(\d+)$/.exec(target);
    const host = m && m[1].toLowerCase();
    if (!m || m[2] !== '443' || !hosts.includes(host)) {
      refused.push({ kind: 'connect', target });
      socket.end('HTTP/1.1 403 Forbidden\r\nContent-Length: 0\r\nConnection: close\r\n\r\n');
      return;
    }
    const entry = { target, at: Date.now(), servername: null, alpn: null };
    connects.push(entry);
    socket.write('HTTP/1.1 200 Connection Established\r\n\r\n');
    if (head && head.length) socket.unshift(head);
    const secure = new tlsModule.TLSSocket(socket, { isServer: true, secureContext, ALPNProtocols: ['http/1.1'] });
    secure.connectHost = host;
    secure.on('secure', () => {
      entry.servername = secure.servername;
      entry.alpn = secure.alpnProtocol;
    });
    secure.on('error', (err) => refused.push({ kind: 'tls', target, error: err.message }));
    api.emit('connection', secure);
  });

  await new Promise((resolve) => proxy.listen(0, '127.0.0.1', resolve));
  const { port } = proxy.address();
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    refused,
    connects,
    close: () =>
      new Promise((resolve) => {
        for (const s of sockets) s.destroy();
        proxy.close(() => resolve());
      }),
  };
}

module.exports = { startConnectProxy };

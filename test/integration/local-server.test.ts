/**
 * The local server (cli/serve.ts) in front of Twilio's runtime, black-box over HTTP (issue 11):
 * forged `request` parameters, foreign Hosts (DNS rebinding), unreadable bodies and other
 * methods are refused with a JSON error, the CORS headers, nosniff and one log line, before the
 * runtime (which would merge them into event.request, or answer an HTML stack trace) sees them.
 */
import { spawn } from 'node:child_process';
import net from 'node:net';
import path from 'node:path';
import { parseArgs } from '../../cli/serve';
import { isOwnHost } from '../../cli/lib/local-front';
import { demoVars } from '../support/env';
import { expectPageRedirect, expectPathError, UNDECODABLE_PATHS, UNSERVED_PATHS } from '../support/path-errors';
import { ROOT, startServer, type TestServer } from '../support/runtime';

const APP = 'https://app.example.com';
let server: TestServer;
beforeAll(async () => {
  server = await startServer(demoVars({ ALLOWED_ORIGINS: APP }));
});
afterAll(() => server.close());
beforeEach(() => server.logs.splice(0));

interface Raw {
  status: number;
  headers: Record<string, string>;
  body: string;
}

/** A request written byte by byte: headers fetch() refuses to send (a foreign Host, Latin-1 bytes). */
function rawRequest(lines: string[], body = ''): Promise<Raw> {
  return new Promise((resolve, reject) => {
    const socket = net.connect(server.port, '127.0.0.1', () => {
      socket.end(Buffer.concat([Buffer.from(`${lines.join('\r\n')}\r\nConnection: close\r\n\r\n`, 'latin1'), Buffer.from(body)]));
    });
    const chunks: Buffer[] = [];
    socket.on('data', (chunk) => chunks.push(chunk));
    socket.on('error', reject);
    socket.on('end', () => {
      const text = Buffer.concat(chunks).toString('latin1');
      const [head = '', ...rest] = text.split('\r\n\r\n');
      const [statusLine = '', ...headerLines] = head.split('\r\n');
      const headers = Object.fromEntries(
        headerLines.map((line) => [line.slice(0, line.indexOf(':')).toLowerCase(), line.slice(line.indexOf(':') + 1).trim()]),
      );
      resolve({ status: Number(statusLine.split(' ')[1]), headers, body: rest.join('\r\n\r\n') });
    });
  });
}

/** The refusal every check answers with: JSON error, CORS for the allowed origin, nosniff, no-store, one log line. */
async function expectRefusal(
  response: Response,
  status: number,
  code: string,
  field: string,
  origin?: string,
): Promise<Record<string, string>> {
  expect(response.status).toBe(status);
  expect(response.headers.get('content-type')).toMatch(/^application\/json/);
  expect(response.headers.get('x-content-type-options')).toBe('nosniff');
  expect(response.headers.get('cache-control')).toBe('no-store');
  expect(response.headers.get('access-control-allow-origin')).toBe(origin ?? null);
  const body = (await response.json()) as { error: Record<string, string> };
  expect(body).toEqual({ error: { code, field, message: expect.any(String) } });
  expect(server.logs).toHaveLength(1);
  expect(JSON.parse(server.logs[0]!)).toMatchObject({ status, outcome: code, field });
  return body.error;
}

describe('a caller cannot replace event.request (forged headers)', () => {
  test.each([
    '?identity=alice&grants=video&request[headers][origin]=https://evil.example&request[headers][host]=evil.example',
    '?identity=alice&grants=video&request=x',
    '?identity=alice&grants=video&request%5Bheaders%5D%5Borigin%5D=https://evil.example',
  ])('a query with a request key %s is 400 invalid_param', async (query) => {
    await expectRefusal(await fetch(`${server.url}/token${query}`, { headers: { Origin: APP } }), 400, 'invalid_param', 'request', APP);
  });

  test('a JSON body with a request field is 400 invalid_param', async () => {
    const response = await fetch(`${server.url}/token`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', Origin: APP },
      body: JSON.stringify({ identity: 'alice', grants: 'video', request: { headers: { origin: 'https://evil.example' } } }),
    });
    await expectRefusal(response, 400, 'invalid_param', 'request', APP);
  });

  test('a form body with a request field is 400 invalid_param', async () => {
    const response = await fetch(`${server.url}/token`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
      body: 'identity=alice&grants=video&request=x',
    });
    await expectRefusal(response, 400, 'invalid_param', 'request');
  });

  test('an Origin with bytes outside ASCII is 403, never a 500 with a stack trace; the log says 403', async () => {
    const answer = await rawRequest([
      `GET /token?identity=alice&grants=video HTTP/1.1`,
      `Host: 127.0.0.1:${server.port}`,
      `Origin: ${APP}\u00ff`,
    ]);
    expect(answer.status).toBe(403);
    expect(JSON.parse(answer.body)).toMatchObject({ error: { code: 'origin_not_allowed', field: 'Origin' } });
    expect(answer.body).not.toMatch(/\n\s+at |node_modules|\/work\//);
    expect(answer.headers['access-control-allow-origin']).toBeUndefined();
    expect(server.logs.map((line) => JSON.parse(line) as Record<string, unknown>)).toEqual([
      expect.objectContaining({ status: 403, outcome: 'origin_not_allowed' }),
    ]);
  });
});

describe('a local instance answers only to its own names (DNS rebinding)', () => {
  test.each(['evil.example', `evil.example:${0}`, 'localhost.evil.example'])(
    'Host %s gets 403 host_not_allowed, and nothing else',
    async (host) => {
      const named = host.endsWith(':0') ? host.replace(':0', `:${server.port}`) : host;
      const answer = await rawRequest([`GET /token?identity=alice&grants=video HTTP/1.1`, `Host: ${named}`]);
      expect(answer.status).toBe(403);
      expect(answer.headers['x-content-type-options']).toBe('nosniff');
      expect(JSON.parse(answer.body)).toEqual({
        error: { code: 'host_not_allowed', field: 'Host', message: expect.stringMatching(/answers to localhost/) },
      });
      const page = await rawRequest([`GET /index.html HTTP/1.1`, `Host: ${named}`]);
      expect(page.status).toBe(403);
    },
  );

  test('its own names: localhost, 127.0.0.1 and [::1] with its port', () => {
    for (const host of ['localhost:3000', '127.0.0.1:3000', '[::1]:3000', 'LOCALHOST:3000'])
      expect(isOwnHost(host, 3000, '127.0.0.1')).toBe(true);
    for (const host of ['localhost:3001', 'evil.example:3000', undefined, '127.0.0.1'])
      expect(isOwnHost(host, 3000, '127.0.0.1')).toBe(false);
    // Listening beyond loopback (--host 0.0.0.0): IP literals too (a rebinding attack needs a name), and the --host name.
    expect(isOwnHost('192.168.1.20:3000', 3000, '0.0.0.0')).toBe(true);
    expect(isOwnHost('192.168.1.20:3000', 3000, '127.0.0.1')).toBe(false);
    expect(isOwnHost('devbox.lan:3000', 3000, 'devbox.lan')).toBe(true);
  });

  test('the server listens on 127.0.0.1 only by default', () => {
    expect(server.url).toBe(`http://127.0.0.1:${server.port}`);
    expect(parseArgs([])).toMatchObject({ host: '127.0.0.1', port: 3000 });
    expect(parseArgs(['--host', '0.0.0.0', '--port=4000'])).toMatchObject({ host: '0.0.0.0', port: 4000 });
  });

  test('npm start -- --host 0.0.0.0 with AUTH_MODE none warns that the network can mint tokens', async () => {
    // The tracked demo .env, named: never the developer's own .env.local (#19).
    const child = spawn(
      process.execPath,
      [path.join(ROOT, 'dist', 'cli', 'serve.js'), '--host', '0.0.0.0', '--port', '0', '--env', path.join(ROOT, '.env')],
      { cwd: ROOT },
    );
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    try {
      await new Promise<void>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`no warning; stderr: ${stderr}`)), 20_000);
        child.stderr.on('data', () => {
          if (/Warning/.test(stderr)) {
            clearTimeout(timer);
            resolve();
          }
        });
      });
      expect(stderr).toMatch(/listening on 0\.0\.0\.0 with AUTH_MODE none: anyone on your network can get tokens/);
    } finally {
      child.kill();
    }
  });
});

describe('bodies that cannot be read are JSON errors, not HTML stack traces', () => {
  test('malformed JSON is 400 invalid_json, with CORS headers', async () => {
    const response = await fetch(`${server.url}/token`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', Origin: APP },
      body: '{"identity": "alice",',
    });
    const error = await expectRefusal(response, 400, 'invalid_json', 'body', APP);
    expect(error.message).not.toMatch(/SyntaxError|at /);
  });

  test.each([
    ['text/plain', 'text/plain;charset=UTF-8'],
    ['no Content-Type', undefined],
  ])('JSON sent as %s is 415 unsupported_media_type saying to send Content-Type: application/json', async (_, type) => {
    const headers: Record<string, string> = type === undefined ? {} : { 'Content-Type': type };
    const body = new TextEncoder().encode(JSON.stringify({ identity: 'alice', grants: 'video' }));
    const response = await fetch(`${server.url}/token`, { method: 'POST', headers: { ...headers, Origin: APP }, body });
    const error = await expectRefusal(response, 415, 'unsupported_media_type', 'Content-Type', APP);
    expect(error.message).toMatch(/Content-Type: application\/json/);
  });
});

describe('paths Express cannot decode, or that serve nothing, are JSON errors, not HTML stack traces', () => {
  test.each(UNDECODABLE_PATHS)('%s is 400 invalid_path, with one log line', async (target) => {
    await expectPathError(await fetch(`${server.url}${target}`, { headers: { Origin: APP } }), 400, 'invalid_path');
    expect(server.logs.map((line) => JSON.parse(line) as Record<string, unknown>)).toEqual([
      expect.objectContaining({ path: target, status: 400, outcome: 'invalid_path', field: 'path' }),
    ]);
  });

  test.each(UNSERVED_PATHS)('%s is 404 not_found', async (target) => {
    await expectPathError(await fetch(`${server.url}${target}`), 404, 'not_found');
  });

  test('GET / leads to the page (issue 19: it was a 404)', async () => {
    await expectPageRedirect(server.url);
  });

  test('a request target that is not a path (*, absolute form) is 400, and GET // no longer stops the server', async () => {
    for (const target of ['*', `http://127.0.0.1:${server.port}/token?identity=alice&grants=video`, '//']) {
      const answer = await rawRequest([`GET ${target} HTTP/1.1`, `Host: 127.0.0.1:${server.port}`]);
      expect([target, answer.status, answer.headers['content-type']]).toEqual([
        target,
        target === '//' ? 404 : 400,
        expect.stringMatching(/^application\/json/),
      ]);
      expect(answer.body).not.toContain(ROOT);
    }
    expect((await fetch(`${server.url}/index.html`)).status).toBe(200);
  });

  test('the functions, the page and its files still answer; only the path is checked (a lone % in the query is a value)', async () => {
    for (const route of ['/index.html', '/page.js', '/style.css', '/products', '/token-client.js'])
      expect([route, (await fetch(`${server.url}${route}`)).status]).toEqual([route, 200]);
    const answer = await fetch(`${server.url}/token?identity=%&grants=video`);
    expect([answer.status, ((await answer.json()) as { identity: string }).identity]).toEqual([200, '%']);
  });
});

describe('only GET and POST (and OPTIONS) reach the functions', () => {
  test.each(['PUT', 'PATCH', 'DELETE'])('%s on /token and /inspect is 405 method_not_allowed with Allow', async (method) => {
    for (const route of ['/token?identity=alice&grants=video', '/inspect']) {
      server.logs.splice(0);
      const response = await fetch(`${server.url}${route}`, { method, headers: { Origin: APP } });
      await expectRefusal(response, 405, 'method_not_allowed', 'method', APP);
      expect(response.headers.get('allow')).toBe('GET, POST, OPTIONS');
    }
  });

  test('answers that pass carry nosniff too', async () => {
    const response = await fetch(`${server.url}/token?identity=alice&grants=video`);
    expect(response.status).toBe(200);
    expect(response.headers.get('x-content-type-options')).toBe('nosniff');
  });
});

import type { CorsSettings } from '../../lib/config/service';
import { corsHeadersFor, isOriginAllowed, originRefusal, ownOrigins } from '../../lib/http/cors';

const none: CorsSettings = { allowedOrigins: { anyOrigin: false, origins: new Set() }, domainName: 'svc-1234-dev.twil.io' };
const listed: CorsSettings = {
  allowedOrigins: { anyOrigin: false, origins: new Set(['https://app.example.com']) },
  domainName: 'svc-1234-dev.twil.io',
};
const any: CorsSettings = { allowedOrigins: { anyOrigin: true }, domainName: 'svc-1234-dev.twil.io' };

const local: CorsSettings = { ...none, domainName: 'localhost:3000' };

describe('isOriginAllowed', () => {
  test.each([
    ['the service page itself', 'https://svc-1234-dev.twil.io', none, true],
    ['a listed origin', 'https://app.example.com', listed, true],
    ['an unlisted origin', 'https://evil.example.com', listed, false],
    ['a listed host on the wrong scheme', 'http://app.example.com', listed, false],
    ['a listed host on another port', 'https://app.example.com:8443', listed, false],
    ['a look-alike suffix', 'https://svc-1234-dev.twil.io.evil.com', none, false],
    ['plain http to the deployed domain', 'http://svc-1234-dev.twil.io', none, false],
    ['the opaque null origin', 'null', listed, false],
    ['anything when ALLOWED_ORIGINS=*', 'https://whatever.example', any, true],
    ['the opaque null origin when ALLOWED_ORIGINS=*', 'null', any, true],
    // A local server's own pages: its port on every loopback name, from DOMAIN_NAME alone.
    ['a local page on 127.0.0.1', 'http://127.0.0.1:3000', local, true],
    ['a local page on localhost', 'http://localhost:3000', local, true],
    ['a local page on [::1]', 'http://[::1]:3000', local, true],
    ['a local page on another port', 'http://localhost:5173', local, false],
    ['a remote http page', 'http://evil.example.com', none, false],
    // #11: the header is untrusted text; a forged one is refused even with ALLOWED_ORIGINS=*.
    ['an origin with CR/LF', 'https://app.example.com\r\nSet-Cookie: a=b', any, false],
    ['an origin with NUL', 'https://app.example.com\u0000', any, false],
    ['an origin with non-Latin-1 text', 'https://приложение.example', any, false],
    ['an origin with a path', 'https://app.example.com/x', any, false],
  ])('%s: %j -> %p', (_, origin, settings, expected) => {
    expect(isOriginAllowed(origin, settings)).toBe(expected);
  });

  test('the own origin comes from DOMAIN_NAME, never from a Host the caller names (#11)', () => {
    // The old rule "Origin host == Host" let a page anywhere forge Host through ?request[headers][host]=.
    expect(isOriginAllowed('https://evil.example.com', none)).toBe(false);
    expect(isOriginAllowed('http://evil.example.com:3000', local)).toBe(false);
  });

  test.each([
    ['localhost', ['http://localhost', 'http://127.0.0.1', 'http://[::1]'], 'http://localhost:3000'],
    ['[::1]:3000', ['http://[::1]:3000', 'http://localhost:3000', 'http://127.0.0.1:3000'], 'http://[::1]:1'],
    ['app.localhost:5173', ['http://app.localhost:5173', 'http://localhost:5173', 'http://[::1]:5173'], 'http://app.localhost'],
  ])('a local DOMAIN_NAME %j: its own page and the loopback names on the same port, no other', (domainName, allowed, refused) => {
    const settings: CorsSettings = { ...none, domainName };
    expect(allowed.map((origin) => isOriginAllowed(origin, settings))).toEqual(allowed.map(() => true));
    expect(isOriginAllowed(refused, settings)).toBe(false);
  });

  test('ownOrigins: https://DOMAIN_NAME deployed; the loopback names with the port locally', () => {
    expect(ownOrigins('svc-1234-dev.twil.io')).toEqual(['https://svc-1234-dev.twil.io']);
    expect(ownOrigins('localhost:3000')).toEqual(['http://localhost:3000', 'http://127.0.0.1:3000', 'http://[::1]:3000']);
    expect(ownOrigins(undefined)).toEqual([]);
    expect(ownOrigins('')).toEqual([]);
  });
});

describe('corsHeadersFor', () => {
  // The methods, headers and max-age only mean something on a preflight answer (PREFLIGHT_HEADERS).
  test('echoes an allowed origin (never *) and always varies on Origin', () => {
    expect(corsHeadersFor('https://app.example.com', true)).toEqual({
      Vary: 'Origin',
      'Access-Control-Allow-Origin': 'https://app.example.com',
      'Access-Control-Expose-Headers': 'WWW-Authenticate',
    });
  });

  test('a disallowed or absent origin gets no Access-Control-Allow-Origin', () => {
    expect(corsHeadersFor('https://evil.example.com', false)).toEqual({ Vary: 'Origin' });
    expect(corsHeadersFor(undefined, true)).toEqual({ Vary: 'Origin' });
  });
});

describe('originRefusal: the fix for a real origin, less for anything else', () => {
  const fix =
    'may not call this service; add it to ALLOWED_ORIGINS, a comma list of exact origins as the browser sends them (scheme://host[:port], e.g. https://app.example.com or http://localhost:5173).';
  test('on a local server, a real origin is also told the flag that allows it for one run', () => {
    expect(originRefusal('http://localhost:5173', local).message).toBe(
      `The origin "http://localhost:5173" ${fix} Locally, npm start -- --allow-origin http://localhost:5173 allows it until the server stops.`,
    );
  });

  test('deployed, or with no DOMAIN_NAME, no flag is suggested', () => {
    expect(originRefusal('https://evil.example.com', listed).message).toBe(`The origin "https://evil.example.com" ${fix}`);
    expect(originRefusal('https://evil.example.com', { ...listed, domainName: undefined }).message).toBe(
      `The origin "https://evil.example.com" ${fix}`,
    );
  });

  test("a sandboxed page's null origin is an origin (ALLOWED_ORIGINS=* lets it in); a forged header is not, and gets no flag", () => {
    expect(originRefusal('null', local).message).toBe(`The origin "null" ${fix}`);
    expect(originRefusal('x https://app.example.com', local).message).toBe(
      'The Origin header "x https://app.example.com" is not a browser origin (scheme://host[:port]); this request is refused.',
    );
  });
});

import type { CorsSettings } from '../../lib/config/service';
import { corsHeadersFor, isOriginAllowed } from '../../lib/http/cors';

const none: CorsSettings = { allowedOrigins: { anyOrigin: false, origins: new Set() }, domainName: 'svc-1234-dev.twil.io' };
const listed: CorsSettings = {
  allowedOrigins: { anyOrigin: false, origins: new Set(['https://app.example.com']) },
  domainName: 'svc-1234-dev.twil.io',
};
const any: CorsSettings = { allowedOrigins: { anyOrigin: true }, domainName: 'svc-1234-dev.twil.io' };

describe('isOriginAllowed', () => {
  test.each([
    ['the service page itself', 'https://svc-1234-dev.twil.io', none, undefined, true],
    ['a listed origin', 'https://app.example.com', listed, undefined, true],
    ['an unlisted origin', 'https://evil.example.com', listed, undefined, false],
    ['a listed host on the wrong scheme', 'http://app.example.com', listed, undefined, false],
    ['a listed host on another port', 'https://app.example.com:8443', listed, undefined, false],
    ['a look-alike suffix', 'https://svc-1234-dev.twil.io.evil.com', none, undefined, false],
    ['plain http to the deployed domain', 'http://svc-1234-dev.twil.io', none, undefined, false],
    ['the opaque null origin', 'null', listed, undefined, false],
    ['anything when ALLOWED_ORIGINS=*', 'https://whatever.example', any, undefined, true],
    [
      'a local page on the host the browser addressed',
      'http://127.0.0.1:3000',
      { ...none, domainName: 'localhost:3000' },
      '127.0.0.1:3000',
      true,
    ],
    ['a local page on another port', 'http://localhost:5173', { ...none, domainName: 'localhost:3000' }, 'localhost:3000', false],
    ['a remote http page that names our Host', 'http://evil.example.com', none, 'evil.example.com', false],
  ])('%s: %s -> %p', (_, origin, settings, host, expected) => {
    expect(isOriginAllowed(origin, settings, host)).toBe(expected);
  });
});

describe('corsHeadersFor', () => {
  test('echoes an allowed origin (never *) and always varies on Origin', () => {
    expect(corsHeadersFor('https://app.example.com', true)).toEqual({
      Vary: 'Origin',
      'Access-Control-Allow-Origin': 'https://app.example.com',
      'Access-Control-Allow-Methods': 'GET, POST, OPTIONS',
      'Access-Control-Allow-Headers': 'Authorization, Content-Type',
      'Access-Control-Expose-Headers': 'WWW-Authenticate',
      'Access-Control-Max-Age': '600',
    });
  });

  test('a disallowed or absent origin gets no Access-Control-Allow-Origin', () => {
    expect(corsHeadersFor('https://evil.example.com', false)).toEqual({ Vary: 'Origin' });
    expect(corsHeadersFor(undefined, true)).toEqual({ Vary: 'Origin' });
  });
});

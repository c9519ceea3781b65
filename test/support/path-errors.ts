/**
 * Malformed and unserved paths against a local server (issue 17, item 6), shared by the tests of
 * npm start's and npm run dev's servers: what Express would answer with its HTML stack trace.
 */
import { ROOT } from './runtime';

/** Targets Express cannot decode: a lone %, a truncated UTF-8 escape, an escape of no UTF-8. */
export const UNDECODABLE_PATHS = ['/%', '/token%', '/%E0%A4%A', '/index.html%', '/%zz', '/%C0%AF', '/token/%FF'];

/** Paths that serve nothing, dotfiles among them (GET / leads to the page: expectPageRedirect). */
export const UNSERVED_PATHS = ['/nope.txt', '/.env', '/.env.local', '/token/', '/dist/functions/token.js', '//'];

/** A JSON error with a stable code and `field: path`: no HTML, no stack, no absolute path, nosniff. */
export async function expectPathError(response: Response, status: 400 | 404, code: 'invalid_path' | 'not_found'): Promise<void> {
  const text = await response.text();
  const what = `${response.url} answered ${response.status} ${response.headers.get('content-type')}: ${text.slice(0, 200)}`;
  expect([what, response.status]).toEqual([what, status]);
  expect([what, response.headers.get('content-type')]).toEqual([what, expect.stringMatching(/^application\/json/)]);
  expect(response.headers.get('x-content-type-options')).toBe('nosniff');
  expect(JSON.parse(text)).toEqual({ error: { code, field: 'path', message: expect.any(String) } });
  expect(text).not.toMatch(/<html|<pre|\bat [\w.<>]+ \(|node_modules|URIError/i);
  expect(text).not.toContain(ROOT);
}

/** GET / (issue 19): a redirect to the page, which answers; POST / serves nothing. */
export async function expectPageRedirect(base: string): Promise<void> {
  for (const target of ['/', '/?from=bookmark']) {
    const response = await fetch(`${base}${target}`, { redirect: 'manual' });
    expect([target, response.status, response.headers.get('location'), await response.text()]).toEqual([target, 302, '/index.html', '']);
    expect(response.headers.get('x-content-type-options')).toBe('nosniff');
  }
  const followed = await fetch(`${base}/`);
  expect([followed.status, followed.url, followed.headers.get('content-type')]).toEqual([
    200,
    `${base}/index.html`,
    expect.stringMatching(/^text\/html/),
  ]);
  await expectPathError(await fetch(`${base}/`, { method: 'POST' }), 404, 'not_found');
}

/**
 * The remote key sets kept across invocations: one per AUTH_JWKS_URL, reused while warm, at most
 * eight at a time (a container whose configuration keeps changing must not grow without bound).
 * Its own file: the cache lives in the module, and these tests count what it holds.
 */
import { realVars } from '../support/env';
import {
  ALLOWED_ORIGIN,
  AUDIENCE,
  bearer,
  callToken,
  ISSUER,
  providerKey,
  startJwksServer,
  type JwksServer,
  type ProviderKey,
} from './support';

let jwks: JwksServer;
let key: ProviderKey;
beforeAll(async () => {
  key = await providerKey('ES256', 'ec-1');
  jwks = await startJwksServer([key.publicJwk]);
});
afterAll(() => jwks.close());

const varsFor = (url: string) =>
  realVars({ AUTH_MODE: 'jwt', AUTH_JWKS_URL: url, AUTH_ISSUER: ISSUER, AUTH_AUDIENCE: AUDIENCE, ALLOWED_ORIGINS: ALLOWED_ORIGIN });

/** How many times the key set was fetched to answer one call (which must mint). */
async function fetchesFor(url: string, deps = {}): Promise<number> {
  const before = jwks.fetches;
  const answer = await callToken(varsFor(url), { grants: 'video' }, bearer(await key.sign()), deps);
  expect(answer.status).toBe(200);
  return jwks.fetches - before;
}

test('eight key sets stay warm; a ninth URL starts the cache over', async () => {
  const urls = Array.from({ length: 9 }, (_, i) => jwks.url(`/tenant-${i + 1}/jwks.json`));
  expect(await fetchesFor(urls[0]!)).toBe(1);
  expect(await fetchesFor(urls[1]!)).toBe(1);
  // Another URL joining the cache does not push the first one out.
  expect(await fetchesFor(urls[0]!)).toBe(0);
  for (const url of urls.slice(2, 8)) expect(await fetchesFor(url)).toBe(1);
  expect(await fetchesFor(urls[7]!)).toBe(0);
  expect(await fetchesFor(urls[0]!)).toBe(0);
  // The ninth does: the first is fetched again.
  expect(await fetchesFor(urls[8]!)).toBe(1);
  expect(await fetchesFor(urls[0]!)).toBe(1);
});

test('a key set made with other fetch options is not reused for the same URL', async () => {
  const rotating = await startJwksServer([key.publicJwk]);
  try {
    const url = rotating.url();
    expect((await callToken(varsFor(url), { grants: 'video' }, bearer(await key.sign()))).status).toBe(200);
    const next = await providerKey('ES256', 'ec-2');
    rotating.keys = [next.publicJwk];
    // Without a cooldown a new kid is refetched at once; with jose's default (30 s) it would not be.
    const answer = await callToken(varsFor(url), { grants: 'video' }, bearer(await next.sign()), {
      auth: { jwks: { cooldownDuration: 0 } },
    });
    expect(answer.status).toBe(200);
  } finally {
    await rotating.close();
  }
});

test('one key set per URL and fetch options: two option sets on one URL fetch once each, then both stay warm', async () => {
  const url = jwks.url('/options/jwks.json');
  const short = { auth: { jwks: { cooldownDuration: 1 } } };
  const shorter = { auth: { jwks: { cooldownDuration: 2 } } };
  expect([
    await fetchesFor(url, short),
    await fetchesFor(url, shorter),
    await fetchesFor(url, short),
    await fetchesFor(url, shorter),
  ]).toEqual([1, 1, 0, 0]);
});

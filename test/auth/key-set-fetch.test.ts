/**
 * The key set fetch (lib/auth/jwks.ts) at its edges, behind a stubbed fetch: what each failure is
 * called (a network code found however deep Node nests it, never an ERR_* code), the size cap to
 * the byte whether declared or streamed, a body in several chunks, no body at all, and the cache's
 * freshness and cooldown to the millisecond on a fake clock. The same code over real HTTP:
 * test/auth/jwks.test.ts and test/integration/jwks-limits.test.ts.
 */
import * as jose from 'jose';
import { fetchKeySet, KeySetUnavailable, remoteKeySet } from '../../lib/auth/jwks';
import { fakeDateOnly } from '../support/clock';
import { providerKey, type ProviderKey } from './support';

const URL_ = 'https://idp.example.com/.well-known/jwks.json';
let fetchMock: jest.SpyInstance;

beforeEach(() => {
  fetchMock = jest.spyOn(globalThis, 'fetch');
});
afterEach(() => {
  fetchMock.mockRestore();
  jest.useRealTimers();
});

/** Why fetchKeySet gave up, or 'ok'. */
async function outcome(maxBytes = 1024): Promise<string> {
  try {
    await fetchKeySet(URL_, 5_000, maxBytes);
    return 'ok';
  } catch (error) {
    if (error instanceof KeySetUnavailable) return error.reason;
    throw error;
  }
}

const withCode = (code: unknown, message = 'x'): Error => Object.assign(new Error(message), { code });

describe('a fetch that fails is named by the network code inside it, never by anything else', () => {
  test.each<[string, unknown, string]>([
    ['a code on the error', withCode('ECONNRESET'), 'network error ECONNRESET'],
    [
      'undici: fetch failed, the code in its cause',
      new TypeError('fetch failed', { cause: withCode('ENOTFOUND') }),
      'network error ENOTFOUND',
    ],
    [
      'happy eyeballs: an AggregateError of both addresses',
      new TypeError('fetch failed', { cause: Object.assign(new AggregateError([withCode('ECONNREFUSED')]), { code: undefined }) }),
      'network error ECONNREFUSED',
    ],
    ['four levels deep', Object.assign(new Error('0'), { cause: { cause: { cause: withCode('EPIPE') } } }), 'network error EPIPE'],
    [
      'five levels deep: not searched',
      Object.assign(new Error('0'), { cause: { cause: { cause: { cause: withCode('EPIPE') } } } }),
      'the request failed',
    ],
    ['no code at all', new TypeError('fetch failed'), 'the request failed'],
    ['a cause of null', new TypeError('fetch failed', { cause: null }), 'the request failed'],
    ["Node's ERR_* codes are not network errors", withCode('ERR_INVALID_URL'), 'the request failed'],
    ['nested ERR_* too', new TypeError('fetch failed', { cause: { errors: [withCode('ERR_SOCKET_CLOSED')] } }), 'the request failed'],
    ['junk before a code', withCode('UV_ECONNRESET'), 'the request failed'],
    ['junk after a code', withCode('ECONNRESET: socket hang up'), 'the request failed'],
    [
      'junk after a nested code',
      new TypeError('fetch failed', { cause: { errors: [withCode('ECONNREFUSED: 127.0.0.1')] } }),
      'the request failed',
    ],
    ['a code that is not a string', withCode(104), 'the request failed'],
    ['a nested code that is not a string', new TypeError('fetch failed', { cause: { errors: [{ code: 104 }] } }), 'the request failed'],
  ])('%s', async (_, error, reason) => {
    fetchMock.mockRejectedValue(error);
    expect(await outcome()).toBe(reason);
  });

  test('a cause that loops back on itself ends the search', async () => {
    const looping: Error & { cause?: unknown } = new Error('loop');
    looping.cause = looping;
    fetchMock.mockRejectedValue(looping);
    expect(await outcome()).toBe('the request failed');
  });
});

test('it asks for JSON, follows no redirect, and has a deadline', async () => {
  fetchMock.mockResolvedValue(new Response('{"keys":[]}'));
  await fetchKeySet(URL_, 5_000, 1024);
  expect(fetchMock).toHaveBeenCalledWith(URL_, {
    signal: expect.any(AbortSignal) as unknown,
    redirect: 'manual',
    headers: { Accept: 'application/json' },
  });
});

describe('the answer', () => {
  const body = (size: number): string => `{"keys":[],"pad":"${'a'.repeat(size - 20)}"}`;

  test('exactly the cap is read; a byte more is refused, whether declared in Content-Length or streamed', async () => {
    expect(body(1024)).toHaveLength(1024);
    fetchMock.mockResolvedValue(new Response(body(1024), { headers: { 'Content-Length': '1024' } }));
    expect(await outcome(1024)).toBe('ok');
    fetchMock.mockResolvedValue(new Response(body(1025)));
    expect(await outcome(1024)).toBe('the answer is larger than 1 KB');
  });

  test('a declared size past the cap is refused before the body is read', async () => {
    let reads = 0;
    const counted = new ReadableStream<Uint8Array>(
      {
        pull(controller) {
          reads += 1;
          controller.enqueue(new TextEncoder().encode('{"keys":[]}'));
          controller.close();
        },
      },
      { highWaterMark: 0 },
    );
    fetchMock.mockResolvedValue(new Response(counted, { headers: { 'Content-Length': '2049' } }));
    expect(await outcome(2048)).toBe('the answer is larger than 2 KB');
    expect(reads).toBe(0);
    fetchMock.mockResolvedValue(new Response('{"keys":[]}', { headers: { 'Content-Length': '2048' } }));
    expect(await outcome(2048)).toBe('ok');
  });

  test('a body in several chunks is put back together in order', async () => {
    const chunks = ['{"keys":[', '{"kty":"oct","kid":"a","k":"AA"}', '],"n":1}'].map((text) => new TextEncoder().encode(text));
    const stream = new ReadableStream<Uint8Array>({
      start(controller) {
        for (const chunk of chunks) controller.enqueue(chunk);
        controller.close();
      },
    });
    fetchMock.mockResolvedValue(new Response(stream));
    expect(await fetchKeySet(URL_, 5_000, 1024)).toEqual({ keys: [{ kty: 'oct', kid: 'a', k: 'AA' }], n: 1 });
  });

  test('no body: not JSON; a failed status without a body: the status', async () => {
    fetchMock.mockResolvedValue(new Response(null, { status: 200 }));
    expect(await outcome()).toBe('the answer is not JSON');
    fetchMock.mockResolvedValue(new Response(null, { status: 502 }));
    expect(await outcome()).toBe('it did not answer 200 OK (HTTP 502)');
  });

  test('a body that breaks off is named by its network code, or as unreadable; not as a timeout', async () => {
    const breaking = (error: Error) =>
      new Response(
        new ReadableStream({
          pull(controller) {
            controller.error(error);
          },
        }),
      );
    fetchMock.mockResolvedValue(breaking(withCode('ECONNRESET')));
    expect(await outcome()).toBe('network error ECONNRESET');
    fetchMock.mockResolvedValue(breaking(new Error('terminated')));
    expect(await outcome()).toBe('the answer could not be read');
  });
});

test('KeySetUnavailable names itself in a log line', () => {
  expect(String(new KeySetUnavailable('the request timed out'))).toBe('KeySetUnavailable: the request timed out');
});

describe('the cache, to the millisecond', () => {
  let key: ProviderKey;
  beforeAll(async () => {
    key = await providerKey('ES256', 'k1');
  });

  async function verifyOnce(getKey: jose.JWTVerifyGetKey, signer = key): Promise<void> {
    await jose.jwtVerify(await signer.sign({ sub: 'alice' }), getKey);
  }

  test('keys are reused until cacheMaxAge has passed, then fetched again', async () => {
    fakeDateOnly(1_800_000_000_000);
    fetchMock.mockImplementation(() => Promise.resolve(new Response(JSON.stringify({ keys: [key.publicJwk] }))));
    const getKey = remoteKeySet(jose, URL_, { cacheMaxAge: 1_000, cooldownDuration: 100 });
    await verifyOnce(getKey);
    jest.advanceTimersByTime(999);
    await verifyOnce(getKey);
    expect(fetchMock).toHaveBeenCalledTimes(1);
    jest.advanceTimersByTime(1);
    await verifyOnce(getKey);
    expect(fetchMock).toHaveBeenCalledTimes(2);
  });

  test('an unknown kid refetches only once the cooldown has passed', async () => {
    fakeDateOnly(1_800_000_000_000);
    const next = await providerKey('ES256', 'k2');
    fetchMock.mockImplementation(() => Promise.resolve(new Response(JSON.stringify({ keys: [key.publicJwk] }))));
    const getKey = remoteKeySet(jose, URL_, { cacheMaxAge: 60_000, cooldownDuration: 1_000 });
    await verifyOnce(getKey);
    jest.advanceTimersByTime(999);
    await expect(verifyOnce(getKey, next)).rejects.toMatchObject({ code: 'ERR_JWKS_NO_MATCHING_KEY' });
    expect(fetchMock).toHaveBeenCalledTimes(1);
    jest.advanceTimersByTime(1);
    fetchMock.mockImplementation(() => Promise.resolve(new Response(JSON.stringify({ keys: [next.publicJwk] }))));
    await verifyOnce(getKey, next);
    expect(fetchMock).toHaveBeenCalledTimes(2);
  });
});

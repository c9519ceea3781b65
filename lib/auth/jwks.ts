/**
 * The identity provider's key set (AUTH_JWKS_URL), fetched with one deadline on the whole answer
 * and a cap on its size, then handed to jose's createLocalJWKSet. jose 5's createRemoteJWKSet
 * takes no custom fetch, and its timeout ends when the headers arrive: a server that sent headers
 * and then stalled held /token for as long as it liked, and a 200 MB body was read whole. The
 * cache keeps jose's semantics: keys reused for cacheMaxAge, a token with an unknown kid
 * refetches at most once per cooldown, one fetch in flight shared by every caller, and a failed
 * fetch is not cached (the service recovers as soon as the provider does).
 */
import type { FlattenedJWSInput, JSONWebKeySet, JWSHeaderParameters, JWTVerifyGetKey } from 'jose';

type Jose = typeof import('jose');

export interface KeySetOptions {
  /** How long fetched keys are used before the set is fetched again (jose's default: 10 min). */
  cacheMaxAge?: number;
  /** A token with an unknown kid refetches the set at most this often (jose's default: 30 s). */
  cooldownDuration?: number;
  /** The whole fetch, connection to last byte; the platform ends a function at 10 s. */
  timeoutDuration?: number;
  /** The largest answer read; real key sets are a few KB (tens with X.509 chains). */
  maxBytes?: number;
}

export const KEY_SET_DEFAULTS = {
  cacheMaxAge: 600_000,
  cooldownDuration: 30_000,
  timeoutDuration: 5_000,
  maxBytes: 512 * 1024,
} as const satisfies Required<KeySetOptions>;

/** The key set or its server failed, not the caller: answered 503 so clients retry. `reason` is shown to the caller. */
export class KeySetUnavailable extends Error {
  constructor(readonly reason: string) {
    super(reason);
    this.name = 'KeySetUnavailable';
  }
}

const kb = (bytes: number): string => `${Math.round(bytes / 1024)} KB`;

/** Node's network errors carry codes like ECONNREFUSED, ENOTFOUND, ECONNRESET: safe and telling; its ERR_* codes are not network errors. */
function networkCode(error: unknown): string | undefined {
  for (let cause: unknown = error, depth = 0; cause !== undefined && cause !== null && depth < 4; depth += 1) {
    const code = (cause as { code?: unknown }).code;
    if (typeof code === 'string' && /^E(?!RR_)[A-Z_]+$/.test(code)) return code;
    const first = (cause as { errors?: unknown[] }).errors?.[0];
    const nested = (first as { code?: unknown } | undefined)?.code;
    if (typeof nested === 'string' && /^E(?!RR_)[A-Z_]+$/.test(nested)) return nested;
    cause = (cause as { cause?: unknown }).cause;
  }
  return undefined;
}

/** Reads at most `maxBytes` of the body; past that the stream is cancelled, which closes the connection. */
async function readCapped(res: Response, maxBytes: number): Promise<Uint8Array> {
  const reader = res.body?.getReader() as ReadableStreamDefaultReader<Uint8Array> | undefined;
  if (reader === undefined) return new Uint8Array();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > maxBytes) {
      await reader.cancel().catch(() => undefined);
      throw new KeySetUnavailable(`the answer is larger than ${kb(maxBytes)}`);
    }
    chunks.push(value);
  }
  const body = new Uint8Array(size);
  let offset = 0;
  for (const chunk of chunks) {
    body.set(chunk, offset);
    offset += chunk.byteLength;
  }
  return body;
}

/** GET the key set as JSON within the deadline and the cap, or throw KeySetUnavailable saying why. */
export async function fetchKeySet(url: string, timeoutMs: number, maxBytes: number): Promise<unknown> {
  const signal = AbortSignal.timeout(timeoutMs);
  const timedOut = new KeySetUnavailable(`the request timed out: no complete answer within ${timeoutMs / 1000} s`);
  let res: Response;
  try {
    // No redirects, as jose did: the configured URL is the key set.
    res = await fetch(url, { signal, redirect: 'manual', headers: { Accept: 'application/json' } });
  } catch (error) {
    if (signal.aborted) throw timedOut;
    const code = networkCode(error);
    throw new KeySetUnavailable(code === undefined ? 'the request failed' : `network error ${code}`);
  }
  let body: Uint8Array;
  try {
    if (res.status !== 200) throw new KeySetUnavailable(`it did not answer 200 OK (HTTP ${res.status})`);
    const declared = Number(res.headers.get('content-length') ?? 0);
    if (declared > maxBytes) throw new KeySetUnavailable(`the answer is larger than ${kb(maxBytes)}`);
    body = await readCapped(res, maxBytes);
  } catch (error) {
    await res.body?.cancel().catch(() => undefined);
    if (error instanceof KeySetUnavailable) throw error;
    if (signal.aborted) throw timedOut;
    const code = networkCode(error);
    throw new KeySetUnavailable(code === undefined ? 'the answer could not be read' : `network error ${code}`);
  }
  try {
    return JSON.parse(new TextDecoder().decode(body)) as unknown;
  } catch {
    throw new KeySetUnavailable('the answer is not JSON');
  }
}

/** A JWTVerifyGetKey over the key set at `url`, cached with jose's remote-set semantics. */
export function remoteKeySet(lib: Jose, url: string, options: KeySetOptions = {}): JWTVerifyGetKey {
  const { cacheMaxAge, cooldownDuration, timeoutDuration, maxBytes } = { ...KEY_SET_DEFAULTS, ...options };
  let local: ReturnType<Jose['createLocalJWKSet']> | undefined;
  let fetchedAt: number | undefined;
  let pending: Promise<void> | undefined;

  const fresh = (): boolean => fetchedAt !== undefined && Date.now() < fetchedAt + cacheMaxAge;
  const coolingDown = (): boolean => fetchedAt !== undefined && Date.now() < fetchedAt + cooldownDuration;

  const reload = (): Promise<void> =>
    (pending ??= fetchKeySet(url, timeoutDuration, maxBytes)
      .then((json) => {
        try {
          local = lib.createLocalJWKSet(json as JSONWebKeySet);
        } catch {
          throw new KeySetUnavailable('the answer is not a JSON Web Key Set of public keys');
        }
        fetchedAt = Date.now();
      })
      .finally(() => {
        pending = undefined;
      }));

  return async (header: JWSHeaderParameters, token: FlattenedJWSInput) => {
    // fetchedAt is set with local, so a set never fetched is not fresh.
    if (!fresh()) await reload();
    try {
      return await local!(header, token);
    } catch (error) {
      if (!(error instanceof lib.errors.JWKSNoMatchingKey) || coolingDown()) throw error;
      await reload();
      return local!(header, token);
    }
  };
}

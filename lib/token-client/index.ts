/**
 * /token-client.js: keeps Voice, Video, Conversations and Sync supplied with fresh Access Tokens
 * from this service. An ES module with no dependencies:
 *
 *   const { createTokenClient } = await import('https://your-service.twil.io/token-client.js');
 *   const tokens = createTokenClient({ url: 'https://your-service.twil.io/token', identity: 'alice', grants: ['voice'] });
 *   const device = new Twilio.Device(await tokens.getToken());
 *   tokens.attach(device);
 */
import { createTokenClientWith, type TokenClient, type TokenClientEnvironment, type TokenClientOptions } from './client';

export type {
  CurrentToken,
  TokenClient,
  TokenClientError,
  TokenClientEvent,
  TokenClientEvents,
  TokenClientOptions,
  TokenClientStatus,
} from './client';
export { TokenFetchError } from './client';
export { sdkOptionsForRegion, type SdkRegionOptions } from './region';

interface EventTargetLike {
  addEventListener(type: string, listener: () => void): void;
  removeEventListener(type: string, listener: () => void): void;
}

/** The browser globals used, typed here so this module also type-checks (and runs, without them) in Node. */
const browser = globalThis as { document?: EventTargetLike & { visibilityState?: string }; window?: EventTargetLike };

/** The browser's clock, timers and wake-up signals: a shown tab and a restored network. */
function browserEnvironment(): TokenClientEnvironment {
  return {
    now: () => Date.now(),
    setTimeout: (fn, ms) => globalThis.setTimeout(fn, ms),
    clearTimeout: (handle) => globalThis.clearTimeout(handle as ReturnType<typeof globalThis.setTimeout>),
    random: () => Math.random(),
    onWake: (wake) => {
      // Timers sleep with a hidden tab (throttled to once a minute) and fetches fail offline: catch up on return.
      const doc = browser.document;
      const win = browser.window;
      const onVisible = (): void => {
        if (doc?.visibilityState === 'visible') wake();
      };
      doc?.addEventListener('visibilitychange', onVisible);
      win?.addEventListener('online', wake);
      return () => {
        doc?.removeEventListener('visibilitychange', onVisible);
        win?.removeEventListener('online', wake);
      };
    },
    fetch: typeof fetch === 'function' ? (input, init) => fetch(input, init) : undefined,
  };
}

export function createTokenClient(options: TokenClientOptions): TokenClient {
  return createTokenClientWith(options, browserEnvironment());
}

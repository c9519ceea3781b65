/**
 * attach(): hands each new token to an SDK client and turns the SDK's own token events into a
 * second refresh trigger. The SDK object is recognised by its methods (no SDK is imported):
 * - Voice `Twilio.Device`: updateToken + register + connect. `tokenWillExpire` fires tokenRefreshMs
 *   (10 s) before exp and, against Twilio, once per connection (twilio-voice.js #93), so it is a
 *   hint only. After an expiry (error 20104) the Device stays "registered" but is not: a new token
 *   alone does not re-register it, so it is unregistered and registered again.
 * - Conversations `Client` (getConversationBySid) and Sync `Client` (document + map):
 *   `tokenAboutToExpire` / `tokenExpired` come from the server; updateToken() also revives a client
 *   the server disconnected for an expired token.
 * - Video has no updateToken: a token is used when connecting, so there is nothing to attach.
 */
import type { TokenClientError } from './client';

export type Detach = () => void;

export type SdkKind = 'voice' | 'conversations' | 'sync' | 'other';

/** What attach() needs from the client. */
export interface SdkHooks {
  /** The SDK says its token is (about to be) out: the current token when it is still fresh (handed over again), else a refresh starts and undefined. */
  sdkAsked(): string | undefined;
  onToken(listener: (token: string) => void): () => void;
  reportError(error: TokenClientError): void;
}

type Listener = (...args: unknown[]) => void;

interface Emitter {
  on(event: string, listener: Listener): unknown;
  off?(event: string, listener: Listener): unknown;
  removeListener?(event: string, listener: Listener): unknown;
}

const hasMethods = (value: object, ...names: string[]): boolean =>
  names.every((name) => typeof (value as Record<string, unknown>)[name] === 'function');

export function sdkKind(sdk: object): SdkKind | undefined {
  if (!hasMethods(sdk, 'updateToken')) return undefined;
  if (hasMethods(sdk, 'register', 'unregister', 'connect')) return 'voice';
  if (hasMethods(sdk, 'getConversationBySid')) return 'conversations';
  if (hasMethods(sdk, 'document', 'map')) return 'sync';
  return 'other';
}

const EVENTS: Record<SdkKind, string[]> = {
  voice: ['tokenWillExpire'],
  conversations: ['tokenAboutToExpire', 'tokenExpired'],
  sync: ['tokenAboutToExpire', 'tokenExpired'],
  other: ['tokenWillExpire', 'tokenAboutToExpire', 'tokenExpired'],
};

const message = (error: unknown): string => (error instanceof Error ? error.message : String(error));

export function attachSdk(sdk: object, hooks: SdkHooks): Detach {
  if (typeof sdk !== 'object' || sdk === null) throw new TypeError('attach() takes an SDK client object.');
  const kind = sdkKind(sdk);
  if (kind === undefined) {
    throw new TypeError(
      'attach() takes a Voice Device, a Conversations Client or a Sync Client (an object with updateToken). ' +
        'Video has no updateToken: pass await client.getToken() to Video.connect(), and a fresh one when you reconnect.',
    );
  }
  const client = sdk as {
    updateToken(token: string): unknown;
    state?: unknown;
    register?(): Promise<unknown>;
    unregister?(): Promise<unknown>;
  };
  const emitter = hasMethods(sdk, 'on') ? (sdk as Emitter) : undefined;
  let given: string | undefined;
  /** Voice only: the Device was registered when its token expired, so the next token must re-register it. */
  let reRegister = false;

  const give = (token: string): void => {
    given = token;
    let result: unknown;
    try {
      result = client.updateToken(token);
    } catch (error) {
      hooks.reportError({ code: 'sdk_update_failed', message: `updateToken() threw: ${message(error)}` });
      return;
    }
    // updateToken returns a promise in Conversations and Sync, nothing in Voice.
    Promise.resolve(result)
      .then(async () => {
        if (kind !== 'voice' || !reRegister) return;
        reRegister = false;
        await client.unregister?.();
        await client.register?.();
      })
      .catch((error: unknown) =>
        hooks.reportError({ code: 'sdk_update_failed', message: `The SDK refused the new token: ${message(error)}` }),
      );
  };

  const onSdkEvent: Listener = () => {
    const fresh = hooks.sdkAsked();
    // The SDK may not have the current token (a Voice updateToken lost with its socket): give it again.
    if (fresh !== undefined) give(fresh);
  };
  const onVoiceError: Listener = (error) => {
    const code = typeof error === 'object' && error !== null ? (error as { code?: unknown }).code : undefined;
    if (code !== 20104) return;
    if (client.state === 'registered' || client.state === 'registering') reRegister = true;
    onSdkEvent();
  };

  const subscriptions: [string, Listener][] = EVENTS[kind].map((event) => [event, onSdkEvent]);
  if (kind === 'voice') subscriptions.push(['error', onVoiceError]);
  if (emitter !== undefined) for (const [event, listener] of subscriptions) emitter.on(event, listener);
  const stopTokens = hooks.onToken((token) => {
    if (token !== given) give(token);
  });

  return () => {
    stopTokens();
    if (emitter === undefined) return;
    for (const [event, listener] of subscriptions) {
      if (typeof emitter.off === 'function') emitter.off(event, listener);
      else emitter.removeListener?.(event, listener);
    }
  };
}

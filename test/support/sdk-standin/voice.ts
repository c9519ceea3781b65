/**
 * Twilio Voice signalling ("chunder", wss://voice-js.<edge>.twilio.com/signal) as Voice JS SDK
 * 2.18 speaks it: JSON text frames {type, version: '1.6', payload}; a lone "\n" is a heartbeat
 * the SDK echoes, and it reconnects after 15 s of silence. A `listen` carries the token (on
 * connect and on every updateToken), `connected` arms the SDK's tokenWillExpire, `register`
 * is answered `ready`/`offline`, and at exp the server says 31205 (the SDK's 20104).
 */
import type { WebSocketRoute } from 'playwright-core';
import type { StandinLog } from './log';
import { checkToken } from './tokens';

export const VOICE_WS_URL = /^wss:\/\/voice-js\.[a-z0-9-]+\.twilio\.com\/signal/;

export interface VoiceStandinOptions {
  secret: string;
  /**
   * false (Twilio's observed behaviour, twilio-voice.js #93): only a socket's first `listen` is
   * answered with `connected`, so tokenWillExpire fires once; true re-arms it on every token.
   */
  connectedOnEveryListen?: boolean;
}

interface VoiceFrame {
  type?: string;
  payload?: { token?: unknown; media?: { audio?: boolean } };
}

export function attachVoiceStandin(ws: WebSocketRoute, log: StandinLog, options: VoiceStandinOptions): void {
  const state = { registered: false, listens: 0, expired: false, hasToken: false };
  let expiry: NodeJS.Timeout | undefined;
  const send = (type: string, payload: Record<string, unknown> = {}): void => {
    log.record('voice', `S>C ${type}`, type === 'error' ? { code: (payload.error as { code: number }).code } : undefined);
    ws.send(JSON.stringify({ type, version: '1.6', payload }));
  };
  const sendError = (code: number, message: string): void => send('error', { error: { code, message } });
  const heartbeat = setInterval(() => ws.send('\n'), 10_000);
  ws.onClose(() => {
    clearInterval(heartbeat);
    clearTimeout(expiry);
    log.record('voice', 'closed');
  });

  // Frames strictly in arrival order: the token check is async.
  let queue = Promise.resolve();
  ws.onMessage((raw) => {
    queue = queue
      .then(() => onFrame(String(raw)))
      .catch((error: unknown) => log.record('voice', 'stand-in error', { message: String(error) }));
  });

  async function onFrame(text: string): Promise<void> {
    if (text === '\n') return;
    const { type, payload = {} } = JSON.parse(text) as VoiceFrame;
    if (type === 'listen') {
      const verdict = await checkToken(payload.token, options.secret);
      log.record('voice', 'C>S listen', { verdict: verdict.ok ? 'ok' : verdict.reason, tail: verdict.tail });
      if (!verdict.ok) return verdict.reason === 'expired' ? sendError(31205, 'JWT Token Expired') : sendError(31204, 'JWT is invalid');
      Object.assign(state, { expired: false, hasToken: true });
      state.listens += 1;
      clearTimeout(expiry);
      // The token ran out and no newer listen came.
      expiry = setTimeout(
        () => {
          state.expired = true;
          sendError(31205, 'JWT Token Expired');
        },
        verdict.exp! * 1000 - Date.now(),
      );
      if (state.listens === 1 || options.connectedOnEveryListen === true) {
        send('connected', {
          region: 'US_EAST_VIRGINIA',
          edge: 'ashburn',
          home: 'us1',
          token: { identity: verdict.identity, ttl: Math.max(0, verdict.exp! - Math.floor(Date.now() / 1000)) },
        });
      }
      return;
    }
    if (type === 'register') {
      const audio = payload.media?.audio === true;
      log.record('voice', 'C>S register', { audio });
      if (!state.hasToken) return sendError(31204, 'Cannot register. Listen first');
      if (state.expired) return sendError(31205, 'Cannot register. Token is expired');
      state.registered = audio;
      return send(audio ? 'ready' : 'offline');
    }
    log.record('voice', `C>S ${String(type)}`);
  }
}

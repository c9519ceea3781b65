/**
 * A loopback stand-in of the Twilio servers the browser SDKs talk to, built on what the SDK
 * packages themselves send and expect (measured against @twilio/voice-sdk 2.18.5,
 * @twilio/conversations 3.0.1 and twilio-sync 4.0.1 in Chromium): Voice signalling, twilsock
 * (Conversations and Sync) and the plain HTTPS calls (Insights, ringtones). Installed on a
 * Playwright browser context, so nothing leaves 127.0.0.1; anything else is refused and logged.
 */
import type { BrowserContext } from 'playwright-core';
import { StandinLog } from './log';
import { upstream } from './services';
import { attachTwilsockStandin, TWILSOCK_WS_URL } from './twilsock';
import { attachVoiceStandin, VOICE_WS_URL } from './voice';

export { StandinLog } from './log';

const CORS = {
  'access-control-allow-origin': '*',
  'access-control-allow-headers': '*',
  'access-control-allow-methods': 'GET,POST,PUT,DELETE,OPTIONS',
};

/** 0.1 s of silence as WAV: Voice fetches its 15 ringtones at construction and decodes them (a 404 is 15 page errors). */
const SILENT_WAV = ((): Buffer => {
  const samples = 800;
  const b = Buffer.alloc(44 + samples * 2);
  b.write('RIFF', 0);
  b.writeUInt32LE(36 + samples * 2, 4);
  b.write('WAVEfmt ', 8);
  b.writeUInt32LE(16, 16);
  b.writeUInt16LE(1, 20);
  b.writeUInt16LE(1, 22);
  b.writeUInt32LE(8000, 24);
  b.writeUInt32LE(16000, 28);
  b.writeUInt16LE(2, 32);
  b.writeUInt16LE(16, 34);
  b.write('data', 36);
  b.writeUInt32LE(samples * 2, 40);
  return b;
})();

export interface StandinOptions {
  /** The API key secret the service signs with: the stand-ins verify every token as Twilio would. */
  secret: string;
  /** Voice: answer only a socket's first listen with `connected` (Twilio's observed behaviour). Default true. */
  voiceConnectedOnce?: boolean;
  /** twilsock's token_about_to_expire lead (Twilio: about 60 s). */
  twilsockLeadSeconds?: number;
}

export async function installTwilioStandin(context: BrowserContext, options: StandinOptions): Promise<StandinLog> {
  const log = new StandinLog();
  await context.route('**/*', async (route) => {
    const request = route.request();
    const url = new URL(request.url());
    if (url.hostname === '127.0.0.1') return route.continue();
    if (!url.hostname.endsWith('.twilio.com')) {
      log.record('http', 'REFUSED', { url: request.url() });
      return route.abort('blockedbyclient');
    }
    if (request.method() === 'OPTIONS') return route.fulfill({ status: 204, headers: CORS });
    if (url.hostname === 'sdk.twilio.com' && url.pathname.endsWith('.mp3'))
      return route.fulfill({ status: 200, headers: { ...CORS, 'content-type': 'audio/wav' }, body: SILENT_WAV });
    if (/^eventgw(\.[a-z0-9-]+)?\.twilio\.com$/.test(url.hostname))
      return route.fulfill({ status: 200, headers: { ...CORS, 'content-type': 'application/json' }, body: '{}' });
    log.record('http', 'not stood in', { url: `${url.origin}${url.pathname}` });
    return route.fulfill({ status: 404, headers: { ...CORS, 'content-type': 'application/json' }, body: '{"status":404}' });
  });
  await context.routeWebSocket(/.*/, (ws) => {
    const url = ws.url();
    if (VOICE_WS_URL.test(url))
      return attachVoiceStandin(ws, log, { secret: options.secret, connectedOnEveryListen: options.voiceConnectedOnce === false });
    if (TWILSOCK_WS_URL.test(url))
      return attachTwilsockStandin(ws, log, { secret: options.secret, leadSeconds: options.twilsockLeadSeconds ?? 60, upstream });
    log.record('ws', 'REFUSED', { url });
    void ws.close({ code: 1008, reason: 'not stood in' });
  });
  return log;
}

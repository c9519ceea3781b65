/**
 * What people paste when asked for their token (issue 12), built from tokens minted here: the
 * DevTools copies of Twilio's support article (test/inspect/devtools-formats.ts reproduces
 * Chrome's output byte for byte), HAR files, JSON answers, log lines, wrapped tokens, and the
 * look-alikes (an Auth Token, a SID, a Capability Token, plain text). Each with what every
 * surface (the engine, POST /inspect, npm run inspect, the page) must say.
 */
import twilio from 'twilio';
import { DEMO_CONFIG } from '../../lib/demo';
import { REAL_LOOKING } from '../support/env';
import {
  curlBash,
  curlCmd,
  DEVTOOLS_REV,
  fetchBrowser,
  fetchNode,
  harOfVoiceSession,
  headersPaneSelectionText,
  powershell,
  rawHeadersSelectionText,
  voiceEndpointEventsRequest,
} from './devtools-formats';
import { sign, twilioPayload, twilioToken } from './support';

export interface Paste {
  name: string;
  /** The pasted text, made from tokens minted when the test runs. */
  text: (tokens: PasteTokens) => string;
  /** What the answer must say. */
  expect: {
    found: number;
    valid: boolean;
    /** Which token must be the chosen one, when one is found. */
    chosen?: 'live' | 'newest';
    source?: RegExp;
    /** The distinct error codes the answer must carry (for a text with no token: its one finding). */
    codes?: (string | number)[];
    twilioCode?: number;
  };
}

export interface PasteTokens {
  /** A live token of the real-looking configuration (REAL_LOOKING, TEST_SECRET), voice+video. */
  live: string;
  /** A refresh history: three tokens issued 2 h, 1 h and a minute ago (the last one live). */
  history: { token: string; mintedAt: number }[];
}

export async function pasteTokens(nowSeconds = Math.floor(Date.now() / 1000)): Promise<PasteTokens> {
  const history = [];
  for (const age of [7260, 3660, 60]) {
    history.push({ token: await sign(twilioPayload(nowSeconds, { age, ttl: 3600 })), mintedAt: nowSeconds - age });
  }
  return { live: twilioToken(), history };
}

const AUTH_TOKEN = '4f1d8a2c9b7e6f5a3c2d1e0f9a8b7c6d';

function capabilityTokens(): { client: string; taskRouter: string } {
  const { ClientCapability, taskrouter } = twilio.jwt;
  const client = new ClientCapability({ accountSid: REAL_LOOKING.ACCOUNT_SID, authToken: AUTH_TOKEN });
  client.addScope(new ClientCapability.IncomingClientScope('alice'));
  client.addScope(new ClientCapability.OutgoingClientScope({ applicationSid: REAL_LOOKING.OUTGOING_SID, clientName: 'alice' }));
  const workspaceSid = 'WS' + '1a'.repeat(16);
  const worker = new taskrouter.TaskRouterCapability({
    accountSid: REAL_LOOKING.ACCOUNT_SID,
    authToken: AUTH_TOKEN,
    workspaceSid,
    channelId: 'WK' + '2b'.repeat(16),
  });
  for (const policy of taskrouter.util.defaultWorkerPolicies('v1', workspaceSid, 'WK' + '2b'.repeat(16))) worker.addPolicy(policy);
  return { client: client.toJwt(), taskRouter: worker.toJwt() };
}

/** The token in every shape people paste it, and the look-alikes. */
const request = (t: PasteTokens) => voiceEndpointEventsRequest(t.live);
const h1 = (t: PasteTokens) => voiceEndpointEventsRequest(t.live, { httpVersion: 'HTTP/1.1', pageOrigin: 'http://localhost:3000' });
const ok = (source: RegExp, chosen: 'live' | 'newest' = 'live'): Paste['expect'] => ({ found: 1, valid: true, chosen, source });
const XTT = 'X-Twilio-Token header';
let capabilities: { client: string; taskRouter: string } | undefined;
const capability = (): { client: string; taskRouter: string } => (capabilities ??= capabilityTokens());

function demoToken(): string {
  const demo = new twilio.jwt.AccessToken(DEMO_CONFIG.ACCOUNT_SID, DEMO_CONFIG.API_KEY, DEMO_CONFIG.API_SECRET, { identity: 'alice' });
  demo.addGrant(new twilio.jwt.AccessToken.VideoGrant());
  return demo.toJwt();
}

export const PASTES: readonly Paste[] = [
  { name: 'the bare token', text: (t) => t.live, expect: ok(/^the pasted text$/) },
  {
    name: 'the X-Twilio-Token header line',
    text: (t) => `X-Twilio-Token: ${t.live}`,
    expect: ok(new RegExp(`^${XTT} in the pasted text$`)),
  },
  {
    name: 'the Headers pane copy (name on one line, value on the next)',
    text: (t) => headersPaneSelectionText(request(t)),
    expect: ok(new RegExp(`^${XTT} in the pasted text$`)),
  },
  {
    name: 'the Headers pane copy on Windows (CRLF)',
    text: (t) => headersPaneSelectionText(request(t), { eol: '\r\n' }),
    expect: ok(new RegExp(`^${XTT} in the pasted text$`)),
  },
  {
    name: 'the old Headers pane copy (name: value)',
    text: (t) => headersPaneSelectionText(request(t), { style: 'legacy-tree' }),
    expect: ok(new RegExp(`^${XTT} in`)),
  },
  {
    name: 'the Raw view selection (HTTP/1.1)',
    text: (t) => rawHeadersSelectionText(h1(t)),
    expect: ok(new RegExp(`^${XTT} of raw request headers$`)),
  },
  { name: 'Copy as cURL (bash)', text: (t) => curlBash(request(t)), expect: ok(new RegExp(`^${XTT} of a curl command$`)) },
  {
    name: 'Copy as cURL (bash) from an older Chrome (before M130)',
    text: (t) => curlBash(request(t), { devtoolsRev: DEVTOOLS_REV.CURL_NO_COMPRESSED - 1 }),
    expect: ok(new RegExp(`^${XTT} of a curl command$`)),
  },
  { name: 'Copy as cURL (cmd)', text: (t) => curlCmd(request(t)), expect: ok(new RegExp(`^${XTT} of a curl \\(cmd\\) command$`)) },
  { name: 'Copy as PowerShell', text: (t) => powershell(request(t)), expect: ok(new RegExp(`^${XTT} of a PowerShell command$`)) },
  { name: 'Copy as fetch', text: (t) => fetchBrowser(request(t)), expect: ok(new RegExp(`^${XTT} of a fetch\\(\\) call$`)) },
  { name: 'Copy as fetch (Node.js)', text: (t) => fetchNode(request(t)), expect: ok(new RegExp(`^${XTT} of a fetch\\(\\) call$`)) },
  {
    name: 'a HAR of a session that refreshed its token twice (Save all as HAR, with content)',
    text: (t) => harOfVoiceSession(t.history, { eventsPerToken: 2 }),
    expect: {
      found: 3,
      valid: true,
      chosen: 'newest',
      source: /^HAR entry \d+: POST https:\/\/eventgw\.twilio\.com\/v4\/EndpointEvents, X-Twilio-Token header$/,
    },
  },
  {
    name: 'a sanitized HAR (Chrome 131+ removes Authorization and Cookie, not X-Twilio-Token)',
    text: (t) => harOfVoiceSession(t.history, { eventsPerToken: 1, sanitize: true }),
    expect: { found: 3, valid: true, chosen: 'newest', source: /X-Twilio-Token header$/ },
  },
  { name: "the tutorial's own answer", text: (t) => JSON.stringify({ accessToken: t.live }), expect: ok(/^JSON field accessToken$/) },
  {
    name: 'a /token answer',
    text: (t) => JSON.stringify({ token: t.live, identity: 'alice', grants: ['voice', 'video'] }),
    expect: ok(/^JSON field token$/),
  },
  { name: 'a line of a JSON file', text: (t) => `    "${t.live}",`, expect: ok(/^the pasted text$/) },
  {
    name: 'a log line',
    text: (t) => `2026-11-29T10:00:00.000Z INFO voice: token: ${t.live} (refreshed)`,
    expect: ok(/^the value after "token" in the pasted text$/),
  },
  {
    name: 'an Authorization: Bearer header',
    text: (t) => `Authorization: Bearer ${t.live}`,
    expect: ok(/^Authorization header in the pasted text$/),
  },
  {
    name: 'a token split with trailing backslashes',
    text: (t) => `export TWILIO_TOKEN="${t.live.slice(0, 70)}\\\n${t.live.slice(70, 200)}\\\n${t.live.slice(200)}"`,
    expect: ok(/^the value after "TWILIO_TOKEN" in the pasted text$/),
  },
  {
    name: 'a JSON string with the token wrapped by an escaped newline',
    text: (t) => `{"event":"token","value":"${t.live.slice(0, 90)}\\n${t.live.slice(90)}"}`,
    expect: ok(/^JSON field value$/),
  },
  {
    name: 'a token in quotes with Bearer, wrapped over two lines',
    text: (t) => `  "Bearer ${t.live.slice(0, 60)}\n  ${t.live.slice(60)}"\n`,
    expect: ok(/pasted text$/),
  },
  { name: 'an Auth Token', text: () => AUTH_TOKEN, expect: { found: 0, valid: false, codes: ['auth_token_pasted'], twilioCode: 20160 } },
  {
    name: 'an Auth Token in an env line',
    text: () => `AUTH_TOKEN=${AUTH_TOKEN}`,
    expect: { found: 0, valid: false, codes: ['auth_token_pasted'], twilioCode: 20160 },
  },
  {
    name: 'an API key SID',
    text: () => REAL_LOOKING.API_KEY,
    expect: { found: 0, valid: false, codes: ['sid_pasted'], twilioCode: 20160 },
  },
  {
    name: 'plain text',
    text: () => 'I copied the token from the console but it does not work',
    expect: { found: 0, valid: false, codes: ['not_a_token'], twilioCode: 20160 },
  },
  {
    name: 'a Twilio Client 1.x Capability Token',
    text: () => capability().client,
    expect: { found: 1, valid: false, codes: ['capability_token'], twilioCode: 20101 },
  },
  {
    name: 'a TaskRouter v1 Capability Token',
    text: () => capability().taskRouter,
    expect: { found: 1, valid: false, codes: ['capability_token'], twilioCode: 20101 },
  },
  { name: 'a token minted with the demo .env', text: () => demoToken(), expect: { found: 1, valid: false, codes: [20103] } },
];

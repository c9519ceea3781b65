/**
 * The `twilio` REST client the online checks use, built the one way for production and tests.
 * The only difference a test makes is `apiBaseUrl`: a loopback stand-in of the REST API that
 * every https://*.twilio.com request is sent to instead (as `<base>/<host><path>`, so the
 * stand-in knows which API and region was asked for).
 */
import type TwilioSDK from 'twilio';
import type RequestClient from 'twilio/lib/base/RequestClient';
import { isLocalHost } from '../../config/origins';
import { isApiRegion, REGIONAL_API_EDGES, type ApiRegion } from '../../twilio';

export type TwilioClient = TwilioSDK.Twilio;

/** Default per-request deadline: a doctor that hangs is worse than one that says "no answer". */
export const DEFAULT_TIMEOUT_MS = 10_000;

export interface ClientOptions {
  timeoutMs: number;
  /** Loopback URL of a stand-in of the REST API (tests only); see docs/doctor.md. */
  apiBaseUrl?: string;
}

/**
 * Only loopback: the redirect carries the API key and secret in its Basic auth header, so it
 * must never be able to send them to another machine.
 */
export function isLoopbackBaseUrl(value: string): boolean {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return false;
  }
  return (url.protocol === 'http:' || url.protocol === 'https:') && isLocalHost(url.host) && url.search === '' && url.hash === '';
}

/** `https://api.twilio.com/2010-04-01/...` -> `<base>/api.twilio.com/2010-04-01/...` */
export function redirectedUri(uri: string, baseUrl: string): string {
  const url = new URL(uri);
  if (url.protocol !== 'https:' || !/(^|\.)twilio\.com$/.test(url.hostname)) {
    throw new Error(`refusing to redirect a request that is not for the Twilio API (${url.origin})`);
  }
  return `${baseUrl.replace(/\/+$/, '')}/${url.hostname}${url.pathname}${url.search}`;
}

let sdk: typeof TwilioSDK | undefined;
/** Required lazily: the full twilio package costs ~100 ms to load, and offline runs never need it. */
function twilioSdk(): typeof TwilioSDK {
  sdk ??= require('twilio') as typeof TwilioSDK;
  return sdk;
}

function requestClient(opts: ClientOptions): RequestClient {
  const { RequestClient: Base } = twilioSdk();
  // No keep-alive: a one-shot CLI must not wait for idle sockets to close before exiting.
  const clientOpts = { timeout: opts.timeoutMs, keepAlive: false, autoRetry: false };
  if (opts.apiBaseUrl === undefined) return new Base(clientOpts);
  const baseUrl: string = opts.apiBaseUrl;
  if (!isLoopbackBaseUrl(baseUrl)) throw new Error('the Twilio API stand-in must be a loopback URL (http://127.0.0.1:PORT)');
  class StandInRequestClient extends Base {
    override request<TData>(request: RequestClient.RequestOptions<TData>) {
      return super.request({ ...request, uri: redirectedUri(request.uri, baseUrl) });
    }
  }
  return new StandInRequestClient(clientOpts);
}

/** The REST API host twilio-node talks to for a token region: the key must exist there. */
export function apiHostFor(region: string | undefined): string {
  const apiRegion = apiRegionOf(region);
  return apiRegion === undefined ? 'api.twilio.com' : `api.${REGIONAL_API_EDGES[apiRegion]}.${apiRegion}.twilio.com`;
}

/** ie1/au1 have their own REST API; us1 and the legacy Voice regions (us2, jp1, ...) use the default one. */
function apiRegionOf(region: string | undefined): Exclude<ApiRegion, 'us1'> | undefined {
  return isApiRegion(region) && region !== 'us1' ? region : undefined;
}

/**
 * A client authenticated as `username:password` (API key and secret, or Account SID and Auth
 * Token) on the account `accountSid`, talking to the REST API of the token's region.
 */
export function createClient(
  username: string,
  password: string,
  accountSid: string,
  region: string | undefined,
  opts: ClientOptions,
): TwilioClient {
  const apiRegion = apiRegionOf(region);
  return twilioSdk()(username, password, {
    accountSid,
    httpClient: requestClient(opts),
    // Explicit values, even empty: twilio-node otherwise reads TWILIO_REGION/TWILIO_EDGE from the
    // shell, which says nothing about this configuration.
    region: apiRegion ?? '',
    edge: apiRegion !== undefined ? REGIONAL_API_EDGES[apiRegion] : '',
    env: {},
    logLevel: 'info',
    autoRetry: false,
  });
}

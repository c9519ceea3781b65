/**
 * The page's only conversation with the network: POST its own /token. The credential travels
 * in the Authorization header (never the URL, where it would land in history and access logs).
 */

import type { ErrorCode, TokenAnswer } from '../../lib/contract';
import type { GrantName } from '../../lib/twilio';

export interface TokenForm {
  identity: string;
  grants: GrantName[];
  /** As typed; empty means the service's default. */
  ttl: string;
  room: string;
  incomingAllow: boolean;
}

export type MintedToken = Omit<TokenAnswer, 'grants'> & { grants: string[] };

/** Errors the page makes up itself, when no answer in the service's shape arrived. */
export type ClientErrorCode = 'network_error' | 'timeout' | 'aborted' | 'bad_answer' | `http_${number}`;

export interface TokenError {
  /** Undefined when no HTTP answer arrived (offline, timeout). */
  status?: number;
  code: ErrorCode | ClientErrorCode;
  message: string;
  field?: string;
}

export type TokenResult = { ok: true; minted: MintedToken } | { ok: false; error: TokenError };

/**
 * The JSON body for /token. Options that only apply to another grant are left out, since the
 * service rejects them (room without video, incomingAllow without voice).
 */
export function requestBody(form: TokenForm): Record<string, unknown> {
  const body: Record<string, unknown> = { identity: form.identity, grants: form.grants };
  const ttl = form.ttl.trim();
  // Anything but digits goes as typed, so the service's invalid_ttl message names what was sent.
  if (ttl !== '') body.ttl = /^\d{1,9}$/.test(ttl) ? Number(ttl) : ttl;
  if (form.grants.includes('video') && form.room !== '') body.room = form.room;
  if (form.grants.includes('voice')) body.incomingAllow = form.incomingAllow;
  return body;
}

/** Relative to the page, so the page keeps working wherever the service serves it. */
export const TOKEN_URL = 'token';
const TIMEOUT_MS = 15_000;

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function asMinted(value: unknown): MintedToken | undefined {
  if (!isRecord(value) || typeof value.token !== 'string' || value.token === '') return undefined;
  return {
    token: value.token,
    identity: typeof value.identity === 'string' ? value.identity : '',
    grants: Array.isArray(value.grants) ? value.grants.filter((g): g is string => typeof g === 'string') : [],
    ttl: typeof value.ttl === 'number' ? value.ttl : NaN,
    expiresAt: typeof value.expiresAt === 'string' ? value.expiresAt : '',
  };
}

function asError(status: number, value: unknown): TokenError {
  const error = isRecord(value) && isRecord(value.error) ? value.error : undefined;
  if (error !== undefined && typeof error.code === 'string' && typeof error.message === 'string') {
    return {
      status,
      code: error.code as ErrorCode,
      message: error.message,
      ...(typeof error.field === 'string' ? { field: error.field } : {}),
    };
  }
  // Not our JSON: a proxy's error page, or /token missing from the deployment.
  const message =
    status === 404
      ? 'This deployment has no /token function (404). Deploy the functions together with this page.'
      : `The service answered HTTP ${status} without the usual JSON error.`;
  return { status, code: `http_${status}`, message };
}

export async function fetchToken(body: Record<string, unknown>, credential: string | undefined, outer?: AbortSignal): Promise<TokenResult> {
  const headers: Record<string, string> = { 'Content-Type': 'application/json', Accept: 'application/json' };
  if (credential !== undefined && credential !== '') headers.Authorization = `Bearer ${credential}`;
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(), TIMEOUT_MS);
  const onOuterAbort = (): void => controller.abort();
  outer?.addEventListener('abort', onOuterAbort);
  try {
    const res = await fetch(TOKEN_URL, {
      method: 'POST',
      headers,
      body: JSON.stringify(body),
      // Same origin only; nothing cached (tokens are answered with no-store, and so is this).
      mode: 'same-origin',
      credentials: 'same-origin',
      cache: 'no-store',
      referrerPolicy: 'no-referrer',
      signal: controller.signal,
    });
    let json: unknown;
    try {
      json = await res.json();
    } catch {
      json = undefined;
    }
    if (res.ok) {
      const minted = asMinted(json);
      if (minted !== undefined) return { ok: true, minted };
      return { ok: false, error: { status: res.status, code: 'bad_answer', message: 'The service answered without a token.' } };
    }
    return { ok: false, error: asError(res.status, json) };
  } catch (error) {
    if (outer?.aborted) return { ok: false, error: { code: 'aborted', message: 'The request was cancelled.' } };
    const timedOut = controller.signal.aborted;
    return {
      ok: false,
      error: {
        code: timedOut ? 'timeout' : 'network_error',
        message: timedOut
          ? `The service did not answer within ${TIMEOUT_MS / 1000} s.`
          : `The service could not be reached (${error instanceof Error ? error.message : 'network error'}).`,
      },
    };
  } finally {
    clearTimeout(timer);
    outer?.removeEventListener('abort', onOuterAbort);
  }
}

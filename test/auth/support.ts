/**
 * Helpers for the caller-authentication tests: app JWTs signed with jose, a real JWKS server on
 * loopback, and /token called through the handler with the runtime's real Response class.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { exportJWK, generateKeyPair, SignJWT, UnsecuredJWT, type JWK, type JWTPayload, type KeyLike } from 'jose';
import { handleToken, type TokenDeps } from '../../lib/endpoints/token';
import { answerOf, eventOf } from '../support/runtime';

/** The app backend's HS256 secret in these tests (>= 32 bytes). */
export const APP_JWT_SECRET = 'app-backend-jwt-secret-0123456789abcdef';
export const APP_PASSCODE = 'correct-horse-battery-staple-42';
export const ISSUER = 'https://auth.example.com/';
export const AUDIENCE = 'https://token.example.com';
export const ALLOWED_ORIGIN = 'https://app.example.com';

const now = (): number => Math.floor(Date.now() / 1000);

export interface SignOptions {
  alg?: string;
  kid?: string;
  /** Claims; iat/exp default to now and now + 5 min, sub to alice. `undefined` removes one. */
  claims?: Record<string, unknown>;
}

function claimsWithDefaults(claims: Record<string, unknown> = {}): JWTPayload {
  const merged: Record<string, unknown> = { sub: 'alice', iat: now(), exp: now() + 300, ...claims };
  for (const [name, value] of Object.entries(merged)) if (value === undefined) delete merged[name];
  return merged;
}

/** A token from "the app's backend", signed with a shared HMAC secret. */
export function signHs(options: SignOptions & { secret?: string } = {}): Promise<string> {
  return new SignJWT(claimsWithDefaults(options.claims))
    .setProtectedHeader({ alg: options.alg ?? 'HS256', typ: 'JWT' })
    .sign(new TextEncoder().encode(options.secret ?? APP_JWT_SECRET));
}

/** `alg: none`: the header says unsigned and the signature part is empty. */
export const unsignedToken = (claims?: Record<string, unknown>): string => new UnsecuredJWT(claimsWithDefaults(claims)).encode();

/** Changes the payload of a signed token and keeps its signature, as an attacker would. */
export function tamperPayload(token: string, changes: Record<string, unknown>): string {
  const [header, payload, signature] = token.split('.') as [string, string, string];
  const claims = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8'));
  return [header, Buffer.from(JSON.stringify({ ...claims, ...changes })).toString('base64url'), signature].join('.');
}

export interface ProviderKey {
  alg: string;
  kid: string;
  privateKey: KeyLike;
  publicJwk: JWK;
  sign(claims?: Record<string, unknown>, header?: Record<string, unknown>): Promise<string>;
}

/** An identity provider's signing key: a fresh key pair, its public half as a JWK for the key set. */
export async function providerKey(alg: string, kid: string): Promise<ProviderKey> {
  const { privateKey, publicKey } = await generateKeyPair(alg, { extractable: true, ...(alg === 'EdDSA' ? { crv: 'Ed25519' } : {}) });
  const publicJwk = { ...(await exportJWK(publicKey)), kid, alg, use: 'sig' };
  return {
    alg,
    kid,
    privateKey,
    publicJwk,
    sign: (claims, header = {}) =>
      new SignJWT(claimsWithDefaults({ iss: ISSUER, aud: AUDIENCE, ...claims }))
        .setProtectedHeader({ alg, kid, typ: 'JWT', ...header })
        .sign(privateKey),
  };
}

/**
 * `hang`: never answers; `stall`: sends 200 and the start of a key set, then nothing more;
 * `huge`: streams a valid key set of `hugeBytes` (200 MB), as fast as the reader takes it.
 */
export type JwksBehaviour = 'serve' | 'status500' | 'notJson' | 'notJwks' | 'hang' | 'stall' | 'huge';

export interface JwksServer {
  url(path?: string): string;
  /** The keys served from now on (a rotation replaces them). */
  keys: JWK[];
  behaviour: JwksBehaviour;
  /** How many times the key set was fetched. */
  fetches: number;
  /** The size of the `huge` answer. */
  hugeBytes: number;
  /** Bytes of the last `huge` answer written before the reader stopped taking them (or all of it). */
  hugeSent: number;
  close(): Promise<void>;
}

/** A real HTTP server on 127.0.0.1 serving a JSON Web Key Set, as an identity provider does. */
export async function startJwksServer(keys: JWK[]): Promise<JwksServer> {
  const hanging = new Set<import('node:http').ServerResponse>();
  const state: JwksServer = {
    keys,
    behaviour: 'serve',
    fetches: 0,
    hugeBytes: 200 * 2 ** 20,
    hugeSent: 0,
    url: () => '',
    close: () => Promise.resolve(),
  };
  const server: Server = createServer((req, res) => {
    state.fetches += 1;
    switch (state.behaviour) {
      case 'serve':
        res.writeHead(200, { 'Content-Type': 'application/json' }).end(JSON.stringify({ keys: state.keys }));
        return;
      case 'status500':
        res.writeHead(500, { 'Content-Type': 'text/plain' }).end('upstream exploded');
        return;
      case 'notJson':
        res.writeHead(200, { 'Content-Type': 'text/html' }).end('<html>maintenance</html>');
        return;
      case 'notJwks':
        res.writeHead(200, { 'Content-Type': 'application/json' }).end(JSON.stringify({ keys: 'none' }));
        return;
      case 'hang':
        hanging.add(res);
        return;
      case 'stall':
        hanging.add(res);
        res.writeHead(200, { 'Content-Type': 'application/json' }).write('{"keys":[');
        return;
      case 'huge':
        hanging.add(res);
        streamHugeKeySet(res, state);
        return;
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  state.url = (path = '/.well-known/jwks.json') => `http://127.0.0.1:${port}${path}`;
  state.close = () =>
    new Promise<void>((resolve, reject) => {
      for (const res of hanging) res.destroy();
      server.closeAllConnections();
      server.close((err) => (err ? reject(err) : resolve()));
    });
  return state;
}

/** A JSON Web Key Set of `state.hugeBytes`, written with backpressure so the stand-in itself stays small. */
function streamHugeKeySet(res: import('node:http').ServerResponse, state: JwksServer): void {
  const entry = `{"kty":"oct","kid":"filler","k":"${'A'.repeat(86)}"},`;
  const chunk = Buffer.from(entry.repeat(Math.floor(65_536 / entry.length)));
  const head = '{"keys":[';
  const tail = '{"kty":"oct","kid":"last","k":"AA"}]}';
  state.hugeSent = 0;
  res.writeHead(200, { 'Content-Type': 'application/json' });
  const send = (data: Buffer | string): boolean => {
    state.hugeSent += Buffer.byteLength(data);
    return res.write(data);
  };
  send(head);
  const pump = (): void => {
    while (!res.destroyed) {
      if (state.hugeSent + chunk.length + tail.length > state.hugeBytes) {
        res.end(tail);
        state.hugeSent += tail.length;
        return;
      }
      if (!send(chunk)) {
        res.once('drain', pump);
        return;
      }
    }
  };
  pump();
}

/** A loopback URL nothing listens on: the key set server is down. */
export async function deadUrl(): Promise<string> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return `http://127.0.0.1:${port}/.well-known/jwks.json`;
}

export interface Answer {
  status: number;
  headers: Record<string, unknown>;
  json: Record<string, any>;
  logs: string[];
}

/** /token as the function runs it: handler -> HttpResult -> the runtime's real Response, serialized. */
export async function callToken(
  vars: Record<string, unknown>,
  params: Record<string, unknown>,
  headers: Record<string, string> = {},
  deps: TokenDeps = {},
): Promise<Answer> {
  const logs: string[] = [];
  const result = await handleToken(vars, eventOf(params, headers), { log: (line) => logs.push(line), ...deps });
  const { status, headers: sent, json } = answerOf(result, logs);
  return { status, headers: sent, json: json ?? {}, logs };
}

export const bearer = (credential: string): Record<string, string> => ({ Authorization: `Bearer ${credential}`, Origin: ALLOWED_ORIGIN });

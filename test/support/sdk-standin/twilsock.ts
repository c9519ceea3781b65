/**
 * twilsock (wss://tsock.<region>.twilio.com/v3/wsconnect), the one socket of Conversations and
 * Sync, which also carries their REST calls. Binary frames:
 * `TWILSOCK V3.0 <header bytes>\r\n<header JSON>\r\n<payload>`. `init` and `update` carry the token
 * (update is the SDK's updateToken); `client_update token_about_to_expire` comes `leadSeconds`
 * before exp, and only when the token had more than that left when it arrived (Twilio: about 60
 * s, so a shorter token never gets the warning); at exp, `close 410` (the SDK's tokenExpired).
 */
import { randomUUID } from 'node:crypto';
import type { WebSocketRoute } from 'playwright-core';
import type { StandinLog } from './log';
import { checkToken, type TokenVerdict } from './tokens';

export const TWILSOCK_WS_URL = /^wss:\/\/tsock\.[a-z0-9-]+\.twilio\.com\/v3\/wsconnect/;

type Header = Record<string, unknown> & {
  id?: string;
  method?: string;
  token?: unknown;
  registrations?: { product?: string }[];
  capabilities?: unknown[];
};

export interface HttpOverTwilsock {
  host: string;
  path: string;
  method: string;
}

/** Answers the REST calls tunnelled over the socket; undefined is a 404. */
export type Upstream = (
  request: HttpOverTwilsock,
  body: unknown,
  context: { identity?: string; notify(messageType: string, payload: unknown): void },
) => { code: number; body: unknown } | undefined;

export function encode(header: Record<string, unknown>, body?: unknown): Buffer {
  const payload = body === undefined ? '' : typeof body === 'string' ? body : JSON.stringify(body);
  const head = JSON.stringify({ ...header, payload_size: Buffer.byteLength(payload) });
  return Buffer.from(`TWILSOCK V3.0 ${Buffer.byteLength(head)}\r\n${head}\r\n${payload}`);
}

export function decode(frame: Buffer): { header: Header; body: unknown } {
  const eol = frame.indexOf('\r\n');
  const [magic, version, size] = frame.subarray(0, eol).toString().split(' ');
  if (magic !== 'TWILSOCK' || version !== 'V3.0') throw new Error(`not a twilsock frame: ${String(magic)}`);
  const start = eol + 2;
  const header = JSON.parse(frame.subarray(start, start + Number(size)).toString()) as Header;
  const payloadStart = start + Number(size) + 2;
  const raw = frame.subarray(payloadStart, payloadStart + Number(header.payload_size ?? 0)).toString();
  const type = typeof header.payload_type === 'string' ? header.payload_type : '';
  return {
    header,
    body: raw !== '' && (type === '' || type.startsWith('application/json')) ? (JSON.parse(raw) as unknown) : raw || undefined,
  };
}

const OK = { code: 200, status: 'OK' };
const messageId = (): string => `TM${randomUUID().replace(/-/g, '')}`;

export interface TwilsockStandinOptions {
  secret: string;
  leadSeconds: number;
  upstream: Upstream;
}

export function attachTwilsockStandin(ws: WebSocketRoute, log: StandinLog, options: TwilsockStandinOptions): void {
  let who = 'twilsock';
  let claims: TokenVerdict | undefined;
  let timers: NodeJS.Timeout[] = [];
  const send = (header: Record<string, unknown>, body?: unknown): void => ws.send(encode({ id: messageId(), ...header }, body));
  const reply = (id: unknown, status: Record<string, unknown>, extra: Record<string, unknown> = {}, body?: unknown): void =>
    send({ method: 'reply', id, status, ...extra }, body);
  const clearTimers = (): void => {
    timers.forEach(clearTimeout);
    timers = [];
  };

  function armExpiry(exp: number): void {
    clearTimers();
    const left = exp * 1000 - Date.now();
    if (left > options.leadSeconds * 1000) {
      timers.push(
        setTimeout(
          () => {
            log.record(who, 'S>C token_about_to_expire');
            send({
              method: 'client_update',
              client_update_type: 'token_about_to_expire',
              client_update_message: 'Your token is about to expire.',
            });
          },
          left - options.leadSeconds * 1000,
        ),
      );
    }
    timers.push(
      setTimeout(() => {
        log.record(who, 'S>C close 410', { errorCode: 20104 });
        send({ method: 'close', status: { code: 410, status: 'TOKEN_EXPIRED', description: 'Token expired', errorCode: 20104 } });
        setTimeout(() => void ws.close({ code: 1000, reason: 'token expired' }), 500);
      }, left),
    );
  }

  async function acceptToken(header: Header, what: 'init' | 'update'): Promise<boolean> {
    const verdict = await checkToken(header.token, options.secret);
    log.record(who, `C>S ${what}`, { verdict: verdict.ok ? 'ok' : verdict.reason, tail: verdict.tail });
    if (!verdict.ok) {
      const errorCode = verdict.reason === 'expired' ? 20104 : 20101;
      reply(header.id, {
        code: 401,
        status: 'UNAUTHORIZED',
        errorCode,
        description: verdict.reason === 'expired' ? 'Access Token expired' : 'Invalid Access Token',
      });
      return false;
    }
    claims = verdict;
    armExpiry(verdict.exp!);
    return true;
  }

  ws.onClose(() => {
    clearTimers();
    log.record(who, 'closed');
  });
  let queue = Promise.resolve();
  ws.onMessage((raw) => {
    queue = queue
      .then(() => onFrame(Buffer.from(raw)))
      .catch((error: unknown) => log.record(who, 'stand-in error', { message: String(error) }));
  });

  async function onFrame(frame: Buffer): Promise<void> {
    const { header, body } = decode(frame);
    switch (header.method) {
      case 'init':
        // registrations[0].product: ip_messaging (Conversations) or data_sync (Sync).
        who = `twilsock/${header.registrations?.[0]?.product ?? '?'}`;
        if (await acceptToken(header, 'init')) {
          reply(header.id, OK, {
            continuation_token: `CT${randomUUID()}`,
            continuation_token_status: { reissued: true },
            capabilities: header.capabilities ?? [],
            init_registrations: header.registrations ?? [],
          });
        }
        return;
      case 'update':
        if (await acceptToken(header, 'update')) reply(header.id, OK);
        return;
      case 'message': {
        const request = header.http_request as HttpOverTwilsock;
        const answer = options.upstream(request, body, {
          identity: claims?.identity,
          notify: (messageType, payload) =>
            send({ method: 'notification', message_type: messageType, payload_type: 'application/json' }, payload),
        }) ?? { code: 404, body: { status: 404, message: 'Not found (stand-in)' } };
        reply(
          header.id,
          OK,
          {
            http_status: { code: answer.code, status: answer.code < 300 ? 'OK' : 'ERROR' },
            http_headers: { 'Content-Type': 'application/json' },
            payload_type: 'application/json',
          },
          answer.body ?? {},
        );
        return;
      }
      case 'reply':
        return;
      case 'close':
        log.record(who, 'C>S close');
        await ws.close();
        return;
      default:
        reply(header.id, OK);
    }
  }
}

/**
 * What the local server checks before Twilio's development runtime sees a request, because
 * the runtime cannot: it merges the query and the body over `event.request` (so a caller could
 * forge the request headers), answers any Host (DNS rebinding), any method, and a body or a path
 * it cannot decode (`/%`) with Express's HTML stack trace, absolute paths included. Every refusal
 * is a JSON error with the CORS headers, X-Content-Type-Options: nosniff, and one log line, like
 * the functions' own; so is a path that serves nothing, and any error the runtime passes on.
 * GET / is redirected to the page, /index.html: the address a newcomer types first.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { isIP } from 'node:net';
import path from 'node:path';
import type { ConfigVars } from '../../lib/config/schema';
import { readCorsSettings } from '../../lib/config/service';
import { ServiceError } from '../../lib/errors';
import { requestLogLine } from '../../lib/endpoints/log';
import { applyCors } from '../../lib/http/cors';
import { jsonResult } from '../../lib/http/result';

type Middleware = (req: IncomingMessage, res: ServerResponse, next: (error?: unknown) => void) => void;
type BodyParser = { json(options: object): Middleware; urlencoded(options: object): Middleware };

/** The runtime's own body parser and limit, so what passes here parses the same there. */
const BODY_LIMIT = '6mb';
let parsers: { json: Middleware; form: Middleware } | undefined;
function bodyParsers(): { json: Middleware; form: Middleware } {
  if (parsers === undefined) {
    const runtime = path.dirname(require.resolve('@twilio/runtime-handler/dev'));
    const bodyParser = require(require.resolve('body-parser', { paths: [runtime] })) as BodyParser;
    parsers = { json: bodyParser.json({ limit: BODY_LIMIT }), form: bodyParser.urlencoded({ extended: false, limit: BODY_LIMIT }) };
  }
  return parsers;
}

const ALLOWED_METHODS = ['GET', 'HEAD', 'POST', 'OPTIONS'];

export interface FrontOptions {
  env: ConfigVars;
  /** The port actually listened on. */
  port: () => number;
  /** The address given to listen (127.0.0.1 unless --host). */
  host: string;
  /** Paths of the functions (bodies are checked for those only). */
  functionPaths: ReadonlySet<string>;
  /** Paths of the assets served; any other path is 404 not_found here. */
  assetPaths: ReadonlySet<string>;
  log?: (line: string) => void;
}

const LOOPBACK_NAMES = ['localhost', '127.0.0.1', '[::1]'];

/**
 * The Hosts this server answers to: its loopback names, the --host it was given, and IP
 * literals when it listens beyond loopback (a rebinding attack needs a domain name).
 */
export function isOwnHost(hostHeader: string | undefined, port: number, boundHost: string): boolean {
  if (hostHeader === undefined) return false;
  const match = /^(\[[0-9a-f:.]+\]|[^:[\]]+)(?::(\d+))?$/i.exec(hostHeader.trim().toLowerCase());
  if (match === null) return false;
  const [, name = '', portText] = match;
  if (Number(portText ?? 80) !== port) return false;
  if (LOOPBACK_NAMES.includes(name) || name === boundHost.toLowerCase()) return true;
  const beyondLoopback = !['127.0.0.1', '::1', 'localhost'].includes(boundHost);
  return beyondLoopback && isIP(name.replace(/^\[|\]$/g, '')) !== 0;
}

/** A refusal about the path, which only this server answers (a deployed function never sees a path that routes nowhere). */
const pathRefusal = (code: 'invalid_path' | 'not_found', message: string): ServiceError => new ServiceError(code, message, 'path');

/** The page, where GET / leads. */
const PAGE = '/index.html';

/** Answered by the runtime's Express app itself, before any route. */
const RUNTIME_PATHS = new Set(['/favicon.ico']);

/**
 * The path as the runtime routes it (the request target up to `?` or `#`, still percent-encoded),
 * and its query; a refusal when Express could not decode it or it is not a path at all.
 */
function splitTarget(target: string): { path: string; query: URLSearchParams } {
  const end = target.search(/[?#]/);
  const path = end < 0 ? target : target.slice(0, end);
  const query = new URLSearchParams(end < 0 || target[end] === '#' ? '' : target.slice(end + 1).split('#')[0]);
  if (!path.startsWith('/')) throw pathRefusal('invalid_path', 'The request target must be a path starting with /, such as /token.');
  try {
    decodeURIComponent(path);
  } catch {
    throw pathRefusal(
      'invalid_path',
      'The path is not valid percent-encoding: each % must start an escape of two hex digits (%25 for % itself), and the escapes must spell UTF-8.',
    );
  }
  return { path, query };
}

/** `request`, `request[headers][origin]`: names that would replace the runtime's event.request. */
const forgesRequest = (name: string): boolean => name === 'request' || /^request[[.]/.test(name);

/** A body-parser middleware as a promise; its errors (a parse failure, a body too large) carry a `type`. */
const run = (middleware: Middleware, req: IncomingMessage, res: ServerResponse): Promise<void> =>
  new Promise((resolve, reject) =>
    middleware(req, res, (error) =>
      error === undefined ? resolve() : reject(error instanceof Error ? error : new Error('body parser failed')),
    ),
  );

async function readText(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > 6 * 2 ** 20) throw new ServiceError('payload_too_large', 'The body is larger than 6 MB.', 'body');
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks).toString('utf8');
}

const hasBody = (req: IncomingMessage): boolean =>
  req.headers['transfer-encoding'] !== undefined || Number(req.headers['content-length'] ?? 0) > 0;

/** Parses a function's body with the runtime's parsers, or throws the 4xx that says why it cannot be read. */
async function readBody(req: IncomingMessage, res: ServerResponse): Promise<void> {
  if (!hasBody(req)) return;
  const type = (req.headers['content-type'] ?? '').split(';')[0]!.trim().toLowerCase();
  const { json, form } = bodyParsers();
  try {
    if (type === 'application/json' || type.endsWith('+json')) await run(json, req, res);
    else if (type === 'application/x-www-form-urlencoded') await run(form, req, res);
    else {
      const text = await readText(req);
      let isJson = false;
      try {
        JSON.parse(text);
        isJson = /^\s*[[{]/.test(text);
      } catch {
        isJson = false;
      }
      const sent = type === '' ? 'no Content-Type' : `Content-Type ${JSON.stringify(type.slice(0, 60))}`;
      throw new ServiceError(
        'unsupported_media_type',
        isJson
          ? `The body is JSON but was sent with ${sent}, so it would not be read; send Content-Type: application/json.`
          : `The body was sent with ${sent}; send JSON with Content-Type: application/json (or a form, application/x-www-form-urlencoded).`,
        'Content-Type',
      );
    }
  } catch (error) {
    if (error instanceof ServiceError) throw error;
    const kind = (error as { type?: unknown }).type;
    if (kind === 'entity.too.large') throw new ServiceError('payload_too_large', 'The body is larger than 6 MB.', 'body');
    if (kind === 'entity.parse.failed') {
      throw new ServiceError(
        'invalid_json',
        'The body is not valid JSON; check the quotes and commas (JSON.stringify the object you send).',
        'body',
      );
    }
    throw new ServiceError(
      'invalid_json',
      'The body could not be read (its encoding or charset is not supported); send UTF-8 JSON.',
      'body',
    );
  }
  const body = (req as { body?: unknown }).body;
  if (typeof body === 'object' && body !== null && Object.keys(body).some(forgesRequest)) {
    throw new ServiceError(
      'invalid_param',
      'The body may not have a "request" field: the runtime reserves it for the request headers.',
      'request',
    );
  }
}

/** The runtime's Express app: what it cannot answer itself (an error, or no route) goes to `done`. */
export type Runtime = (req: IncomingMessage, res: ServerResponse, done: (error?: unknown) => void) => void;

/** The checks, then the runtime (`next`) for a request that passes them. */
export function localFront(options: FrontOptions, next: Runtime) {
  const log = options.log ?? ((line: string) => console.log(line));
  return (req: IncomingMessage, res: ServerResponse): void => {
    const started = Date.now();
    const target = req.url ?? '/';
    // For the log line only: the checks below split the target themselves.
    const loggedPath = target.split(/[?#]/)[0] ?? '';
    const origin = typeof req.headers.origin === 'string' ? req.headers.origin : undefined;
    const refuse = (error: ServiceError, extra: Record<string, string> = {}): void => {
      const cors = applyCors(req.headers, readCorsSettings({ ...options.env, DOMAIN_NAME: `localhost:${options.port()}` }));
      const result = jsonResult(error.status, error.toBody(), { ...cors.headers, ...extra });
      const body = JSON.stringify(result.body);
      res.writeHead(result.status, { ...result.headers, 'Content-Length': String(Buffer.byteLength(body)) }).end(body);
      log(
        requestLogLine({
          started,
          path: loggedPath,
          status: error.status,
          outcome: error.code,
          origin,
          fields: { field: error.field },
          ms: Date.now() - started,
        }),
      );
    };
    /** Resolves to `page` for GET / (answered with a redirect to the page), else after every check passed. */
    const check = async (): Promise<'page' | undefined> => {
      const port = options.port();
      if (!isOwnHost(req.headers.host, port, options.host)) {
        throw new ServiceError(
          'host_not_allowed',
          `This local server answers to localhost:${port}, 127.0.0.1:${port} and [::1]:${port}; a page that reaches it under another name gets nothing (npm start -- --host NAME to add one).`,
          'Host',
        );
      }
      if (!ALLOWED_METHODS.includes(req.method ?? '')) {
        throw new ServiceError('method_not_allowed', `${req.method ?? 'This method'} is not served here; use GET or POST.`, 'method');
      }
      const { path, query } = splitTarget(target);
      if (path === '/' && options.assetPaths.has(PAGE) && (req.method === 'GET' || req.method === 'HEAD')) return 'page';
      if (!options.functionPaths.has(path) && !options.assetPaths.has(path) && !RUNTIME_PATHS.has(path)) {
        const functions = [...options.functionPaths].sort().join(', ');
        throw pathRefusal(
          'not_found',
          `Nothing is served at this path. This server answers ${functions === '' ? 'no function' : functions}, and the page at /index.html.`,
        );
      }
      const forged = [...query.keys()].find(forgesRequest);
      if (forged !== undefined) {
        throw new ServiceError(
          'invalid_param',
          'The query may not have a "request" parameter: the runtime reserves it for the request headers.',
          'request',
        );
      }
      if (options.functionPaths.has(path)) await readBody(req, res);
      return undefined;
    };
    /** Anything else failed: JSON that says so, the error itself in the log line only (it may name files). */
    const fail = (error: unknown): void => {
      if (res.headersSent) {
        res.destroy();
      } else {
        const body = JSON.stringify({ error: { code: 'internal_error', message: 'The local server failed; see its output.' } });
        res
          .writeHead(500, {
            'Content-Type': 'application/json',
            'Cache-Control': 'no-store',
            'X-Content-Type-Options': 'nosniff',
            'Content-Length': String(Buffer.byteLength(body)),
          })
          .end(body);
      }
      log(
        requestLogLine({
          started,
          path: loggedPath,
          status: 500,
          outcome: 'internal_error',
          origin,
          fields: { error: String(error) },
          ms: Date.now() - started,
        }),
      );
    };
    /**
     * What the runtime passes on instead of answering: no route (a function removed since the
     * listing), or an error of its own, such as a listed file gone from the disk or a dotfile
     * its file sender refuses. Express would answer these with its HTML page and stack trace.
     */
    const done = (error?: unknown): void => {
      const status = (error as { status?: unknown; statusCode?: unknown } | undefined)?.status;
      const code = (error as { code?: unknown } | undefined)?.code;
      if (res.headersSent) fail(error);
      else if (error === undefined || status === 404 || code === 'ENOENT' || code === 'EISDIR')
        refuse(pathRefusal('not_found', 'Nothing is served at this path (the file is gone, or never published).'));
      else if (status === 400) refuse(pathRefusal('invalid_path', 'The path could not be read (its percent-encoding or its characters).'));
      else fail(error);
    };
    check().then(
      (answer) => {
        if (answer === 'page') {
          res
            .writeHead(302, { Location: PAGE, 'Content-Length': '0', 'Cache-Control': 'no-store', 'X-Content-Type-Options': 'nosniff' })
            .end();
          return;
        }
        try {
          next(req, res, done);
        } catch (error) {
          fail(error);
        }
      },
      (error: unknown) => {
        if (error instanceof ServiceError) refuse(error, error.code === 'method_not_allowed' ? { Allow: 'GET, POST, OPTIONS' } : {});
        else fail(error);
      },
    );
  };
}

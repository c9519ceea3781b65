/**
 * Test fixtures: dependency-free generators that reproduce, byte for byte, what Chrome DevTools puts on
 * the clipboard / in a file for a network request, so that token-inspector tests can use realistic pastes.
 *
 * Ground truth:
 *  - Source: devtools-frontend as published on npm (`chrome-devtools-frontend`), whose version number is
 *    `1.0.<Chromium commit position>`. Newest read: 1.0.1705227 (bundled by Chromium 156.0.8078.x — checked
 *    against the copy served by /usr/bin/chromium 156.0.8078.108 at /devtools/panels/network/network.js).
 *    Older behaviour was read from 1.0.1029149, 1153166, 1386602, 1418433, 1445635, 1514545 … 1690531
 *    (see REPORT.md for the bisection table). Line numbers below refer to 1.0.1705227 unless stated.
 *  - Verification: harness/realchrome.mjs drives the real DevTools frontend of Chromium 156 and
 *    harness/compare.mjs checks every generator below against its output (all equal, see REPORT.md).
 *
 * Paths cited are relative to devtools-frontend's `front_end/`.
 */

// ---------------------------------------------------------------------------------------------------------
// Types
// ---------------------------------------------------------------------------------------------------------

export type HeaderPair = [name: string, value: string];

export interface CookieDesc {
  name: string;
  value: string;
  /** Cookie domain as DevTools has it (SDK.Cookie.domain()), e.g. "example.com" or ".example.com". */
  domain: string;
}

export interface RequestDesc {
  url: string;
  method: string;
  /**
   * Request headers in the order DevTools holds them (NetworkRequest.requestHeaders()). For normal
   * fetch/XHR/document requests Chrome 156 sorts them by byte order of the name (the CDP `Network.Headers`
   * object is built from a sorted base::Value::Dict) — use chromeSortHeaders(). WebSocket handshake
   * headers are NOT sorted (wire order). HTTP/2+ requests start with `:authority`, `:method`, `:path`,
   * `:scheme` and have all-lowercase names.
   */
  headers: HeaderPair[];
  /** NetworkRequest.requestFormData(): the request body text, or null/undefined when there is none. */
  body?: string | null;
  /** NetworkRequest.includedRequestCookies(); defaults to parsing the Cookie header (domain = URL host). */
  cookies?: CookieDesc[];
  /** Protocol.Security.SecurityState of the request. Only 'insecure' matters (curl gets --insecure). */
  securityState?: 'secure' | 'insecure' | 'neutral' | 'unknown' | 'info' | 'insecure-broken';
  /** NetworkRequest.referrerPolicy() — only used by the old (< 1.0.1514545) "Copy as fetch". */
  referrerPolicy?: string;
  /** NetworkRequest.requestHttpVersion(), e.g. "HTTP/1.1", "h2", "h3". Used by HAR + raw headers. */
  httpVersion?: string;
}

export interface GenOptions {
  /**
   * devtools-frontend revision (Chromium commit position) to emulate. Default: DEVTOOLS_REV.LATEST.
   * Behaviour switches at the thresholds in DEVTOOLS_REV.
   */
  devtoolsRev?: number;
}

/**
 * Revision thresholds: the first npm `chrome-devtools-frontend` 1.0.<rev> in which the new behaviour was
 * observed. The bracket in each comment is the interval in which the change landed (previous published
 * version with the old behaviour, first with the new). Milestones are approximate (see REPORT.md).
 */
export const DEVTOOLS_REV = {
  /** (1153166 .. 1386602]: curl drops `--compressed`; cmd escaping always wraps in ^"…^" and carets `&`;
   *  curl ignores `authority` and `protocol` pseudo-headers; HAR `connection` becomes the port and the
   *  connection id moves to `_connectionId`; HAR sanitize option (CL 5846648, crbug 361717594, ~M130). */
  CURL_NO_COMPRESSED: 1386602,
  HAR_SANITIZE: 1386602,
  /** (1386602 .. 1418433]: curl emits the Cookie header as `-b '<value>'`. */
  CURL_COOKIE_B: 1418433,
  /** (1445635 .. 1514545]: Copy as fetch no longer emits `referrerPolicy` / `Referrer-Policy`. */
  FETCH_NO_REFERRER_POLICY: 1514545,
  /** (1029149 .. 1040857]: curl sends a blank-valued header as `-H 'name;'` (before: `-H 'name: '`). */
  CURL_EMPTY_HEADER_SEMICOLON: 1040857,
  /** (1445635 .. 1514545]: cmd escaping carets other whitespace (tab, …) and treats a lone \r as a newline. */
  CURL_WIN_WS_CARET: 1514545,
  /** (1514545 .. 1516909]: cmd escaping turns other whitespace (tab, …) into a space instead. */
  CURL_WIN_WS_SPACE: 1516909,
  /** (1543082 .. 1550444]: cmd escaping turns everything outside printable ASCII into a space. */
  CURL_WIN_NONPRINTABLE: 1550444,
  /** (1587572 .. 1591204]: HAR entry no longer pre-declares `_fromCache`, `_connectionId`, `pageref`, … so
   *  those keys move to the end of the entry object. */
  HAR_NO_PLACEHOLDERS: 1591204,
  /** (1630364 .. 1650232]: curl puts the URL after `--url`; URL scheme allow-list; `-b` only if value has '='. */
  CURL_URL_FLAG: 1650232,
  /** (1676824 .. 1679060]: cmd escaping carets `(`, `)` and backtick; fetch uses FORBIDDEN_HEADER_RULES
   *  (drops sec-*, proxy-* …). */
  FETCH_FORBIDDEN_RULES: 1679060,
  LATEST: 1705227,
} as const;

const rev = (o?: GenOptions): number => o?.devtoolsRev ?? DEVTOOLS_REV.LATEST;

// ---------------------------------------------------------------------------------------------------------
// Helpers shared by several generators
// ---------------------------------------------------------------------------------------------------------

/** panels/network/NetworkLogView.ts:603 (#allowedSchemes) + 2480-2490 (#getValidClipboardUrl). */
const ALLOWED_SCHEMES = new Set(['http:', 'https:', 'ws:', 'wss:', 'data:']);
function validClipboardUrl(url: string): string | null {
  try {
    return ALLOWED_SCHEMES.has(new URL(url).protocol) ? url : null;
  } catch {
    return null;
  }
}

/** Sort like the CDP Network.Headers dict Chrome builds (base::Value::Dict → std::map byte order). */
export function chromeSortHeaders(headers: HeaderPair[]): HeaderPair[] {
  return headers.slice().sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
}

function includedCookies(req: RequestDesc): CookieDesc[] {
  if (req.cookies) return req.cookies;
  const h = req.headers.find(([n]) => n.toLowerCase() === 'cookie');
  if (!h) return [];
  let host = '';
  try {
    host = new URL(req.url).hostname;
  } catch {
    /* ignore */
  }
  return h[1]
    .split(/;\s*/)
    .filter(Boolean)
    .map((kv) => {
      const i = kv.indexOf('=');
      return { name: i < 0 ? '' : kv.slice(0, i), value: i < 0 ? kv : kv.slice(i + 1), domain: host };
    });
}

function hasBody(req: RequestDesc): req is RequestDesc & { body: string } {
  // requestFormData() resolves to null when there is no body; an empty string is falsy for DevTools too.
  return typeof req.body === 'string' && req.body.length > 0;
}

// ---------------------------------------------------------------------------------------------------------
// Copy as cURL — panels/network/NetworkLogView.ts:2589-2719 (generateCurlCommand)
// ---------------------------------------------------------------------------------------------------------

/**
 * cmd.exe escaping, NetworkLogView.ts:2597-2637 (escapeStringWin). Rules (latest):
 *  1. `\` → `\\`   2. `"` → `\"`
 *  3. every char NOT in [a-zA-Z0-9 whitespace _ - : = + ~ ' / . , ? ; *] gets a `^` in front
 *     (older: `(`, `)` and backtick were also safe; before 1.0.1386602 `&` was safe too)
 *  4. `%` followed by [a-zA-Z0-9_] → `%^` (so `%PATH%` → `^%^PATH^%`)
 *  5. (≥1550444) any char outside printable ASCII (and not \r/\n) → single space (so `é` → `^ `);
 *     [1516909, 1550444): only non-space whitespace (tab, \v, \f, NBSP, …) → space;
 *     [1514545, 1516909): such whitespace got a `^` in front instead; before: left alone
 *  6. newline (\r\n, \n; ≥1514545 also a lone \r) → `^` + `\n\n`
 *  7. wrap in `^"` … `^"` (before 1.0.1386602: plain `"` unless the string contained \r or \n)
 */
export function escapeCmd(str: string, opts?: GenOptions): string {
  const r = rev(opts);
  const legacy = r < DEVTOOLS_REV.CURL_NO_COMPRESSED;
  const encapsChars = legacy ? (/[\r\n]/.test(str) ? '^"' : '"') : '^"';
  let s = str.replace(/\\/g, '\\\\').replace(/"/g, '\\"');
  if (legacy) {
    s = s.replace(/[^a-zA-Z0-9\s_\-:=+~'/.',?;()*`&]/g, '^$&');
  } else if (r < DEVTOOLS_REV.FETCH_FORBIDDEN_RULES) {
    s = s.replace(/[^a-zA-Z0-9\s_\-:=+~'/.',?;()*`]/g, '^$&');
  } else {
    s = s.replace(/[^a-zA-Z0-9\s_\-:=+~'/.',?;*]/g, '^$&');
  }
  s = s.replace(/%(?=[a-zA-Z0-9_])/g, '%^');
  if (r >= DEVTOOLS_REV.CURL_WIN_NONPRINTABLE) {
    s = s.replace(/[^ -~\r\n]/g, ' ').replace(/\r?\n|\r/g, '^\n\n');
  } else if (r >= DEVTOOLS_REV.CURL_WIN_WS_SPACE) {
    s = s.replace(/[^\S \r\n]/g, ' ').replace(/\r?\n|\r/g, '^\n\n');
  } else if (r >= DEVTOOLS_REV.CURL_WIN_WS_CARET) {
    s = s.replace(/[^\S \r\n]/g, '^$&').replace(/\r?\n|\r/g, '^\n\n');
  } else {
    s = s.replace(/\r?\n/g, '^\n\n');
  }
  return encapsChars + s + encapsChars;
}

/**
 * bash escaping, NetworkLogView.ts:2639-2666 (escapeStringPosix), unchanged in every version read:
 * if the string has a control char (\0-\x1F, \x7F-\x9F), `!` or `'` → ANSI-C quoting `$'…'` with
 * `\\`, `\'`, `\n`, `\r`, and `\uXXXX` (4 hex digits, lowercase) for other control chars and `!`;
 * otherwise plain single quotes, verbatim (non-ASCII such as é stays raw UTF-8).
 */
export function escapePosix(str: string): string {
  const escapeCharacter = (x: string): string => {
    let hex = x.charCodeAt(0).toString(16);
    while (hex.length < 4) hex = '0' + hex;
    return '\\u' + hex;
  };
  if (/[\0-\x1F\x7F-\x9F!]|'/.test(str)) {
    return (
      "$'" +
      str
        .replace(/\\/g, '\\\\')
        .replace(/'/g, "\\'")
        .replace(/\n/g, '\\n')
        .replace(/\r/g, '\\r')
        .replace(/[\0-\x1F\x7F-\x9F!]/g, escapeCharacter) +
      "'"
    );
  }
  return "'" + str + "'";
}

/**
 * "Copy as cURL" (macOS/Linux menu label) == "Copy as cURL (bash)" (Windows), and "Copy as cURL (cmd)".
 * Layout (NetworkLogView.ts:2671-2718):
 *   curl --url <URL> [-X <METHOD>] (-H <hdr> | -b <cookie>)* [--data-raw <body>] [--insecure]
 *   (before 1.0.1650232: `curl <URL> …`; before 1.0.1386602 also `--compressed` after the data)
 *   – the URL additionally has `[ ] { }` backslash-escaped (curl globbing) AFTER quoting;
 *   – `-X` only when the method differs from the inferred one (POST if there is a body, else GET);
 *   – headers in DevTools order; skipped: accept-encoding, host, method, path, scheme, version,
 *     authority, protocol (names after stripping one leading ':'); content-length too when there is a body;
 *   – blank/whitespace-only value → `-H 'name;'`;
 *   – `cookie` header → `-b '<value>'` (≥1.0.1418433; ≥1.0.1650232 only if the value contains '=');
 *   – `--insecure` if the request's security state is 'insecure' (plain http:// to a non-localhost host);
 *   – parts joined by ' \\\n  ' (bash) or ' ^\n  ' (cmd) when there are ≥3 parts, else by a single space.
 */
export function generateCurl(req: RequestDesc, platform: 'unix' | 'win', opts?: GenOptions): string {
  const r = rev(opts);
  const escapeString = platform === 'win' ? (s: string) => escapeCmd(s, opts) : escapePosix;
  let command: string[] = [];
  const ignoredHeaders = new Set<string>(
    r >= DEVTOOLS_REV.CURL_NO_COMPRESSED
      ? ['accept-encoding', 'host', 'method', 'path', 'scheme', 'version', 'authority', 'protocol']
      : ['accept-encoding', 'host', 'method', 'path', 'scheme', 'version'],
  );
  let url = req.url;
  if (r >= DEVTOOLS_REV.CURL_URL_FLAG) {
    const valid = validClipboardUrl(req.url);
    if (!valid) return '# Unsupported URL scheme';
    url = valid;
    command.push('--url ' + escapeString(url).replace(/[[{}\]]/g, '\\$&'));
  } else {
    command.push(escapeString(url).replace(/[[{}\]]/g, '\\$&'));
  }
  let inferredMethod = 'GET';
  const data: string[] = [];
  if (hasBody(req)) {
    data.push('--data-raw ' + escapeString(req.body));
    ignoredHeaders.add('content-length');
    inferredMethod = 'POST';
  }
  if (req.method !== inferredMethod) command.push('-X ' + escapeString(req.method));
  for (const [rawName, value] of req.headers) {
    const name = rawName.replace(/^:/, '');
    if (ignoredHeaders.has(name.toLowerCase())) continue;
    if (!value.trim() && r >= DEVTOOLS_REV.CURL_EMPTY_HEADER_SEMICOLON) {
      command.push('-H ' + escapeString(name + ';'));
    } else if (
      r >= DEVTOOLS_REV.CURL_COOKIE_B &&
      name.toLowerCase() === 'cookie' &&
      (r < DEVTOOLS_REV.CURL_URL_FLAG || value.includes('='))
    ) {
      command.push('-b ' + escapeString(value));
    } else {
      command.push('-H ' + escapeString(name + ': ' + value));
    }
  }
  command = command.concat(data);
  if (r < DEVTOOLS_REV.CURL_NO_COMPRESSED) command.push('--compressed');
  if (req.securityState === 'insecure') command.push('--insecure');
  return 'curl ' + command.join(command.length >= 3 ? (platform === 'win' ? ' ^\n  ' : ' \\\n  ') : ' ');
}

export const curlBash = (req: RequestDesc, opts?: GenOptions): string => generateCurl(req, 'unix', opts);
export const curlCmd = (req: RequestDesc, opts?: GenOptions): string => generateCurl(req, 'win', opts);

/** "Copy all (listed) as cURL": NetworkLogView.ts:2721-2730 — joined by ' ;\n' (bash) / ' &\r\n' (cmd). */
export function copyAllAsCurl(reqs: RequestDesc[], platform: 'unix' | 'win', opts?: GenOptions): string {
  const cmds = reqs.map((r) => generateCurl(r, platform, opts));
  return platform === 'win' ? cmds.join(' &\r\n') : cmds.join(' ;\n');
}

// ---------------------------------------------------------------------------------------------------------
// Copy as PowerShell — NetworkLogView.ts:2732-2829 (generatePowerShellCommand); unchanged in shape since
// at least 1.0.1029149 except the URL scheme allow-list (≥1650232).
// ---------------------------------------------------------------------------------------------------------

/** NetworkLogView.ts:2746-2749: wrap in "…", backtick-escape ` $ ", every char outside 0x20-0x7E
 *  (per UTF-16 code unit) becomes `$([char]<code>)`. */
export function escapePowerShell(str: string): string {
  return '"' + str.replace(/[`$"]/g, '`$&').replace(/[^\x20-\x7E]/g, (c) => '$([char]' + c.charCodeAt(0) + ')') + '"';
}

/**
 * Output shape:
 *   [$session = New-Object Microsoft.PowerShell.Commands.WebRequestSession\n
 *    $session.UserAgent = "<UA>"\n
 *    $session.Cookies.Add((New-Object System.Net.Cookie("<n>", "<v>", "/", "<domain>")))\n …]
 *   Invoke-WebRequest -UseBasicParsing -Uri "<url>" `\n-Method "POST" `\n-WebSession $session `\n
 *   -Headers @{\n"<name>"="<value>"\n  "<name>"="<value>"\n} `\n-ContentType "<ct>" `\n-Body "<body>"
 * (first header line is NOT indented, the following ones are indented by two spaces; parts joined with
 *  ' `\n' only when there are ≥3 parts, else ' '.) Ignored headers: host, connection, proxy-connection,
 *  content-length, expect, range, content-type, user-agent, cookie — but NOT h2 pseudo-headers, which
 *  appear with the colon stripped ("authority"=…, "method"=…, "path"=…, "scheme"=…). A body with
 *  non-printable/non-ASCII chars is sent as -Body ([System.Text.Encoding]::UTF8.GetBytes("…")).
 */
export function powershell(req: RequestDesc, opts?: GenOptions): string {
  const r = rev(opts);
  const command: string[] = [];
  const ignoredHeaders = new Set<string>([
    'host',
    'connection',
    'proxy-connection',
    'content-length',
    'expect',
    'range',
    'content-type',
    'user-agent',
    'cookie',
  ]);
  const props: string[] = [];
  const ua = req.headers.find(([n]) => n.toLowerCase() === 'user-agent');
  if (ua) props.push(`$session.UserAgent = ${escapePowerShell(ua[1])}`);
  for (const c of includedCookies(req)) {
    props.push(
      `$session.Cookies.Add((New-Object System.Net.Cookie(${escapePowerShell(c.name)}, ${escapePowerShell(
        c.value,
      )}, "/", ${escapePowerShell(c.domain)})))`,
    );
  }
  const session = props.length ? '$session = New-Object Microsoft.PowerShell.Commands.WebRequestSession\n' + props.join('\n') + '\n' : null;
  let url = req.url;
  if (r >= DEVTOOLS_REV.CURL_URL_FLAG) {
    const valid = validClipboardUrl(req.url);
    if (!valid) return '# Unsupported URL scheme';
    url = valid;
  }
  command.push('-Uri ' + escapePowerShell(url));
  if (req.method !== 'GET') command.push('-Method ' + escapePowerShell(req.method));
  if (session) command.push('-WebSession $session');
  const pairs: string[] = [];
  for (const [rawName, value] of req.headers) {
    const name = rawName.replace(/^:/, '');
    if (ignoredHeaders.has(name.toLowerCase())) continue;
    pairs.push(escapePowerShell(name) + '=' + escapePowerShell(value));
  }
  if (pairs.length) command.push('-Headers @{\n' + pairs.join('\n  ') + '\n}');
  const ct = req.headers.find(([n]) => n.toLowerCase() === 'content-type');
  if (ct) command.push('-ContentType ' + escapePowerShell(ct[1]));
  if (hasBody(req)) {
    const body = escapePowerShell(req.body);
    command.push(/[^\x20-\x7E]/.test(req.body) ? '-Body ([System.Text.Encoding]::UTF8.GetBytes(' + body + '))' : '-Body ' + body);
  }
  return (session || '') + 'Invoke-WebRequest -UseBasicParsing ' + command.join(command.length >= 3 ? ' `\n' : ' ');
}

/** "Copy all as PowerShell": NetworkLogView.ts:2830-2834 — joined by ';\r\n'. */
export function copyAllAsPowerShell(reqs: RequestDesc[], opts?: GenOptions): string {
  return reqs.map((r) => powershell(r, opts)).join(';\r\n');
}

// ---------------------------------------------------------------------------------------------------------
// Copy as fetch / Copy as fetch (Node.js) — NetworkLogView.ts:2492-2587 (generateFetchCall)
// ---------------------------------------------------------------------------------------------------------

/** panels/network/FetchHeaderCommenting.ts:127-170 FORBIDDEN_HEADER_RULES (≥1.0.1679060). */
const FORBIDDEN_HEADER_PATTERNS: Array<[RegExp, ((v: string) => boolean) | null]> = [
  [/^sec-/i, null],
  [/^proxy-/i, null],
  [/^accept-charset$/i, null],
  [/^accept-encoding$/i, null],
  [/^access-control-request-headers$/i, null],
  [/^access-control-request-method$/i, null],
  [/^connection$/i, null],
  [/^content-length$/i, null],
  [/^cookie$/i, null],
  [/^cookie2$/i, null],
  [/^date$/i, null],
  [/^dnt$/i, null],
  [/^expect$/i, null],
  [/^host$/i, null],
  [/^keep-alive$/i, null],
  [/^origin$/i, null],
  [/^referer$/i, null],
  [/^set-cookie$/i, null],
  [/^te$/i, null],
  [/^trailer$/i, null],
  [/^transfer-encoding$/i, null],
  [/^upgrade$/i, null],
  [/^via$/i, null],
  [/^x-(?:http-method(?:-override)?|method-override)$/i, (v) => v.split(',').some((m) => /^(?:CONNECT|TRACE|TRACK)$/i.test(m.trim()))],
];
/** Pre-1.0.1679060 ignore list (NetworkLogView.ts of 1.0.1386602, generateFetchCall). */
const OLD_FETCH_IGNORED = new Set([
  'method',
  'path',
  'scheme',
  'version',
  'accept-charset',
  'accept-encoding',
  'access-control-request-headers',
  'access-control-request-method',
  'connection',
  'content-length',
  'cookie',
  'cookie2',
  'date',
  'dnt',
  'expect',
  'host',
  'keep-alive',
  'origin',
  'referer',
  'te',
  'trailer',
  'transfer-encoding',
  'upgrade',
  'via',
  'user-agent',
]);

function fetchHeaderFiltered(name: string, value: string, r: number): boolean {
  const lower = name.toLowerCase();
  if (r < DEVTOOLS_REV.FETCH_FORBIDDEN_RULES) return OLD_FETCH_IGNORED.has(lower) || name.includes(':');
  if (['method', 'path', 'scheme', 'version'].includes(lower) || name.includes(':')) return true;
  return lower === 'user-agent' || FORBIDDEN_HEADER_PATTERNS.some(([re, f]) => re.test(name) && (f ? f(value) : true));
}

/**
 * Emulates `new Headers()` + append + iteration as used at NetworkLogView.ts:2517-2531: values are trimmed
 * of leading/trailing HTTP whitespace, names lowercased, entries sorted by name, duplicates combined with
 * ", " (set-cookie kept separate, so the last one wins in the resulting object).
 */
function headersObject(pairs: HeaderPair[]): Record<string, string> {
  const norm = pairs.map(([n, v]) => {
    if (!/^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/.test(n)) throw new TypeError(`Invalid header name: ${n}`);
    const tv = v.replace(/^[\t\n\r ]+|[\t\n\r ]+$/g, '');
    if (/[\0\r\n]/.test(tv)) throw new TypeError(`Invalid header value for ${n}`);
    return [n.toLowerCase(), tv] as HeaderPair;
  });
  const names = [...new Set(norm.map(([n]) => n))].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  const out: Record<string, string> = {};
  for (const n of names) {
    const vals = norm.filter(([m]) => m === n).map(([, v]) => v);
    if (n === 'set-cookie') {
      out[n] = vals[vals.length - 1] ?? '';
    } else {
      out[n] = vals.join(', ');
    }
  }
  return out;
}

/**
 * "Copy as fetch": `fetch(<JSON url>, <JSON.stringify(options, null, 2)>);` with option keys in this order:
 *   headers (lowercased, sorted; omitted when empty), referrer (value of the Referer header, omitted if
 *   none), [referrerPolicy — only before 1.0.1514545], body (the text, or null), method, mode: "cors",
 *   credentials: "include" if there are included cookies or a cookie/authorization header, else "omit".
 * Filtered out: pseudo-headers / names containing ':', user-agent, and the forbidden request headers
 * (latest: FetchHeaderCommenting.ts rules incl. all sec-* and proxy-*; older: the fixed list, which kept
 * sec-*). X-Twilio-Token is kept (as "x-twilio-token").
 * "Copy as fetch (Node.js)": no mode, no credentials; if there is a Cookie header or a Referer, the
 * headers object becomes {...headers, cookie: <raw>, Referer: <referrer>} and `referrer` is dropped.
 */
export function generateFetch(req: RequestDesc, style: 'browser' | 'node', opts?: GenOptions): string {
  const r = rev(opts);
  let url = req.url;
  if (r >= DEVTOOLS_REV.CURL_URL_FLAG) {
    const valid = validClipboardUrl(req.url);
    if (!valid) return '// Unsupported URL scheme';
    url = valid;
  }
  const headers = headersObject(req.headers.filter(([n, v]) => !fetchHeaderFiltered(n, v, r)));
  const credentials =
    includedCookies(req).length || req.headers.some(([n]) => ['cookie', 'authorization'].includes(n.toLowerCase())) ? 'include' : 'omit';
  const referrerHeader = req.headers.find(([n]) => n.toLowerCase() === 'referer');
  const referrer = referrerHeader ? referrerHeader[1] : undefined;
  const oldRefPolicy = r < DEVTOOLS_REV.FETCH_NO_REFERRER_POLICY;
  const referrerPolicy = oldRefPolicy ? req.referrerPolicy || undefined : undefined;
  const fetchOptions: Record<string, unknown> = oldRefPolicy
    ? {
        headers: Object.keys(headers).length ? headers : undefined,
        referrer,
        referrerPolicy,
        body: hasBody(req) ? req.body : null,
        method: req.method,
        mode: 'cors',
      }
    : {
        headers: Object.keys(headers).length ? headers : undefined,
        referrer,
        body: hasBody(req) ? req.body : null,
        method: req.method,
        mode: 'cors',
      };
  if (style === 'node') {
    const cookieHeader = req.headers.find(([n]) => n.toLowerCase() === 'cookie');
    const extraHeaders: Record<string, string> = {};
    delete fetchOptions.mode;
    if (cookieHeader) extraHeaders['cookie'] = cookieHeader[1];
    if (referrer) {
      delete fetchOptions.referrer;
      extraHeaders['Referer'] = referrer;
    }
    if (oldRefPolicy && referrer) {
      delete fetchOptions.referrerPolicy;
      extraHeaders['Referrer-Policy'] = referrerPolicy as string;
    }
    if (Object.keys(extraHeaders).length) fetchOptions.headers = { ...headers, ...extraHeaders };
  } else {
    fetchOptions.credentials = credentials;
  }
  return `fetch(${JSON.stringify(url)}, ${JSON.stringify(fetchOptions, null, 2)});`;
}

export const fetchBrowser = (req: RequestDesc, opts?: GenOptions): string => generateFetch(req, 'browser', opts);
export const fetchNode = (req: RequestDesc, opts?: GenOptions): string => generateFetch(req, 'node', opts);

/** "Copy all as fetch": NetworkLogView.ts:2582-2587 — joined by ' ;\n'. */
export function copyAllAsFetch(reqs: RequestDesc[], style: 'browser' | 'node', opts?: GenOptions): string {
  return reqs.map((r) => generateFetch(r, style, opts)).join(' ;\n');
}

// ---------------------------------------------------------------------------------------------------------
// Headers pane
// ---------------------------------------------------------------------------------------------------------

/**
 * Raw request headers = NetworkRequest.requestHeadersText(). Chrome no longer receives request header
 * text from the backend, so for HTTP/1.x it is synthesized (core/sdk/NetworkRequest.ts:1749-1761):
 *   `${method} ${path}[?${query}] HTTP/1.1\r\n` + `${name}: ${value}\r\n` for each header (DevTools order).
 * This is what "Copy > Copy request headers" (NetworkLogView.ts:948-950) copies, and what the "Raw"
 * toggle of the Request Headers section shows — but the Raw view (panels/network/ShowMoreDetailsWidget.ts:30,
 * MAX_LENGTH = 3000) only renders the first 3000 UTF-16 units until "Show more" is clicked, so a user
 * selecting + copying a long raw block can get a token cut mid-way: use truncateForRawView().
 * For HTTP/2 and HTTP/3 there is no response header text, so requestHeadersText() is '' → neither the Raw
 * checkbox nor "Copy request headers" is offered (RequestHeadersView.ts:236-246, NetworkLogView.ts:1797).
 * Note the request line always says HTTP/1.1 and the query string is the raw one from the URL.
 */
export function rawRequestHeadersText(req: RequestDesc): string {
  const u = new URL(req.url);
  let text = `${req.method} ${u.pathname}`;
  if (u.search.length > 1) text += u.search; // ParsedURL.path / queryParams
  text += ' HTTP/1.1\r\n';
  for (const [name, value] of req.headers) text += `${name}: ${value}\r\n`;
  return text;
}

/** What the Raw view renders before "Show more" (ShowMoreDetailsWidget.ts:46, substr(0, 3000)). */
export function truncateForRawView(text: string): string {
  return text.length > 3000 ? text.substr(0, 3000) : text;
}

/** Header-row context menu "Copy value" (components/HeaderSectionRow.ts:492-503): the bare value. */
export function copyHeaderValue(value: string): string {
  return value;
}

/**
 * Selecting the Request Headers section of the default (parsed) Headers view with the mouse and pressing
 * Ctrl/Cmd+C. The section (components/RequestHeaderSection.ts:118-127) lowercases every name and sorts the
 * rows by name; each row is a flex container with a `.header-name` div and a `.header-value` div
 * (components/HeaderSectionRow.ts:179-213). The name is DISPLAYED capitalized (`text-transform:
 * capitalize`, HeaderSectionRow.css:24-33) but the clipboard gets the lowercase DOM text.
 * MEASURED in Chromium 156 (harness/headers-pane.mjs: real mouse drag from the first row's name to the end
 * of the x-twilio-token value, Ctrl+C, navigator.clipboard.readText()):
 *   "accept\n*\/*\naccept-encoding\ngzip, deflate, br, zstd\n…\nx-twilio-token\neyJ…"
 * i.e. name and value on separate lines, '\n' between everything, no trailing newline when the drag
 * ends at the end of the last value. (getSelection().toString() differs — it stops at the first shadow
 * root and shows "Accept" capitalized — so do not use it as a model.)
 * Unverified: on Windows Blink's clipboard writer converts '\n' to '\r\n' for selection copies
 * (clipboard_utilities_win.cc ReplaceNewlinesWithWindowsStyleNewlines) — pass eol: '\r\n' for that case.
 * style 'legacy-tree': DevTools before the Lit rewrite (≤ ~M104, read in 1.0.1029149
 * panels/network/RequestHeadersView.ts:300-330 + requestHeadersTree.css:88-126) rendered
 * `<div class=header-name>name: </div><div class=header-value>value</div>` inline, in DevTools order with
 * original case, so a copy gives "name: value" lines.
 */
export function headersPaneSelectionText(
  req: RequestDesc,
  opts: { style?: 'chrome156' | 'legacy-tree'; eol?: '\n' | '\r\n' } = {},
): string {
  const eol = opts.eol ?? '\n';
  if (opts.style === 'legacy-tree') return req.headers.map(([n, v]) => `${n}: ${v}`).join(eol);
  const rows = req.headers.map(([n, v]) => [n.toLowerCase(), v] as HeaderPair).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return rows.map(([n, v]) => `${n}${eol}${v}`).join(eol);
}

/**
 * Selecting the Raw request-headers block (HTTP/1.x only) and copying: MEASURED in Chromium 156 — the
 * clipboard gets rawRequestHeadersText() with its '\r\n' line ends intact, minus the final '\r\n'
 * (the drag ends at the end of the last line). Before "Show more" only 3000 chars are rendered.
 */
export function rawHeadersSelectionText(req: RequestDesc, opts: { showMore?: boolean } = {}): string {
  let t = rawRequestHeadersText(req);
  if (!opts.showMore) t = truncateForRawView(t);
  return t.replace(/\r\n$/, '');
}

/** What is DISPLAYED (not copied) for a header name: CSS `text-transform: capitalize`; pseudo-headers
 *  (`:authority` …) are exempt (.pseudo-header { text-transform: none }). */
export function capitalizeLikeCss(name: string): string {
  if (name.startsWith(':')) return name;
  return name.replace(/(^|[^A-Za-z0-9])([a-z])/g, (_m, p: string, c: string) => p + c.toUpperCase());
}

// ---------------------------------------------------------------------------------------------------------
// HAR — models/har/Log.ts (entry building), models/har/Writer.ts (content + serialisation)
// ---------------------------------------------------------------------------------------------------------

export interface HarCookie {
  name: string;
  value: string;
  path?: string;
  domain?: string;
  expires: string | null;
  httpOnly: boolean;
  secure: boolean;
  sameSite?: string;
  partitionKey?: unknown;
}
export interface HarTimings {
  blocked: number;
  dns: number;
  ssl: number;
  connect: number;
  send: number;
  wait: number;
  receive: number;
  _blocked_queueing: number;
  _blocked_proxy?: number;
  _workerStart?: number;
  _workerReady?: number;
  _workerFetchStart?: number;
  _workerRespondWithSettled?: number;
  _workerRouterEvaluationStart?: number;
  _workerCacheLookupStart?: number;
}
export interface WebSocketMessage {
  type: 'send' | 'receive';
  time: number;
  opcode: number;
  data: string;
}

export interface HarEntryInput {
  request: RequestDesc & {
    httpVersion: string;
    /** request.headersSize — length of requestHeadersText, or -1 (HTTP/2+, no text). Default: computed. */
    headersSize?: number;
    /** request.cookies of the HAR (parsed included cookies). Default []. */
    harCookies?: HarCookie[];
    queryString?: Array<{ name: string; value: string }>;
    postDataMimeType?: string;
    postDataParams?: Array<{ name: string; value: string }>;
  };
  response: {
    status: number;
    statusText: string;
    httpVersion: string;
    headers: HeaderPair[];
    cookies?: HarCookie[];
    mimeType?: string;
    /** Decoded body size (NetworkRequest.resourceSize). Default: byte length of the body. */
    size?: number;
    compression?: number;
    /** Response body as text (with content) … */
    text?: string;
    /** … or as base64 (images, binary): emitted with "encoding": "base64". */
    base64?: string;
    redirectURL?: string;
    headersSize?: number;
    bodySize?: number;
    _transferSize?: number;
    _error?: string | null;
    _fetchedViaServiceWorker?: boolean;
  };
  startedDateTime: string;
  time?: number;
  timings: HarTimings;
  _initiator?: Record<string, unknown> | null;
  _priority?: string | null;
  _resourceType: string;
  serverIPAddress?: string;
  /** Remote port (≥1.0.1386602 the entry `connection` field) — e.g. "443". */
  connection?: string;
  /** Network connection id (≥1.0.1386602 `_connectionId`, before that it was `connection`). */
  connectionId?: string;
  pageref?: string;
  fromCache?: 'memory' | 'disk';
  webSocketMessages?: WebSocketMessage[];
}

export interface HarPage {
  startedDateTime: string;
  id: string;
  title: string;
  pageTimings: { onContentLoad: number; onLoad: number };
}

export interface HarOptions extends GenOptions {
  /** Export/copy "(sanitized)" — the default of every HAR action since ~M130 (Log.ts:138-148). */
  sanitize?: boolean;
  /** true = "Export HAR…" / old "Save all as HAR with content" (Writer.ts), false = "Copy all as HAR". */
  withContent?: boolean;
  /** creator.version = AppleWebKit/<x> from the DevTools UA (Log.ts:35-40) — "537.36" for every Chrome. */
  creatorVersion?: string;
}

function utf8Length(s: string): number {
  let n = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 0x80) n += 1;
    else if (c < 0x800) n += 2;
    else if (c >= 0xd800 && c <= 0xdbff && i + 1 < s.length) {
      n += 4;
      i++;
    } else n += 3;
  }
  return n;
}

/** Writer.ts:87-101: content needing base64 (non-characters / lone surrogates). */
function needsEncoding(content: string): boolean {
  for (let i = 0; i < content.length; i++) {
    const cp = content.charCodeAt(i);
    const valid = cp < 0xd800 || (cp >= 0xe000 && cp < 0xfdd0) || (cp > 0xfdef && cp <= 0x10ffff && (cp & 0xfffe) !== 0xfffe);
    if (!valid) return true;
  }
  return false;
}

function buildEntry(e: HarEntryInput, o: HarOptions): Record<string, unknown> {
  const r = rev(o);
  const req = e.request;
  const headersText =
    req.headersSize !== undefined ? null : req.httpVersion.toUpperCase().startsWith('HTTP/1') ? rawRequestHeadersText(req) : '';
  const request: Record<string, unknown> = {
    method: req.method,
    url: req.url.split('#')[0],
    httpVersion: req.httpVersion,
    headers: req.headers.map(([name, value]) => ({ name, value })),
    queryString: req.queryString ?? [...new URL(req.url).searchParams].map(([name, value]) => ({ name, value })),
    cookies: req.harCookies ?? [],
    headersSize: req.headersSize ?? (headersText ? headersText.length : -1),
    bodySize: hasBody(req) ? utf8Length(req.body) : 0,
  };
  if (hasBody(req)) {
    const postData: Record<string, unknown> = {
      mimeType: req.postDataMimeType ?? req.headers.find(([n]) => n.toLowerCase() === 'content-type')?.[1] ?? '',
      text: req.body,
    };
    if (req.postDataParams) postData.params = req.postDataParams;
    request.postData = postData;
  }
  const res = e.response;
  const content: Record<string, unknown> = {
    size:
      res.size ??
      (res.text !== undefined
        ? utf8Length(res.text)
        : res.base64 !== undefined
          ? Math.floor((res.base64.length * 3) / 4) - (res.base64.endsWith('==') ? 2 : res.base64.endsWith('=') ? 1 : 0)
          : 0),
    mimeType: res.mimeType || 'x-unknown',
  };
  if (typeof res.compression === 'number') content.compression = res.compression;
  if (o.withContent) {
    if (res.base64 !== undefined) {
      content.text = res.base64;
      content.encoding = 'base64';
    } else if (res.text !== undefined) {
      if (res.text && needsEncoding(res.text)) {
        content.text = Buffer_from_utf16_base64(res.text);
        content.encoding = 'base64';
      } else {
        content.text = res.text;
      }
    }
  }
  const response: Record<string, unknown> = {
    status: res.status,
    statusText: res.statusText,
    httpVersion: res.httpVersion,
    headers: res.headers.map(([name, value]) => ({ name, value })),
    cookies: res.cookies ?? [],
    content,
    redirectURL: res.redirectURL ?? res.headers.find(([n]) => n === 'Location' || n === 'location')?.[1] ?? '',
    headersSize: res.headersSize ?? -1,
    bodySize: res.bodySize ?? -1,
    _transferSize: res._transferSize ?? 0,
    _error: res._error ?? null,
  };
  if (r >= DEVTOOLS_REV.HAR_SANITIZE) response._fetchedViaServiceWorker = res._fetchedViaServiceWorker ?? false;

  const t = e.timings;
  const time = e.time ?? [t.blocked, t.dns, t.connect, t.send, t.wait, t.receive].reduce((a, x) => a + Math.max(x, 0), 0);
  const common = {
    _initiator: e._initiator ?? null,
    _priority: e._priority ?? null,
    _resourceType: e._resourceType,
    cache: {},
  };
  const tail = {
    request,
    response,
    serverIPAddress: (e.serverIPAddress ?? '').replace(/\[\]/g, ''),
    startedDateTime: e.startedDateTime,
    time,
    timings: t,
  };
  const wsMsgs = e._resourceType === 'websocket' ? (e.webSocketMessages ?? []) : undefined;
  const connId = e.connectionId && e.connectionId !== '0' ? e.connectionId : undefined;
  let entry: Record<string, unknown>;
  if (r < DEVTOOLS_REV.HAR_SANITIZE) {
    // 1.0.1153166 models/har/Log.ts:144-189 — undefined placeholders fix the key order (JSON.stringify
    // drops the ones that stay undefined); `connection` is the network connection id, not the port.
    entry = {
      _fromCache: e.fromCache,
      _initiator: common._initiator,
      _priority: common._priority,
      _resourceType: common._resourceType,
      _webSocketMessages: wsMsgs,
      cache: {},
      connection: connId,
      pageref: e.pageref,
      ...tail,
    };
  } else if (r < DEVTOOLS_REV.HAR_NO_PLACEHOLDERS) {
    // 1.0.1569477 models/har/Log.ts:122-139 — same trick, `connection` = port, `_connectionId` first.
    entry = {
      _connectionId: connId,
      _fromCache: e.fromCache,
      _initiator: common._initiator,
      _priority: common._priority,
      _resourceType: common._resourceType,
      _webSocketMessages: wsMsgs,
      cache: {},
      connection: e.connection,
      pageref: e.pageref,
      ...tail,
    };
  } else {
    // latest models/har/Log.ts:121-177: literal keys, then _fromCache/_connectionId/pageref/_webSocketMessages
    // are assigned afterwards, i.e. appended at the end of the object.
    entry = { ...common, connection: e.connection, ...tail };
    if (e.fromCache) entry._fromCache = e.fromCache;
    if (connId) entry._connectionId = connId;
    if (e.pageref) entry.pageref = e.pageref;
    if (wsMsgs) entry._webSocketMessages = wsMsgs;
  }
  if (o.sanitize && r >= DEVTOOLS_REV.HAR_SANITIZE) {
    // Log.ts:138-148 (the `if (options.sanitize)` block at 140): ONLY these are removed. X-Twilio-Token, websocket frames, post bodies, URLs stay.
    response.cookies = [];
    response.headers = (response.headers as Array<{ name: string }>).filter(
      ({ name }) => !['set-cookie'].includes(name.toLocaleLowerCase()),
    );
    request.cookies = [];
    request.headers = (request.headers as Array<{ name: string }>).filter(
      ({ name }) => !['authorization', 'cookie'].includes(name.toLocaleLowerCase()),
    );
  }
  return entry;
}

// Avoid a Node dependency: UTF-16 → UTF-8 → base64 (used only for the rare needsEncoding() case; Chrome's
// Platform.StringUtilities.toBase64 encodes the UTF-8 bytes of the string).
function Buffer_from_utf16_base64(s: string): string {
  const bytes: number[] = [];
  for (const ch of s) {
    let cp = ch.codePointAt(0)!;
    if (cp >= 0xd800 && cp <= 0xdfff) cp = 0xfffd;
    if (cp < 0x80) bytes.push(cp);
    else if (cp < 0x800) bytes.push(0xc0 | (cp >> 6), 0x80 | (cp & 63));
    else if (cp < 0x10000) bytes.push(0xe0 | (cp >> 12), 0x80 | ((cp >> 6) & 63), 0x80 | (cp & 63));
    else bytes.push(0xf0 | (cp >> 18), 0x80 | ((cp >> 12) & 63), 0x80 | ((cp >> 6) & 63), 0x80 | (cp & 63));
  }
  const A = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
  let out = '';
  for (let i = 0; i < bytes.length; i += 3) {
    const [a = 0, b = 0, c = 0] = [bytes[i], bytes[i + 1], bytes[i + 2]];
    out +=
      A[a >> 2]! +
      A[((a & 3) << 4) | (b >> 4)]! +
      (i + 1 < bytes.length ? A[((b & 15) << 2) | (c >> 6)] : '=') +
      (i + 2 < bytes.length ? A[c & 63] : '=');
  }
  return out;
}

/**
 * HAR 1.2 JSON exactly as DevTools serialises it: `JSON.stringify({log}, null, 2)` (Writer.ts:90 and
 * jsonIndent = 2 at Writer.ts:141; NetworkLogView.ts:2037-2040 for "Copy all as HAR"), no trailing newline,
 * entries sorted by issue time (Writer.ts:75-76), log keys version/creator/pages/entries (Log.ts:25-33).
 */
export function buildHar(input: { pages: HarPage[]; entries: HarEntryInput[] }, opts: HarOptions = {}): string {
  const entries = input.entries
    .slice()
    .sort((a, b) => Date.parse(a.startedDateTime) - Date.parse(b.startedDateTime))
    .map((e) => buildEntry(e, opts));
  const log = {
    version: '1.2',
    creator: { name: 'WebInspector', version: opts.creatorVersion ?? '537.36' },
    pages: input.pages,
    entries,
  };
  return JSON.stringify({ log }, null, 2);
}

// ---------------------------------------------------------------------------------------------------------
// Realistic Chrome request headers
// ---------------------------------------------------------------------------------------------------------

export interface ChromeClientProfile {
  userAgent: string;
  secChUa: string;
  platform: string; // sec-ch-ua-platform value incl. quotes, e.g. '"Windows"'
  acceptLanguage: string;
}

/** A Chrome 156 on Windows 10/11 profile (UA reduction: minor version is always 0.0.0). */
export const CHROME_WIN: ChromeClientProfile = {
  userAgent: 'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/156.0.0.0 Safari/537.36',
  secChUa: '"Google Chrome";v="156", "Not:A-Brand";v="8", "Chromium";v="156"',
  platform: '"Windows"',
  acceptLanguage: 'en-US,en;q=0.9',
};
export const CHROME_MAC: ChromeClientProfile = {
  userAgent: 'Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/156.0.0.0 Safari/537.36',
  secChUa: '"Google Chrome";v="156", "Not:A-Brand";v="8", "Chromium";v="156"',
  platform: '"macOS"',
  acceptLanguage: 'en-US,en;q=0.9',
};

/**
 * Builds the request-header list DevTools shows for a fetch() made by page JS, in DevTools order.
 * h2/h3 (what eventgw.twilio.com and most HTTPS APIs negotiate): lowercase names, pseudo-headers first,
 * `priority` header. HTTP/1.1 (e.g. a localhost backend): Chrome-added headers keep canonical case
 * (Accept, Connection, Host, Origin, Referer, Sec-Fetch-*, User-Agent) while headers set by page JS via
 * fetch()/Headers are lowercase (content-type, x-twilio-token) — observed in Chromium 156.
 */
export function chromeFetchHeaders(args: {
  url: string;
  method: string;
  httpVersion: 'h2' | 'h3' | 'HTTP/1.1';
  pageOrigin: string;
  referer?: string;
  body?: string | null;
  jsHeaders?: HeaderPair[];
  profile?: ChromeClientProfile;
  cookie?: string;
  secFetchSite?: 'same-origin' | 'same-site' | 'cross-site';
  accept?: string;
}): HeaderPair[] {
  const p = args.profile ?? CHROME_WIN;
  const u = new URL(args.url);
  const crossOrigin = u.origin !== args.pageOrigin;
  const site = args.secFetchSite ?? (crossOrigin ? 'cross-site' : 'same-origin');
  const referer = args.referer ?? args.pageOrigin + '/';
  const js = (args.jsHeaders ?? []).map(([n, v]) => [n.toLowerCase(), v] as HeaderPair);
  const hasBody = typeof args.body === 'string' && args.body.length > 0;
  const sendsOrigin = crossOrigin || (args.method !== 'GET' && args.method !== 'HEAD');
  if (args.httpVersion === 'HTTP/1.1') {
    const h: HeaderPair[] = [
      ['Accept', args.accept ?? '*/*'],
      ['Accept-Encoding', 'gzip, deflate, br, zstd'],
      ['Accept-Language', p.acceptLanguage],
      ['Connection', 'keep-alive'],
      ...(hasBody ? [['Content-Length', String(utf8Length(args.body!))] as HeaderPair] : []),
      ...(args.cookie ? [['Cookie', args.cookie] as HeaderPair] : []),
      ['Host', u.host],
      ...(sendsOrigin ? [['Origin', args.pageOrigin] as HeaderPair] : []),
      ['Referer', referer],
      ['Sec-Fetch-Dest', 'empty'],
      ['Sec-Fetch-Mode', 'cors'],
      ['Sec-Fetch-Site', site],
      ['User-Agent', p.userAgent],
      ['sec-ch-ua', p.secChUa],
      ['sec-ch-ua-mobile', '?0'],
      ['sec-ch-ua-platform', p.platform],
      ...js,
    ];
    return chromeSortHeaders(h);
  }
  const h: HeaderPair[] = [
    [':authority', u.host],
    [':method', args.method],
    [':path', u.pathname + u.search],
    [':scheme', u.protocol.replace(':', '')],
    ['accept', args.accept ?? '*/*'],
    ['accept-encoding', 'gzip, deflate, br, zstd'],
    ['accept-language', p.acceptLanguage],
    ...(hasBody ? [['content-length', String(utf8Length(args.body!))] as HeaderPair] : []),
    ...(args.cookie ? [['cookie', args.cookie] as HeaderPair] : []),
    ...(sendsOrigin ? [['origin', args.pageOrigin] as HeaderPair] : []),
    ['priority', 'u=1, i'],
    ['referer', referer],
    ['sec-ch-ua', p.secChUa],
    ['sec-ch-ua-mobile', '?0'],
    ['sec-ch-ua-platform', p.platform],
    ['sec-fetch-dest', 'empty'],
    ['sec-fetch-mode', 'cors'],
    ['sec-fetch-site', site],
    ['user-agent', p.userAgent],
    ...js,
  ];
  return chromeSortHeaders(h);
}

// ---------------------------------------------------------------------------------------------------------
// Twilio Voice JS SDK 2.x traffic (twilio/twilio-voice.js @ 2.18.x)
// ---------------------------------------------------------------------------------------------------------

export interface VoiceOpts {
  /** Insights host: 'eventgw.twilio.com' (default) or `eventgw.<region>.twilio.com` — lib/twilio/regions.ts:131-149. */
  host?: string;
  pageOrigin?: string;
  referer?: string;
  httpVersion?: 'h2' | 'h3' | 'HTTP/1.1';
  profile?: ChromeClientProfile;
  sdkVersion?: string;
  group?: string;
  name?: string;
  level?: 'debug' | 'info' | 'warning' | 'error';
  callSid?: string;
  tempCallSid?: string;
  direction?: 'INCOMING' | 'OUTGOING';
  timestamp?: string;
  /** 'EndpointEvents' (default) or 'EndpointMetrics' (call quality samples, same headers). */
  endpoint?: 'EndpointEvents' | 'EndpointMetrics';
  extraPayload?: Record<string, unknown>;
  gateway?: string;
  region?: string;
}

/**
 * Body of an Insights POST: lib/twilio/eventpublisher.ts:108-122 (event object; key order as there),
 * default payload from lib/twilio/device.ts:876-901 (_createDefaultPayload), publisher = 'twilio-js-sdk'
 * (device.ts:57), publisher_metadata = {app_name, app_version} (device.ts:1543-1546; both undefined unless
 * Device options appName/appVersion are set, so JSON.stringify gives `{}`).
 */
export function voiceEndpointEventsBody(o: VoiceOpts = {}): string {
  const payload: Record<string, unknown> = {
    aggressive_nomination: false,
    browser_extension: false,
    dscp: true,
    ice_restart_enabled: true,
    platform: 'WebRTC',
    sdk_version: o.sdkVersion ?? '2.18.3',
  };
  if (o.callSid) payload.call_sid = o.callSid;
  payload.temp_call_sid = o.tempCallSid ?? 'TJSd4f8a0a1-2b3c-4d5e-8f60-718293a4b5c6';
  payload.direction = o.direction ?? 'OUTGOING';
  payload.gateway = o.gateway ?? 'us1.vg.twilio.com';
  payload.region = o.region ?? 'us1';
  Object.assign(payload, o.extraPayload ?? {});
  const event = {
    group: o.group ?? 'connection',
    level: (o.level ?? 'info').toUpperCase(),
    name: o.name ?? 'outgoing',
    payload,
    payload_type: 'application/json',
    private: false,
    publisher: 'twilio-js-sdk',
    timestamp: o.timestamp ?? new Date().toISOString(),
    publisher_metadata: {},
  };
  return JSON.stringify(event);
}

/**
 * The request the article tells users to click: `POST https://eventgw.twilio.com/v4/EndpointEvents`
 * (eventpublisher.ts:132-138) made with fetch() (lib/twilio/request.ts:3-14: `fetch(url, {body, headers,
 * method})`, headers appended in the order Content-Type, X-Twilio-Token). As a cross-origin JSON POST it
 * is preceded by a CORS preflight (OPTIONS, no token; `access-control-request-headers:
 * content-type,x-twilio-token`). DevTools shows the token header as `x-twilio-token` (lowercase) because
 * fetch()'s Headers lowercases names and h2 is lowercase anyway.
 */
export function voiceEndpointEventsRequest(token: string, opts: VoiceOpts = {}): RequestDesc {
  const host = opts.host ?? 'eventgw.twilio.com';
  const url = `https://${host}/v4/${opts.endpoint ?? 'EndpointEvents'}`;
  const pageOrigin = opts.pageOrigin ?? 'https://voice-app.example.com';
  const body = voiceEndpointEventsBody(opts);
  const httpVersion = opts.httpVersion ?? 'h2';
  return {
    url,
    method: 'POST',
    headers: chromeFetchHeaders({
      url,
      method: 'POST',
      httpVersion,
      pageOrigin,
      referer: opts.referer,
      body,
      profile: opts.profile,
      jsHeaders: [
        ['Content-Type', 'application/json'],
        ['X-Twilio-Token', token],
      ],
    }),
    body,
    securityState: 'secure',
    httpVersion,
  };
}

/** CORS preflight DevTools lists right before each EndpointEvents POST (resource type "preflight"). */
export function voiceEndpointEventsPreflight(opts: VoiceOpts = {}): RequestDesc {
  const host = opts.host ?? 'eventgw.twilio.com';
  const url = `https://${host}/v4/${opts.endpoint ?? 'EndpointEvents'}`;
  const p = opts.profile ?? CHROME_WIN;
  const pageOrigin = opts.pageOrigin ?? 'https://voice-app.example.com';
  return {
    url,
    method: 'OPTIONS',
    securityState: 'secure',
    httpVersion: opts.httpVersion ?? 'h2',
    headers: chromeSortHeaders([
      [':authority', host],
      [':method', 'OPTIONS'],
      [':path', new URL(url).pathname],
      [':scheme', 'https'],
      ['accept', '*/*'],
      ['accept-encoding', 'gzip, deflate, br, zstd'],
      ['accept-language', p.acceptLanguage],
      ['access-control-request-headers', 'content-type,x-twilio-token'],
      ['access-control-request-method', 'POST'],
      ['origin', pageOrigin],
      ['priority', 'u=1, i'],
      ['referer', opts.referer ?? pageOrigin + '/'],
      ['sec-fetch-dest', 'empty'],
      ['sec-fetch-mode', 'cors'],
      ['sec-fetch-site', 'cross-site'],
      ['user-agent', p.userAgent],
    ]),
  };
}

/**
 * Signalling websocket message carrying the token: lib/twilio/pstream.ts:177-196 (setToken → 'listen'),
 * framed by _publish (pstream.ts:290-295) as {payload, type, version: '1.6'}; browserinfo from
 * getBrowserInfo (pstream.ts:311-323). Sent on every token update (Device.updateToken) and on (re)connect.
 * URL: wss://voice-js.<edge>.twilio.com/signal (regions.ts:137-157; default edge 'roaming').
 */
export function voiceListenMessage(
  token: string,
  o: { platform?: string; userAgent?: string; sdkVersion?: string; reconnectTimeout?: number } = {},
): string {
  return JSON.stringify({
    payload: {
      browserinfo: {
        browser: { platform: o.platform ?? 'Win32', userAgent: o.userAgent ?? CHROME_WIN.userAgent },
        p: 'browser',
        plugin: 'rtc',
        v: o.sdkVersion ?? '2.18.3',
      },
      reconnectTimeout: o.reconnectTimeout ?? 0,
      token,
    },
    type: 'listen',
    version: '1.6',
  });
}

/** 'invite' (outgoing call, pstream.ts:220-227) — carries SDP + params, NOT the token. */
export function voiceInviteMessage(callsid: string, sdp: string, params?: string): string {
  return JSON.stringify({ payload: { callsid, sdp, twilio: params ? { params } : {} }, type: 'invite', version: '1.6' });
}

// ---------------------------------------------------------------------------------------------------------
// A realistic multi-token HAR of a Voice SDK session
// ---------------------------------------------------------------------------------------------------------

export interface VoiceSessionHarOptions extends HarOptions {
  pageOrigin?: string;
  profile?: ChromeClientProfile;
  /** EndpointEvents POSTs per token (default 3). */
  eventsPerToken?: number;
  /** Include the wss://voice-js.roaming.twilio.com/signal entry with `listen` frames (default true). */
  websocket?: boolean;
  /** Size in bytes of an extra binary image response (base64 in the HAR) to make a multi-MB file. */
  bigImageBytes?: number;
  /** Include OPTIONS preflight entries (default true). */
  preflights?: boolean;
  /** Token endpoint path on the app origin (default /token). */
  tokenPath?: string;
}

function timingsFor(seed: number): HarTimings {
  const f = (x: number) => Math.round(x * 1000) / 1000 + 0.000000000001 * (seed % 7); // Chrome-like float noise
  return {
    blocked: f(1.2 + (seed % 5)),
    dns: -1,
    ssl: -1,
    connect: -1,
    send: f(0.06),
    wait: f(40 + (seed % 30)),
    receive: f(0.9 + (seed % 3)),
    _blocked_queueing: f(0.8 + (seed % 4)),
    _workerStart: -1,
    _workerReady: -1,
    _workerFetchStart: -1,
    _workerRespondWithSettled: -1,
  };
}

function deterministicBytesBase64(n: number): string {
  // deterministic pseudo-random bytes (PNG header first) so the HAR is reproducible
  const A = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
  const head = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];
  let x = 0x12345678;
  const byteAt = (i: number): number => {
    if (i < head.length) return head[i]!;
    x ^= x << 13;
    x >>>= 0;
    x ^= x >>> 17;
    x ^= x << 5;
    x >>>= 0;
    return x & 0xff;
  };
  const parts: string[] = [];
  let chunk = '';
  for (let i = 0; i < n; i += 3) {
    const a = byteAt(i),
      b = i + 1 < n ? byteAt(i + 1) : 0,
      c = i + 2 < n ? byteAt(i + 2) : 0;
    chunk +=
      A[a >> 2]! + A[((a & 3) << 4) | (b >> 4)]! + (i + 1 < n ? A[((b & 15) << 2) | (c >> 6)]! : '=') + (i + 2 < n ? A[c & 63]! : '=');
    if (chunk.length > 65536) {
      parts.push(chunk);
      chunk = '';
    }
  }
  parts.push(chunk);
  return parts.join('');
}

/**
 * Builds an "Export HAR (with sensitive data)" / "Save all as HAR with content"-style file of a page
 * using the Voice SDK across several token refreshes: page HTML, app JS, the SDK bundle, a logo (and an
 * optional big binary), then per token: GET <tokenPath> → {"identity":…,"token":…} and N EndpointEvents
 * POSTs (+ preflights) carrying that then-current token in x-twilio-token; plus the signalling websocket
 * with a `listen` frame per token. Set sanitize:true to get the default "(sanitized)" export — the tokens
 * are all still there, only Cookie/Set-Cookie/Authorization are gone.
 */
export function harOfVoiceSession(tokens: Array<{ token: string; mintedAt: number | Date }>, opts: VoiceSessionHarOptions = {}): string {
  const pageOrigin = opts.pageOrigin ?? 'https://voice-app.example.com';
  const p = opts.profile ?? CHROME_WIN;
  const tokenPath = opts.tokenPath ?? '/token';
  const withContent = opts.withContent ?? true;
  const perToken = opts.eventsPerToken ?? 3;
  const ms = (t: number | Date) => (t instanceof Date ? t.getTime() : t < 1e12 ? t * 1000 : t);
  const t0 = tokens[0] !== undefined ? ms(tokens[0].mintedAt) - 1500 : Date.UTC(2026, 0, 1);
  const iso = (t: number) => new Date(t).toISOString();
  const entries: HarEntryInput[] = [];
  let seed = 1;
  let connId = 41230;
  const pageref = 'page_1';
  const navHeaders = (url: string, dest: string, accept: string, extra: HeaderPair[] = []): HeaderPair[] => {
    const u = new URL(url);
    return chromeSortHeaders([
      [':authority', u.host],
      [':method', 'GET'],
      [':path', u.pathname + u.search],
      [':scheme', 'https'],
      ['accept', accept],
      ['accept-encoding', 'gzip, deflate, br, zstd'],
      ['accept-language', p.acceptLanguage],
      ['cookie', 'session=s%3A9f8e7d6c5b4a; _ga=GA1.1.1234567890.1700000000'],
      ['sec-ch-ua', p.secChUa],
      ['sec-ch-ua-mobile', '?0'],
      ['sec-ch-ua-platform', p.platform],
      ['sec-fetch-dest', dest],
      ['sec-fetch-mode', dest === 'document' ? 'navigate' : 'no-cors'],
      ['sec-fetch-site', dest === 'document' ? 'none' : 'same-origin'],
      ['user-agent', p.userAgent],
      ...extra,
    ]);
  };
  const resHeaders = (ct: string, len: number, extra: HeaderPair[] = []): HeaderPair[] =>
    chromeSortHeaders([
      ['content-type', ct],
      ['content-length', String(len)],
      ['date', new Date(t0).toUTCString()],
      ['server', 'nginx'],
      ...extra,
    ]);
  const add = (e: Omit<HarEntryInput, 'timings'> & { timings?: HarTimings }) => {
    entries.push({
      serverIPAddress: '203.0.113.10',
      connection: '443',
      connectionId: String(connId),
      pageref,
      timings: timingsFor(seed++),
      ...e,
    });
  };
  const html =
    `<!DOCTYPE html>\n<html><head><meta charset="utf-8"><title>Support Console</title>` +
    `<script src="/static/twilio.min.js"></script><script src="/static/app.js"></script></head>` +
    `<body><img src="/static/logo.png" alt="logo"><div id="phone"></div></body></html>\n`;
  add({
    startedDateTime: iso(t0),
    _resourceType: 'document',
    _priority: 'VeryHigh',
    _initiator: { type: 'other' },
    request: {
      url: pageOrigin + '/',
      method: 'GET',
      httpVersion: 'http/2.0',
      headers: navHeaders(
        pageOrigin + '/',
        'document',
        'text/html,application/xhtml+xml,application/xml;q=0.9,image/avif,image/webp,image/apng,*/*;q=0.8,application/signed-exchange;v=b3;q=0.7',
        [['upgrade-insecure-requests', '1']],
      ),
      harCookies: [
        {
          name: 'session',
          value: 's%3A9f8e7d6c5b4a',
          path: '/',
          domain: new URL(pageOrigin).hostname,
          expires: '2027-01-01T00:00:00.000Z',
          httpOnly: true,
          secure: true,
          sameSite: 'Lax',
        },
      ],
    },
    response: {
      status: 200,
      statusText: '',
      httpVersion: 'http/2.0',
      mimeType: 'text/html',
      text: html,
      headers: resHeaders('text/html; charset=utf-8', html.length, [
        ['set-cookie', 'session=s%3A9f8e7d6c5b4a; Path=/; HttpOnly; Secure; SameSite=Lax'],
      ]),
      headersSize: -1,
      bodySize: html.length,
      _transferSize: html.length + 180,
    },
  });
  const js =
    '/*! app */\n' +
    'window.setupDevice=async function(){const r=await fetch("' +
    tokenPath +
    '");const {token}=await r.json();' +
    'const d=new Twilio.Device(token,{logLevel:1});d.on("tokenWillExpire",async()=>{const r=await fetch("' +
    tokenPath +
    '");d.updateToken((await r.json()).token);});await d.register();};\n';
  const sdk = '/*! twilio-voice.js 2.18.3 */\n' + 'var Twilio=function(){"use strict";'.padEnd(4096, ' ') + '}();\n';
  for (const [path, body, ct] of [
    ['/static/twilio.min.js', sdk, 'application/javascript'],
    ['/static/app.js', js, 'application/javascript'],
  ] as const) {
    add({
      startedDateTime: iso(t0 + 40 + path.length),
      _resourceType: 'script',
      _priority: 'High',
      _initiator: { type: 'parser', url: pageOrigin + '/', lineNumber: 0 },
      request: {
        url: pageOrigin + path,
        method: 'GET',
        httpVersion: 'http/2.0',
        headers: navHeaders(pageOrigin + path, 'script', '*/*', [['referer', pageOrigin + '/']]),
      },
      response: {
        status: 200,
        statusText: '',
        httpVersion: 'http/2.0',
        mimeType: ct,
        text: body,
        headers: resHeaders(ct, body.length),
        headersSize: -1,
        bodySize: body.length,
        _transferSize: body.length + 150,
      },
    });
  }
  const logo = deterministicBytesBase64(2048);
  add({
    startedDateTime: iso(t0 + 90),
    _resourceType: 'image',
    _priority: 'Low',
    _initiator: { type: 'parser', url: pageOrigin + '/', lineNumber: 0 },
    request: {
      url: pageOrigin + '/static/logo.png',
      method: 'GET',
      httpVersion: 'http/2.0',
      headers: navHeaders(pageOrigin + '/static/logo.png', 'image', 'image/avif,image/webp,image/apng,image/svg+xml,image/*,*/*;q=0.8', [
        ['referer', pageOrigin + '/'],
      ]),
    },
    response: {
      status: 200,
      statusText: '',
      httpVersion: 'http/2.0',
      mimeType: 'image/png',
      base64: logo,
      headers: resHeaders('image/png', 2048),
      headersSize: -1,
      bodySize: 2048,
      _transferSize: 2048 + 120,
    },
  });
  if (opts.bigImageBytes) {
    const big = deterministicBytesBase64(opts.bigImageBytes);
    add({
      startedDateTime: iso(t0 + 95),
      _resourceType: 'image',
      _priority: 'Low',
      _initiator: { type: 'parser', url: pageOrigin + '/', lineNumber: 0 },
      request: {
        url: pageOrigin + '/static/hero.png',
        method: 'GET',
        httpVersion: 'http/2.0',
        headers: navHeaders(pageOrigin + '/static/hero.png', 'image', 'image/avif,image/webp,image/apng,image/svg+xml,image/*,*/*;q=0.8', [
          ['referer', pageOrigin + '/'],
        ]),
      },
      response: {
        status: 200,
        statusText: '',
        httpVersion: 'http/2.0',
        mimeType: 'image/png',
        base64: big,
        headers: resHeaders('image/png', opts.bigImageBytes),
        headersSize: -1,
        bodySize: opts.bigImageBytes,
        _transferSize: opts.bigImageBytes + 120,
      },
    });
  }
  const wsMessages: WebSocketMessage[] = [];
  tokens.forEach(({ token, mintedAt }, i) => {
    const tm = ms(mintedAt);
    connId++;
    const tokenUrl = pageOrigin + tokenPath;
    const tokenJson = JSON.stringify({ identity: 'alice', token });
    add({
      startedDateTime: iso(tm - 30),
      _resourceType: 'fetch',
      _priority: 'High',
      _initiator: {
        type: 'script',
        stack: {
          callFrames: [
            { functionName: 'setupDevice', scriptId: '17', url: pageOrigin + '/static/app.js', lineNumber: 1, columnNumber: 40 },
          ],
        },
      },
      request: {
        url: tokenUrl,
        method: 'GET',
        httpVersion: 'http/2.0',
        headers: chromeFetchHeaders({
          url: tokenUrl,
          method: 'GET',
          httpVersion: 'h2',
          pageOrigin,
          profile: p,
          cookie: 'session=s%3A9f8e7d6c5b4a; _ga=GA1.1.1234567890.1700000000',
        }),
      },
      response: {
        status: 200,
        statusText: '',
        httpVersion: 'http/2.0',
        mimeType: 'application/json',
        text: tokenJson,
        headers: resHeaders('application/json; charset=utf-8', tokenJson.length, [['cache-control', 'no-store']]),
        headersSize: -1,
        bodySize: tokenJson.length,
        _transferSize: tokenJson.length + 160,
      },
    });
    wsMessages.push({ type: 'send', time: (tm + 200) / 1000, opcode: 1, data: voiceListenMessage(token, { userAgent: p.userAgent }) });
    wsMessages.push({
      type: 'receive',
      time: (tm + 320) / 1000,
      opcode: 1,
      data: JSON.stringify({ payload: { region: 'us1', gateway: 'us1.vg.twilio.com' }, type: 'connected', version: '1.6' }),
    });
    for (let k = 0; k < perToken; k++) {
      const at = tm + 1000 + k * 2500;
      const vo: VoiceOpts = {
        pageOrigin,
        profile: p,
        timestamp: iso(at),
        name: ['outgoing', 'outgoing-ringing', 'accepted-by-remote', 'disconnected-by-local'][k % 4],
        callSid: k ? 'CA' + (i * 16 + k).toString(16).padStart(32, '0') : undefined,
      };
      const ev = voiceEndpointEventsRequest(token, vo);
      if (opts.preflights !== false) {
        const pf = voiceEndpointEventsPreflight(vo);
        add({
          startedDateTime: iso(at),
          _resourceType: 'preflight',
          _priority: 'High',
          _initiator: { type: 'preflight', url: ev.url, requestId: `${9000 + seed}.${seed}` },
          serverIPAddress: '198.51.100.20',
          request: { ...pf, httpVersion: 'http/2.0' },
          response: {
            status: 200,
            statusText: '',
            httpVersion: 'http/2.0',
            mimeType: 'x-unknown',
            headers: chromeSortHeaders([
              ['access-control-allow-headers', 'content-type,x-twilio-token'],
              ['access-control-allow-methods', 'POST, OPTIONS'],
              ['access-control-allow-origin', '*'],
              ['access-control-max-age', '600'],
              ['content-length', '0'],
              ['date', new Date(at).toUTCString()],
            ]),
            headersSize: -1,
            bodySize: 0,
            _transferSize: 0,
          },
        });
      }
      add({
        startedDateTime: iso(at + 2),
        _resourceType: 'fetch',
        _priority: 'High',
        _initiator: {
          type: 'script',
          stack: {
            callFrames: [
              { functionName: 'request', scriptId: '16', url: pageOrigin + '/static/twilio.min.js', lineNumber: 0, columnNumber: 1811 },
            ],
          },
        },
        serverIPAddress: '198.51.100.20',
        request: { ...ev, httpVersion: 'http/2.0' },
        response: {
          status: 200,
          statusText: '',
          httpVersion: 'http/2.0',
          mimeType: 'text/plain',
          text: 'OK',
          headers: chromeSortHeaders([
            ['access-control-allow-origin', '*'],
            ['content-length', '2'],
            ['content-type', 'text/plain; charset=utf-8'],
            ['date', new Date(at).toUTCString()],
          ]),
          headersSize: -1,
          bodySize: 2,
          _transferSize: 60,
        },
      });
    }
  });
  if (opts.websocket !== false && tokens.length) {
    const wsUrl = 'wss://voice-js.roaming.twilio.com/signal';
    add({
      startedDateTime: iso(ms(tokens[0]!.mintedAt) + 100),
      _resourceType: 'websocket',
      _priority: null,
      _initiator: {
        type: 'script',
        stack: {
          callFrames: [
            {
              functionName: 'WSTransport._connect',
              scriptId: '16',
              url: pageOrigin + '/static/twilio.min.js',
              lineNumber: 0,
              columnNumber: 90210,
            },
          ],
        },
      },
      serverIPAddress: '',
      connection: undefined,
      connectionId: undefined,
      timings: { blocked: -1, dns: -1, ssl: -1, connect: -1, send: 0, wait: 12.5, receive: 0.4, _blocked_queueing: -1 },
      request: {
        url: wsUrl,
        method: 'GET',
        httpVersion: 'HTTP/1.1',
        headersSize: 503,
        headers: [
          ['Upgrade', 'websocket'],
          ['Origin', pageOrigin],
          ['Cache-Control', 'no-cache'],
          ['Accept-Language', p.acceptLanguage],
          ['Pragma', 'no-cache'],
          ['Connection', 'Upgrade'],
          ['Sec-WebSocket-Key', 'dGhlIHNhbXBsZSBub25jZQ=='],
          ['Accept-Encoding', 'gzip, deflate, br, zstd'],
          ['User-Agent', p.userAgent],
          ['Sec-WebSocket-Version', '13'],
          ['Host', 'voice-js.roaming.twilio.com'],
          ['Sec-WebSocket-Extensions', 'permessage-deflate; client_max_window_bits'],
        ],
      },
      response: {
        status: 101,
        statusText: 'Switching Protocols',
        httpVersion: 'HTTP/1.1',
        size: 0,
        compression: 129,
        headers: [
          ['Upgrade', 'websocket'],
          ['Sec-WebSocket-Accept', 's3pPLMBiTxaQ9kYGzzhZRbK+xOo='],
          ['Connection', 'Upgrade'],
        ],
        headersSize: 129,
        bodySize: -129,
        _transferSize: 0,
      },
      webSocketMessages: wsMessages,
    });
  }
  const pages: HarPage[] = [
    { startedDateTime: iso(t0), id: pageref, title: pageOrigin + '/', pageTimings: { onContentLoad: 412.345, onLoad: 688.21 } },
  ];
  return buildHar({ pages, entries }, { ...opts, withContent });
}

/**
 * Every finding code the inspector reports, with its severities, the fields it is about and what
 * it means: the table docs/inspector.md shows (`npm run docs` writes it; a test checks it is
 * current). Each code is listed once; the compiler refuses a FindingCode without a row.
 */
import { GRANT_NAMES, PRODUCTS } from '../products';
import { TWILIO_ERRORS } from '../twilio';
import type { FindingCode, Severity } from './types';

interface FindingRow {
  /** The codes of the row (several when they differ only by name). */
  codes: readonly FindingCode[];
  /** For a named code: the Twilio error such input gets. */
  twilio?: keyof typeof TWILIO_ERRORS;
  severities: readonly Severity[];
  fields: string;
  meaning: string;
}

/** The products' payload keys (lib/products), for the 20106 row. */
const GRANT_KEYS = GRANT_NAMES.map((grant) => `\`${PRODUCTS[grant].payloadKey}\``).join(', ');

export const FINDING_ROWS = [
  {
    codes: ['auth_token_pasted'],
    twilio: 20160,
    severities: ['error'],
    fields: 'token',
    meaning: 'no token in the text, but an Auth Token (32 lowercase hex digits): rotate it if you shared it',
  },
  {
    codes: ['api_secret_pasted'],
    twilio: 20160,
    severities: ['error'],
    fields: 'token',
    meaning:
      "no token in the text, but this service's own `API_SECRET` (checked where the secret is known: `POST /inspect`, `npm run inspect`): rotate it if you shared it",
  },
  {
    codes: ['sid_pasted'],
    twilio: 20160,
    severities: ['error'],
    fields: 'token',
    meaning: 'no token in the text, but a Twilio SID (the kind is named)',
  },
  { codes: ['not_a_token'], twilio: 20160, severities: ['error'], fields: 'token', meaning: 'no JWT-shaped string in the text at all' },
  {
    codes: ['capability_token'],
    twilio: 20101,
    severities: ['error'],
    fields: 'token',
    meaning: 'a Twilio Client 1.x / TaskRouter v1 Capability Token (`scope`, no `grants`), not an Access Token',
  },
  {
    codes: [20160],
    severities: ['error'],
    fields: 'token, header, payload, signature',
    meaning: 'a JWT-shaped string that is not a JWT: not three base64url parts, not UTF-8, not JSON; over 16 KB (not decoded)',
  },
  {
    codes: [20101],
    severities: ['error', 'warning', 'info'],
    fields: 'header, payload, payload.iat, token',
    meaning:
      'JSON that is not an object or is absurdly nested; iat not a number (error); no iat (warning); `inspectToken` given a JSON object and its `token` field inspected (info)',
  },
  {
    codes: [20102],
    severities: ['error', 'warning'],
    fields: 'header.alg, .typ, .cty, .twr',
    meaning: "alg not HS256, typ not JWT, cty not `twilio-fpa;v=1`, unknown region (error); region differs from the deployment's (warning)",
  },
  {
    codes: [20103],
    severities: ['error', 'warning', 'info'],
    fields: 'payload.iss, payload.sub',
    meaning:
      'iss not an API key SID (e.g. signed with the Auth Token), sub not an Account SID or not this account, minted with the demo configuration (error); signed by another API key than `API_KEY` and `API_KEY_PREVIOUS` (warning)',
  },
  { codes: [20104], severities: ['error'], fields: 'payload.exp', meaning: 'expired' },
  { codes: [20105], severities: ['error'], fields: 'payload.nbf', meaning: 'not yet valid, or nbf not a number' },
  {
    codes: [20156],
    severities: ['error'],
    fields: 'payload.exp, .iat, .nbf',
    meaning: 'exp missing, not a number, or not after iat; a time written in milliseconds',
  },
  { codes: [20157], severities: ['error'], fields: 'payload.exp', meaning: 'lifetime over 86400 s (24 h)' },
  {
    codes: [20106],
    severities: ['error', 'warning'],
    fields: 'payload.grants…',
    meaning: `no grants, no product grant (${GRANT_KEYS}), no identity, a SID missing or of the wrong kind (a ZS… SID in a chat grant), \`incoming.allow\` not a boolean, a task_router grant without its role (error); a SID differing from the deployment's, an unknown grant key such as \`sync\` for \`data_sync\` (warning; past five, one warning counts the rest)`,
  },
  {
    codes: [31105],
    severities: ['warning'],
    fields: 'payload.grants.identity',
    meaning: 'Voice identity not `[A-Za-z0-9_]` or over 121 characters',
  },
  { codes: [53200], severities: ['warning'], fields: 'payload.grants.identity', meaning: 'Video identity over 128 characters' },
  {
    codes: [20107],
    severities: ['error', 'info'],
    fields: 'signature',
    meaning:
      'signature does not match the API key secret (error); signed by the previous key `API_KEY_PREVIOUS`, valid until it expires or that key is revoked (info); not checked: no secret, another key, or a non-HMAC alg (info)',
  },
  {
    codes: ['clock_skew'],
    severities: ['warning'],
    fields: 'payload.iat',
    meaning: "iat is N s in the future: the minting server's clock is ahead",
  },
  {
    codes: ['jti_missing', 'jti_mismatch'],
    severities: ['warning'],
    fields: 'payload.jti',
    meaning: 'no jti, or jti not starting with iss',
  },
  {
    codes: ['secret_in_token'],
    severities: ['error'],
    fields: 'payload',
    meaning: 'the token contains the API secret (blanked in the report): revoke the key',
  },
  {
    codes: ['internal_error'],
    severities: ['error'],
    fields: 'token',
    meaning: 'the inspector itself failed on this input: a bug of ours, to report with a test token (never a live one)',
  },
] as const satisfies readonly FindingRow[];

/** A FindingCode without a row does not compile. */
type Listed = (typeof FINDING_ROWS)[number]['codes'][number];
const _everyCodeListed: Record<Exclude<FindingCode, Listed>, never> = {};

const cell = (text: string): string => text.replace(/\|/g, '\\|');

/** The table docs/inspector.md shows. */
export function renderFindingTable(): string {
  const rows = FINDING_ROWS.map((row: FindingRow) => {
    const codes = row.codes.join(', ');
    const code = row.twilio !== undefined ? `${codes} (${row.twilio})` : codes;
    return `| ${code} | ${row.severities.join(' / ')} | ${cell(row.fields)} | ${cell(row.meaning)} |`;
  });
  return ['| code | severity | field | meaning |', '|---|---|---|---|', ...rows].join('\n');
}

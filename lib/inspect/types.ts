/**
 * The token inspector's vocabulary, shared by the engine, the /inspect function, the CLI, the
 * browser page and the config doctor. Everything here is plain JSON-serialisable data.
 */

import type { ProductSettings } from '../products';
import type { TwilioErrorCode } from '../twilio';

export type Severity = 'error' | 'warning' | 'info';

/** Findings that have no Twilio error code of their own. */
export type FindingName =
  | 'clock_skew'
  | 'jti_missing'
  | 'jti_mismatch'
  | 'secret_in_token'
  | 'internal_error'
  // What pasted text is when it holds no Access Token (each also names the Twilio error it would get, `twilioCode`).
  | 'auth_token_pasted'
  | 'api_secret_pasted'
  | 'sid_pasted'
  | 'capability_token'
  | 'not_a_token';

export type FindingCode = TwilioErrorCode | FindingName;

/**
 * One thing the inspector noticed. `code` is the Twilio error code the problem produces when
 * one exists (20104, 31105, ...), otherwise a stable snake_case name (`clock_skew`).
 */
export interface Finding {
  code: FindingCode;
  severity: Severity;
  /** Where: `token`, `header.alg`, `payload.exp`, `payload.grants.chat.service_sid`, `signature`. */
  field: string;
  message: string;
  /** What to do about it. */
  hint: string;
  /** For a finding named by this service (`sid_pasted`): the Twilio error such input gets. */
  twilioCode?: TwilioErrorCode;
}

/**
 * What the token should look like for a given deployment. Every field is optional: the
 * inspector checks what it knows and says so for the rest.
 */
export interface Expectations {
  accountSid?: string;
  apiKey?: string;
  /** The API key secret; used only to verify the signature, never copied into a report. */
  secret?: string;
  /** The key API_KEY replaced at the last rotation (API_KEY_PREVIOUS): its tokens are still expected until it is revoked. */
  previousApiKey?: string;
  /** Its secret (API_SECRET_PREVIOUS); like `secret`, never copied into a report. */
  previousSecret?: string;
  /** Expected `twr` region; a token without `twr` is a us1 token. */
  region?: string;
  /** Each product's configuration as far as known (lib/products): the SIDs its grant must carry. */
  products?: ProductExpectations;
}

export type ProductExpectations = { [G in keyof ProductSettings]?: Partial<ProductSettings[G]> };

/**
 * The expectations a report was checked against, with the secret reduced to whether it was
 * known, and each product's SIDs under the names its module gives them (`outgoingApplicationSid`).
 */
export interface CheckedAgainst {
  secretKnown: boolean;
  accountSid?: string;
  apiKey?: string;
  /** Set when the previous key and its secret are known: its tokens are verified too. */
  previousApiKey?: string;
  region?: string;
  [productSid: string]: string | boolean | undefined;
}

export interface TimeClaim {
  /** The claim as written in the token. */
  claim: number;
  /** The claim in seconds since the epoch (divided by 1000 when it was written in milliseconds). */
  epochSeconds: number;
  inMilliseconds: boolean;
  /** ISO-8601 UTC, or `out of range` for absurd values. */
  iso: string;
  /** Relative to the inspection time: `in 42 min`, `3 h ago`, `now`. */
  relative: string;
}

export type TokenTimeStatus = 'active' | 'expired' | 'not_yet_valid' | 'unknown';

export interface TokenTimes {
  /** The clock the token was judged against, ISO-8601 UTC. */
  checkedAt: string;
  issuedAt?: TimeClaim;
  notBefore?: TimeClaim;
  expiresAt?: TimeClaim;
  /** exp - (nbf or iat), seconds. */
  lifetimeSeconds?: number;
  /** exp - now, seconds; negative once expired. */
  remainingSeconds?: number;
  status: TokenTimeStatus;
  /** `expires in 42 min`, `expired 3 h ago`, `not valid for another 5 min`, `no usable exp`. */
  summary: string;
}

/** What one grant lets the holder do, in words. */
export interface GrantSummary {
  /** The key in `grants`: voice, video, chat, data_sync, ... */
  key: string;
  /** Voice, Video, Conversations (Chat), Sync, ... */
  product: string;
  abilities: string[];
}

export type SignatureStatus = 'valid' | 'invalid' | 'unknown';

export interface InspectionReport {
  /** No finding of severity `error`. */
  valid: boolean;
  /** The decoded JOSE header, undefined when it could not be decoded. */
  header?: Record<string, unknown>;
  /** The decoded claims, undefined when they could not be decoded. */
  payload?: Record<string, unknown>;
  signature: SignatureStatus;
  /** grants.identity when it is a string. */
  identity?: string;
  grants: GrantSummary[];
  times: TokenTimes;
  findings: Finding[];
  checkedAgainst: CheckedAgainst;
}

export interface InspectOptions {
  /** inspectText: put each token's text in its report (`token`), for a local surface that shows or shares it. */
  keepTokens?: boolean;
  expect?: Expectations;
  /** The clock, in milliseconds since the epoch; defaults to Date.now(). */
  now?: number;
}

/** A token found in pasted text, inspected: the report, where it was found, and when a HAR saw it sent. */
export type FoundTokenReport = InspectionReport & {
  /** `X-Twilio-Token header of a curl command`, `HAR entry 12: POST https://...`, `JSON field accessToken`. */
  source: string;
  /** From a HAR: the first and last time the token was sent, and how many times. */
  seen?: { first: string; last: string; count: number };
  /** The token itself: only when asked for (the page and the CLI keep it on the machine; POST /inspect never echoes it). */
  token?: string;
};

/** What POST /inspect, `npm run inspect` and the page answer for pasted text holding tokens. */
export type TextInspection = FoundTokenReport & {
  /** Distinct JWT-shaped strings found. */
  found: number;
  /** The reports of the others (at most 20): newest first. */
  tokens: FoundTokenReport[];
};

/** Pasted text holding no JWT-shaped string: what it looks like instead, and nothing else. */
export interface NoTokenInspection {
  valid: false;
  found: 0;
  source: string;
  findings: Finding[];
}

export type PasteInspection = TextInspection | NoTokenInspection;

/**
 * The three values every token carries: ACCOUNT_SID (sub), API_KEY (iss) and API_SECRET (the
 * HMAC key). A mistake in any of them makes Twilio reject every token: 20103 for sub/iss,
 * 20107 for the signature.
 */
import { readRotation } from '../../config/rotation';
import { DEMO_CONFIG, isDemoCredentials } from '../../demo';
import { describeSidProblem, sidPrefixOf, SID_PREFIXES } from '../../twilio';
import type { CheckResult, DoctorVars } from '../types';
import { sidPrefixOfVariable } from '../../config/schema';
import { isPlaceholderSid, isSidFor, readOtherVar, readVar, row, sidProblem, sidShape } from '../vars';

/** Where people keep an Auth Token next to the API key (AUTH_TOKEN lets twilio-run deploy). */
const AUTH_TOKEN_VARIABLES = ['AUTH_TOKEN', 'TWILIO_AUTH_TOKEN', 'TEST_AUTH_TOKEN', 'TWILIO_TEST_AUTH_TOKEN'] as const;
const TEST_ACCOUNT_VARIABLES = ['TEST_ACCOUNT_SID', 'TWILIO_TEST_ACCOUNT_SID'] as const;

/** Twilio shows an API key's secret once, at creation: 32 characters. */
export const API_SECRET_LENGTH = 32;

const SECRET_FIX = `API_SECRET=<the ${API_SECRET_LENGTH}-character secret shown once when the key in API_KEY was created; if it is lost, create a new Standard key and set both API_KEY and API_SECRET>`;

export function checkAccountSid(vars: DoctorVars): CheckResult {
  const id = 'account_sid';
  const title = 'ACCOUNT_SID';
  const fix = `${sidShape('ACCOUNT_SID')} (Account Info on the Twilio Console dashboard)`;
  const value = readVar(vars, 'ACCOUNT_SID');
  if (value === undefined)
    return row(id, title, 'fail', 'ACCOUNT_SID is not set: tokens need the Account SID as their subject (sub).', fix);
  if (isPlaceholderSid(value)) {
    return row(
      id,
      title,
      'fail',
      "ACCOUNT_SID is a placeholder (the demo's all-zero SID or an example's), not an account: Twilio rejects tokens for it with 20103 (invalid subject).",
      fix,
    );
  }
  if (!isSidFor('ACCOUNT_SID', value))
    return row(
      id,
      title,
      'fail',
      `ACCOUNT_SID ${describeSidProblem(value, sidPrefixOfVariable('ACCOUNT_SID'))}; tokens with that subject fail with 20103.`,
      fix,
    );
  const testVariable = TEST_ACCOUNT_VARIABLES.find((name) => readOtherVar(vars, name) === value);
  if (testVariable !== undefined) {
    return row(
      id,
      title,
      'warn',
      `ACCOUNT_SID equals ${testVariable}: that is the test Account SID, and test credentials cannot own API keys or sign Access Tokens (their REST calls answer 20008; their tokens fail with 20103).`,
      `${sidShape('ACCOUNT_SID')} of the live account (Console dashboard), with an API key created in it`,
    );
  }
  return row(id, title, 'pass', `Account SID ${value}.`);
}

export function checkApiKey(vars: DoctorVars): CheckResult {
  const id = 'api_key';
  const title = 'API_KEY';
  const fix = `${sidShape('API_KEY')} (a Standard key created in the account ACCOUNT_SID: Console > Account > API keys & tokens)`;
  const value = readVar(vars, 'API_KEY');
  if (value === undefined) return row(id, title, 'fail', 'API_KEY is not set: tokens need the API key SID as their issuer (iss).', fix);
  if (isPlaceholderSid(value))
    return row(id, title, 'fail', 'API_KEY is a placeholder, not a key: Twilio rejects tokens it issues with 20103 (invalid issuer).', fix);
  if (!isSidFor('API_KEY', value))
    return row(
      id,
      title,
      'fail',
      `API_KEY ${describeSidProblem(value, sidPrefixOfVariable('API_KEY'))}; tokens with that issuer fail with 20103.`,
      fix,
    );
  return row(id, title, 'pass', `API key ${value}.`);
}

const PLACEHOLDER_SECRET =
  /^(?:your|my)?[_ -]?(?:api)?[_ -]?(?:key)?[_ -]?secret(?:[_ -]?here)?$|changeme|change[_ -]me|placeholder|example|^<.*>$/i;

export function checkApiSecret(vars: DoctorVars): CheckResult {
  const id = 'api_secret';
  const title = 'API_SECRET';
  const value = readVar(vars, 'API_SECRET');
  if (value === undefined) return row(id, title, 'fail', 'API_SECRET is not set: tokens cannot be signed.', SECRET_FIX);
  if (value === DEMO_CONFIG.API_SECRET) {
    return row(
      id,
      title,
      'fail',
      'API_SECRET is the demo secret from the tracked .env: Twilio rejects every token signed with it (20107 invalid signature).',
      SECRET_FIX,
    );
  }
  const tokenVariable = AUTH_TOKEN_VARIABLES.find((name) => readOtherVar(vars, name) === value);
  if (tokenVariable !== undefined) {
    return row(
      id,
      title,
      'fail',
      `API_SECRET equals ${tokenVariable}: that is the account's Auth Token, not the API key's secret, the classic cause of 20107 (invalid signature) on every token.`,
      SECRET_FIX,
    );
  }
  const sidPrefix = sidPrefixOf(value);
  if (sidPrefix !== undefined) {
    const kind = (SID_PREFIXES as Record<string, string>)[sidPrefix] ?? 'Twilio';
    return row(
      id,
      title,
      'fail',
      `API_SECRET holds a SID (${sidPrefix}..., ${kind}), not a secret: tokens signed with it fail with 20107.`,
      SECRET_FIX,
    );
  }
  if (PLACEHOLDER_SECRET.test(value) || /^(.)\1*$/.test(value)) {
    return row(id, title, 'fail', 'API_SECRET is a placeholder, not a secret: tokens signed with it fail with 20107.', SECRET_FIX);
  }
  if (/\s/.test(value)) {
    return row(
      id,
      title,
      'fail',
      'API_SECRET contains whitespace; secrets never do (a line break or a space crept in when pasting), so every signature fails (20107).',
      SECRET_FIX,
    );
  }
  if (value.length !== API_SECRET_LENGTH) {
    return row(
      id,
      title,
      'fail',
      `API_SECRET has ${value.length} characters; an API key secret has ${API_SECRET_LENGTH}. Tokens signed with it fail with 20107 (part of it is missing, or something else was pasted).`,
      SECRET_FIX,
    );
  }
  if (/^[0-9a-f]{32}$/.test(value)) {
    // Auth Tokens are 32 lowercase hex digits; key secrets are mixed-case letters and digits.
    return row(
      id,
      title,
      'warn',
      'API_SECRET is 32 lowercase hex digits, the shape of an Auth Token; API key secrets are mixed-case letters and digits. If it is an Auth Token, every token fails with 20107 (npm run doctor -- --online tells for sure).',
      SECRET_FIX,
    );
  }
  return row(id, title, 'pass', `${API_SECRET_LENGTH} characters, the length of an API key secret (value not shown).`);
}

export function checkDemoConfig(vars: DoctorVars): CheckResult {
  const id = 'demo_config';
  const title = 'Demo configuration';
  if (isDemoCredentials(vars)) {
    return row(
      id,
      title,
      'fail',
      'These are the demo credentials of the tracked .env (fake SIDs, demo secret): fine for npm start, but Twilio rejects their tokens (20103/20107) and a deployed service refuses to run with them (config_error).',
      'cp .env.example .env.local, fill in your real ACCOUNT_SID, API_KEY, API_SECRET (and the SIDs of your TwiML App and services), then run npm run doctor again',
    );
  }
  return row(id, title, 'pass', 'No demo credentials.');
}

const REMOVE_PREVIOUS = 'remove the API_KEY_PREVIOUS, API_SECRET_PREVIOUS and API_KEY_ROTATED_AT lines';

/**
 * The key pair of a rotation under way (npm run keys -- rotate): the previous key beside the
 * current one, its secret, and how long its tokens may still be live. Nothing to say without one.
 */
export function checkPreviousKey(vars: DoctorVars, now = Date.now()): CheckResult[] {
  const id = 'api_key_previous';
  const title = 'API_KEY_PREVIOUS (key rotation)';
  const previous = readVar(vars, 'API_KEY_PREVIOUS');
  const previousSecret = readVar(vars, 'API_SECRET_PREVIOUS');
  const rotation = readRotation(vars);
  if (previous === undefined) {
    if (previousSecret === undefined && readVar(vars, 'API_KEY_ROTATED_AT') === undefined) return [];
    return [
      row(
        id,
        title,
        'warn',
        'API_SECRET_PREVIOUS or API_KEY_ROTATED_AT is set without API_KEY_PREVIOUS: left over from a rotation, they do nothing.',
        REMOVE_PREVIOUS,
      ),
    ];
  }
  const failure = sidProblem('API_KEY_PREVIOUS', previous, 'the inspector cannot match the tokens of the previous key');
  if (failure !== undefined) return [row(id, title, 'fail', failure, `${sidShape('API_KEY_PREVIOUS')}, or ${REMOVE_PREVIOUS}`)];
  if (previous === readVar(vars, 'API_KEY')) {
    return [
      row(
        id,
        title,
        'fail',
        'API_KEY_PREVIOUS is API_KEY itself: npm run keys -- revoke-previous would delete the key that signs every new token.',
        REMOVE_PREVIOUS,
      ),
    ];
  }
  if (previousSecret === undefined) {
    return [
      row(
        id,
        title,
        'warn',
        'API_KEY_PREVIOUS is set without API_SECRET_PREVIOUS: the tokens it signed cannot be verified here (their signature is "not checked").',
        'API_SECRET_PREVIOUS=<the secret API_SECRET held before the rotation (the backup of the env file has it)>, or revoke the key',
      ),
    ];
  }
  if (previousSecret === readVar(vars, 'API_SECRET')) {
    return [
      row(
        id,
        title,
        'fail',
        "API_SECRET_PREVIOUS equals API_SECRET: two keys never share a secret, so one of the two is not its key's secret (20107 on every token it signs).",
        'API_SECRET=<the secret of API_KEY> and API_SECRET_PREVIOUS=<the secret of API_KEY_PREVIOUS>',
      ),
    ];
  }
  if (rotation.lastTokenExpires === undefined) {
    return [
      row(
        id,
        title,
        'warn',
        `API_KEY_ROTATED_AT is ${rotation.rotatedAtMalformed ? 'not an ISO 8601 UTC time' : 'not set'}: nothing tells when the last token of the previous key expires, so npm run keys -- revoke-previous refuses without --now.`,
        'API_KEY_ROTATED_AT=<the time of the rotation, e.g. 2026-01-31T12:00:00.000Z>',
      ),
    ];
  }
  const expires = new Date(rotation.lastTokenExpires).toISOString();
  if (now >= rotation.lastTokenExpires) {
    return [
      row(
        id,
        title,
        'warn',
        `The previous key ${previous} is still here long after the rotation: the last token it could have signed expired at ${expires} (API_KEY_ROTATED_AT + TOKEN_MAX_TTL), yet the key can still sign tokens for anyone holding its secret.`,
        'npm run keys -- revoke-previous (deletes it on the account and removes these lines)',
      ),
    ];
  }
  return [
    row(
      id,
      title,
      'pass',
      `Previous key ${previous}: the tokens it signed stay valid until they expire, at the latest ${expires}; then npm run keys -- revoke-previous deletes it.`,
    ),
  ];
}

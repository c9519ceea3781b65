type Jose = typeof import('jose');
import { HMAC_ALGORITHMS, isHmacAlgorithm } from '../twilio';
import { FindingList, own } from './findings';
import type { Expectations, SignatureStatus } from './types';

let jose: Jose | undefined;
/**
 * jose costs ~25 ms to load: required on the first signature check, not when /inspect's module
 * loads (a cold start). A require, not import(): bundlers resolve it (esbuild bundles jose's
 * browser build into the page), and jest runs CommonJS without --experimental-vm-modules.
 */
const loadJose = (): Jose => (jose ??= require('jose') as Jose);

const UNKNOWN_HINT =
  'Inspect where the API key secret is configured: POST /inspect on the deployment, or npm run inspect with the secret in .env.local.';

/**
 * Verifies the HMAC with jose (WebCrypto in a browser, node:crypto in Node) when this is the
 * expected key's token and its secret is known. A token of another key cannot be judged here:
 * Twilio checks it against that key's secret, not ours.
 */
export async function checkSignature(
  token: string,
  header: Record<string, unknown>,
  payload: Record<string, unknown>,
  expect: Expectations,
  findings: FindingList,
): Promise<SignatureStatus> {
  const iss = own(payload, 'iss');
  // A token of the key API_KEY replaced is judged with that key's secret while it is kept.
  const previous = typeof expect.previousApiKey === 'string' && iss === expect.previousApiKey && expect.previousSecret !== undefined;
  const secret = previous ? expect.previousSecret : expect.secret;
  if (typeof secret !== 'string' || secret === '') {
    findings.info(20107, 'signature', 'The signature was not checked: no API key secret was given.', UNKNOWN_HINT);
    return 'unknown';
  }
  if (!previous && typeof expect.apiKey === 'string' && iss !== expect.apiKey) {
    findings.info(
      20107,
      'signature',
      'The signature was not checked: the token names another API key (iss) than the one whose secret is known here.',
      'Twilio verifies it with the secret of the key in iss.',
    );
    return 'unknown';
  }
  const alg = own(header, 'alg');
  if (!isHmacAlgorithm(alg)) {
    findings.info(
      20107,
      'signature',
      'The signature was not checked: the header names no HMAC algorithm, so no API key secret can verify it.',
      'Sign with HS256 and the API key secret.',
    );
    return 'unknown';
  }
  try {
    await loadJose().compactVerify(token, new TextEncoder().encode(secret), { algorithms: [...HMAC_ALGORITHMS] });
    if (previous) {
      findings.info(
        20107,
        'signature',
        `Signed by the previous key ${String(iss)}: valid until it expires or the key is revoked.`,
        'New tokens are signed with API_KEY. Once the last token of the previous key has expired (API_KEY_ROTATED_AT + TOKEN_MAX_TTL), npm run keys -- revoke-previous deletes it.',
      );
    }
    return 'valid';
  } catch (error) {
    if ((error as { code?: unknown } | null)?.code === 'ERR_JWS_SIGNATURE_VERIFICATION_FAILED') {
      findings.error(
        20107,
        'signature',
        previous
          ? `The signature does not match the secret of the previous key ${String(iss)} (API_SECRET_PREVIOUS): the token was signed with another secret, or changed after signing.`
          : "The signature does not match the API key's secret: the token was signed with another secret, or changed after signing.",
        previous
          ? 'API_SECRET_PREVIOUS must be the secret API_SECRET held before npm run keys -- rotate; the file it was written to keeps it.'
          : "API_SECRET must be the secret shown when the key in API_KEY was created (not the Auth Token, not another key's secret); a rotated key needs its new secret.",
      );
      return 'invalid';
    }
    // e.g. a browser page served over plain http, where WebCrypto is unavailable.
    findings.info(
      20107,
      'signature',
      `The signature could not be checked here (${error instanceof Error ? error.name : 'unknown error'}).`,
      UNKNOWN_HINT,
    );
    return 'unknown';
  }
}

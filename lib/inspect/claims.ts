import { isDemoCredentials } from '../demo';
import {
  DEFAULT_REGION,
  isHmacAlgorithm,
  isSid,
  isTwilioRegion,
  sidPrefixOf,
  TOKEN_ALGORITHM,
  TOKEN_CONTENT_TYPE,
  TOKEN_TYPE,
  TWILIO_REGIONS,
} from '../twilio';
import { sidPrefixOfVariable } from '../config/schema';
import { FindingList, own, shown } from './findings';
import type { Expectations } from './types';
const MINT_HINT = "Mint tokens with a Twilio helper library's AccessToken, which writes this header for you.";

/** typ JWT, alg HS256, cty twilio-fpa;v=1, twr a known region (20102). */
export function checkHeader(header: Record<string, unknown>, expect: Expectations, findings: FindingList): void {
  const alg = own(header, 'alg');
  if (alg !== TOKEN_ALGORITHM) {
    const message =
      alg === undefined
        ? 'The header has no alg.'
        : alg === 'none'
          ? 'alg is "none": the token is unsigned.'
          : isHmacAlgorithm(alg)
            ? `alg is ${alg}; Twilio accepts only ${TOKEN_ALGORITHM}.`
            : `alg is ${shown(alg)}; Twilio Access Tokens are signed with ${TOKEN_ALGORITHM} and the API key secret.`;
    findings.error(
      20102,
      'header.alg',
      message,
      `Sign with ${TOKEN_ALGORITHM} (the default of AccessToken.toJwt(); do not pass another algorithm).`,
    );
  }
  const typ = own(header, 'typ');
  if (typ !== TOKEN_TYPE) {
    const message =
      typ === undefined
        ? `The header has no typ; Twilio requires "${TOKEN_TYPE}".`
        : `typ is ${shown(typ)}; Twilio requires "${TOKEN_TYPE}".`;
    findings.error(20102, 'header.typ', message, MINT_HINT);
  }
  const cty = own(header, 'cty');
  if (cty !== TOKEN_CONTENT_TYPE) {
    const message =
      cty === undefined
        ? `The header has no cty; Twilio requires "${TOKEN_CONTENT_TYPE}". Without it this is a generic JWT (an app login token?), not a Twilio Access Token.`
        : `cty is ${shown(cty)}; Twilio requires "${TOKEN_CONTENT_TYPE}".`;
    findings.error(20102, 'header.cty', message, MINT_HINT);
  }
  const twr = own(header, 'twr');
  if (twr !== undefined && !isTwilioRegion(twr)) {
    const lower = typeof twr === 'string' && isTwilioRegion(twr.toLowerCase());
    findings.error(
      20102,
      'header.twr',
      `twr (the region) is ${shown(twr)}, which is not a Twilio region.`,
      lower
        ? `Regions are lower case: ${String(twr).toLowerCase()}.`
        : `Use one of ${TWILIO_REGIONS.join(', ')}, or leave twr out for us1.`,
    );
  } else if (typeof expect.region === 'string') {
    const region = (twr as string | undefined) ?? DEFAULT_REGION;
    if (region !== expect.region) {
      findings.warning(
        20102,
        'header.twr',
        `The token is for region ${region}${twr === undefined ? ' (no twr)' : ''}, but the expected region is ${expect.region}.`,
        'An API key exists in one region only: mint with the region of the key (TWILIO_REGION) and connect the SDK to that region.',
      );
    }
  }
}

/** A token's iss is an API key (API_KEY's kind), its sub an account (ACCOUNT_SID's). */
const ISSUER_PREFIX = sidPrefixOfVariable('API_KEY');
const SUBJECT_PREFIX = sidPrefixOfVariable('ACCOUNT_SID');

/** iss/sub shape and ownership (20103), demo placeholders, and jti. */
export function checkIssuer(payload: Record<string, unknown>, expect: Expectations, findings: FindingList): void {
  const iss = own(payload, 'iss');
  const sub = own(payload, 'sub');
  if (!isSid(iss, ISSUER_PREFIX)) {
    const message =
      iss === undefined
        ? 'The token has no iss (the API Key SID that signed it).'
        : isSid(iss, SUBJECT_PREFIX)
          ? 'iss is an Account SID: the token was signed with the Account SID and Auth Token.'
          : sidPrefixOf(iss) !== undefined
            ? `iss is a ${sidPrefixOf(iss)}... SID; it must be an API Key SID (SK + 32 hex digits).`
            : `iss is ${shown(iss)}; it must be an API Key SID (SK + 32 hex digits).`;
    findings.error(
      20103,
      'payload.iss',
      message,
      'Sign tokens with an API key (SK...) and its secret, created in the same account; never with the Auth Token.',
    );
  } else if (typeof expect.apiKey === 'string' && iss !== expect.apiKey && iss !== expect.previousApiKey) {
    findings.warning(
      20103,
      'payload.iss',
      `The token was signed by API key ${String(iss)}, not the expected ${expect.apiKey}.`,
      'Twilio accepts it only if that key exists in the account in sub; tokens from this deployment are signed with its API_KEY.',
    );
  }
  if (!isSid(sub, SUBJECT_PREFIX)) {
    findings.error(
      20103,
      'payload.sub',
      sub === undefined
        ? 'The token has no sub (the Account SID).'
        : `sub is ${shown(sub)}; it must be an Account SID (AC + 32 hex digits).`,
      'Mint with your Account SID (AC...) as the accountSid argument.',
    );
  } else if (typeof expect.accountSid === 'string' && sub !== expect.accountSid) {
    findings.error(
      20103,
      'payload.sub',
      `The token was issued for account ${String(sub)}, not the expected ${expect.accountSid}.`,
      'A token works only in the account it names, with an API key of that same account (a subaccount needs its own key); mint with the right ACCOUNT_SID.',
    );
  }
  if (isDemoCredentials({ ACCOUNT_SID: sub, API_KEY: iss })) {
    // Well-formed, and signed correctly for the demo secret: still a token Twilio rejects, so not valid.
    findings.error(
      20103,
      'payload.sub',
      "The token was minted with this project's demo configuration (.env: placeholder SIDs AC000... and SK000..., a demo secret): Twilio rejects it with 20103.",
      'Fine for trying the service locally. For tokens Twilio accepts: copy .env.example to .env.local, fill in your ACCOUNT_SID, API_KEY and API_SECRET, check them with npm run doctor, and mint again.',
    );
  }

  const jti = own(payload, 'jti');
  if (typeof jti !== 'string' || jti === '') {
    findings.warning(
      'jti_missing',
      'payload.jti',
      'The token has no jti (token id).',
      'Twilio helper libraries set jti to "<API key SID>-<iat>"; mint with one.',
    );
  } else if (typeof iss === 'string' && !jti.startsWith(iss)) {
    findings.warning(
      'jti_mismatch',
      'payload.jti',
      'jti does not start with the issuer (iss), as Twilio helper libraries write it ("<iss>-<iat>").',
      'The token was not minted by a Twilio helper library, or iss was changed after minting; mint with AccessToken.',
    );
  }
}

import {
  grantByPayloadKey,
  identityProblems,
  KNOWN_PAYLOAD_KEYS,
  MISTAKEN_PAYLOAD_KEYS,
  productOf,
  PRODUCTS,
  GRANT_NAMES,
  type GrantName,
} from '../products';
import { describeClaim, FindingList, isRecord, own, shown } from './findings';
import type { Expectations, GrantSummary } from './types';

/** Unknown grant keys named one finding each; the rest are counted in one (a finding per key of a 16 KB token would be 500 KB). */
const MAX_UNKNOWN_KEYS_LISTED = 5;

interface GrantContext {
  findings: FindingList;
}

const PAYLOAD_KEYS = GRANT_NAMES.map((grant) => PRODUCTS[grant].payloadKey).join(', ');
const GRANT_CLASSES = GRANT_NAMES.map((grant) => PRODUCTS[grant].grantClass).join(', ');

/** The identity rules /token enforces (lib/twilio), reported as warnings with the SDK error they lead to. */
function checkIdentityRules(ctx: GrantContext, identity: string, payloadKeys: string[]): void {
  const field = 'payload.grants.identity';
  const grants = payloadKeys.map(grantByPayloadKey).filter((grant): grant is GrantName => grant !== undefined);
  for (const problem of identityProblems(identity, grants)) {
    if (problem.grant === undefined) {
      ctx.findings.warning(
        20106,
        field,
        `The identity breaks Twilio's identity rules: ${problem.message}.`,
        'Use a short plain user name, e.g. alice_smith.',
      );
      continue;
    }
    const { identity: rule, title } = productOf(problem.grant);
    const hint =
      rule?.pattern !== undefined
        ? `The ${title} SDK fails with ${problem.sdkError} on such identities; use ${rule.patternRule ?? 'allowed characters'} only.`
        : `${title} refuses identities over ${rule?.maxLength ?? 0} characters (${problem.sdkError}); use a shorter one.`;
    ctx.findings.warning(problem.sdkError ?? 20106, field, `The identity does not suit ${title}: ${problem.message}.`, hint);
  }
}

/** The grants claim (20106) and the identity, and what the token lets its holder do. */
export function checkGrants(
  payload: Record<string, unknown>,
  expect: Expectations,
  findings: FindingList,
): { identity?: string; summaries: GrantSummary[] } {
  const raw = own(payload, 'grants');
  if (raw === undefined) {
    findings.error(
      20106,
      'payload.grants',
      'The token has no grants claim: it lets its holder do nothing.',
      `Add a grant for the product the client uses (${GRANT_CLASSES}).`,
    );
    return { summaries: [] };
  }
  if (!isRecord(raw)) {
    findings.error(
      20106,
      'payload.grants',
      `grants must be an object, got ${describeClaim(raw)}.`,
      'Mint with a Twilio helper library: grants is {"identity": "...", "voice": {...}, ...}.',
    );
    return { summaries: [] };
  }
  const ctx: GrantContext = { findings };
  const products = Object.keys(raw).filter((key) => key !== 'identity' && Object.prototype.hasOwnProperty.call(KNOWN_PAYLOAD_KEYS, key));

  let identity: string | undefined;
  const identityValue = own(raw, 'identity');
  if (identityValue === undefined) {
    findings.error(
      20106,
      'payload.grants.identity',
      'The token has no identity.',
      'Mint with an identity (the user name): every product grant needs one.',
    );
  } else if (identityValue === '') {
    findings.error(
      20106,
      'payload.grants.identity',
      'The identity is empty.',
      'Mint with an identity (the user name): every product grant needs one.',
    );
  } else if (typeof identityValue !== 'string') {
    findings.error(
      20106,
      'payload.grants.identity',
      `identity must be a string, got ${describeClaim(identityValue)}.`,
      'Mint with the user name as a string.',
    );
  } else {
    identity = identityValue;
    checkIdentityRules(ctx, identity, products);
  }

  const unknown = Object.keys(raw).filter((key) => key !== 'identity' && !products.includes(key));
  for (const key of unknown.slice(0, MAX_UNKNOWN_KEYS_LISTED)) {
    const correct = Object.prototype.hasOwnProperty.call(MISTAKEN_PAYLOAD_KEYS, key) ? MISTAKEN_PAYLOAD_KEYS[key] : undefined;
    findings.warning(
      20106,
      `payload.grants.${key.length > 64 ? `${key.slice(0, 63)}…` : key}`,
      correct !== undefined
        ? `grants.${shown(key, 40)} is not a Twilio grant; Twilio ignores it.`
        : `grants.${shown(key, 40)} is not a grant Twilio knows; it is ignored.`,
      correct !== undefined
        ? `The key of this grant is ${correct}.`
        : `Twilio grant keys are ${Object.keys(KNOWN_PAYLOAD_KEYS).join(', ')}.`,
    );
  }
  if (unknown.length > MAX_UNKNOWN_KEYS_LISTED) {
    findings.warning(
      20106,
      'payload.grants',
      `grants has ${unknown.length - MAX_UNKNOWN_KEYS_LISTED} more keys that are not grants Twilio knows; they are ignored.`,
      `Twilio grant keys are ${Object.keys(KNOWN_PAYLOAD_KEYS).join(', ')}.`,
    );
  }
  if (products.length === 0) {
    findings.error(
      20106,
      'payload.grants',
      `The grants name no product (${PAYLOAD_KEYS}): the token lets its holder do nothing.`,
      `Add a grant for the product the client uses (${GRANT_CLASSES}).`,
    );
  }

  const summaries: GrantSummary[] = [];
  for (const key of products) {
    const grant = raw[key];
    const product = KNOWN_PAYLOAD_KEYS[key] as string;
    if (!isRecord(grant)) {
      findings.error(
        20106,
        `payload.grants.${key}`,
        `grants.${key} must be an object, got ${describeClaim(grant)}.`,
        'Mint with the helper library grant class; an empty grant is {}.',
      );
      summaries.push({ key, product, abilities: ['Nothing usable: see the findings'] });
      continue;
    }
    const ours = grantByPayloadKey(key);
    const abilities =
      ours === undefined
        ? [`Use ${product} (this grant is not analysed)`]
        : productOf(ours).checkGrant({ findings, expected: expect.products?.[ours] ?? {}, identity }, grant);
    summaries.push({ key, product, abilities });
  }
  return { identity, summaries };
}

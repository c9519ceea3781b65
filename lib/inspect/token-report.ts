/**
 * One token, inspected: a pure function of (token, expectations, clock). Never throws.
 */
import { checkHeader, checkIssuer } from './claims';
import { cleanInput, decodeToken } from './decode';
import { describeExpectations, sanitizeExpectations } from './expectations';
import { FindingList, own } from './findings';
import { checkGrants } from './grant-checks';
import { checkSignature } from './signature';
import { checkTimes, isoTime } from './time';
import type { Expectations, InspectionReport, InspectOptions, Severity, TokenTimes } from './types';

const SEVERITY_ORDER: Record<Severity, number> = { error: 0, warning: 1, info: 2 };

/**
 * Real Access Tokens are a few hundred bytes to 2 KB; far larger input is not a token, and is not
 * decoded: a report echoes its header and payload, so this bounds every report (issue 17).
 */
export const MAX_TOKEN_CHARS = 16 * 1024;

/** Secrets shorter than this would match ordinary text; a real API key secret has 32 characters. */
const MIN_REDACTABLE_SECRET = 8;

/**
 * Inspects a Twilio Access Token. Never throws: whatever the input, the answer is a report
 * whose findings say what is wrong, in Twilio's error codes.
 */
export async function inspectToken(input: string, opts: InspectOptions = {}): Promise<InspectionReport> {
  let now = Date.now();
  let expect: Expectations = {};
  try {
    if (typeof opts.now === 'number' && Number.isFinite(opts.now)) now = opts.now;
    expect = sanitizeExpectations(opts.expect);
    return redactSecret(redactSecret(await inspect(input, expect, now), expect.secret), expect.previousSecret);
  } catch (error) {
    // A bug of ours, not the token's fault: say so rather than blame the token.
    const findings = new FindingList();
    findings.error(
      'internal_error',
      'token',
      `The inspector failed on this input (${error instanceof Error ? error.name : 'unknown error'}).`,
      'Please report this with a token that reproduces it (a test token, never a live one).',
    );
    return undecoded(findings, now, expect);
  }
}

/** The report of input that was not decoded: its findings, and nothing else known. */
function undecoded(findings: FindingList, now: number, expect: Expectations): InspectionReport {
  return {
    valid: false,
    findings: findings.items,
    grants: [],
    times: unknownTimes(now),
    signature: 'unknown',
    checkedAgainst: describeExpectations(expect),
  };
}

function unknownTimes(now: number): TokenTimes {
  return { checkedAt: isoTime(now / 1000), status: 'unknown', summary: 'no usable exp claim' };
}

/**
 * A Capability Token (Twilio Client 1.x: a `scope` claim; TaskRouter v1: `policies`), signed
 * with the Auth Token and carrying no grants: a different kind of token, not a broken Access
 * Token, so one finding says so instead of a dozen about what it lacks.
 */
function capabilityKind(payload: Record<string, unknown>): string | undefined {
  if (own(payload, 'grants') !== undefined) return undefined;
  if (typeof own(payload, 'scope') === 'string')
    return 'a Twilio Client 1.x Capability Token (its scope claim lists client:incoming / client:outgoing)';
  if (Array.isArray(own(payload, 'policies')) && own(payload, 'version') === 'v1')
    return 'a TaskRouter v1 Capability Token (its policies claim lists TaskRouter URLs)';
  return undefined;
}

async function inspect(input: string, expect: Expectations, now: number): Promise<InspectionReport> {
  const findings = new FindingList();
  const cleaned = cleanInput(input, findings);
  if (cleaned.length > MAX_TOKEN_CHARS) {
    findings.error(
      20160,
      'token',
      `The token is ${cleaned.length} characters; an Access Token has a few hundred to about 2000, so it is not decoded (the inspector reads up to ${MAX_TOKEN_CHARS}).`,
      'Copy the token alone: it starts with eyJ and ends before the next space, quote or line break.',
    );
    return undecoded(findings, now, expect);
  }
  const decoded = decodeToken(cleaned, findings);
  const { header, payload } = decoded;
  const capability = payload === undefined ? undefined : capabilityKind(payload);
  if (capability !== undefined) {
    findings.error(
      'capability_token',
      'token',
      `This is ${capability}, not an Access Token: Twilio's current SDKs (Voice 2.x, Video, Conversations, Sync, TaskRouter.js 2) reject it (20101).`,
      'Mint an Access Token with an API key (twilio AccessToken with a grant) and move the client to the current SDK; Capability Tokens belong to SDKs Twilio has retired.',
      20101,
    );
    return {
      valid: false,
      findings: findings.items,
      grants: [],
      times: checkTimes(payload!, now, new FindingList()),
      signature: 'unknown',
      header,
      payload,
      checkedAgainst: describeExpectations(expect),
    };
  }
  if (header) checkHeader(header, expect, findings);
  let times = unknownTimes(now);
  let identity: string | undefined;
  let grants: InspectionReport['grants'] = [];
  if (payload) {
    checkIssuer(payload, expect, findings);
    times = checkTimes(payload, now, findings);
    ({ identity, summaries: grants } = checkGrants(payload, expect, findings));
  }
  // A token that does not even decode has no signature worth judging.
  const signature = header && payload ? await checkSignature(decoded.token, header, payload, expect, findings) : 'unknown';
  // Key order is reading order for the JSON answer: verdict, findings (errors first), then the details.
  const report: InspectionReport = {
    valid: !findings.items.some((f) => f.severity === 'error'),
    findings: [...findings.items].sort((a, b) => SEVERITY_ORDER[a.severity] - SEVERITY_ORDER[b.severity]),
    ...(identity !== undefined ? { identity } : {}),
    grants,
    times,
    signature,
    ...(header ? { header } : {}),
    ...(payload ? { payload } : {}),
    checkedAgainst: describeExpectations(expect),
  };
  return report;
}

/**
 * A token may carry the secret itself (a value pasted into the wrong variable at minting):
 * the report must not hand it on. Blanked wherever it appears, and flagged, because anyone
 * holding such a token can mint their own.
 */
function redactSecret(report: InspectionReport, secret: string | undefined): InspectionReport {
  if (secret === undefined || secret.length < MIN_REDACTABLE_SECRET) return report;
  const json = JSON.stringify(report);
  const inJson = JSON.stringify(secret).slice(1, -1);
  if (!json.includes(inJson)) return report;
  const redacted = JSON.parse(json.split(inJson).join('[redacted API secret]')) as InspectionReport;
  redacted.findings.unshift({
    code: 'secret_in_token',
    severity: 'error',
    field: 'payload',
    message: 'The token contains the API key secret: anyone holding it can mint tokens for this account.',
    hint: 'Revoke this API key now, create a new one, and check which variable put the secret into the token.',
  });
  redacted.valid = false;
  return redacted;
}

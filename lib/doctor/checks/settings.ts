/** Region, CORS origins, token lifetimes and caller authentication. */
import { APP_PASSCODE_MIN, JWT_SECRET_MIN_BYTES, loadAuthConfig, type AuthConfig } from '../../config/auth';
import { describeBadOrigin, isLocalHost, isWellFormedOrigin, originEntries } from '../../config/origins';
import { isLocalDomain, readSeconds, type ConfigProblem } from '../../config/service';
import { ServiceError } from '../../errors';
import { DEFAULT_TOKEN_TTL_SECONDS, isApiRegion, isTwilioRegion, MAX_TOKEN_LIFETIME_SECONDS, TWILIO_REGIONS } from '../../twilio';
import type { CheckResult, DoctorVars } from '../types';
import { readVar, row } from '../vars';
import { generatedExample, STRENGTH_RULES, strengthProblem } from './strength';

export function checkRegion(vars: DoctorVars): CheckResult {
  const id = 'twilio_region';
  const title = 'TWILIO_REGION';
  const raw = readVar(vars, 'TWILIO_REGION');
  if (raw === undefined)
    return row(id, title, 'pass', 'Not set: tokens carry no twr header and go to us1, where the API key must have been created.');
  const region = raw.toLowerCase();
  if (!isTwilioRegion(region)) {
    return row(
      id,
      title,
      'fail',
      `TWILIO_REGION is not a region Twilio knows; a token with that twr is rejected (20102/20151), so the service answers config_error.`,
      `TWILIO_REGION=us1 (or ie1, au1; legacy ${TWILIO_REGIONS.filter((r) => !isApiRegion(r)).join(', ')}), or leave it empty for us1`,
    );
  }
  if (region === 'us1') return row(id, title, 'pass', 'Tokens carry twr=us1.');
  if (isApiRegion(region)) {
    // One API key signs every grant here, and Twilio Video accepts only US1 keys.
    return row(
      id,
      title,
      'warn',
      `Tokens carry twr=${region}, so API_KEY must be a key created in ${region.toUpperCase()} (keys belong to one region; a US1 key gives 20103 there). Video accepts only US1 keys, and this service signs every grant with that one key: its Video tokens will be refused.`,
      `If you need Video, leave TWILIO_REGION empty (us1, with a US1 key), or run a second deployment with a US1 key for Video; otherwise do not request the video grant.`,
    );
  }
  return row(id, title, 'pass', `Tokens carry twr=${region}, a legacy Voice region; the API key and REST API stay in us1.`);
}

export function checkAllowedOrigins(vars: DoctorVars): CheckResult {
  const id = 'allowed_origins';
  const title = 'ALLOWED_ORIGINS';
  const fix =
    'ALLOWED_ORIGINS=https://app.example.com,http://localhost:5173 (exact origins: scheme://host[:port], no path, no trailing slash)';
  const raw = readVar(vars, 'ALLOWED_ORIGINS');
  if (raw === undefined)
    return row(
      id,
      title,
      'pass',
      "Not set: only the service's own pages may call it from a browser (requests without Origin, like curl or servers, are served).",
    );
  const entries = originEntries(raw);
  // With *, lib/config allows every origin and ignores the other entries.
  if (entries.includes('*')) {
    return row(
      id,
      title,
      'warn',
      'ALLOWED_ORIGINS contains *: any web page may fetch tokens from the browser of anyone who visits it (with their passcode or sign-in, if AUTH_MODE asks for one).',
      fix,
    );
  }
  const bad = entries.filter((e) => !isWellFormedOrigin(e));
  if (bad.length > 0) {
    const described = bad.map((entry) => describeEntry(entry, entries.indexOf(entry) + 1));
    return row(
      id,
      title,
      'fail',
      `Browsers send an exact origin, so these entries never match, and lib/config refuses them (config_error): ${described.join('; ')}.`,
      fix,
    );
  }
  const placeholders = entries.filter(isExampleOrigin);
  if (placeholders.length > 0) {
    return row(
      id,
      title,
      'warn',
      `${placeholders.join(', ')} ${placeholders.length === 1 ? 'is a placeholder' : 'are placeholders'} (example.com, .org and .net are reserved for examples, as in .env.example): no page of yours is there, so ${placeholders.length === 1 ? 'it allows' : 'they allow'} nothing.`,
      `put the origin of your own front-end (ALLOWED_ORIGINS=https://app.yourcompany.com), or leave ALLOWED_ORIGINS empty if only the service's own page calls it`,
    );
  }
  const plain = entries.filter((e) => e.startsWith('http://') && !isLocalHost(e.slice('http://'.length)));
  if (plain.length > 0) {
    return row(
      id,
      title,
      'warn',
      `${plain.join(', ')} ${plain.length === 1 ? 'is' : 'are'} plain http: tokens (and passcodes) would cross the network unencrypted.`,
      'use https:// origins outside localhost',
    );
  }
  if (entries.length === 0) return row(id, title, 'pass', "Empty: only the service's own pages may call it from a browser.");
  return row(id, title, 'pass', `${entries.length} origin${entries.length === 1 ? '' : 's'} allowed: ${entries.join(', ')}.`);
}

/** An origin on a domain reserved for documentation (RFC 2606): example.com, .net, .org or the .example TLD. */
function isExampleOrigin(origin: string): boolean {
  const host = origin
    .replace(/^[a-z]+:\/\//i, '')
    .replace(/:\d+$/, '')
    .toLowerCase();
  return /(^|\.)example\.(com|net|org)$|\.example$/.test(host);
}

/**
 * Entries are quoted so the operator sees which one is wrong, unless an entry looks like no
 * host at all: then it may be a secret pasted into the wrong variable, and only its position is
 * named (the checklist lands in deploy logs).
 */
function describeEntry(entry: string, position: number): string {
  return /[.:]|localhost/i.test(entry)
    ? describeBadOrigin(entry)
    : `entry ${position} is not an origin and looks like no host name (not shown)`;
}

/** A lifetime variable the way lib/config reads it; its problem, judged as deployed, ends in config_error. */
function readLifetime(
  vars: DoctorVars,
  name: 'TOKEN_TTL' | 'TOKEN_MAX_TTL',
  fallback: number,
): { value: number; set: boolean; problem?: string } {
  const problems: ConfigProblem[] = [];
  const value = readSeconds(vars, name, { min: 1, max: MAX_TOKEN_LIFETIME_SECONDS }, fallback, problems);
  const [problem] = problems;
  return { value, set: readVar(vars, name) !== undefined, problem: problem && `${problem.message}, so the service answers config_error.` };
}

export function checkMaxTtl(vars: DoctorVars): CheckResult {
  const max = readLifetime(vars, 'TOKEN_MAX_TTL', MAX_TOKEN_LIFETIME_SECONDS);
  return max.problem !== undefined
    ? row(
        'token_max_ttl',
        'TOKEN_MAX_TTL',
        'fail',
        max.problem,
        `TOKEN_MAX_TTL=14400 (any whole number of seconds up to ${MAX_TOKEN_LIFETIME_SECONDS})`,
      )
    : row(
        'token_max_ttl',
        'TOKEN_MAX_TTL',
        'pass',
        max.set
          ? `Callers may ask for up to ${max.value} s.`
          : `Not set: callers may ask for up to ${MAX_TOKEN_LIFETIME_SECONDS} s (Twilio's limit).`,
      );
}

export function checkTtl(vars: DoctorVars): CheckResult {
  const max = readLifetime(vars, 'TOKEN_MAX_TTL', MAX_TOKEN_LIFETIME_SECONDS);
  const fallback = Math.min(DEFAULT_TOKEN_TTL_SECONDS, max.value);
  const ttl = readLifetime(vars, 'TOKEN_TTL', fallback);
  let ttlRow: CheckResult;
  if (ttl.problem !== undefined)
    ttlRow = row('token_ttl', 'TOKEN_TTL', 'fail', ttl.problem, `TOKEN_TTL=${DEFAULT_TOKEN_TTL_SECONDS} (1 to TOKEN_MAX_TTL seconds)`);
  else if (ttl.value > max.value) {
    ttlRow = row(
      'token_ttl',
      'TOKEN_TTL',
      'fail',
      `TOKEN_TTL (${ttl.value} s) is above TOKEN_MAX_TTL (${max.value} s), so the service answers config_error.`,
      `TOKEN_TTL=${fallback} (at most TOKEN_MAX_TTL)`,
    );
  } else
    ttlRow = row(
      'token_ttl',
      'TOKEN_TTL',
      'pass',
      ttl.set
        ? `Tokens live ${ttl.value} s unless the caller asks otherwise.`
        : `Not set: tokens live ${ttl.value} s unless the caller asks otherwise.`,
    );
  return ttlRow;
}

/**
 * The caller-authentication settings, through lib/auth's own parser. The doctor judges the
 * configuration as `npm run deploy` would upload it: as deployed, unless DOMAIN_NAME says local.
 */
export function checkAuthMode(vars: DoctorVars): CheckResult {
  const id = 'auth_mode';
  const title = 'AUTH_MODE (caller authentication)';
  // Unlike the functions, an absent DOMAIN_NAME is judged as deployed: that is what npm run deploy uploads.
  const isLocal = readVar(vars, 'DOMAIN_NAME') !== undefined && isLocalDomain(vars);
  let auth: AuthConfig;
  try {
    auth = loadAuthConfig(vars, { isLocal });
  } catch (error) {
    if (!(error instanceof ServiceError)) throw error;
    const fields = (error.field ?? '').split(',');
    const judged = isLocal ? '' : ' (judged as deployed, as npm run deploy would upload it)';
    // The operator's version: lengths and shapes of the secrets, which callers are not told.
    const detail = error.logDetail ?? error.message;
    return row(id, title, 'fail', `${detail.replace(/\.$/, '')}${judged}.`, authFix(fields));
  }
  const weak = secretStrengthProblem(vars, auth);
  if (weak !== undefined)
    return row(
      id,
      title,
      'fail',
      `${weak.problem}.`,
      `${weak.name}=${generatedExample(STRENGTH_RULES[weak.name])} (a fresh random example; or openssl rand -base64 ${STRENGTH_RULES[weak.name].exampleBytes})`,
    );
  switch (auth.mode) {
    case 'none':
      if (isLocal) return row(id, title, 'pass', 'none, locally: anyone reaching the local server gets tokens for any identity.');
      return row(
        id,
        title,
        'warn',
        "AUTH_MODE=none: once deployed, anyone who finds the URL gets tokens for any identity, and runs up the account's bill.",
        authFix(['AUTH_MODE']),
      );
    case 'passcode':
      return row(id, title, 'pass', 'passcode: callers send Authorization: Bearer <APP_PASSCODE> (value not shown).');
    case 'jwt':
      return row(
        id,
        title,
        'pass',
        `jwt: callers send their app's JWT, verified with ${auth.key.kind === 'jwks' ? `the key set at ${auth.key.url}` : 'AUTH_JWT_SECRET (value not shown)'}; identity from the ${auth.identityClaim} claim.`,
      );
  }
}

/** The shared secret of the configured mode, when it is too easy to guess. */
function secretStrengthProblem(vars: DoctorVars, auth: AuthConfig): { name: keyof typeof STRENGTH_RULES; problem: string } | undefined {
  const name =
    auth.mode === 'passcode' ? 'APP_PASSCODE' : auth.mode === 'jwt' && auth.key.kind === 'secret' ? 'AUTH_JWT_SECRET' : undefined;
  const secret = name === undefined ? undefined : readVar(vars, name);
  if (name === undefined || secret === undefined) return undefined;
  const problem = strengthProblem(name, secret);
  return problem === undefined ? undefined : { name, problem };
}

function authFix(fields: string[]): string {
  if (fields.includes('APP_PASSCODE'))
    return `APP_PASSCODE=<at least ${APP_PASSCODE_MIN} random visible characters, e.g. from openssl rand -base64 24>`;
  if (fields.includes('AUTH_JWT_SECRET') && !fields.includes('AUTH_JWKS_URL'))
    return `AUTH_JWT_SECRET=<at least ${JWT_SECRET_MIN_BYTES} random bytes, e.g. from openssl rand -base64 48>`;
  if (fields.includes('AUTH_JWKS_URL') && !fields.includes('AUTH_JWT_SECRET'))
    return 'AUTH_JWKS_URL=https://your-tenant.example.com/.well-known/jwks.json';
  if (fields.includes('AUTH_ISSUER') || fields.includes('AUTH_AUDIENCE'))
    return 'AUTH_ISSUER=https://your-tenant.example.com/ and AUTH_AUDIENCE=<your API identifier>';
  if (fields.includes('AUTH_CLOCK_TOLERANCE')) return 'AUTH_CLOCK_TOLERANCE=30';
  if (fields.includes('AUTH_IDENTITY_CLAIM')) return 'AUTH_IDENTITY_CLAIM=sub';
  return `AUTH_MODE=jwt with AUTH_JWT_SECRET=<at least ${JWT_SECRET_MIN_BYTES} random bytes> (or AUTH_JWKS_URL), or AUTH_MODE=passcode with APP_PASSCODE=<at least ${APP_PASSCODE_MIN} random characters>; see docs/security.md`;
}

/** The /token request: the merged query/body event -> a typed TokenRequest, or a 4xx naming the field. */
import type { ServiceConfig } from '../config/service';
import { badRequest } from '../errors';
import {
  GRANT_LIST,
  GRANT_NAMES,
  grantByName,
  identityProblems,
  PRODUCT_PARAMS,
  productOf,
  type Caller,
  type GrantName,
  type ProductOptions,
} from '../products';
import { describeType, own } from '../text';

export interface TokenRequest {
  identity: string;
  /** Requested grants, deduplicated, in the caller's order. */
  grants: GrantName[];
  /** Seconds; undefined means the configured default. */
  ttl?: number;
  /** Each requested product's options (its module reads them). */
  options: ProductOptions;
}

/** The event is user input merged from query and body: read only own properties. */
export const param = (event: Record<string, unknown>, name: string): unknown => own(event, name);

/** The parameters /token reads: its own and every product's. */
export const TOKEN_PARAMS: readonly string[] = ['identity', 'grants', 'ttl', ...PRODUCT_PARAMS.map((p) => p.name)];

const NO_CALLER: Caller = { mode: 'none' };

/** The first problem of `identity` for `grants` as a 400, or nothing. */
function refuseIdentity(identity: unknown, grants: readonly GrantName[]): void {
  const [problem] = identityProblems(identity, grants);
  if (problem !== undefined) throw badRequest(problem.code, 'identity', problem.message);
}

function parseGrants(raw: unknown): GrantName[] {
  if (raw === undefined || raw === '') {
    throw badRequest(
      'missing_grants',
      'grants',
      `grants is required: a comma list of ${GRANT_LIST} (or conversations), e.g. grants=voice,video`,
    );
  }
  let items: unknown[];
  if (typeof raw === 'string') items = raw.split(',');
  else if (Array.isArray(raw)) items = (raw as unknown[]).flatMap((item) => (typeof item === 'string' ? item.split(',') : [item]));
  else throw badRequest('invalid_grant', 'grants', `grants must be a comma list or an array of names, got ${describeType(raw)}`);

  const grants: GrantName[] = [];
  for (const item of items) {
    if (typeof item !== 'string') throw badRequest('invalid_grant', 'grants', `grants must contain names only, got ${describeType(item)}`);
    if (item.trim() === '') continue;
    const grant = grantByName(item);
    if (grant === undefined) {
      const shown = JSON.stringify(item.trim().slice(0, 40));
      throw badRequest('invalid_grant', 'grants', `unknown grant ${shown}; choose from ${GRANT_LIST} (conversations is an alias of chat)`);
    }
    if (!grants.includes(grant)) grants.push(grant);
  }
  if (grants.length === 0) throw badRequest('missing_grants', 'grants', `grants is empty: name at least one of ${GRANT_LIST}`);
  return grants;
}

function parseTtl(raw: unknown, maxTtl: number): number | undefined {
  if (raw === undefined || raw === '') return undefined;
  const text = typeof raw === 'number' ? String(raw) : typeof raw === 'string' ? raw.trim() : undefined;
  if (text === undefined || !/^\d{1,9}$/.test(text) || Number(text) < 1 || Number(text) > maxTtl) {
    const got =
      typeof raw === 'string' || typeof raw === 'number'
        ? ` (got ${JSON.stringify(String(raw).slice(0, 20))})`
        : ` (got ${describeType(raw)})`;
    throw badRequest('invalid_ttl', 'ttl', `ttl must be a whole number of seconds from 1 to ${maxTtl}${got}`);
  }
  return Number(text);
}

/** Names no caller may send (a product's server-only values), whatever the grants. */
function refuseServerOnlyParams(event: Record<string, unknown>): void {
  for (const name of Object.keys(event)) {
    for (const grant of GRANT_NAMES) {
      const refused = productOf(grant).refusedParams?.find((rule) => rule.matches(name));
      if (refused !== undefined) throw badRequest('invalid_param', name.slice(0, 64), refused.message);
    }
  }
}

/** A product's parameter only means something with its grant: sent without it, it is a mistake worth saying. */
function refuseParamsOfOtherGrants(event: Record<string, unknown>, grants: readonly GrantName[]): void {
  for (const { grant, name } of PRODUCT_PARAMS) {
    const raw = param(event, name);
    if (grants.includes(grant) || raw === undefined || raw === '') continue;
    throw badRequest('invalid_param', name, `${name} only applies to the ${grant} grant; add ${grant} to grants or drop ${name}`);
  }
}

/**
 * Turns the merged query/body event into a typed token request, or throws a 4xx naming the field.
 * A jwt-mode caller's verified identity replaces the `identity` param, and its verified claims
 * are what products read server-only values from.
 */
export function parseTokenRequest(
  event: Record<string, unknown>,
  config: Pick<ServiceConfig, 'maxTtl' | 'products'>,
  caller: Caller = NO_CALLER,
): TokenRequest {
  refuseServerOnlyParams(event);
  const identity = caller.identity ?? param(event, 'identity');
  // The rules every identity obeys first, so a missing identity is reported as such.
  refuseIdentity(identity, []);
  const grants = parseGrants(param(event, 'grants'));
  refuseIdentity(identity, grants);
  const ttl = parseTtl(param(event, 'ttl'), config.maxTtl);
  refuseParamsOfOtherGrants(event, grants);
  const options: Record<string, object> = {};
  for (const grant of grants) {
    options[grant] = productOf(grant).readOptions(event, { settings: config.products[grant], caller });
  }
  return { identity: identity as string, grants, ...(ttl !== undefined ? { ttl } : {}), options };
}

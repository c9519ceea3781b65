/**
 * The products an Access Token can unlock: one module each (./voice.ts, ...), listed once here
 * in display order. Everything that differs by product loops over this table; adding a product
 * is its module, its variables in lib/config/schema.ts, and one line below.
 */
import { chat } from './chat';
import { sync } from './sync';
import { taskrouter } from './taskrouter';
import type { AnyProduct } from './types';
import { video } from './video';
import { voice } from './voice';

export const PRODUCTS = { voice, video, chat, sync, taskrouter } as const;

export type GrantName = keyof typeof PRODUCTS;

/** The grant names /token takes (and `twilio_grants` claims name), in display order. */
export const GRANT_NAMES = Object.keys(PRODUCTS) as readonly GrantName[];

type ModuleOf<G extends GrantName> = (typeof PRODUCTS)[G];
/** A product's configuration, as its module reads it. */
export type SettingsOf<G extends GrantName> = ReturnType<ModuleOf<G>['readSettings']>;
/** A product's options for one request, as its module reads them. */
export type OptionsOf<G extends GrantName> = ReturnType<ModuleOf<G>['readOptions']>;

/** Every product's configuration. */
export type ProductSettings = { [G in GrantName]: SettingsOf<G> };
/** The options of the products a request asks for. */
export type ProductOptions = { [G in GrantName]?: OptionsOf<G> };

/** The module of a grant, typed for code that treats every product alike. */
export const productOf = (grant: GrantName): AnyProduct => PRODUCTS[grant];

/** Each module's grant name is its key in the table (each module's own shape is checked where it is declared). */
const _namesAgree: { readonly [G in GrantName]: { readonly grant: G } } = PRODUCTS;

/** `voice, video, chat, sync, taskrouter` for messages. */
export const GRANT_LIST = GRANT_NAMES.join(', ');

/** A grant by its name or alias, case and surrounding spaces ignored; undefined when unknown. */
export function grantByName(name: string): GrantName | undefined {
  const wanted = name.trim().toLowerCase();
  return GRANT_NAMES.find((grant) => grant === wanted || productOf(grant).aliases.includes(wanted));
}

/** The grant whose payload sits under `key` in a token's grants. */
export function grantByPayloadKey(key: string): GrantName | undefined {
  return GRANT_NAMES.find((grant) => PRODUCTS[grant].payloadKey === key);
}

/** Grant keys Twilio knows but this service does not mint, with the product each unlocks. */
export const OTHER_PAYLOAD_KEYS: Readonly<Record<string, string>> = {
  player: 'Live (Player)',
  ip_messaging: 'Programmable Chat (legacy)',
};

/** Grant keys Twilio knows, with the product each one unlocks. */
export const KNOWN_PAYLOAD_KEYS: Readonly<Record<string, string>> = {
  ...Object.fromEntries(GRANT_NAMES.map((grant) => [PRODUCTS[grant].payloadKey, PRODUCTS[grant].title])),
  ...OTHER_PAYLOAD_KEYS,
};

/**
 * Keys people write by mistake in a payload's grants, and the key Twilio expects: a grant's
 * name or alias where the payload key differs (`sync` for `data_sync`), and the class name
 * lower-cased (`voiceGrant`).
 */
export const MISTAKEN_PAYLOAD_KEYS: Readonly<Record<string, string>> = Object.fromEntries(
  GRANT_NAMES.flatMap((grant): [string, string][] => {
    const { payloadKey, aliases } = productOf(grant);
    return [
      ...[grant, ...aliases].filter((name) => name !== payloadKey).map((name): [string, string] => [name, payloadKey]),
      [`${grant}Grant`, payloadKey],
    ];
  }),
);

type AnyParam = (typeof PRODUCTS)[GrantName]['params'][number];
/**
 * The values of every product's request parameters, typed from the modules (`room?: string`,
 * `incomingAllow?: boolean`): what the token client and the page pass on to /token.
 */
export type ProductParamValues = { [P in AnyParam as P['name']]?: P extends { input: 'checkbox' } ? boolean : string };

/** The request parameters of every product, with the grant each belongs to. */
export const PRODUCT_PARAMS: readonly { grant: GrantName; name: string }[] = GRANT_NAMES.flatMap((grant) =>
  productOf(grant).params.map((param) => ({ grant, name: param.name })),
);

export type { AccessTokenClass, AnyProduct, Caller, IdentityRule, ProductModule, ProductParam } from './types';
export { identityProblems, type IdentityProblem } from './identity';

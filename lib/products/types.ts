/**
 * What a product module declares: everything this service knows and does about one product's
 * grant, in one file (lib/products/<product>.ts). Minting, request parsing, caller authentication,
 * /products, the inspector, the doctor, the page and the token client loop over the table in
 * index.ts; none of them names a product.
 */
import type AccessToken from 'twilio/lib/jwt/AccessToken';
import type { ConfigProblem } from '../config/read';
import type { ConfigVars, VariableName } from '../config/schema';
import type { CheckResult, DoctorVars } from '../doctor/types';
import type { FindingList } from '../inspect/findings';

export type AccessTokenClass = typeof AccessToken;

/** twilio's grant classes. */
export type GrantClassName = 'VoiceGrant' | 'VideoGrant' | 'ChatGrant' | 'SyncGrant' | 'TaskRouterGrant';

/**
 * The payload key as twilio's class declares it (`SyncGrant` -> `data_sync`): a module that
 * writes another key does not compile, and minting uses the class itself.
 */
export type PayloadKeyOf<N extends GrantClassName> = InstanceType<AccessTokenClass[N]>['key'];

/** What an SDK refuses in an identity beyond the rules every identity obeys. */
export interface IdentityRule {
  maxLength: number;
  /** Allowed characters, when the SDK restricts them. */
  pattern?: RegExp;
  /** Sentence for a refused character: what the SDK allows. */
  patternRule?: string;
  /** The SDK's error for such an identity. */
  sdkError: 31105 | 53200;
}

/** Who is calling, as far as the configured AUTH_MODE could establish it. */
export interface Caller {
  mode: 'none' | 'passcode' | 'jwt';
  /** In jwt mode: the verified identity claim. */
  identity?: string;
  /** In jwt mode, when the caller's JWT carries a twilio_grants claim: the grants it may request. */
  allowedGrants?: string[];
  /** In jwt mode: every verified claim, for the products that take values from them (never from parameters). */
  claims?: Readonly<Record<string, unknown>>;
}

/** A request parameter a product owns: refused unless its grant is requested, offered by the page. */
export interface ProductParam {
  name: string;
  /** The page's control. */
  label: string;
  input: 'text' | 'checkbox';
  /** Under the control, in the page: what it does and what empty means. */
  hint: string;
  placeholder?: string;
  /** A checkbox's initial state (the service's default). */
  checked?: boolean;
}

/** Parameter names no caller may send, whatever the grants: values only the server may set. */
export interface RefusedParam {
  matches(name: string): boolean;
  message: string;
}

/** What reading a product's options may consult besides the parameters. */
export interface OptionContext<S> {
  settings: S;
  caller: Caller;
}

/** What the inspector knows when it checks one product's grant in a token. */
export interface GrantCheck<S> {
  findings: FindingList;
  /** The deployment's settings for this product, as far as known (the page knows none). */
  expected: Partial<S>;
  /** grants.identity when it is a string. */
  identity?: string;
}

/** An online check of the doctor: asks the Twilio REST API whether what the settings name exists. */
export interface OnlineCheck {
  id: string;
  title: string;
  run(api: OnlineApi, vars: DoctorVars): Promise<CheckResult>;
}

/** What the doctor's online runner gives a product's online checks (lib/doctor/online). */
export interface OnlineApi {
  accountSid: string;
  /** The twilio REST client authenticated with API_KEY:API_SECRET. */
  client: import('twilio').Twilio;
  /**
   * Fetches one resource and turns the answer into a row: a 404 says the resource is missing
   * (with `consequence`), an auth failure or an outage says so, `found` judges what came back.
   */
  fetchResource<T>(
    row: { id: string; title: string; variable: VariableName; fix: string; consequence: string },
    fetch: () => Promise<T>,
    found: (resource: T) => CheckResult,
  ): Promise<CheckResult>;
}

/**
 * One product. `S` is its configuration (every variable it reads, well-formed or absent), `C`
 * what that configuration is when the product can mint, `O` its options for one request.
 */
export interface ProductModule<N extends GrantClassName, S extends object, C extends S, O extends object> {
  /** The name /token takes in `grants` and a sign-in token's `twilio_grants`. */
  grant: string;
  /** The product as people know it. */
  title: string;
  /** For row titles and short labels: `Chat`. */
  shortTitle: string;
  /** Other names accepted for the grant: `conversations` is today's name of the chat grant. */
  aliases: readonly string[];
  grantClass: N;
  payloadKey: PayloadKeyOf<N>;
  identity?: IdentityRule;
  /** The variables it reads (it is judged on them, and they name it in messages). */
  variables: readonly VariableName[];
  /** The variable without which it cannot mint, and what that holds, for /products and config_error. */
  requires?: { variable: VariableName; what: string };

  /** Its configuration: every well-formed value, and a problem for each bad one. */
  readSettings(vars: ConfigVars, problems: ConfigProblem[]): S;
  /** Whether tokens with its grant can be minted. */
  configured(settings: S): settings is C;
  /** Its settings as the inspector's `checkedAgainst` names them (SIDs only, never a secret). */
  describeSettings(settings: Partial<S>): Record<string, string>;

  params: readonly ProductParam[];
  refusedParams?: readonly RefusedParam[];
  /** Its options for a request that asks for its grant; throws the 4xx for a bad parameter or claim. */
  readOptions(event: Record<string, unknown>, context: OptionContext<S>): O;
  buildGrant(Token: AccessTokenClass, settings: C, options: O): InstanceType<AccessTokenClass[N]>;

  /** Checks its grant in a token (findings) and says what it lets the holder do. */
  checkGrant(check: GrantCheck<S>, grant: Record<string, unknown>): string[];

  /** The doctor's rows for its variables. */
  doctorRows: Partial<Record<VariableName, (vars: DoctorVars) => CheckResult[]>>;
  /** The doctor's online checks. */
  online?: readonly OnlineCheck[];
  /** Parameters for the doctor's self-test token (a sample worker, say), when the defaults do not do. */
  selfTestParams?: Readonly<Record<string, unknown>>;
}

/** Any product module, for code that loops over the table: its settings are opaque there, its options an object. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type AnyProduct = ProductModule<GrantClassName, any, any, object>;

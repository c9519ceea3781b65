/**
 * The command-line flags of every CLI here, declared once (as twilio-run's flags.ts does), parsed
 * with node:util's parseArgs, and one UsageError for every mistake a person can make typing them.
 * Each command picks the flags it takes; its usage text lists them from this table.
 */
import { parseArgs, type ParseArgsConfig } from 'node:util';

/** A mistake on the command line: the CLI prints it with its usage and exits 2. */
export class UsageError extends Error {
  override readonly name = 'UsageError';
}

interface FlagSpec {
  type: 'string' | 'boolean';
  short?: string;
  /** May be given more than once (each value kept). */
  multiple?: boolean;
  /** What the value is, for the usage text and messages: `FILE`. */
  value?: string;
  /** An example value, for the message when the value is missing. */
  example?: string;
  help: string;
}

export const FLAGS = {
  env: { type: 'string', value: 'FILE', example: '.env.local', help: 'the configuration (default: .env.local if it exists, else .env)' },
  'no-env': { type: 'boolean', help: 'judge on its own (no account, key or secret to compare with)' },
  port: { type: 'string', short: 'p', value: 'N', example: '3000', help: 'listen on port N (default 3000)' },
  host: {
    type: 'string',
    value: 'ADDR',
    example: '0.0.0.0',
    help: 'listen on ADDR (default 127.0.0.1: this machine only; 0.0.0.0 for your network, e.g. to try the page on a phone: then protect it with AUTH_MODE)',
  },
  'allow-origin': {
    type: 'string',
    multiple: true,
    value: 'ORIGIN',
    example: 'http://localhost:5173',
    help: 'let a page on ORIGIN call this local server, on top of ALLOWED_ORIGINS (repeatable; until the server stops)',
  },
  file: { type: 'string', value: 'PATH', example: 'session.har', help: 'read PATH (a HAR file of any size, a saved request...)' },
  json: { type: 'boolean', help: 'print the answer as JSON' },
  report: {
    type: 'boolean',
    help: "print a report to send Twilio Support (the token's signature is removed until a day after it expires)",
  },
  online: {
    type: 'boolean',
    help: 'also ask the Twilio REST API, with API_KEY and API_SECRET, whether the account, the key and every SID exist (network)',
  },
  'dry-run': { type: 'boolean', help: 'print the plan and stop: nothing is created, uploaded or written' },
  now: {
    type: 'boolean',
    help: 'revoke the previous key before the last token it signed has expired: every token it signed stops working at once',
  },
  check: { type: 'boolean', help: 'only say which documents are out of date (exit 1)' },
  help: { type: 'boolean', short: 'h', help: 'show this help' },
} as const satisfies Record<string, FlagSpec>;

export type FlagName = keyof typeof FLAGS;

type ValueOf<N extends FlagName> = (typeof FLAGS)[N] extends { type: 'boolean' }
  ? boolean
  : (typeof FLAGS)[N] extends { multiple: true }
    ? string[]
    : string;

export type Flags<N extends FlagName> = { [K in N]?: ValueOf<K> };

export interface Parsed<N extends FlagName> {
  flags: Flags<N>;
  positionals: string[];
  /** With `passThrough`: the arguments that are not this command's, in their order, as typed. */
  rest: string[];
}

const shown = (arg: string): string => JSON.stringify(arg.length > 40 ? `${arg.slice(0, 40)}...` : arg);

function optionsFor(names: readonly FlagName[]): NonNullable<ParseArgsConfig['options']> {
  return Object.fromEntries(
    names.map((name) => {
      const spec: FlagSpec = FLAGS[name];
      return [name, { type: spec.type, ...(spec.short !== undefined ? { short: spec.short } : {}), multiple: spec.multiple === true }];
    }),
  );
}

/** The message for a value-taking flag given without one. */
function missingValue(name: FlagName): string {
  const spec: FlagSpec = FLAGS[name];
  return `--${name} needs ${spec.value === 'FILE' || spec.value === 'PATH' ? 'a file name' : 'a value'}, e.g. --${name} ${spec.example ?? spec.value ?? ''}`;
}

/**
 * Parses `argv` for a command that takes `names`. Unknown options, missing values and a flag
 * given twice (when it takes one value) are UsageErrors; with `passThrough`, arguments that are
 * not this command's are kept in `rest` for the program it runs (npm run deploy -> twilio-run).
 */
export function parseFlags<N extends FlagName>(
  argv: readonly string[],
  names: readonly N[],
  { positionals = false, passThrough = false }: { positionals?: boolean; passThrough?: boolean } = {},
): Parsed<N> {
  let tokens;
  try {
    ({ tokens } = parseArgs({ args: [...argv], options: optionsFor(names), strict: false, allowPositionals: true, tokens: true }));
  } catch (error) {
    throw new UsageError(error instanceof Error ? error.message : String(error));
  }
  const flags: Record<string, unknown> = {};
  const found: string[] = [];
  const rest: string[] = [];
  for (let i = 0; i < tokens.length; i++) {
    const token = tokens[i]!;
    if (token.kind === 'option-terminator') {
      if (passThrough) rest.push('--');
      continue;
    }
    if (token.kind === 'positional') {
      if (passThrough) rest.push(token.value);
      else if (!positionals) throw new UsageError(`unknown argument ${shown(token.value)}`);
      else found.push(token.value);
      continue;
    }
    if (!(names as readonly string[]).includes(token.name)) {
      if (!passThrough) throw new UsageError(`unknown option ${shown(token.rawName)}`);
      rest.push(argv[token.index]!);
      // `--flag value` of a program we pass through: its value goes along.
      if (token.inlineValue === false && token.value !== undefined) rest.push(token.value);
      continue;
    }
    const name = token.name as N;
    const spec: FlagSpec = FLAGS[name];
    if (spec.type === 'boolean') {
      if (token.value !== undefined) throw new UsageError(`--${name} takes no value`);
      flags[name] = true;
      continue;
    }
    // parseArgs (strict: false) reads a following option as this one's value: refuse it, it is a missing value.
    const value = token.value;
    if (value === undefined || value === '' || (token.inlineValue === false && value.startsWith('-')))
      throw new UsageError(missingValue(name));
    if (spec.multiple === true) flags[name] = [...((flags[name] as string[] | undefined) ?? []), value];
    else if (flags[name] !== undefined) throw new UsageError(`--${name} given twice; give it once`);
    else flags[name] = value;
  }
  return { flags: flags as Flags<N>, positionals: found, rest };
}

/** The options part of a usage text, from the table; `help` words a flag for this command (its own default). */
export function describeFlags(names: readonly FlagName[], help: Partial<Record<FlagName, string>> = {}): string {
  const rows = names.map((name) => {
    const spec: FlagSpec = FLAGS[name];
    const left = `${spec.short !== undefined ? `-${spec.short}, ` : ''}--${name}${spec.value !== undefined ? ` ${spec.value}` : ''}`;
    return [left, help[name] ?? spec.help] as const;
  });
  const width = Math.max(...rows.map(([left]) => left.length)) + 2;
  return rows.map(([left, help]) => `  ${left.padEnd(width)}${help}`).join('\n');
}

/**
 * `npm run inspect --json`, without `--`: npm takes --json as an option of its own, passes
 * nothing on, and says so only in the environment (npm_config_json=true); a flag's value
 * (`--file x.har`) arrives alone, as an argument, and `--no-env` becomes npm_config_env=''.
 * The flags of `names` lost that way, when npm runs the script `script` (never a flag the
 * command did receive, and never under another script, which may have passed its environment on).
 */
export function swallowedByNpm(
  script: string,
  names: readonly FlagName[],
  argv: readonly string[],
  env: Readonly<Record<string, string | undefined>>,
): FlagName[] {
  if (env.npm_lifecycle_event !== script) return [];
  const given = (name: string): boolean => argv.some((arg) => arg === `--${name}` || arg.startsWith(`--${name}=`));
  return names.filter((name) => {
    if (name === 'help' || given(name)) return false;
    const negated = name.startsWith('no-');
    const value = env[`npm_config_${(negated ? name.slice(3) : name).replace(/-/g, '_')}`];
    return negated ? value === '' : value !== undefined && value !== '';
  });
}

/** A UsageError when npm kept some of the command's flags for itself: the same command, with `--`. */
export function refuseNpmSwallowed(
  script: string,
  names: readonly FlagName[],
  argv: readonly string[],
  env: Readonly<Record<string, string | undefined>> = process.env,
): void {
  const lost = swallowedByNpm(script, names, argv, env);
  if (lost.length === 0) return;
  const flags = lost.map((name) => `--${name}`).join(' and ');
  const retyped = lost
    .map((name) => {
      const spec: FlagSpec = FLAGS[name];
      return spec.type === 'boolean' ? `--${name}` : `--${name} ${spec.value ?? 'VALUE'}`;
    })
    .join(' ');
  throw new UsageError(
    `npm kept ${flags} for itself: npm passes options to the script only after --. Run it again as ${script === 'start' ? 'npm start' : `npm run ${script}`} -- ${retyped}`,
  );
}

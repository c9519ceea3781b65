/**
 * The documents derived from the variable schema: the tracked demo `.env`, `.env.example` (the
 * template of `.env.local`) and the README's configuration table. `npm run docs` writes them;
 * a test fails when one is out of date.
 */
import { formatOf, VARIABLES, type VariableGroup, type VariableSpec } from './schema';

/** Variables env files set: not the runtime's DOMAIN_NAME, not legacy names. */
const inEnvFiles = (spec: VariableSpec): boolean => spec.group !== 'Set by the runtime' && spec.legacy !== true;

const ENV_HEADER = `# Demo configuration: lets \`npm install && npm start\` mint tokens with no Twilio account.
# Every value below is fake on purpose. Tokens signed with it are valid JWTs that Twilio
# rejects (20103/20107), and a deployed service refuses to run with it (config_error).
# Put your real values in .env.local (untracked; copy .env.example). npm start and
# npm run deploy use .env.local when it exists.
#
# Written by npm run docs from lib/config/schema.ts: edit the schema, not this file.
`;

const EXAMPLE_HEADER = `# Copy to .env.local (untracked) and fill in. npm start and npm run deploy use .env.local
# when it exists; .env (the demo) explains each variable. AUTH_TOKEN lets npm run deploy
# upload; it is never uploaded itself (or leave it empty and deploy with a Twilio CLI profile).
#
# Written by npm run docs from lib/config/schema.ts: edit the schema, not this file.
`;

function groups(specs: readonly VariableSpec[]): [VariableGroup, VariableSpec[]][] {
  const byGroup = new Map<VariableGroup, VariableSpec[]>();
  for (const spec of specs) byGroup.set(spec.group, [...(byGroup.get(spec.group) ?? []), spec]);
  return [...byGroup];
}

function envEntry(spec: VariableSpec): string {
  const lines = [
    `# description: ${spec.description}`,
    `# format: ${formatOf(spec)}`,
    ...(spec.where !== undefined ? [`# where: ${spec.where}`] : []),
    `# required: ${spec.required}`,
    ...(spec.default !== undefined ? [`# default: ${spec.default}`] : []),
    ...(spec.secret ? ['# secret: never printed, logged or sent to callers'] : []),
    `${spec.name}=${spec.demo ?? ''}`,
  ];
  return lines.join('\n');
}

/** The tracked demo `.env`. */
export function renderDemoEnv(): string {
  const sections = groups(VARIABLES.filter(inEnvFiles).filter((spec) => spec.group !== 'Deploy only'));
  return `${ENV_HEADER}${sections.map(([group, specs]) => `\n# ---- ${group} ----\n\n${specs.map(envEntry).join('\n\n')}\n`).join('')}`;
}

/** `.env.example`, the template of `.env.local`. */
export function renderEnvExample(): string {
  const lines = VARIABLES.filter(inEnvFiles).map((spec) => `${spec.name}=${spec.example ?? ''}`);
  return `${EXAMPLE_HEADER}${lines.join('\n')}\n`;
}

const cell = (text: string): string =>
  text
    .replace(/[|*]/g, (c) => `\\${c}`)
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;');

/** The README's configuration table (between the config-table markers). */
export function renderConfigTable(): string {
  const rows = VARIABLES.map((spec) => {
    const name = `\`${spec.name}\`${spec.secret ? ' (secret)' : ''}`;
    return `| ${name} | ${cell(spec.required)} | ${cell(spec.default ?? '')} | ${cell(`${spec.description} Format: ${formatOf(spec)}.`)} |`;
  });
  return ['| variable | required | default | meaning |', '|---|---|---|---|', ...rows].join('\n');
}

export const CONFIG_TABLE_START = '<!-- config-table:start (npm run docs writes this table from lib/config/schema.ts) -->';
export const CONFIG_TABLE_END = '<!-- config-table:end -->';

/** A document with the text between two markers replaced by `content`. */
export function withBlock(document: string, markers: { start: string; end: string }, content: string): string {
  const start = document.indexOf(markers.start);
  const end = document.indexOf(markers.end);
  if (start < 0 || end < start) throw new Error(`no ${markers.start} ... ${markers.end} block`);
  return `${document.slice(0, start + markers.start.length)}\n${content}\n${document.slice(end)}`;
}

/** README text with its configuration table replaced by the current one. */
export function withConfigTable(readme: string): string {
  return withBlock(readme, { start: CONFIG_TABLE_START, end: CONFIG_TABLE_END }, renderConfigTable());
}

/**
 * The code blocks of README.md and docs/*.md, as the snippet test runs them (test/docs), and the
 * rules an output block is compared by. A block says what it is by its fence's language, and an
 * HTML comment on the line before it (`<!-- doc-test: ... -->`) says how it is run when the
 * language alone does not:
 *
 * - `bash`: run by bash in a copy of the project; curl's localhost:3000 is the test's server.
 * - `js`: run in Chromium on a page of another origin (http://localhost:5173, which the server
 *   allows with --allow-origin); `node`: run by Node as an ES module instead.
 * - `json`: parsed; `dotenv`: read with twilio-run's parser, every name a declared variable.
 * - `output`: what the block before it prints (stdout, or the page's console), compared.
 * - `passcode`: the block talks to a server with AUTH_MODE=passcode (APP_PASSCODE in its env).
 * - `layout`: a folder diagram; every file and folder it names exists.
 * - `skip: why`: not runnable as printed (a placeholder of yours, a server on port 3000...).
 */
import fs from 'node:fs';
import path from 'node:path';

export const ROOT = path.resolve(__dirname, '..', '..');

export type Mode = 'output' | 'node' | 'passcode' | 'layout';

export interface DocBlock {
  /** Relative to the project root: README.md, docs/deploy.md. */
  file: string;
  /** 1-based line of the opening fence. */
  line: number;
  lang: string;
  code: string;
  modes: Mode[];
  /** Why it is not run, when annotated `skip: ...`. */
  skip?: string;
}

const MODES: readonly Mode[] = ['output', 'node', 'passcode', 'layout'];
const ANNOTATION = /^<!-- doc-test: (.*) -->$/;

/** The documents whose code blocks must run: the README and every docs/*.md. */
export function documents(): string[] {
  const docs = fs.existsSync(path.join(ROOT, 'docs'))
    ? fs
        .readdirSync(path.join(ROOT, 'docs'))
        .filter((name) => name.endsWith('.md'))
        .sort()
        .map((name) => `docs/${name}`)
    : [];
  return ['README.md', ...docs];
}

export function blocksOf(file: string, text = fs.readFileSync(path.join(ROOT, file), 'utf8')): DocBlock[] {
  const lines = text.split('\n');
  const blocks: DocBlock[] = [];
  for (let i = 0; i < lines.length; i++) {
    const open = /^```(\S*)\s*$/.exec(lines[i]!);
    if (open === null) continue;
    const start = i;
    const body: string[] = [];
    for (i++; i < lines.length && lines[i] !== '```'; i++) body.push(lines[i]!);
    if (i >= lines.length) throw new Error(`${file}:${start + 1}: a code block that never closes`);
    let before = start - 1;
    while (before >= 0 && lines[before]!.trim() === '') before--;
    const annotation = before >= 0 ? ANNOTATION.exec(lines[before]!.trim())?.[1] : undefined;
    const block: DocBlock = { file, line: start + 1, lang: open[1]!, code: body.join('\n'), modes: [] };
    if (annotation !== undefined) {
      const skip = /^skip:\s*(.*)$/.exec(annotation);
      if (skip !== null) block.skip = skip[1]!.trim();
      else {
        for (const word of annotation.split(/\s+/)) {
          if (!(MODES as readonly string[]).includes(word)) throw new Error(`${file}:${start + 1}: unknown doc-test annotation "${word}"`);
          block.modes.push(word as Mode);
        }
      }
    }
    blocks.push(block);
  }
  return blocks;
}

const escapeRegExp = (text: string): string => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** Printed text with `...` standing for any text, as a whole-string pattern. */
const wildcard = (printed: string): RegExp => new RegExp(`^${printed.split('...').map(escapeRegExp).join('[\\s\\S]*?')}$`);

const ISO_TIME = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z$/;

/**
 * Whether `actual` is what the printed JSON shows: `...` in a string stands for any text (so
 * `eyJ...` is any text starting eyJ), an ISO time for any ISO time, a `"...": ...` member for any other members, a
 * last array element `"..."` for any further elements. Returns where it differs, or undefined.
 */
export function jsonDifference(printed: unknown, actual: unknown, at = '$'): string | undefined {
  if (typeof printed === 'string') {
    if (typeof actual !== 'string') return `${at}: expected a string, got ${JSON.stringify(actual)}`;
    if (printed.includes('...'))
      return wildcard(printed).test(actual) ? undefined : `${at}: ${JSON.stringify(actual)} is not ${JSON.stringify(printed)}`;
    if (ISO_TIME.test(printed)) return ISO_TIME.test(actual) ? undefined : `${at}: ${JSON.stringify(actual)} is not an ISO time`;
    return printed === actual ? undefined : `${at}: ${JSON.stringify(actual)} is not ${JSON.stringify(printed)}`;
  }
  if (Array.isArray(printed)) {
    if (!Array.isArray(actual)) return `${at}: expected an array, got ${JSON.stringify(actual)}`;
    const open = printed[printed.length - 1] === '...';
    const shown = open ? printed.slice(0, -1) : printed;
    if (open ? actual.length < shown.length : actual.length !== shown.length)
      return `${at}: ${actual.length} elements where the document shows ${printed.length}`;
    for (let i = 0; i < shown.length; i++) {
      const difference = jsonDifference(shown[i], actual[i], `${at}[${i}]`);
      if (difference !== undefined) return difference;
    }
    return undefined;
  }
  if (typeof printed === 'object' && printed !== null) {
    if (typeof actual !== 'object' || actual === null || Array.isArray(actual))
      return `${at}: expected an object, got ${JSON.stringify(actual)}`;
    const open = Object.prototype.hasOwnProperty.call(printed, '...');
    const keys = Object.keys(printed).filter((key) => key !== '...');
    const extra = Object.keys(actual).filter((key) => !keys.includes(key));
    if (!open && extra.length > 0) return `${at}: members the document does not show: ${extra.join(', ')}`;
    for (const key of keys) {
      if (!Object.prototype.hasOwnProperty.call(actual, key)) return `${at}.${key}: missing`;
      const difference = jsonDifference(
        (printed as Record<string, unknown>)[key],
        (actual as Record<string, unknown>)[key],
        `${at}.${key}`,
      );
      if (difference !== undefined) return difference;
    }
    return undefined;
  }
  return Object.is(printed, actual) ? undefined : `${at}: ${JSON.stringify(actual)} is not ${JSON.stringify(printed)}`;
}

/**
 * Whether the printed lines are what was output: a line `...` stands for any lines (none
 * included), `...` inside a line for any text; trailing spaces and blank lines at the ends aside.
 */
export function textDifference(printed: string, actual: string): string | undefined {
  const clean = (text: string): string[] =>
    text
      .replace(/\s+$/, '')
      .replace(/^\s*\n/, '')
      .split('\n')
      .map((line) => line.replace(/\s+$/, ''));
  const pattern = clean(printed)
    .map((line) => (line.trim() === '...' ? '(?:[^\\n]*\\n)*?' : `${line.split('...').map(escapeRegExp).join('.*?')}\\n`))
    .join('');
  return new RegExp(`^${pattern}$`).test(`${clean(actual).join('\n')}\n`) ? undefined : `the output was:\n${actual}`;
}

/**
 * The files and folders a layout diagram names, as paths from the project root: an entry is a
 * line's first word when it is a name (`lib/`, `errors.ts`, `.env`) followed by two spaces or
 * nothing; indentation (two spaces a level) puts it inside the folder above it.
 */
export function layoutPaths(code: string): string[] {
  const paths: string[] = [];
  const folders: string[] = [];
  for (const line of code.split('\n')) {
    const entry = /^( *)(\.?[\w.-]+\/?)(?: {2,}|$)/.exec(line);
    if (entry === null || entry[1]!.length % 2 !== 0 || entry[1]!.length > 8) continue;
    const depth = entry[1]!.length / 2;
    folders.length = depth;
    const name = entry[2]!;
    paths.push([...folders, name.replace(/\/$/, '')].join('/'));
    if (name.endsWith('/')) folders[depth] = name.replace(/\/$/, '');
  }
  return paths;
}

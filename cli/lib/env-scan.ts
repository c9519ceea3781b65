/**
 * Finds the lines of an env file that twilio-run's parser (dotenv 6.2.0) and the parsers of other
 * tools (Node's util.parseEnv, which follows dotenv 16) read differently: an inline `# comment`
 * (kept in the value by twilio-run), `export ` (the whole line ignored), backquotes, multi-line and
 * unterminated quotes, padded quoted values, a BOM, duplicates. Line by line with dotenv 6.2.0's
 * own line rule, then a comparison of the two parsers' results catches what the rules missed.
 */
import { parseEnv } from 'node:util';
import type { EnvIssue } from '../../lib/config/env-issues';

/** dotenv 6.2.0's line rule (lib/main.js): a line that does not match is skipped. */
const DOTENV6_LINE = /^\s*([\w.-]+)\s*=\s*(.*)?\s*$/;
const EXPORT_LINE = /^\s*export\s+([\w.-]+)\s*=/;

const TWILIO_RUN = 'twilio-run (npm start, npm run deploy, the deployed service)';

export function scanEnvText(text: string, twilioRunReading: Record<string, string>): EnvIssue[] {
  const issues: EnvIssue[] = [];
  const lines = text.split('\n');
  const seen = new Map<string, number>();
  const setLines = new Map<string, number[]>();
  const flagged = new Set<string>();
  const add = (issue: EnvIssue): void => {
    issues.push(issue);
    if (issue.variable !== undefined) flagged.add(issue.variable);
  };

  if (text.startsWith('\uFEFF')) {
    const first = DOTENV6_LINE.exec(lines[0]!.replace(/^\uFEFF/, ''))?.[1];
    add({
      kind: 'bom',
      line: 1,
      ...(first !== undefined ? { variable: first } : {}),
      message: `The file starts with a byte order mark (BOM). ${TWILIO_RUN} reads ${first ?? 'the first variable'} anyway; other tools (Node's --env-file, dotenv 16) miss it.`,
      fix: 'Save the file as UTF-8 without BOM (in VS Code: the encoding in the status bar, "Save with Encoding", UTF-8).',
    });
  }
  if (text.includes('\r\n')) {
    add({
      kind: 'crlf',
      line: 1,
      message: 'Windows line endings (CRLF): every tool here reads them the same way.',
      fix: 'Nothing to do; LF line endings avoid the question.',
    });
  }

  lines.forEach((rawLine, index) => {
    const line = rawLine.replace(/\r$/, '').replace(/^\uFEFF/, '');
    const number = index + 1;
    if (line.trim() === '' || line.trim().startsWith('#')) return;
    const exported = EXPORT_LINE.exec(line);
    if (exported !== null) {
      // `export NAME=` with no value: not set for twilio-run, empty for the others; the same to every reader of it.
      const value = line
        .slice(exported[0].length)
        .replace(/\s+#.*$/, '')
        .trim();
      if (value === '' || value === '""' || value === "''") return;
      add({
        kind: 'export',
        line: number,
        variable: exported[1]!,
        message: `${exported[1]} is exported ("export ${exported[1]}=..."): ${TWILIO_RUN} ignores the whole line, so ${exported[1]} is not set there (shells and other tools do set it).`,
        fix: `Remove "export " from line ${number}: ${exported[1]}=...`,
      });
      return;
    }
    const match = DOTENV6_LINE.exec(line);
    if (match === null) {
      // A continuation of a multi-line value is reported with its variable.
      if (issues.some((i) => i.kind === 'multiline' && i.line < number)) return;
      add({
        kind: 'not_understood',
        line: number,
        message: `Line ${number} is not NAME=value: ${TWILIO_RUN} skips it.`,
        fix: `Write line ${number} as NAME=value, or start it with # to make it a comment.`,
      });
      return;
    }
    const name = match[1]!;
    const value = (match[2] ?? '').trim();
    const previous = seen.get(name);
    seen.set(name, number);
    const setOn = [...(setLines.get(name) ?? []), number];
    setLines.set(name, setOn);
    if (previous !== undefined) {
      // One issue per name, on its last line, naming every line that sets it.
      const earlier = issues.findIndex((i) => i.kind === 'duplicate' && i.variable === name);
      if (earlier >= 0) issues.splice(earlier, 1);
      const times = setOn.length === 2 ? 'twice' : `${setOn.length} times`;
      add({
        kind: 'duplicate',
        line: number,
        variable: name,
        message: `${name} is set ${times} (lines ${setOn.slice(0, -1).join(', ')} and ${number}); the last one wins, which is easy to miss when editing ${setOn.length === 2 ? 'the first' : 'another'}.`,
        fix: `Keep one ${name} line.`,
      });
    }
    const quote = value[0];
    if (quote === '`') {
      add({
        kind: 'backquotes',
        line: number,
        variable: name,
        message: `${name} is in backquotes: ${TWILIO_RUN} keeps the backquotes as part of the value; other tools remove them.`,
        fix: `Use double quotes or none: ${name}=...`,
      });
      return;
    }
    if (quote === '"' || quote === "'") {
      const close = value.indexOf(quote, 1);
      if (close < 0) {
        const closesLater = lines.slice(index + 1).some((later) => later.includes(quote));
        add({
          kind: closesLater ? 'multiline' : 'unterminated_quote',
          line: number,
          variable: name,
          message: closesLater
            ? `${name} is a quoted value over several lines: ${TWILIO_RUN} reads only its first line; other tools read them all.`
            : `${name} opens a ${quote === '"' ? 'double' : 'single'} quote that never closes: ${TWILIO_RUN} drops the quote; other tools keep it as part of the value.`,
          fix: closesLater
            ? `Put ${name} on one line (write line breaks as \\n inside double quotes).`
            : `Close the quote on line ${number}, or remove it.`,
        });
        return;
      }
      const rest = value.slice(close + 1).trim();
      if (rest !== '') {
        add({
          kind: 'inline_comment',
          line: number,
          variable: name,
          message: `${name} has text after its closing quote (${rest.startsWith('#') ? 'a comment' : 'more text'}): ${TWILIO_RUN} keeps it in the value; other tools drop it.`,
          fix: `Move the comment to a line of its own above ${name}.`,
        });
        return;
      }
      const inner = value.slice(1, close);
      if (inner !== inner.trim()) {
        add({
          kind: 'padded_quotes',
          line: number,
          variable: name,
          message: `${name} has spaces inside its quotes: ${TWILIO_RUN} removes them; other tools keep them.`,
          fix: `Remove the spaces inside the quotes of ${name}.`,
        });
      }
      return;
    }
    if (value.includes('#')) {
      add({
        kind: 'inline_comment',
        line: number,
        variable: name,
        message: `${name}'s value has a "#": ${TWILIO_RUN} keeps everything after it as part of the value; other tools cut the value there, as a comment.`,
        fix: `Move the comment to a line of its own above ${name}; if the # belongs to the value, put the value in double quotes.`,
      });
    }
  });

  // Whatever the line rules missed: a variable the two parsers read differently (or only one reads).
  let other: Record<string, string | undefined>;
  try {
    other = parseEnv(text.replace(/^\uFEFF/, ''));
  } catch {
    other = {};
  }
  // Unset and empty are the same to every reader here (lib/config reads both as not set); Node's
  // parser names an `export NAME=` line's variable `export NAME`, and export lines are said above.
  const sameReading = (name: string): boolean => (twilioRunReading[name] ?? '') === (other[name] ?? '');
  for (const name of new Set([...Object.keys(twilioRunReading), ...Object.keys(other)])) {
    if (flagged.has(name) || /^export\s/.test(name) || sameReading(name)) continue;
    add({
      kind: 'parsers_disagree',
      line: seen.get(name) ?? 0,
      variable: name,
      message: `${TWILIO_RUN} and other tools (Node's --env-file, dotenv 16) read ${name} differently.`,
      fix: `Write ${name} as NAME=value on one line, quoted with double quotes if it contains spaces or #.`,
    });
  }
  return issues.sort((a, b) => a.line - b.line);
}

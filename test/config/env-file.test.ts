/**
 * The one env-file reader (cli/lib/env-file.ts): twilio-run's own dotenv (6.2.0) decides the
 * values, and every line other tools read differently is named (issue 14). Each case is checked
 * against both parsers, so a claim the scanner makes ("twilio-run keeps the comment") is a fact.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseEnv } from 'node:util';
import { readEnvFileChecked } from '../../cli/lib/env-file';
import { blockingIssues, type EnvIssueKind } from '../../lib/config/env-issues';
import { applyEnvIssues } from '../../lib/doctor/env-file';
import { runDoctor } from '../../lib/doctor';
import { formatChecklist } from '../../lib/doctor/print';
import { REAL_LOOKING, TEST_SECRET } from '../support/env';

let dir: string;
beforeAll(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'env-file-'));
});
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

let count = 0;
function read(text: string) {
  const file = path.join(dir, `case-${count++}.env`);
  fs.writeFileSync(file, text);
  return readEnvFileChecked(file);
}

const BASE = Object.entries(REAL_LOOKING)
  .map(([k, v]) => `${k}=${v}`)
  .join('\n');
/** Lines in BASE: the cases below add theirs after it. */
const N = BASE.split('\n').length;
/** The real-looking file without the variable a case writes itself. */
const baseWithout = (name: string): string =>
  BASE.split('\n')
    .filter((line) => !line.startsWith(`${name}=`))
    .join('\n');

describe('each ambiguity, as twilio-run and the other parsers read it', () => {
  test.each<[string, string, EnvIssueKind, string | undefined, { twilioRun: string | undefined; others: string | undefined }]>([
    [
      'an inline comment',
      `API_SECRET=${TEST_SECRET} # from console`,
      'inline_comment',
      'API_SECRET',
      { twilioRun: `${TEST_SECRET} # from console`, others: TEST_SECRET },
    ],
    ['a # without a space', 'GREETING=va#lue', 'inline_comment', 'GREETING', { twilioRun: 'va#lue', others: 'va' }],
    [
      'a comment after a quoted value',
      `API_SECRET="${TEST_SECRET}" # prod`,
      'inline_comment',
      'API_SECRET',
      { twilioRun: `${TEST_SECRET}" # prod`, others: TEST_SECRET },
    ],
    ['export', `export API_KEY=${REAL_LOOKING.API_KEY}`, 'export', 'API_KEY', { twilioRun: undefined, others: REAL_LOOKING.API_KEY }],
    ['backquotes', 'AUTH_AUDIENCE=`my-app`', 'backquotes', 'AUTH_AUDIENCE', { twilioRun: '`my-app`', others: 'my-app' }],
    [
      'a value over two lines',
      'AUTH_ISSUER="https://a\nb"',
      'multiline',
      'AUTH_ISSUER',
      { twilioRun: 'https://a', others: 'https://a\nb' },
    ],
    [
      'an unterminated quote',
      'AUTH_ISSUER="https://issuer',
      'unterminated_quote',
      'AUTH_ISSUER',
      { twilioRun: 'https://issuer', others: '"https://issuer' },
    ],
    [
      'spaces inside quotes',
      'AUTH_ISSUER="  https://issuer  "',
      'padded_quotes',
      'AUTH_ISSUER',
      { twilioRun: 'https://issuer', others: '  https://issuer  ' },
    ],
  ])('%s', (_, line, kind, variable, readings) => {
    const text = `${baseWithout(variable!)}\n${line}\n`;
    const { vars, issues } = read(text);
    expect(issues.filter((i) => i.kind !== 'crlf').map((i) => [i.kind, i.variable])).toEqual([[kind, variable]]);
    // The scanner's claim, held to both parsers.
    expect(vars[variable!]).toEqual(readings.twilioRun);
    expect(parseEnv(text)[variable!]).toEqual(readings.others);
    // Never a value in the words.
    for (const issue of issues) expect(`${issue.message} ${issue.fix}`).not.toContain(TEST_SECRET);
  });

  test('a BOM: twilio-run reads the first name, other tools a different one', () => {
    const { vars, issues } = read(`\uFEFF${BASE}\n`);
    expect(vars.ACCOUNT_SID).toBe(REAL_LOOKING.ACCOUNT_SID);
    // Node's parser (dotenv 16's rules) does not read that first line at all.
    expect(parseEnv(`\uFEFF${BASE}\n`).ACCOUNT_SID).toBeUndefined();
    expect(issues.map((i) => [i.kind, i.variable])).toEqual([['bom', 'ACCOUNT_SID']]);
    expect(blockingIssues(issues)).toEqual([]);
  });

  test('CRLF: a note, read the same by both', () => {
    const text = `${BASE.replace(/\n/g, '\r\n')}\r\n`;
    const { vars, issues } = read(text);
    expect(vars).toEqual(parseEnv(text));
    expect(issues.map((i) => i.kind)).toEqual(['crlf']);
  });

  test('a duplicate, a line that is not NAME=value', () => {
    const { issues } = read(`${BASE}\nAPI_KEY=${REAL_LOOKING.API_KEY}\nthis is not a variable\n`);
    expect(issues.map((i) => [i.kind, i.variable, i.line])).toEqual([
      ['duplicate', 'API_KEY', N + 1],
      ['not_understood', undefined, N + 2],
    ]);
  });

  test('a clean file: no issue at all', () => {
    expect(read(`# comment\n${BASE}\nTOKEN_TTL=3600\nEMPTY=\nQUOTED="a # b"\n`).issues).toEqual([]);
  });

  test('deploy refuses an ambiguous secret or SID, not an ambiguous setting', () => {
    const { issues } = read(`${BASE}\nexport OUTGOING_SID=${REAL_LOOKING.OUTGOING_SID}\nTOKEN_TTL=600 # ten minutes\n`);
    expect(blockingIssues(issues).map((i) => i.variable)).toEqual(['OUTGOING_SID']);
  });
});

describe('the doctor says so on the variable row', () => {
  test('an ambiguous secret fails its row with the fix; a setting warns on its own; a stray line gets a row', async () => {
    const text = `${baseWithout('API_SECRET')}\nAPI_SECRET=${TEST_SECRET} # from console\nTOKEN_TTL=600 # ten minutes\nnot a variable\n`;
    const { vars, issues } = read(text);
    const report = await runDoctor(vars, { source: '.env.local', envIssues: issues });
    const byId = Object.fromEntries(report.checks.map((c) => [c.id, c]));
    expect(byId.api_secret).toMatchObject({
      status: 'fail',
      detail: expect.stringContaining(`.env.local line ${N}: API_SECRET's value has a "#"`),
      fix: expect.stringMatching(/Move the comment to a line of its own above API_SECRET/),
    });
    // TOKEN_TTL is not a number as twilio-run reads it: its own check fails, and the row says why.
    expect(byId.token_ttl).toMatchObject({ status: 'fail', detail: expect.stringContaining(`.env.local line ${N + 1}: TOKEN_TTL`) });
    expect(report.checks[0]).toMatchObject({
      id: 'env_file',
      title: '.env.local',
      status: 'warn',
      detail: expect.stringContaining(`Line ${N + 2} is not NAME=value`),
    });
    expect(report.ok).toBe(false);
    expect(JSON.stringify(report)).not.toContain(TEST_SECRET);
  });

  test('an ambiguous setting that still reads well warns', async () => {
    const { vars, issues } = read(`${BASE}\nAUTH_MODE=none\nAUTH_AUDIENCE=\`my-app\`\n`);
    const report = await runDoctor(vars, { source: '.env.local', envIssues: issues });
    expect(report.checks.find((c) => c.id === 'auth_mode')).toMatchObject({
      status: 'warn',
      detail: expect.stringContaining(`line ${N + 2}: AUTH_AUDIENCE is in backquotes`),
    });
    expect(report.ok).toBe(true);
  });

  test('a variable judged on another row (APP_PASSCODE on AUTH_MODE) lands there; an unknown one gets its own row', () => {
    const checks = applyEnvIssues(
      [{ id: 'auth_mode', title: 'AUTH_MODE', status: 'pass', detail: 'passcode.' }],
      [
        { kind: 'export', line: 3, variable: 'APP_PASSCODE', message: 'm1', fix: 'f1' },
        { kind: 'backquotes', line: 4, variable: 'GREETING', message: 'm2', fix: 'f2' },
      ],
    );
    expect(checks).toEqual([
      // The passing sentence does not follow the problem (issue 19).
      { id: 'auth_mode', title: 'AUTH_MODE', status: 'fail', detail: 'the env file line 3: m1', fix: 'f1' },
      { id: 'env_file.greeting', title: 'GREETING', status: 'warn', detail: 'the env file line 4: m2', fix: 'f2' },
    ]);
  });

  /** The checklist rows of a file, as `STATUS title: detail` (and `fix: ...`). */
  async function checklistOf(text: string): Promise<{ rows: string[]; summary: string }> {
    const { vars, issues } = read(text);
    const printed = formatChecklist(await runDoctor(vars, { source: '.env.local', envIssues: issues }), { color: false });
    const lines = printed.split('\n');
    return { rows: lines.filter((line) => /^ {2}(PASS|WARN|FAIL|SKIP) /.test(line)), summary: lines.find((l) => /^(NOT )?READY/.test(l))! };
  }

  test('issue 19: a FAIL row leads with the problem, never with a passing sentence', async () => {
    const twice = await checklistOf(
      `${baseWithout('SYNC_SERVICE_SID')}\nAPI_SECRET=${TEST_SECRET}\nSYNC_SERVICE_SID=default\nSYNC_SERVICE_SID=default\nSYNC_SERVICE_SID=default\n`,
    );
    expect(twice.rows).toEqual(
      expect.arrayContaining([
        `  FAIL  API_SECRET: .env.local line ${N}: API_SECRET is set twice (lines 3 and ${N}); the last one wins, which is easy to miss when editing the first.`,
        `  FAIL  SYNC_SERVICE_SID (sync): .env.local line ${N + 3}: SYNC_SERVICE_SID is set 3 times (lines ${N + 1}, ${N + 2} and ${N + 3}); the last one wins, which is easy to miss when editing another.`,
      ]),
    );
    // The comment is the cause, the whitespace its consequence: the cause comes first, with its fix.
    const comment = await checklistOf(`${baseWithout('API_SECRET')}\nAPI_SECRET=${TEST_SECRET} # from console\n`);
    const row = comment.rows.find((r) => r.startsWith('  FAIL  API_SECRET: '))!;
    expect(row).toMatch(/^ {2}FAIL {2}API_SECRET: \.env\.local line \d+: API_SECRET's value has a "#": .* API_SECRET contains whitespace/);
    for (const { rows } of [twice, comment])
      for (const line of rows.filter((r) => r.startsWith('  FAIL')))
        expect(line).not.toMatch(/: (\d+ characters, the length|Sync tokens use|Not set|No demo)/);
  });

  test('issue 19: export on every line of .env.example is one row for its cause, not a FAIL or WARN per variable', async () => {
    const example = fs.readFileSync(path.join(__dirname, '..', '..', '.env.example'), 'utf8');
    const exported = example.replace(/^([A-Z])/gm, 'export $1');
    const { rows, summary } = await checklistOf(exported);
    const lineOf = (name: string): number => example.split('\n').findIndex((l) => l.startsWith(`${name}=`)) + 1;
    const set = [
      'ACCOUNT_SID',
      'API_KEY',
      'OUTGOING_SID',
      'CHAT_SERVICE_SID',
      'SYNC_SERVICE_SID',
      'ALLOWED_ORIGINS',
      'TOKEN_TTL',
      'TOKEN_MAX_TTL',
      'AUTH_MODE',
    ];
    expect(rows[0]).toBe(
      `  FAIL  .env.local: export lines: 9 lines start with "export " (lines ${lineOf('ACCOUNT_SID')}, ${lineOf('API_KEY')}, ${lineOf('OUTGOING_SID')}-${lineOf('SYNC_SERVICE_SID')}, ${lineOf('ALLOWED_ORIGINS')}-${lineOf('AUTH_MODE')}): twilio-run (npm start, npm run deploy, the deployed service) ignores each of them, so ${set.join(', ')} are not set there (shells and other tools do set them).`,
    );
    // The empty ones (API_SECRET=, PUSH_CREDENTIAL_SID=...) read the same with or without export: no row blames export for them.
    expect(rows.filter((r) => /export/.test(r) && !r.includes('Not judged'))).toEqual([
      rows[0],
      expect.stringMatching(/^ {2}FAIL {2}Whole configuration/),
    ]);
    expect(rows).toContain('  PASS  PUSH_CREDENTIAL_SID: Not set (optional: mobile incoming-call push notifications).');
    expect(rows).toContain(
      '  SKIP  ACCOUNT_SID: Not judged: ACCOUNT_SID is on an export line (see the export lines row), so twilio-run leaves it unset.',
    );
    expect(rows.some((r) => /line 0|WARN {2}export /.test(r))).toBe(false);
    // Before: 9 failures and 14 warnings. Now the export lines, the empty API_SECRET, and lib/config's verdict.
    expect(summary).toMatch(/^NOT READY: 3 failures, 0 warnings, /);
  });

  test(".env.example's placeholder ALLOWED_ORIGINS left in is a WARN", async () => {
    const { rows } = await checklistOf(`${BASE}\nALLOWED_ORIGINS=https://app.example.com,http://localhost:5173\n`);
    expect(rows).toContain(
      '  WARN  ALLOWED_ORIGINS: https://app.example.com is a placeholder (example.com, .org and .net are reserved for examples, as in .env.example): no page of yours is there, so it allows nothing.',
    );
  });

  test('offline, the report names what it could not check and suggests --online', async () => {
    const report = await runDoctor(read(`${BASE}\n`).vars, { source: '.env.local' });
    expect(report.notCheckedOffline).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/API_KEY belongs to ACCOUNT_SID/),
        expect.stringMatching(/live, not a test credential/),
      ]),
    );
    expect(formatChecklist(report, { color: false })).toMatch(/Not checked offline: .*Run npm run doctor -- --online to ask Twilio\./);
  });
});

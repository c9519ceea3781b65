/**
 * The env-file editor of npm run setup and npm run keys: only the lines of the variables they set
 * change, everything else stays byte for byte (comments, blanks, order, quoting, line endings, a
 * BOM), and writing is atomic with a backup, or nothing at all when nothing changes.
 */
import fs from 'node:fs';
import path from 'node:path';
import fc from 'fast-check';
import { editEnvText, writeEnvFile } from '../../cli/lib/env-edit';
import { parseEnvText } from '../../cli/lib/env-file';
import { tempDir } from './support';

const KEY = 'SK' + '2b'.repeat(16);
const APP = 'AP' + '3c'.repeat(16);

describe('editEnvText', () => {
  test('a line is replaced in place; one that already holds the value stays as written', () => {
    const text = '# keys\nAPI_KEY = "SKold"\nFOO=1\nOUTGOING_SID="' + APP + '"\n';
    expect(editEnvText(text, { API_KEY: KEY, OUTGOING_SID: APP })).toBe(`# keys\nAPI_KEY=${KEY}\nFOO=1\nOUTGOING_SID="${APP}"\n`);
  });

  test("a missing variable goes after the nearest one before it in the schema's order, else at the end", () => {
    const text = 'ACCOUNT_SID=AC1\nAUTH_MODE=none\n';
    expect(editEnvText(text, { API_SECRET: 's3cret', CHAT_SERVICE_SID: 'IS1', API_KEY: KEY })).toBe(
      `ACCOUNT_SID=AC1\nAPI_KEY=${KEY}\nAPI_SECRET=s3cret\nCHAT_SERVICE_SID=IS1\nAUTH_MODE=none\n`,
    );
    expect(editEnvText('# only a comment\n', { OUTGOING_SID: APP })).toBe(`# only a comment\nOUTGOING_SID=${APP}\n`);
    expect(editEnvText('', { OUTGOING_SID: APP })).toBe(`OUTGOING_SID=${APP}\n`);
  });

  test('the line twilio-run reads (the last) is the one rewritten; `export` lines are not variables to it', () => {
    expect(editEnvText('API_KEY=SKa\nAPI_KEY=SKb\n', { API_KEY: KEY })).toBe(`API_KEY=SKa\nAPI_KEY=${KEY}\n`);
    expect(editEnvText('export API_KEY=SKa\n', { API_KEY: KEY })).toBe(`export API_KEY=SKa\nAPI_KEY=${KEY}\n`);
  });

  test('null removes the line; a variable that is not there is nothing to remove', () => {
    const text = `API_KEY=${KEY}\nAPI_KEY_PREVIOUS=SKold\n# note\nAPI_SECRET_PREVIOUS=x\nAPI_KEY_ROTATED_AT=2026-01-01T00:00:00.000Z\n`;
    expect(editEnvText(text, { API_KEY_PREVIOUS: null, API_SECRET_PREVIOUS: null, API_KEY_ROTATED_AT: null, OUTGOING_SID: null })).toBe(
      `API_KEY=${KEY}\n# note\n`,
    );
  });

  test('line endings, a missing final line break and a BOM are kept', () => {
    expect(editEnvText('A=1\r\nAPI_KEY=x\r\n', { API_KEY: KEY, OUTGOING_SID: APP })).toBe(
      `A=1\r\nAPI_KEY=${KEY}\r\nOUTGOING_SID=${APP}\r\n`,
    );
    expect(editEnvText('A=1\nAPI_KEY=x', { API_KEY: KEY })).toBe(`A=1\nAPI_KEY=${KEY}`);
    expect(editEnvText('A=1', { OUTGOING_SID: APP })).toBe(`A=1\nOUTGOING_SID=${APP}\n`);
    expect(editEnvText('A=1\r\nB=2', { OUTGOING_SID: APP })).toBe(`A=1\r\nB=2\r\nOUTGOING_SID=${APP}\r\n`);
    expect(editEnvText('\uFEFFAPI_KEY=x\nB=2\n', { API_KEY: KEY })).toBe(`\uFEFFAPI_KEY=${KEY}\nB=2\n`);
  });

  test('a value that would need quoting is refused, never written half-understood', () => {
    for (const value of ['has space', 'a#b', '"q"', '', 'line\nbreak'])
      expect(() => editEnvText('', { API_SECRET: value })).toThrow(/needs quoting/);
  });

  test('property: whatever the file, only the changed variables change, and every other line is kept in order', () => {
    const names = ['API_KEY', 'API_SECRET', 'OUTGOING_SID', 'CHAT_SERVICE_SID', 'SYNC_SERVICE_SID', 'API_KEY_PREVIOUS'] as const;
    const line = fc.oneof(
      fc.constantFrom('', '# comment', '   # indented', 'FOO=bar', 'QUOTED="a b # c"', 'export X=1', 'garbage line', 'AUTH_MODE=jwt'),
      fc.tuple(fc.constantFrom(...names), fc.stringMatching(/^[A-Za-z0-9]{0,12}$/)).map(([n, v]) => `${n}=${v}`),
    );
    const changes = fc.dictionary(fc.constantFrom(...names), fc.option(fc.stringMatching(/^[A-Za-z0-9]{1,12}$/), { nil: null }));
    fc.assert(
      fc.property(fc.array(line, { maxLength: 30 }), fc.boolean(), changes, (lines, finalBreak, change) => {
        const text = lines.join('\n') + (finalBreak && lines.length > 0 ? '\n' : '');
        const edited = editEnvText(text, change);
        const before = parseEnvText(text);
        const after = parseEnvText(edited);
        for (const [name, value] of Object.entries(change)) expect(after[name]).toBe(value === null ? undefined : value);
        for (const name of Object.keys(before)) if (!(name in change)) expect(after[name]).toBe(before[name]);
        // Every line that sets none of the changed variables is still there, in the same order.
        const touched = (l: string): boolean => Object.keys(change).some((name) => new RegExp(`^\\s*${name}\\s*=`).test(l));
        const kept = text.split('\n').filter((l) => !touched(l) && l !== '');
        const left = edited.split('\n').filter((l) => !touched(l) && l !== '');
        expect(left).toEqual(kept);
        // Editing again with the same changes changes nothing.
        expect(editEnvText(edited, change)).toBe(edited);
      }),
      { numRuns: 300, interruptAfterTimeLimit: 5_000 },
    );
  });

  test('linear in the size of the file: 16 times the lines, well under 64 times the time', () => {
    const fileOf = (lines: number): string =>
      Array.from({ length: lines }, (_, i) => (i % 3 === 0 ? `# note ${i}` : `VAR_${i}=value${i}`)).join('\n');
    const time = (text: string): number => {
      const started = process.hrtime.bigint();
      for (let i = 0; i < 3; i++) editEnvText(text, { API_KEY: KEY, OUTGOING_SID: APP, API_KEY_PREVIOUS: null });
      return Number(process.hrtime.bigint() - started) / 1e6;
    };
    time(fileOf(2_000)); // warm up
    const small = time(fileOf(5_000));
    const large = time(fileOf(80_000));
    expect(large).toBeLessThan(Math.max(small, 5) * 64);
  });
});

describe('writeEnvFile', () => {
  let dir: string;
  beforeAll(() => {
    dir = tempDir('env-edit-');
  });
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  test('a change: the old file is copied to FILE.bak (its owner only), the new one renamed into place, no temporary file left', () => {
    const file = path.join(dir, 'a.env');
    fs.writeFileSync(file, 'A=1\n', { mode: 0o640 });
    fs.chmodSync(file, 0o640);
    expect(writeEnvFile(file, 'A=2\n')).toEqual({ changed: true, backup: `${file}.bak` });
    expect([fs.readFileSync(file, 'utf8'), fs.readFileSync(`${file}.bak`, 'utf8')]).toEqual(['A=2\n', 'A=1\n']);
    expect([fs.statSync(file).mode & 0o777, fs.statSync(`${file}.bak`).mode & 0o777]).toEqual([0o640, 0o600]);
    expect(fs.readdirSync(dir).sort()).toEqual(['a.env', 'a.env.bak']);
  });

  test('no change: nothing written, the backup left as it was', () => {
    const file = path.join(dir, 'b.env');
    fs.writeFileSync(file, 'A=1\n');
    fs.writeFileSync(`${file}.bak`, 'older\n');
    const mtime = fs.statSync(file).mtimeMs;
    expect(writeEnvFile(file, 'A=1\n')).toEqual({ changed: false });
    expect([fs.statSync(file).mtimeMs, fs.readFileSync(`${file}.bak`, 'utf8')]).toEqual([mtime, 'older\n']);
  });

  test('a new file: readable by its owner only, and no backup of nothing', () => {
    const file = path.join(dir, 'new.env');
    expect(writeEnvFile(file, 'A=1\n')).toEqual({ changed: true });
    expect(fs.statSync(file).mode & 0o777).toBe(0o600);
    expect(fs.existsSync(`${file}.bak`)).toBe(false);
  });
});

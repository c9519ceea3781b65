import { passcodeMatches, readBearer } from '../../lib/auth/credentials';
import { ServiceError } from '../../lib/errors';

function refusal(headers: Record<string, string | string[] | undefined>): ServiceError {
  try {
    readBearer(headers);
  } catch (error) {
    return error as ServiceError;
  }
  throw new Error('expected a 401');
}

describe('readBearer', () => {
  test('reads one Bearer credential; the scheme is case-insensitive', () => {
    expect(readBearer({ authorization: 'Bearer abc.def.ghi' })).toEqual({ kind: 'bearer', credential: 'abc.def.ghi' });
    expect(readBearer({ authorization: 'bearer  xyz ' })).toEqual({ kind: 'bearer', credential: 'xyz' });
    expect(readBearer({})).toEqual({ kind: 'absent' });
  });

  test.each([
    ['another scheme', 'Basic dXNlcjpwYXNz', 'Bearer scheme'],
    ['a bare credential', 'abc.def.ghi', 'Bearer scheme'],
    ['Bearer and nothing', 'Bearer', 'exactly one credential'],
    ['Bearer and spaces', 'Bearer    ', 'exactly one credential'],
    ['two credentials', 'Bearer one two', 'exactly one credential'],
    ['empty', '', 'empty'],
  ])('%s -> 401 unauthorized without echoing the header', (_, value, says) => {
    const error = refusal({ authorization: value });
    expect(error.toBody()).toEqual({ error: { code: 'unauthorized', field: 'Authorization', message: expect.stringContaining(says) } });
    expect(error.status).toBe(401);
    for (const part of value.split(' ').filter((p) => p.length > 6)) expect(error.message).not.toContain(part);
  });

  test('repeated Authorization headers are refused', () => {
    expect(refusal({ authorization: ['Bearer a', 'Bearer b'] }).message).toContain('more than one');
  });
});

describe('passcodeMatches', () => {
  const passcode = 'correct-horse-battery-staple';
  test('exact match only, whatever the lengths', () => {
    expect(passcodeMatches(passcode, passcode)).toBe(true);
    expect(passcodeMatches(passcode.slice(0, -1), passcode)).toBe(false);
    expect(passcodeMatches(passcode + 'x', passcode)).toBe(false);
    expect(passcodeMatches('', passcode)).toBe(false);
    expect(passcodeMatches(passcode.toUpperCase(), passcode)).toBe(false);
  });

  test('follows a changed passcode (no stale cached digest)', () => {
    expect(passcodeMatches('first-passcode-0001', 'first-passcode-0001')).toBe(true);
    expect(passcodeMatches('first-passcode-0001', 'second-passcode-002')).toBe(false);
    expect(passcodeMatches('second-passcode-002', 'second-passcode-002')).toBe(true);
  });
});

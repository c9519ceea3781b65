import { credentialReader, passcodeMatches, readBearer, readBearerOrBareJwt } from '../../lib/auth/credentials';
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

  test('repeated Authorization headers are refused; an empty list of them is no header', () => {
    expect(refusal({ authorization: ['Bearer a', 'Bearer b'] }).message).toContain('more than one');
    expect(readBearer({ authorization: [] })).toEqual({ kind: 'absent' });
  });

  test('a value that starts with a space (only a replaced event.request can send one) is a 401, not a crash', () => {
    expect(refusal({ authorization: ' Bearer one two' }).toBody()).toEqual({
      error: {
        code: 'unauthorized',
        field: 'Authorization',
        message: 'The Authorization header is malformed: it must use the Bearer scheme, as in Authorization: Bearer <token>.',
      },
    });
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

describe('readBearerOrBareJwt (the Firebase mode of twilio-video-app-react sends its ID token with no scheme)', () => {
  const jwt = 'eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJhIn0.c2lnbmF0dXJl';
  test('a bare compact JWT, or Bearer with anything', () => {
    expect(readBearerOrBareJwt({ authorization: jwt })).toEqual({ kind: 'bearer', credential: jwt });
    expect(readBearerOrBareJwt({ authorization: ` ${jwt} ` })).toEqual({ kind: 'bearer', credential: jwt });
    expect(readBearerOrBareJwt({ authorization: `Bearer ${jwt}` })).toEqual({ kind: 'bearer', credential: jwt });
    expect(readBearerOrBareJwt({})).toEqual({ kind: 'absent' });
  });

  test('anything else bare is refused as readBearer refuses it', () => {
    expect(() => readBearerOrBareJwt({ authorization: 'Basic dXNlcjpwYXNz' })).toThrow('Bearer scheme');
    expect(() => readBearerOrBareJwt({ authorization: 'not-a-jwt' })).toThrow('Bearer scheme');
    expect(() => readBearerOrBareJwt({ authorization: `${jwt} extra` })).toThrow('Bearer scheme');
  });
});

describe('credentialReader', () => {
  test("the default is /token's: Bearer, or the passcode parameter, with /token's sentences", () => {
    const read = credentialReader();
    expect(read({ authorization: 'Bearer p4ss' }, { passcode: 'other' }, 'passcode')).toEqual({ credential: 'p4ss' });
    expect(read({}, { passcode: 'p4ss' }, 'passcode')).toEqual({ credential: 'p4ss' });
    expect(read({}, { passcode: '' }, 'passcode')).toEqual({
      missing: 'This service needs a passcode: send Authorization: Bearer <passcode> (or a passcode parameter in the POST body).',
    });
    expect(read({}, { passcode: 'p4ss' }, 'jwt')).toEqual({
      missing: "This service needs a sign-in token: send Authorization: Bearer <your app's JWT for this user>.",
    });
    expect(() => read({}, { passcode: ['a', 'b'] }, 'passcode')).toThrow('The passcode parameter must be a single string.');
    // Only the Video app's Firebase mode takes a JWT without a scheme.
    expect(() => read({ authorization: 'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJhIn0.c2ln' }, {}, 'jwt')).toThrow('Bearer scheme');
  });

  test('another parameter (the Conversations demo sends its password) is read and named', () => {
    const read = credentialReader({ passcodeParam: 'password' });
    expect(read({}, { password: 'p4ss', passcode: 'ignored' }, 'passcode')).toEqual({ credential: 'p4ss' });
    expect(read({}, { passcode: 'p4ss' }, 'passcode')).toEqual({
      missing: 'This service needs a passcode: send it as the password parameter (or Authorization: Bearer <passcode>).',
    });
  });
});

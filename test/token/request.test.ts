import { loadConfig } from '../../lib/config/service';
import { ServiceError } from '../../lib/errors';
import type { Caller } from '../../lib/products';
import { parseTokenRequest as parse } from '../../lib/token/request';
import { realVars } from '../support/env';

const { products } = loadConfig(realVars());

/** The request /token reads from an event, with TOKEN_MAX_TTL `maxTtl`. */
const parseTokenRequest = (event: Record<string, unknown>, maxTtl = 86400, caller?: Caller) => parse(event, { maxTtl, products }, caller);

function errorOf(
  event: Record<string, unknown>,
  maxTtl = 86400,
  caller?: Caller,
): { status: number; code: string; field?: string; message: string } {
  try {
    parseTokenRequest(event, maxTtl, caller);
  } catch (error) {
    if (error instanceof ServiceError) return { status: error.status, code: error.code, field: error.field, message: error.message };
    throw error;
  }
  throw new Error('expected a ServiceError');
}

describe('parseTokenRequest', () => {
  test('reads a full request from query-string values', () => {
    expect(
      parseTokenRequest({ identity: 'alice_1', grants: 'voice,video', ttl: '600', room: 'standup', incomingAllow: 'false' }, 86400),
    ).toEqual({
      identity: 'alice_1',
      grants: ['voice', 'video'],
      ttl: 600,
      options: { voice: { incomingAllow: false }, video: { room: 'standup' } },
    });
  });

  test('grants: arrays, spaces, case, duplicates and the conversations alias collapse to canonical names in request order', () => {
    expect(parseTokenRequest({ identity: 'a', grants: ['Sync', 'conversations, chat', 'video', 'sync'] }, 86400).grants).toEqual([
      'sync',
      'chat',
      'video',
    ]);
  });

  test('defaults: ttl from configuration, incoming calls allowed', () => {
    expect(parseTokenRequest({ identity: 'bob', grants: 'voice' }, 86400)).toEqual({
      identity: 'bob',
      grants: ['voice'],
      options: { voice: { incomingAllow: true } },
    });
  });

  test.each([
    [true, true],
    [false, false],
    ['true', true],
    ['false', false],
  ])('incomingAllow %p reads as %p', (raw, expected) => {
    expect(parseTokenRequest({ identity: 'bob', grants: 'voice', incomingAllow: raw }, 86400).options.voice?.incomingAllow).toBe(expected);
  });

  test('zero-width (non-)joiners, which some scripts need, stay allowed outside Voice', () => {
    expect(parseTokenRequest({ identity: 'क्\u200dष', grants: 'chat' }, 86400).identity).toBe('क्\u200dष');
    expect(parseTokenRequest({ identity: 'می\u200cخواهم', grants: 'video' }, 86400).identity).toBe('می\u200cخواهم');
  });

  test('the hint for "undefined" names the likely bug', () => {
    expect(errorOf({ identity: 'undefined', grants: 'video' }).message).toMatch(/variable that was never set/);
  });

  test('a JSON number ttl is accepted', () => {
    expect(parseTokenRequest({ identity: 'bob', grants: 'sync', ttl: 120 }, 86400).ttl).toBe(120);
  });

  test('non-voice identities may use any printable characters, e.g. an email', () => {
    expect(parseTokenRequest({ identity: "Zoë.o'neil+test@example.com", grants: 'chat,sync' }, 86400).identity).toBe(
      "Zoë.o'neil+test@example.com",
    );
  });

  test.each([
    [{ grants: 'voice' }, 'missing_identity', 'identity'],
    [{ identity: '', grants: 'voice' }, 'missing_identity', 'identity'],
    [{}, 'missing_identity', 'identity'],
    [{ identity: ['a', 'b'], grants: 'chat' }, 'invalid_identity', 'identity'],
    [{ identity: { a: 1 }, grants: 'chat' }, 'invalid_identity', 'identity'],
    [{ identity: ' alice', grants: 'chat' }, 'invalid_identity', 'identity'],
    [{ identity: 'al\nice', grants: 'chat' }, 'invalid_identity', 'identity'],
    [{ identity: 'a'.repeat(257), grants: 'chat' }, 'invalid_identity', 'identity'],
    [{ identity: 'alice smith', grants: 'voice' }, 'invalid_identity', 'identity'],
    [{ identity: 'alice@example.com', grants: 'video,voice' }, 'invalid_identity', 'identity'],
    [{ identity: 'a'.repeat(122), grants: 'voice' }, 'invalid_identity', 'identity'],
    [{ identity: 'a'.repeat(129), grants: 'video' }, 'invalid_identity', 'identity'],
    [{ identity: 'alice' }, 'missing_grants', 'grants'],
    [{ identity: 'alice', grants: ' , ' }, 'missing_grants', 'grants'],
    [{ identity: 'alice', grants: 'voice,fax' }, 'invalid_grant', 'grants'],
    [{ identity: 'alice', grants: 42 }, 'invalid_grant', 'grants'],
    [{ identity: 'alice', grants: ['voice', 7] }, 'invalid_grant', 'grants'],
    [{ identity: 'alice', grants: '__proto__' }, 'invalid_grant', 'grants'],
    [{ identity: 'alice', grants: 'toString' }, 'invalid_grant', 'grants'],
    [{ identity: 'alice', grants: 'video', ttl: '0' }, 'invalid_ttl', 'ttl'],
    [{ identity: 'alice', grants: 'video', ttl: '86401' }, 'invalid_ttl', 'ttl'],
    [{ identity: 'alice', grants: 'video', ttl: '1.5' }, 'invalid_ttl', 'ttl'],
    [{ identity: 'alice', grants: 'video', ttl: '-5' }, 'invalid_ttl', 'ttl'],
    [{ identity: 'alice', grants: 'video', ttl: '1e3' }, 'invalid_ttl', 'ttl'],
    [{ identity: 'alice', grants: 'video', ttl: ['60', '70'] }, 'invalid_ttl', 'ttl'],
    [{ identity: 'alice', grants: 'video', room: 'r'.repeat(129) }, 'invalid_room', 'room'],
    [{ identity: 'alice', grants: 'video', room: ['a', 'b'] }, 'invalid_room', 'room'],
    [{ identity: 'alice', grants: 'video', room: 'a\u0000b' }, 'invalid_room', 'room'],
    [{ identity: 'alice', grants: 'chat', room: 'standup' }, 'invalid_param', 'room'],
    [{ identity: 'alice', grants: 'chat', incomingAllow: 'true' }, 'invalid_param', 'incomingAllow'],
    [{ identity: 'alice', grants: 'voice', incomingAllow: 'maybe' }, 'invalid_param', 'incomingAllow'],
    // #11: exactly true or false; what a 1, a yes or a TRUE meant is a guess this service no longer makes.
    [{ identity: 'alice', grants: 'voice', incomingAllow: 'TRUE' }, 'invalid_param', 'incomingAllow'],
    [{ identity: 'alice', grants: 'voice', incomingAllow: '1' }, 'invalid_param', 'incomingAllow'],
    [{ identity: 'alice', grants: 'voice', incomingAllow: '0' }, 'invalid_param', 'incomingAllow'],
    [{ identity: 'alice', grants: 'voice', incomingAllow: 0 }, 'invalid_param', 'incomingAllow'],
    [{ identity: 'alice', grants: 'voice', incomingAllow: 'yes' }, 'invalid_param', 'incomingAllow'],
    // #11: look-alike identities, and a client's unset variable sent as text.
    [{ identity: 'alice\u202eecila', grants: 'chat' }, 'invalid_identity', 'identity'],
    [{ identity: '\u2066alice\u2069', grants: 'chat' }, 'invalid_identity', 'identity'],
    [{ identity: 'ali\u200bce', grants: 'chat' }, 'invalid_identity', 'identity'],
    [{ identity: 'alice\u2060', grants: 'chat' }, 'invalid_identity', 'identity'],
    [{ identity: '\ufeffalice', grants: 'chat' }, 'invalid_identity', 'identity'],
    [{ identity: 'undefined', grants: 'chat' }, 'invalid_identity', 'identity'],
    [{ identity: 'null', grants: 'video' }, 'invalid_identity', 'identity'],
  ])('%j is a 400 %s on %s', (event, code, field) => {
    expect(errorOf(event as Record<string, unknown>)).toMatchObject({ status: 400, code, field });
  });

  test('ttl above a configured TOKEN_MAX_TTL is refused with the limit in the message', () => {
    expect(errorOf({ identity: 'a', grants: 'sync', ttl: '7201' }, 7200)).toMatchObject({
      code: 'invalid_ttl',
      message: expect.stringContaining('1 to 7200'),
    });
  });

  test('the voice identity rule says what is allowed and which SDK error it prevents', () => {
    expect(errorOf({ identity: 'alice smith', grants: 'voice' }).message).toMatch(/letters A-Z, a-z, digits and underscores.*31105/);
  });

  test('an inherited (prototype) identity is not read', () => {
    const event = Object.create({ identity: 'inherited' }) as Record<string, unknown>;
    event.grants = 'chat';
    expect(errorOf(event).code).toBe('missing_identity');
  });
});

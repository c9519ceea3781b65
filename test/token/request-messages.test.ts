/**
 * The 400s of /token say what was sent and what to send instead: the exact wording a caller
 * reads for the mistakes people make (a blank grants, a padded typo, a ttl of the wrong kind, a
 * look-alike identity), through the endpoint.
 */
import { handleToken } from '../../lib/endpoints/token';
import { realVars } from '../support/env';
import { eventOf } from '../support/runtime';

async function error(params: Record<string, unknown>): Promise<{ status: number; code: string; field: string; message: string }> {
  const { status, body } = await handleToken(realVars(), eventOf(params), { log: () => undefined });
  return { status, ...(body as { error: { code: string; field: string; message: string } }).error };
}

test('a blank grants is missing, not empty', async () => {
  expect(await error({ identity: 'alice', grants: '' })).toEqual({
    status: 400,
    code: 'missing_grants',
    field: 'grants',
    message: expect.stringMatching(/^grants is required: a comma list of .* e\.g\. grants=voice,video$/),
  });
});

test('an unknown grant is quoted trimmed, and at most 40 characters of it', async () => {
  expect((await error({ identity: 'alice', grants: 'video, vidoe ' })).message).toMatch(/^unknown grant "vidoe"; choose from /);
  expect((await error({ identity: 'alice', grants: `x${'y'.repeat(100)}` })).message).toMatch(
    new RegExp(`^unknown grant "x${'y'.repeat(39)}"; choose from `),
  );
});

test.each([
  ['a word', 'abc', ' (got "abc")'],
  ['a fraction', 61.5, ' (got "61.5")'],
  ['a long text, cut', '9'.repeat(30), ` (got "${'9'.repeat(20)}")`],
  ['an object', { seconds: 60 }, ' (got an object)'],
  ['a boolean', true, ' (got a boolean)'],
])('a ttl that is %s says what it got', async (_, ttl, got) => {
  expect(await error({ identity: 'alice', grants: 'video', ttl })).toEqual({
    status: 400,
    code: 'invalid_ttl',
    field: 'ttl',
    message: `ttl must be a whole number of seconds from 1 to 86400${got}`,
  });
});

test('a look-alike identity names the character that makes it one', async () => {
  expect(await error({ identity: 'alice\u202eecila', grants: 'chat' })).toEqual({
    status: 400,
    code: 'invalid_identity',
    field: 'identity',
    message:
      'identity must not contain bidirectional controls or invisible characters (it holds U+202E): they let one name pass for another',
  });
});

describe('ttl at its edges', () => {
  async function ttlOf(ttl: unknown): Promise<unknown> {
    const { status, body } = await handleToken(realVars(), eventOf({ identity: 'alice', grants: 'video', ttl }), { log: () => undefined });
    return status === 200 ? (body as { ttl: number }).ttl : (body as { error: { code: string } }).error.code;
  }

  test('an empty ttl (a form field left blank) is the default; 1 s is the shortest, 0 is refused', async () => {
    expect([await ttlOf(''), await ttlOf('1'), await ttlOf(1), await ttlOf('0')]).toEqual([3600, 1, 1, 'invalid_ttl']);
  });
});

test('control characters in an identity are named as such', async () => {
  expect(await error({ identity: 'alice\nbob', grants: 'video' })).toEqual({
    status: 400,
    code: 'invalid_identity',
    field: 'identity',
    message: 'identity must not contain control characters or line breaks',
  });
});

test('a refused parameter with a long name is named by at most 64 characters of it', async () => {
  const name = `params[${'x'.repeat(100)}]`;
  expect(await error({ identity: 'alice', grants: 'voice', [name]: '1' })).toMatchObject({
    status: 400,
    code: 'invalid_param',
    field: name.slice(0, 64),
  });
});

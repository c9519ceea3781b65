/**
 * Near misses of a parameter name are refused, not ignored in silence (#22 item 10): which names
 * count as near misses, at the edges of the rule (one edit, at least 4 characters, at most 40).
 */
import { handleInspect } from '../../lib/endpoints/inspect';
import { checkParams } from '../../lib/endpoints/params';
import { handleToken } from '../../lib/endpoints/token';
import { ServiceError } from '../../lib/errors';
import { TOKEN_PARAMS } from '../../lib/token/request';
import { realVars } from '../support/env';
import { eventOf } from '../support/runtime';

/** The near miss checkParams reports for these parameters, or undefined when it lets them through. */
function nearMiss(
  params: Record<string, unknown>,
  known: readonly string[] = TOKEN_PARAMS,
): { field?: string; message: string } | undefined {
  try {
    checkParams(eventOf(params), known);
    return undefined;
  } catch (error) {
    if (!(error instanceof ServiceError)) throw error;
    expect({ status: error.status, code: error.code }).toEqual({ status: 400, code: 'unknown_param' });
    return { field: error.field, message: error.message };
  }
}

const meant = (name: string, wanted: string) => ({
  field: name,
  message: `${JSON.stringify(name)} is not a parameter of this endpoint; did you mean ${wanted}?`,
});

describe('the passcode every endpoint takes (AUTH_MODE=passcode)', () => {
  test.each(['Passcode', 'PASSCODE', 'pass_code', 'pass-code', 'passcod', 'passcodes'])('%j is refused: did you mean passcode?', (name) => {
    expect(nearMiss({ [name]: 'x' })).toEqual(meant(name, 'passcode'));
    expect(nearMiss({ [name]: 'x' }, ['token'])).toEqual(meant(name, 'passcode'));
  });

  test('passcode itself is a parameter of both endpoints', () => {
    expect([nearMiss({ passcode: 'x', identity: 'alice' }), nearMiss({ passcode: 'x', token: 'x' }, ['token'])]).toEqual([
      undefined,
      undefined,
    ]);
  });

  test('through /token and /inspect: a Passcode typo is a 400 naming it, not a silent "needs a passcode"', async () => {
    const vars = realVars({ AUTH_MODE: 'passcode', APP_PASSCODE: 'VvrhovVnpSgbWL21zghi1isyDGfgYykT' });
    const event = eventOf({ identity: 'alice', grants: 'video', token: 'x', Passcode: 'VvrhovVnpSgbWL21zghi1isyDGfgYykT' });
    for (const handle of [handleToken, handleInspect]) {
      const { status, body } = await handle(vars, event, { log: () => undefined });
      expect({ status, body }).toEqual({ status: 400, body: { error: { code: 'unknown_param', ...meant('Passcode', 'passcode') } } });
    }
  });
});

describe('what a near miss is', () => {
  test.each([
    ['case', 'Identity', 'identity'],
    ['snake case', 'incoming_allow', 'incomingAllow'],
    ['kebab case', 'incoming-allow', 'incomingAllow'],
    ['a missing letter', 'identiy', 'identity'],
    ['an extra letter', 'identitty', 'identity'],
    ['a wrong letter', 'idantity', 'identity'],
    ['the singular', 'grant', 'grants'],
    ['an extra s, 4 characters', 'ttls', 'ttl'],
    ['a short name that only differs by case and underscores', 't_T_l', 'ttl'],
    ['a wrong letter, 4 characters', 'roam', 'room'],
  ])('%s: %j -> did you mean %s?', (_, name, wanted) => {
    expect(nearMiss({ [name]: 'x' })).toEqual(meant(name, wanted));
  });

  test.each([
    ['two edits away', 'gnats'],
    ['a swap of two letters (two edits)', 'idnetity'],
    ['three characters, one edit from ttl', 'tl_'],
    ['three characters, one edit from room', 'rom'],
    ['two characters', 'tt'],
    ['unrelated', 'callback'],
    ['a cache buster', '_'],
    ['tracking', 'utm_source'],
  ])('%s: %j is not a near miss (other parameters are ignored)', (_, name) => {
    expect(nearMiss({ [name]: 'x', identity: 'alice' })).toBeUndefined();
  });

  test('names longer than 40 characters are never near misses, and a huge one costs no time', () => {
    const padded = (length: number): string => `identity${'_'.repeat(length - 'identity'.length)}`;
    expect(nearMiss({ [padded(40)]: 'x' })).toEqual(meant(padded(40), 'identity'));
    expect(nearMiss({ [padded(41)]: 'x' })).toBeUndefined();
    const started = performance.now();
    expect(nearMiss({ [padded(200_000)]: 'x', [`I${'d'.repeat(200_000)}`]: 'x' })).toBeUndefined();
    expect(performance.now() - started).toBeLessThan(2000);
  });

  test('the first near miss is reported; the runtime request object is not a parameter', () => {
    expect(nearMiss({ identity: 'alice', grant: 'video', Ttl: '60' })).toEqual(meant('grant', 'grants'));
    expect(nearMiss({ request: { headers: {} }, identity: 'alice' })).toBeUndefined();
  });
});

describe('a body that arrived unparsed', () => {
  test.each(['{"identity":"alice","grants":"video"}', '  [1,2]'])(
    'one parameter named %j is a 415, whatever the request object',
    (name) => {
      let thrown: unknown;
      try {
        checkParams(eventOf({ [name]: '' }), TOKEN_PARAMS);
      } catch (error) {
        thrown = error;
      }
      expect(thrown).toBeInstanceOf(ServiceError);
      expect((thrown as ServiceError).toBody()).toEqual({
        error: {
          code: 'unsupported_media_type',
          field: 'Content-Type',
          message: expect.stringMatching(/^The body looks like JSON sent without/),
        },
      });
    },
  );

  test('a lone parameter whose name merely holds a bracket is not a JSON body', () => {
    expect([nearMiss({ 'filter[': '' }), nearMiss({ 'x{"a":1}': '' })]).toEqual([undefined, undefined]);
  });

  test('JSON-looking text among other parameters is just an unknown name', () => {
    expect(nearMiss({ '{"a":1}': '', identity: 'alice' })).toBeUndefined();
  });
});

/**
 * authenticateCaller's answer, whole: the mode that let the caller in, the verified identity in
 * jwt mode, and a grant policy only when the sign-in token carries one (no key at all otherwise).
 */
import { decodeJwt } from 'jose';
import { authenticateCaller } from '../../lib/auth';
import { loadAuthConfig } from '../../lib/config/auth';
import { loadConfig } from '../../lib/config/service';
import { realVars } from '../support/env';
import { APP_JWT_SECRET, APP_PASSCODE, signHs } from './support';

async function callerFor(extra: Record<string, string>, headers: Record<string, string> = {}, event: Record<string, unknown> = {}) {
  const vars = realVars(extra);
  const config = loadConfig(vars);
  return authenticateCaller(loadAuthConfig(vars, config), config, headers, event);
}

test('none: anyone, nothing verified', async () => {
  expect(await callerFor({ AUTH_MODE: 'none' }, { authorization: 'Bearer whatever' })).toStrictEqual({ mode: 'none' });
});

test('passcode: the mode only, from the header or the parameter', async () => {
  const passcode = { AUTH_MODE: 'passcode', APP_PASSCODE };
  expect(await callerFor(passcode, { authorization: `Bearer ${APP_PASSCODE}` })).toStrictEqual({ mode: 'passcode' });
  expect(await callerFor(passcode, {}, { passcode: APP_PASSCODE })).toStrictEqual({ mode: 'passcode' });
});

test('jwt: the verified identity, every claim, and allowedGrants only when the token has a twilio_grants claim', async () => {
  const jwt = { AUTH_MODE: 'jwt', AUTH_JWT_SECRET: APP_JWT_SECRET };
  const alice = await signHs({ claims: { sub: 'alice' } });
  expect(await callerFor(jwt, { authorization: `Bearer ${alice}` })).toStrictEqual({
    mode: 'jwt',
    identity: 'alice',
    claims: decodeJwt(alice),
  });
  const limited = await signHs({ claims: { sub: 'bob', twilio_grants: ['conversations', 'video'] } });
  expect(await callerFor(jwt, { authorization: `Bearer ${limited}` })).toStrictEqual({
    mode: 'jwt',
    identity: 'bob',
    allowedGrants: ['chat', 'video'],
    claims: decodeJwt(limited),
  });
});

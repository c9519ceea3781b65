/**
 * Interoperability: Twilio's own Python helper library (Debian python3-twilio) decodes and
 * verifies a token we minted, with the same secret.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { loadConfig } from '../../lib/config/service';
import { mintToken } from '../../lib/token/mint';
import { realVars, REAL_LOOKING, TEST_SECRET } from '../support/env';

const PYTHON = '/usr/bin/python3';
const hasTwilioPython = spawnSync(PYTHON, ['-c', 'import twilio.jwt'], { encoding: 'utf8' }).status === 0;
if (!hasTwilioPython && process.env.CI) {
  throw new Error('python3-twilio is required in CI: .ci/run installs it with apt-get');
}

const VERIFY = `
import json, sys
from twilio.jwt import Jwt
token, secret = sys.argv[1], sys.argv[2]
decoded = Jwt.from_jwt(token, secret)
print(json.dumps({"headers": decoded.headers, "payload": decoded.payload}))
`;

(hasTwilioPython ? describe : describe.skip)("Twilio's Python helper library", () => {
  test('verifies a voice+chat+sync token we minted and reads the same payload', () => {
    const minted = mintToken(
      { identity: 'py_user', grants: ['voice', 'chat', 'sync'], options: { voice: { incomingAllow: true } } },
      loadConfig(realVars({ TWILIO_REGION: 'ie1' })),
    );
    const out = JSON.parse(execFileSync(PYTHON, ['-c', VERIFY, minted.token, TEST_SECRET], { encoding: 'utf8' }));
    expect(out.headers).toEqual({ alg: 'HS256', typ: 'JWT', cty: 'twilio-fpa;v=1', twr: 'ie1' });
    expect(out.payload.iss).toBe(REAL_LOOKING.API_KEY);
    expect(out.payload.sub).toBe(REAL_LOOKING.ACCOUNT_SID);
    expect(out.payload.grants).toEqual({
      identity: 'py_user',
      voice: {
        incoming: { allow: true },
        outgoing: { application_sid: REAL_LOOKING.OUTGOING_SID },
        push_credential_sid: REAL_LOOKING.PUSH_CREDENTIAL_SID,
      },
      chat: { service_sid: REAL_LOOKING.CHAT_SERVICE_SID },
      data_sync: { service_sid: REAL_LOOKING.SYNC_SERVICE_SID },
    });
  });

  test('rejects the same token with another secret (the check is real)', () => {
    const minted = mintToken({ identity: 'py_user', grants: ['video'], options: {} }, loadConfig(realVars()));
    const run = spawnSync(PYTHON, ['-c', VERIFY, minted.token, 'x'.repeat(32)], { encoding: 'utf8' });
    expect(run.status).not.toBe(0);
    expect(run.stderr).toMatch(/signature|verif/i);
  });
});

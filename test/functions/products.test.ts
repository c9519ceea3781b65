/** /products as the runtime calls it: which grants this deployment can mint, before anyone signs in. */
import { demoVars, realVars } from '../support/env';
import { invoke, LogCapture, loadFunction } from '../support/runtime';

const logs = new LogCapture();
beforeEach(() => logs.start());
afterEach(() => logs.stop());
const event = (headers: Record<string, string> = {}) => ({ request: { headers, cookies: {} } });

test('every product, configured or not with the variable it needs; no caller auth, no value', async () => {
  const vars = realVars({
    AUTH_MODE: 'passcode',
    APP_PASSCODE: 'VvrhovVnpSgbWL21zghi1isyDGfgYykT',
    OUTGOING_SID: undefined,
    CHAT_SERVICE_SID: undefined,
    TASKROUTER_WORKSPACE_SID: undefined,
  });
  const answer = await invoke(loadFunction('products'), vars, event(), logs);
  expect(answer.status).toBe(200);
  expect(answer.json).toEqual({
    products: [
      { grant: 'voice', title: 'Voice', configured: false, needs: 'OUTGOING_SID' },
      { grant: 'video', title: 'Video', configured: true },
      { grant: 'chat', title: expect.any(String), configured: false, needs: 'CHAT_SERVICE_SID' },
      { grant: 'sync', title: 'Sync', configured: true },
      { grant: 'taskrouter', title: 'TaskRouter', configured: false, needs: 'TASKROUTER_WORKSPACE_SID' },
    ],
  });
  for (const value of Object.values(vars)) if (value !== undefined && value.length > 8) expect(answer.raw).not.toContain(value);
});

test('the same origin policy as /token', async () => {
  const foreign = await invoke(loadFunction('products'), demoVars(), event({ origin: 'https://evil.example' }), logs);
  expect(foreign.status).toBe(403);
  expect(foreign.json.error.code).toBe('origin_not_allowed');
});

/**
 * The REST calls of the app endpoints (lib/rest/call.ts): twilio-node's own RestException mapped
 * to a 502 naming Twilio's code, network failures named by their code, bugs passed on, and the
 * time budget that keeps a request inside the runtime's 10 s limit (a fake clock, no waiting).
 */
import RestException from 'twilio/lib/base/RestException';
import { ServiceError } from '../../lib/errors';
import { REST_BUDGET_MS, RestSession, restClientFrom, twilioApiError, type RestClient } from '../../lib/rest/call';

const exception = (status: number, body: object | string) =>
  new RestException({ statusCode: status, body: typeof body === 'string' ? body : JSON.stringify(body), headers: {} });

describe('twilioApiError', () => {
  test("twilio-node's RestException: a 502 with the action, Twilio's code and message, and the error page", () => {
    const error = twilioApiError(
      exception(429, { code: 53119, message: 'The concurrent Rooms quota was exceeded', status: 429 }),
      'create the Video room',
    );
    expect(error).toBeInstanceOf(ServiceError);
    expect((error as ServiceError).toBody()).toEqual({
      error: {
        code: 'twilio_api_error',
        message:
          'Twilio refused to create the Video room: Twilio error 53119 (The concurrent Rooms quota was exceeded); see https://www.twilio.com/docs/api/errors/53119.',
      },
    });
    expect((error as ServiceError).status).toBe(502);
    expect((error as ServiceError).logDetail).toBe('HTTP 429, Twilio error 53119');
  });

  test('an answer without a Twilio body (a proxy page) names the HTTP status', () => {
    const error = twilioApiError(exception(503, '<html>Service Unavailable</html>'), 'look up the Video room') as ServiceError;
    expect(error.message).toBe('Twilio refused to look up the Video room: HTTP 503.');
  });

  test("Twilio's message is one printable line of at most 160 characters, whatever it holds", () => {
    const error = twilioApiError(
      exception(400, { code: 53101, message: `Room\u001b[2J name\n${'x'.repeat(10_000)}` }),
      'create the Video room',
    ) as ServiceError;
    expect(error.message).not.toMatch(/[\u0000-\u001f]/);
    expect(error.message.length).toBeLessThan(400);
  });

  test('a network failure is named by its code; anything else (a bug) is passed on as it is', () => {
    const reset = Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' });
    expect((twilioApiError(reset, 'add the participant to the conversation') as ServiceError).message).toBe(
      'Twilio could not be reached to add the participant to the conversation (ECONNRESET); try again.',
    );
    const bug = new TypeError("Cannot read properties of undefined (reading 'sid')");
    expect(twilioApiError(bug, 'create the conversation')).toBe(bug);
  });
});

test('restClientFrom: a runtime that cannot build a client (no AUTH_TOKEN locally) is a config_error naming the variables', () => {
  let error: unknown;
  try {
    restClientFrom(() => {
      throw new Error('AUTH_TOKEN is not valid');
    });
  } catch (caught) {
    error = caught;
  }
  expect(error).toBeInstanceOf(ServiceError);
  expect((error as ServiceError).code).toBe('config_error');
  expect((error as ServiceError).field).toBe('ACCOUNT_SID,AUTH_TOKEN');
});

describe('RestSession: the whole request within REST_BUDGET_MS', () => {
  beforeEach(() => jest.useFakeTimers());
  afterEach(() => jest.useRealTimers());

  const client = {} as RestClient;

  test('a call that never answers is a 502 when the budget is spent, and later calls fail at once', async () => {
    const session = new RestSession(client);
    const stalled = session.call('look up the Video room', () => new Promise(() => undefined));
    const settled = jest.fn();
    stalled.catch(settled);
    await jest.advanceTimersByTimeAsync(REST_BUDGET_MS - 1);
    expect(settled).not.toHaveBeenCalled();
    await jest.advanceTimersByTimeAsync(1);
    expect(settled).toHaveBeenCalledTimes(1);
    const error = settled.mock.calls[0]![0] as ServiceError;
    expect(error.toBody().error).toEqual({
      code: 'twilio_api_error',
      message: 'Twilio did not answer in time to look up the Video room (8 s for the whole request); try again.',
    });
    const run = jest.fn(() => Promise.resolve('never asked'));
    await expect(session.call('create the Video room', run)).rejects.toMatchObject({ code: 'twilio_api_error' });
    expect(run).not.toHaveBeenCalled();
  });

  test('the budget is shared: calls that each answer in time still stop the request when together they are too slow', async () => {
    const session = new RestSession(client);
    const slow = () => new Promise<string>((resolve) => setTimeout(() => resolve('ok'), 3000));
    const first = session.call('look up the Video room', slow);
    await jest.advanceTimersByTimeAsync(3000);
    await expect(first).resolves.toBe('ok');
    const second = session.call('create the Video room', slow);
    await jest.advanceTimersByTimeAsync(3000);
    await expect(second).resolves.toBe('ok');
    const third = session.call('look up the conversation', slow);
    const caught = third.catch((error: unknown) => error);
    await jest.advanceTimersByTimeAsync(2000);
    expect(await caught).toMatchObject({
      code: 'twilio_api_error',
      message: expect.stringContaining('did not answer in time to look up the conversation'),
    });
  });

  test('attempt: the expected codes are answers (undefined), other failures are 502s', async () => {
    const session = new RestSession(client);
    await expect(
      session.attempt('look up the conversation', [20404], () => Promise.reject(exception(404, { code: 20404, message: 'not found' }))),
    ).resolves.toBeUndefined();
    await expect(
      session.attempt('look up the conversation', [20404], () => Promise.reject(exception(403, { code: 20003, message: 'Authenticate' }))),
    ).rejects.toMatchObject({ code: 'twilio_api_error', status: 502 });
  });
});

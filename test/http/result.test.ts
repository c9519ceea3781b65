/**
 * Handing an answer to the runtime (lib/http/result.ts): a body only when there is one (a 204
 * preflight has none), and a promise that fails still reaches the callback, so the runtime
 * answers instead of waiting for its 10 s limit.
 */
import { respond, toTwilioResponse, type ResponseLike } from '../../lib/http/result';

class RecordingResponse implements ResponseLike {
  readonly calls: unknown[][] = [];
  setStatusCode(code: number) {
    this.calls.push(['setStatusCode', code]);
  }
  appendHeader(name: string, value: string) {
    this.calls.push(['appendHeader', name, value]);
  }
  setBody(body: object | string) {
    this.calls.push(['setBody', body]);
  }
}

test('a 204 gets no setBody call; a JSON answer gets its object (the runtime serializes it)', () => {
  expect(toTwilioResponse({ status: 204, headers: { Vary: 'Origin' } }, RecordingResponse).calls).toEqual([
    ['setStatusCode', 204],
    ['appendHeader', 'Vary', 'Origin'],
  ]);
  expect(toTwilioResponse({ status: 200, headers: {}, body: { token: 't' } }, RecordingResponse).calls).toEqual([
    ['setStatusCode', 200],
    ['setBody', { token: 't' }],
  ]);
});

describe('respond', () => {
  const callbackOf = () => {
    let resolve!: (args: unknown[]) => void;
    const called = new Promise<unknown[]>((r) => (resolve = r));
    return { called, callback: (...args: unknown[]) => resolve(args) };
  };

  test('a ready answer is handed over in the same turn', () => {
    const calls: unknown[][] = [];
    respond({ status: 200, headers: {}, body: {} }, RecordingResponse, (...args) => calls.push(args));
    expect(calls).toHaveLength(1);
    expect(calls[0]![0]).toBeNull();
  });

  test('a promised answer once it is there', async () => {
    const { called, callback } = callbackOf();
    respond(Promise.resolve({ status: 200, headers: {}, body: { ok: true } }), RecordingResponse, callback);
    const [error, response] = await called;
    expect({ error, calls: (response as RecordingResponse).calls }).toEqual({
      error: null,
      calls: [
        ['setStatusCode', 200],
        ['setBody', { ok: true }],
      ],
    });
  });

  test('a promise that fails reaches the callback as an Error, whatever was thrown', async () => {
    const failing = callbackOf();
    respond(Promise.reject(new TypeError('bug')), RecordingResponse, failing.callback);
    expect(await failing.called).toEqual([new TypeError('bug')]);
    const thrownText = callbackOf();
    // eslint-disable-next-line @typescript-eslint/prefer-promise-reject-errors -- what a careless dependency does
    respond(Promise.reject('text'), RecordingResponse, thrownText.callback);
    expect(await thrownText.called).toEqual([new Error('text')]);
  });
});

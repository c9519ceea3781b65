/** Jest's fake clock for Date alone: timers, ticks and hrtime stay real (sockets, browsers and servers need them). */
export function fakeDateOnly(now?: number): void {
  jest.useFakeTimers({
    doNotFake: [
      'hrtime',
      'nextTick',
      'performance',
      'queueMicrotask',
      'setImmediate',
      'clearImmediate',
      'setInterval',
      'clearInterval',
      'setTimeout',
      'clearTimeout',
    ],
    ...(now !== undefined ? { now } : {}),
  });
}

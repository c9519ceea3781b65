/**
 * Generators of hostile and ordinary input: what the runtime can put in `event` (query-string
 * and JSON-body values merged, and a caller may even override `event.request` from the body).
 */
import fc from 'fast-check';

/** Keys and values that break code which merges or indexes objects with user input. */
export const POLLUTION_KEYS = [
  '__proto__',
  'constructor',
  'prototype',
  'hasOwnProperty',
  'toString',
  'valueOf',
  'isPrototypeOf',
  '__defineGetter__',
] as const;

/** Builds an object whose own keys may be `__proto__` & co. (an object literal would set the prototype instead). */
export function objectFrom(entries: readonly (readonly [string, unknown])[]): Record<string, unknown> {
  const object: Record<string, unknown> = {};
  for (const [key, value] of entries) Object.defineProperty(object, key, { value, enumerable: true, writable: true, configurable: true });
  return object;
}

const KB100 = 100_000;
/** Huge values (~100 KB): one of each shape, built once; a few characters of variation on top. */
const HUGE = [
  'a'.repeat(KB100),
  'A1_'.repeat(KB100 / 3),
  '😀'.repeat(KB100 / 2),
  ' '.repeat(KB100),
  '\u0000'.repeat(KB100),
  '\ud800'.repeat(KB100),
  'voice,'.repeat(KB100 / 6),
  '9'.repeat(KB100),
  'ש'.repeat(KB100),
  'e\u0301'.repeat(KB100 / 2),
  `eyJ${'a'.repeat(KB100 / 2)}.${'b'.repeat(KB100 / 2)}.sig`,
];
export const hugeString = fc.tuple(fc.constantFrom(...HUGE), fc.string({ maxLength: 3 })).map(([big, tail]) => big + tail);

/** Unicode that trips naive code: lone surrogates, RTL overrides, joiners, NUL, BOM, line separators. */
export const SPECIAL_STRINGS = [
  '',
  ' ',
  '  ',
  '\t',
  '\n',
  '\u0000',
  'a\u0000b',
  '\u0007',
  '\u007f',
  '\u0085',
  '\u009f',
  '\u00a0',
  '\u2028',
  'a\u2029b',
  '\ufeff',
  'x\ufeff',
  '\ud800',
  '\udfff',
  'a\ud83d',
  '\ude00b',
  '\ud83d\ude00',
  '👩‍👩‍👧‍👦',
  '🏳️‍🌈',
  'e\u0301',
  '\u202eevil\u202c',
  'שלום',
  'مرحبا',
  '\u200b',
  '\u200d',
  'Ǆ',
  'İ',
  'ß',
  'null',
  'undefined',
  'true',
  'false',
  'NaN',
  'Infinity',
  '-0',
  '[object Object]',
  '{}',
  '[]',
  '%00',
  '%2C',
  '%',
  '\\',
  '"',
  "'",
  '<script>alert(1)</script>',
  "' OR 1=1 --",
  '${7*7}',
  '{{7*7}}',
  '../../etc/passwd',
  'a,b',
  ',',
  ',,,',
  'voice,',
  ',video',
  'VOICE',
  'Voice ',
  ' chat',
  'conversations',
  'data_sync',
  'sync,sync',
  '1',
  '0',
  '-1',
  '1e3',
  '0x10',
  '+5',
  '1.5',
  '٣',
  '１２',
  '86400',
  '86401',
  '999999999999',
  ...POLLUTION_KEYS,
];
export const specialString = fc.constantFrom(...SPECIAL_STRINGS);

const loneSurrogate = fc.integer({ min: 0xd800, max: 0xdfff }).map((code) => String.fromCharCode(code));
/** Strings mixing lone surrogates, astral characters and ASCII. */
export const brokenUnicode = fc.string({
  unit: fc.oneof(loneSurrogate, fc.constantFrom('a', '😀', ' ', '\u0000', '\u202e')),
  maxLength: 12,
});

export const anyString: fc.Arbitrary<string> = fc.oneof(
  { arbitrary: fc.string({ maxLength: 20 }), weight: 3 },
  { arbitrary: fc.string({ unit: 'grapheme', maxLength: 20 }), weight: 3 },
  // Any code point, surrogate halves included ('binary' would do it but costs a second to set up).
  {
    arbitrary: fc.string({ unit: fc.integer({ min: 0, max: 0x10ffff }).map((code) => String.fromCodePoint(code)), maxLength: 20 }),
    weight: 2,
  },
  { arbitrary: brokenUnicode, weight: 2 },
  { arbitrary: specialString, weight: 4 },
  { arbitrary: hugeString, weight: 1 },
);

const number = fc.oneof(
  fc.integer(),
  fc.double(),
  fc.constantFrom(0, -0, 1, -1, 60, 86400, 86401, 1e21, Number.MAX_SAFE_INTEGER, NaN, Infinity, -Infinity, 0.5),
);

/** Any value the merged query/body can hold, nested: strings, numbers, booleans, null, arrays, objects with hostile keys. */
export const anyValue: fc.Arbitrary<unknown> = fc.letrec<{ value: unknown }>((tie) => ({
  value: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    { arbitrary: anyString, weight: 6 },
    { arbitrary: number, weight: 2 },
    { arbitrary: fc.boolean(), weight: 1 },
    { arbitrary: fc.constant(null), weight: 1 },
    { arbitrary: fc.constant(undefined), weight: 1 },
    { arbitrary: fc.array(tie('value'), { maxLength: 4 }), weight: 2 },
    {
      arbitrary: fc
        .array(fc.tuple(fc.oneof(fc.constantFrom(...POLLUTION_KEYS), fc.string({ maxLength: 8 })), tie('value')), { maxLength: 4 })
        .map(objectFrom),
      weight: 2,
    },
  ),
})).value;

/** A value that is sometimes absent from the event altogether. */
export function field<T>(arbitrary: fc.Arbitrary<T>, absentWeight: number, presentWeight: number): fc.Arbitrary<T | typeof ABSENT> {
  return fc.oneof({ arbitrary: fc.constant(ABSENT), weight: absentWeight }, { arbitrary, weight: presentWeight });
}
export const ABSENT = Symbol('absent');

/** Strings that are `length` code points long, ASCII or astral (2 UTF-16 units each). */
export const ofCodePoints = (lengths: number[]): fc.Arbitrary<string> =>
  fc.tuple(fc.constantFrom(...lengths), fc.constantFrom('a', '😀', 'é', '_')).map(([length, unit]) => unit.repeat(length));

export const GRANT_WORDS = ['voice', 'video', 'chat', 'sync', 'conversations', 'taskrouter'] as const;

/** Mostly-valid grant lists in every spelling a caller might use, plus junk. */
export const grantsValue: fc.Arbitrary<unknown> = fc.oneof(
  {
    arbitrary: fc
      .tuple(
        fc.array(fc.mixedCase(fc.constantFrom(...GRANT_WORDS)), { minLength: 1, maxLength: 5 }),
        fc.constantFrom(',', ', ', ' ,', ',,', ' , '),
      )
      .map(([words, separator]) => words.join(separator)),
    weight: 8,
  },
  {
    arbitrary: fc.array(fc.oneof(fc.constantFrom(...GRANT_WORDS), fc.constantFrom('voice,video', ' Chat ', 'sync,,')), {
      minLength: 1,
      maxLength: 4,
    }),
    weight: 3,
  },
  { arbitrary: fc.array(fc.oneof(fc.constantFrom(...GRANT_WORDS), anyValue), { maxLength: 4 }), weight: 1 },
  {
    arbitrary: fc.constantFrom(
      'voice,phone',
      'admin',
      'video,',
      ',',
      '',
      ' ',
      'chat,CONVERSATIONS',
      'voice video',
      'voice;video',
      ...POLLUTION_KEYS,
    ),
    weight: 2,
  },
  { arbitrary: anyValue, weight: 2 },
);

export const identityValue: fc.Arbitrary<unknown> = fc.oneof(
  { arbitrary: fc.stringMatching(/^[A-Za-z0-9_]{1,30}$/), weight: 16 },
  { arbitrary: fc.emailAddress(), weight: 2 },
  { arbitrary: fc.string({ unit: 'grapheme', minLength: 1, maxLength: 30 }), weight: 3 },
  { arbitrary: ofCodePoints([120, 121, 122, 127, 128, 129, 255, 256, 257]), weight: 2 },
  {
    arbitrary: fc.constantFrom('alice', 'Alice_Smith_42', ' alice', 'alice ', 'ali ce', 'alice\n', 'a\u0000', '__proto__', 'constructor'),
    weight: 2,
  },
  { arbitrary: anyValue, weight: 3 },
);

export const ttlValue: fc.Arbitrary<unknown> = fc.oneof(
  { arbitrary: fc.integer({ min: 1, max: 86_400 }), weight: 3 },
  { arbitrary: fc.integer({ min: 1, max: 86_400 }).map(String), weight: 3 },
  { arbitrary: fc.integer({ min: -100, max: 200_000 }).map((n) => ` ${n} `), weight: 1 },
  {
    arbitrary: fc.constantFrom(
      '0',
      '86400',
      '86401',
      '1.0',
      '1e3',
      '0x10',
      '+5',
      '٣',
      '0000000060',
      '000000060',
      ' 60',
      '',
      ' ',
      '60s',
      '1,000',
    ),
    weight: 2,
  },
  { arbitrary: fc.double(), weight: 1 },
  { arbitrary: anyValue, weight: 2 },
);

export const roomValue: fc.Arbitrary<unknown> = fc.oneof(
  { arbitrary: fc.string({ unit: 'grapheme', minLength: 1, maxLength: 30 }), weight: 4 },
  { arbitrary: ofCodePoints([127, 128, 129]), weight: 1 },
  { arbitrary: fc.constantFrom('standup', ' room', 'room ', 'r\u0000', 'r\u2028', '🎉 party'), weight: 1 },
  { arbitrary: anyValue, weight: 2 },
);

export const incomingAllowValue: fc.Arbitrary<unknown> = fc.oneof(
  { arbitrary: fc.boolean(), weight: 2 },
  { arbitrary: fc.mixedCase(fc.constantFrom('true', 'false', 'yes', 'no', 'on', 'off', '1', '0', ' true ', 'maybe', 'tru')), weight: 3 },
  { arbitrary: fc.constantFrom(0, 1, 2, -1, ''), weight: 1 },
  { arbitrary: anyValue, weight: 2 },
);

/** TaskRouter workers: a Worker SID, near misses of one, and junk. */
export const WORKER_SID = 'WK' + 'b8'.repeat(16);
export const workerValue: fc.Arbitrary<unknown> = fc.oneof(
  { arbitrary: fc.constant(WORKER_SID), weight: 4 },
  {
    arbitrary: fc.constantFrom(
      WORKER_SID.slice(0, -1),
      `${WORKER_SID}0`,
      'WS' + 'b8'.repeat(16),
      WORKER_SID.toLowerCase(),
      ` ${WORKER_SID}`,
    ),
    weight: 2,
  },
  { arbitrary: anyValue, weight: 2 },
);

export const ALLOWED_ORIGIN = 'https://app.example.com';
export const DOMAIN_NAME = 'token-service-1234-dev.twil.io';

/** Header values as the runtime passes them: strings, repeated headers as arrays; junk when a body overrides `request`. */
const originValue: fc.Arbitrary<unknown> = fc.oneof(
  {
    arbitrary: fc.constantFrom(
      ALLOWED_ORIGIN,
      `https://${DOMAIN_NAME}`,
      `https://${DOMAIN_NAME.toUpperCase()}`,
      'http://localhost:5173',
      'http://localhost:3000',
    ),
    weight: 4,
  },
  {
    arbitrary: fc.constantFrom(
      'https://evil.example.com',
      'null',
      `http://${DOMAIN_NAME}`,
      `https://${DOMAIN_NAME}.evil.com`,
      'https://app.example.com/',
      'https://APP.example.com',
      'file://',
      '',
    ),
    weight: 3,
  },
  { arbitrary: fc.stringMatching(/^(https?|ftp):\/\/[a-zA-Z0-9.-]{1,20}(:[0-9]{1,5})?\/?$/), weight: 1 },
  { arbitrary: fc.array(fc.constantFrom(ALLOWED_ORIGIN, 'https://evil.example.com'), { maxLength: 3 }), weight: 1 },
  { arbitrary: anyValue, weight: 2 },
);
const hostValue: fc.Arbitrary<unknown> = fc.oneof(
  fc.constantFrom(DOMAIN_NAME, 'localhost:3000', '127.0.0.1:3000', 'evil.example.com', 'app.example.com'),
  anyValue,
);
const methodValue: fc.Arbitrary<unknown> = fc.oneof(fc.constantFrom('GET', 'POST', 'DELETE', ''), anyValue);

export const headersValue: fc.Arbitrary<Record<string, unknown>> = fc
  .record({
    origin: field(originValue, 7, 3),
    host: field(hostValue, 7, 3),
    'access-control-request-method': field(methodValue, 19, 1),
    authorization: field(fc.oneof(fc.constantFrom('Bearer abc', 'Basic dXNlcjpwYXNz', ''), anyValue), 4, 1),
    'user-agent': field(anyString, 1, 1),
    extra: fc.array(fc.tuple(fc.oneof(fc.constantFrom(...POLLUTION_KEYS), fc.string({ maxLength: 10 })), anyValue), { maxLength: 2 }),
  })
  .map(({ extra, ...named }) => {
    const entries = Object.entries(named).filter(([, value]) => value !== ABSENT);
    const names = new Set(Object.keys(named));
    return objectFrom([...extra.filter(([name]) => !names.has(name)), ...entries]);
  });

/** `event.request`: normally {headers, cookies}; a JSON body or a qs query (`request[headers][origin]=`) can replace it with anything. */
export const requestValue: fc.Arbitrary<unknown> = fc.oneof(
  { arbitrary: headersValue.map((headers) => ({ headers, cookies: {} })), weight: 8 },
  { arbitrary: fc.constant({ headers: {}, cookies: {} }), weight: 4 },
  { arbitrary: anyValue.map((headers) => ({ headers, cookies: {} })), weight: 1 },
  { arbitrary: anyValue, weight: 1 },
);

export interface TokenEventParts {
  identity: unknown;
  grants: unknown;
  ttl: unknown;
  room: unknown;
  incomingAllow: unknown;
  worker: unknown;
  workerForTaskRouter: boolean;
  request: unknown;
  extra: [string, unknown][];
}

/** A /token event: each parameter absent, valid, subtly invalid or garbage; extra hostile keys. */
export const tokenEvent: fc.Arbitrary<Record<string, unknown>> = fc
  .record({
    identity: field(identityValue, 1, 16),
    grants: field(grantsValue, 1, 16),
    ttl: field(ttlValue, 1, 1),
    room: field(roomValue, 3, 1),
    incomingAllow: field(incomingAllowValue, 3, 1),
    worker: field(workerValue, 6, 1),
    // A taskrouter request usually names its worker (else most of them would be refused for the lack of one).
    workerForTaskRouter: fc.oneof({ arbitrary: fc.constant(true), weight: 4 }, fc.constant(false)),
    request: field(requestValue, 1, 4),
    extra: fc.array(
      fc.tuple(
        fc.oneof(
          { arbitrary: fc.constantFrom(...POLLUTION_KEYS, 'token', 'passcode'), weight: 12 },
          // Near misses of /token's parameters: a 400 that names the right one (issue 11).
          { arbitrary: fc.constantFrom('Identity', 'grant', 'incoming_allow', 'Worker'), weight: 2 },
          // Voice call parameters only the server may set (issue 18): refused whatever the grants.
          { arbitrary: fc.constantFrom('params', 'outgoingApplicationParams', 'params[tenant]', 'params.tenant'), weight: 1 },
          { arbitrary: fc.string({ maxLength: 10 }), weight: 12 },
        ),
        anyValue,
      ),
      { maxLength: 3 },
    ),
  })
  .map(({ extra, workerForTaskRouter, ...named }) => {
    const asksTaskRouter =
      (typeof named.grants === 'string' || Array.isArray(named.grants)) && /taskrouter/i.test(JSON.stringify(named.grants));
    if (named.worker === ABSENT && workerForTaskRouter && asksTaskRouter) named.worker = WORKER_SID;
    const entries: [string, unknown][] = Object.entries(named).filter(([, value]) => value !== ABSENT);
    // Extra keys never replace the named parameters: the oracle reads those.
    const names = new Set(Object.keys(named));
    return objectFrom([...extra.filter(([key]) => !names.has(key)), ...entries]);
  });

/** A JSON body the runtime did not parse (sent without Content-Type: application/json): one parameter named after the whole text. */
const unparsedJsonEvent: fc.Arbitrary<Record<string, unknown>> = fc
  .tuple(fc.jsonValue(), field(requestValue, 1, 4))
  .map(([body, request]) =>
    objectFrom([
      [` ${JSON.stringify({ identity: 'alice', grants: 'video', body })}`.trimStart(), ''],
      ...(request === ABSENT ? [] : [['request', request] as [string, unknown]]),
    ]),
  );

/** Mostly well-formed events, sometimes an unparsed body. */
export const anyTokenEvent: fc.Arbitrary<Record<string, unknown>> = fc.oneof(
  { arbitrary: tokenEvent, weight: 30 },
  { arbitrary: unparsedJsonEvent, weight: 1 },
);

/**
 * Issue 17: pasted text built to make the inspector slow, leak or answer big. Each shape grows
 * to any size, so a test can compare the time per character at two sizes; the issue's own four
 * measurements (minutes, 19.5 s, 4.2 s, 6 s before the fix) are among them.
 */
import { performance } from 'node:perf_hooks';

const repeatTo = (unit: string, size: number): string => unit.repeat(Math.ceil(size / unit.length)).slice(0, size);

/** A HAR of one request whose header value is `value` (what DevTools saves, minus the noise). */
export function harWithHeader(value: string): string {
  return JSON.stringify({
    log: {
      entries: [
        {
          startedDateTime: '2026-01-15T09:00:00.000Z',
          request: { method: 'POST', url: 'https://eventgw.twilio.com/v4/EndpointEvents', headers: [{ name: 'X-Note', value }] },
        },
      ],
    },
  });
}

/** A name, a run of spaces and eight `eyJ`: before the fix each `eyJ` made a pattern backtrack over every split of the spaces. */
const spacesThenEyJ = (size: number): string => `a:${' '.repeat(Math.max(0, size - 35))}x${' eyJ'.repeat(8)}`;

/** Hostile text of about `size` characters, by shape. */
export const HOSTILE: Record<string, (size: number) => string> = {
  // The 256 KB POST /inspect: 252 s, every other request waiting behind it.
  'eyJ and a space, repeated': (size) => repeatTo('eyJ ', size),
  // The 33 KB text (19.5 s) and, at 16 KB, its page paste (6 s).
  'a name, a run of spaces, x and eight eyJ': spacesThenEyJ,
  // The 16.7 KB HAR in the CLI (4.2 s): the same text in a header value.
  'a HAR whose header value is that text': (size) => harWithHeader(spacesThenEyJ(size - 180)),
  // A token at each line start made the extractor re-split all the text before it.
  'eyJ at the start of every line': (size) => repeatTo('\neyJ', size),
  // Lines to unwrap: before the fix, the whole pass ran again on the joined text.
  'eyJ and a line break, repeated': (size) => repeatTo('eyJ\n', size),
  // The old token pattern restarted after every + / = of a run that never became a token.
  'ey after every plus sign': (size) => repeatTo('+ey', size),
  'a header name and eyJ, repeated': (size) => repeatTo('X-Twilio-Token: eyJ ', size),
  'quotes, colons and spaces before each eyJ': (size) => repeatTo(`"k"  :  '  ${' '.repeat(40)}eyJ`, size),
  'a JSON list of distinct JWT-like strings': (size) => {
    const items: string[] = [];
    for (let i = 0, length = 2; length < size; i++) {
      const item = JSON.stringify(`eyJ${i.toString(36)}.e30.c2ln`);
      items.push(item);
      length += item.length + 1;
    }
    return `[${items.join(',')}]`;
  },
};

/** Milliseconds `run` takes on `text`, the best of `times` (one slow run is the machine, not the code). */
export async function bestTime(run: (text: string) => unknown, text: string, times = 3): Promise<number> {
  let best = Number.POSITIVE_INFINITY;
  for (let i = 0; i < times; i++) {
    const start = performance.now();
    await run(text);
    best = Math.min(best, performance.now() - start);
  }
  return best;
}

/**
 * Time per character must not grow with size: `run` on `text(big)` may take at most `factor`
 * times its time on `text(small)`, scaled by the sizes, plus `slackMs` of noise. Quadratic work
 * fails this by the ratio of the sizes; linear work passes with room for a busy machine.
 */
export async function expectLinear(
  run: (text: string) => unknown,
  text: (size: number) => string,
  { small, big, factor = 4, slackMs = 50, times = 3 }: { small: number; big: number; factor?: number; slackMs?: number; times?: number },
): Promise<{ smallMs: number; bigMs: number }> {
  const smallText = text(small);
  const bigText = text(big);
  await run(smallText); // warm up the JIT
  const smallMs = await bestTime(run, smallText, times);
  const bigMs = await bestTime(run, bigText, Math.max(1, times - 1));
  const allowed = (smallMs * factor * bigText.length) / smallText.length + slackMs;
  if (bigMs > allowed)
    throw new Error(
      `${bigText.length} characters took ${bigMs.toFixed(1)} ms, ${smallText.length} took ${smallMs.toFixed(1)} ms: time per character grew more than ${factor}x (allowed ${allowed.toFixed(0)} ms)`,
    );
  return { smallMs, bigMs };
}

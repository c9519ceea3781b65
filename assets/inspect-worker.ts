/**
 * The page's token inspector off its main thread (assets/page/inspector.ts starts it): the same
 * engine as POST /inspect and the CLI, reading what was pasted or dropped while the page keeps
 * answering. Bundled by `npm run build` into dist/assets/inspect-worker.js; index.html names it.
 */
import { inspectText } from '../lib/inspect';
import type { InspectJob, InspectReply } from './page/inspector';

/** The worker's global scope, as much of it as is used (the page's tsconfig knows the DOM, not workers). */
const scope = globalThis as unknown as {
  onmessage: ((event: MessageEvent<InspectJob>) => void) | null;
  postMessage(reply: InspectReply): void;
};

scope.onmessage = (event) => {
  const { id, input, now } = event.data;
  const text = typeof input === 'string' ? Promise.resolve(input) : input.text();
  text
    .then((pasted) => inspectText(pasted, { keepTokens: true, now }))
    .then(
      (inspection) => scope.postMessage({ id, inspection }),
      (error: unknown) => scope.postMessage({ id, error: error instanceof Error ? error.message : String(error) }),
    );
};

scope.postMessage({ ready: true });

/**
 * The page's token inspector, run in a worker (assets/inspect-worker.ts) so that what is pasted
 * or dropped, a HAR of tens of MB included, never blocks the page: typing, scrolling and the
 * countdowns go on while it is read (issue 17). One job at a time: a new one replaces a job still
 * running, whose worker is stopped and its work thrown away. Where no worker can start, the same
 * engine runs here instead.
 */
import { inspectText, type PasteInspection } from '../../lib/inspect';

/** What the page asks: text, or a file the worker reads itself (never copied through the page). */
export interface InspectJob {
  id: number;
  input: string | Blob;
  /** The page's clock, so the worker judges times as the page's countdowns do. */
  now: number;
}

/** What the worker answers: once that it is ready, then one answer per job. */
export type InspectReply = { ready: true } | { id: number; inspection: PasteInspection } | { id: number; error: string };

interface Running {
  id: number;
  settle: (inspection: PasteInspection | undefined, error?: Error) => void;
}

const readText = (input: string | Blob): Promise<string> => (typeof input === 'string' ? Promise.resolve(input) : input.text());

export class Inspector {
  private worker: Worker | undefined;
  private running: Running | undefined;
  private jobs = 0;
  /** Settles once the worker has loaded (or could not), so the page is ready only with its inspector. */
  ready: Promise<void>;

  /** `script`: the worker's URL, as index.html names it; undefined runs the engine on the page. */
  constructor(private readonly script: string | undefined) {
    this.ready = this.start();
  }

  /** The inspection of the text or file; undefined when a newer job replaced this one. */
  async inspect(input: string | Blob): Promise<PasteInspection | undefined> {
    this.cancel();
    const id = ++this.jobs;
    const now = Date.now();
    await this.ready;
    if (id !== this.jobs) return undefined;
    const worker = this.worker;
    if (worker === undefined) return inspectText(await readText(input), { keepTokens: true, now });
    return new Promise((resolve, reject) => {
      this.running = {
        id,
        settle: (inspection, error) => {
          this.running = undefined;
          if (error !== undefined) reject(error);
          else resolve(inspection);
        },
      };
      worker.postMessage({ id, input, now } satisfies InspectJob);
    });
  }

  /** Stops a job still running (the worker with it: it cannot be interrupted otherwise). */
  cancel(): void {
    const running = this.running;
    if (running === undefined) return;
    this.worker?.terminate();
    this.worker = undefined;
    running.settle(undefined);
    this.ready = this.start();
  }

  private start(): Promise<void> {
    if (this.script === undefined || typeof Worker === 'undefined') return Promise.resolve();
    let worker: Worker;
    try {
      worker = new Worker(this.script);
    } catch {
      return Promise.resolve();
    }
    return new Promise((resolve) => {
      worker.onmessage = (event: MessageEvent<InspectReply>) => {
        const reply = event.data;
        if ('ready' in reply) {
          this.worker = worker;
          resolve();
          return;
        }
        if (reply.id !== this.running?.id) return;
        if ('error' in reply) this.running.settle(undefined, new Error(reply.error));
        else this.running.settle(reply.inspection);
      };
      // A worker that cannot load (blocked, missing) leaves the engine on the page.
      worker.onerror = (event) => {
        event.preventDefault();
        worker.terminate();
        if (this.worker === worker) this.worker = undefined;
        this.running?.settle(undefined, new Error(`the inspector worker failed: ${event.message}`));
        resolve();
      };
    });
  }
}

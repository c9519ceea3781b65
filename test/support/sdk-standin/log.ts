/** What the stand-ins saw and said, in order, for the tests to assert on. */
export interface StandinEvent {
  /** Seconds since the scenario started. */
  t: number;
  /** `voice`, `twilsock/ip_messaging`, `twilsock/data_sync`, `http`. */
  who: string;
  what: string;
  detail?: Record<string, unknown>;
}

export class StandinLog {
  readonly events: StandinEvent[] = [];
  private readonly start = Date.now();
  record(who: string, what: string, detail?: Record<string, unknown>): void {
    this.events.push({ t: Math.round((Date.now() - this.start) / 100) / 10, who, what, ...(detail !== undefined ? { detail } : {}) });
  }
  of(who: string | RegExp, what?: string | RegExp): StandinEvent[] {
    const matches = (value: string, pattern: string | RegExp): boolean =>
      typeof pattern === 'string' ? value === pattern : pattern.test(value);
    return this.events.filter((e) => matches(e.who, who) && (what === undefined || matches(e.what, what)));
  }
}

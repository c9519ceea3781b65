/**
 * The request log line: one JSON object per request, on one line, with the fields operators
 * search and alert on. Never a token, a secret or a credential; caller input cut short and
 * without control characters.
 */
import { forLog } from '../text';

/** Fields an endpoint adds to its log line. */
export type LogFields = Record<string, string | number | boolean | string[] | undefined>;

/** Ours, never caller input: logged whole. */
const OWN_FIELDS = new Set(['field', 'detail']);

export function requestLogLine(entry: {
  started: number;
  path: string;
  status: number;
  outcome: string;
  origin?: string;
  fields?: LogFields;
  ms: number;
}): string {
  const line: Record<string, unknown> = {
    time: new Date(entry.started).toISOString(),
    path: entry.path,
    status: entry.status,
    outcome: entry.outcome,
  };
  if (entry.origin !== undefined) line.origin = forLog(entry.origin);
  for (const [key, value] of Object.entries(entry.fields ?? {})) {
    if (value === undefined) continue;
    if (OWN_FIELDS.has(key) || typeof value === 'number' || typeof value === 'boolean') line[key] = value;
    else line[key] = Array.isArray(value) ? value.map((item) => forLog(item)) : forLog(value);
  }
  line.ms = Math.max(0, entry.ms);
  return JSON.stringify(line);
}

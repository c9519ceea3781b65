import type { Finding, Severity } from './types';

/** Collects findings in the order the checks run, which is the order a person should read them. */
export class FindingList {
  readonly items: Finding[] = [];

  add(severity: Severity, code: number | string, field: string, message: string, hint: string): void {
    this.items.push({ code, severity, field, message, hint });
  }

  error(code: number | string, field: string, message: string, hint: string): void {
    this.add('error', code, field, message, hint);
  }

  warning(code: number | string, field: string, message: string, hint: string): void {
    this.add('warning', code, field, message, hint);
  }

  info(code: number | string, field: string, message: string, hint: string): void {
    this.add('info', code, field, message, hint);
  }
}

/** Tokens are untrusted JSON: read own properties only, so `__proto__` or `constructor` never leak in. */
export function own(object: Record<string, unknown>, key: string): unknown {
  return Object.prototype.hasOwnProperty.call(object, key) ? object[key] : undefined;
}

export const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/** A short, single-line rendering of a token value for messages. */
export function shown(value: unknown, max = 48): string {
  let text: string;
  try {
    text = JSON.stringify(value) ?? String(value);
  } catch {
    text = String(value);
  }
  return text.length > max ? `${text.slice(0, max)}...` : text;
}

export function describeType(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'object') return 'an object';
  return `a ${typeof value} (${shown(value, 24)})`;
}

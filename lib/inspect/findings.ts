import type { TwilioErrorCode } from '../twilio';
import type { Finding, FindingCode, Severity } from './types';

export { isRecord, own } from '../text';

/** Collects findings in the order the checks run, which is the order a person should read them. */
export class FindingList {
  readonly items: Finding[] = [];

  add(severity: Severity, code: FindingCode, field: string, message: string, hint: string, twilioCode?: TwilioErrorCode): void {
    this.items.push(
      twilioCode === undefined ? { code, severity, field, message, hint } : { code, severity, field, message, hint, twilioCode },
    );
  }

  error(code: FindingCode, field: string, message: string, hint: string, twilioCode?: TwilioErrorCode): void {
    this.add('error', code, field, message, hint, twilioCode);
  }

  warning(code: FindingCode, field: string, message: string, hint: string): void {
    this.add('warning', code, field, message, hint);
  }

  info(code: FindingCode, field: string, message: string, hint: string): void {
    this.add('info', code, field, message, hint);
  }
}

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

/** What a claim holds, briefly: `a list`, `an object`, `a string ("60")`. */
export function describeClaim(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'object') return 'an object';
  return `a ${typeof value} (${shown(value, 24)})`;
}

/** Origins: the shape browsers send, ALLOWED_ORIGINS as written by people, and local hosts. */

/** `scheme://host[:port]`, lowercase host, no path, no trailing slash: exactly what browsers send. */
const ORIGIN_SHAPE = /^(https?):\/\/([a-z0-9.-]+|\[[0-9a-f:.]+\])(:\d{1,5})?$/;

export function isWellFormedOrigin(value: string): boolean {
  return ORIGIN_SHAPE.test(value);
}

export function isLocalHost(host: string): boolean {
  const name = host.replace(/:\d+$/, '').toLowerCase();
  return name === 'localhost' || name === '127.0.0.1' || name === '[::1]' || name.endsWith('.localhost');
}

export type OriginPolicy = { anyOrigin: true } | { anyOrigin: false; origins: ReadonlySet<string> };

/** The ALLOWED_ORIGINS entries, trimmed, without empty ones. */
export function originEntries(raw: string | undefined): string[] {
  return raw === undefined
    ? []
    : raw
        .split(',')
        .map((entry) => entry.trim())
        .filter((entry) => entry !== '');
}

/** The policy ALLOWED_ORIGINS sets, with its malformed entries (skipped by the policy). */
export function parseAllowedOrigins(raw: string | undefined): { policy: OriginPolicy; bad: { entry: string; position: number }[] } {
  const entries = originEntries(raw);
  if (entries.includes('*')) return { policy: { anyOrigin: true }, bad: [] };
  return {
    policy: { anyOrigin: false, origins: new Set(entries.filter(isWellFormedOrigin)) },
    bad: entries.flatMap((entry, i) => (isWellFormedOrigin(entry) ? [] : [{ entry, position: i + 1 }])),
  };
}

type OriginProblem = 'no_scheme' | 'not_http' | 'trailing_slash' | 'path' | 'upper_case' | 'other';

/** How an ALLOWED_ORIGINS entry differs from what a browser sends as Origin. */
function classifyBadOrigin(entry: string): OriginProblem {
  if (!/^[a-z][a-z0-9+.-]*:\/\//i.test(entry)) return 'no_scheme';
  if (!/^https?:\/\//.test(entry)) return 'not_http';
  if (/^https?:\/\/[^/]+\/$/.test(entry)) return 'trailing_slash';
  if (/^https?:\/\/[^/]+\/./.test(entry)) return 'path';
  if (entry !== entry.toLowerCase()) return 'upper_case';
  return 'other';
}

const WITHOUT_VALUE: Record<OriginProblem, string> = {
  no_scheme: 'has no scheme (write https://host)',
  not_http: 'must use http:// or https://',
  trailing_slash: 'ends with a slash (browsers send none)',
  path: 'has a path (an origin is scheme://host[:port] only)',
  upper_case: 'has upper-case letters (browsers send lower case)',
  other: 'is not an origin of the form https://app.example.com',
};

/**
 * By position and never by value: this goes to the log line's detail of a config_error, and
 * fuzzing found that a secret pasted into ALLOWED_ORIGINS came back in it verbatim.
 */
export const describeBadOriginByPosition = (entry: string, position: number): string =>
  `entry ${position} ${WITHOUT_VALUE[classifyBadOrigin(entry)]}`;

/** Quoting the entry and its fix, for the operator's own machine (the doctor). */
export function describeBadOrigin(entry: string): string {
  const quoted = `"${entry}"`;
  switch (classifyBadOrigin(entry)) {
    case 'no_scheme':
      return `${quoted} has no scheme; write https://${entry.replace(/^\/*/, '')}`;
    case 'trailing_slash':
      return `${quoted} ends with a slash; browsers send ${entry.slice(0, -1)}`;
    case 'path':
      return `${quoted} has a path; an origin is scheme://host[:port] only`;
    case 'upper_case':
      return `${quoted} has upper-case letters; browsers send ${entry.toLowerCase()}`;
    case 'not_http':
      return `${quoted} must use http:// or https://`;
    case 'other':
      return `${quoted} is not an origin of the form https://app.example.com`;
  }
}

/**
 * What the pipeline checks of the parameters before an endpoint reads them: a body that arrived
 * unparsed, and names that are near misses of the endpoint's own (`Identity`, `grant`,
 * `incoming_allow`), which would otherwise be ignored in silence.
 */
import { badRequest, ServiceError } from '../errors';

/** Parameters every endpoint takes besides its own: the passcode of AUTH_MODE=passcode. */
const SHARED_PARAMS = ['passcode'];

/** `incoming_allow` and `IncomingAllow` are both `incomingallow`. */
const normalized = (name: string): string => name.toLowerCase().replace(/[_-]/g, '');

/** Levenshtein distance, only ever asked of short names. */
function distance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      current[j] = Math.min(current[j - 1]! + 1, previous[j]! + 1, previous[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
    }
    previous = current;
  }
  return previous[b.length]!;
}

/** The parameter `name` was probably meant to be, or undefined. */
export function nearMissOf(name: string, known: readonly string[]): string | undefined {
  if (name.length > 40) return undefined;
  const candidate = normalized(name);
  return known.find((wanted) => {
    const target = normalized(wanted);
    return candidate === target || (candidate.length >= 4 && distance(candidate, target) === 1);
  });
}

/** The parameter names of a runtime event: everything but the runtime's own `request`. */
const paramNames = (event: Record<string, unknown>): string[] => Object.keys(event).filter((name) => name !== 'request');

/**
 * A body the runtime could not parse arrives as one parameter named after the whole text: JSON
 * posted as a form, or without a Content-Type.
 */
function looksLikeUnparsedJson(names: string[]): boolean {
  return names.length === 1 && /^\s*[[{]/.test(names[0]!);
}

/** Throws the 4xx for an event whose parameters cannot be what the caller meant. */
export function checkParams(event: Record<string, unknown>, endpointParams: readonly string[]): void {
  const names = paramNames(event);
  if (looksLikeUnparsedJson(names)) {
    throw new ServiceError(
      'unsupported_media_type',
      'The body looks like JSON sent without Content-Type: application/json, so it was not read; send that header (or a form body, identity=alice&grants=video).',
      'Content-Type',
    );
  }
  const known = [...endpointParams, ...SHARED_PARAMS];
  for (const name of names) {
    if (known.includes(name)) continue;
    const meant = nearMissOf(name, known);
    if (meant !== undefined)
      throw badRequest('unknown_param', name, `${JSON.stringify(name)} is not a parameter of this endpoint; did you mean ${meant}?`);
  }
}

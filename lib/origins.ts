/** Origin handling shared by the config parser (ALLOWED_ORIGINS) and the CORS policy. */

/** `scheme://host[:port]`, lowercase host, no path, no trailing slash: exactly what browsers send. */
const ORIGIN_SHAPE = /^(https?):\/\/([a-z0-9.-]+|\[[0-9a-f:.]+\])(:\d{1,5})?$/;

export function isWellFormedOrigin(value: string): boolean {
  return ORIGIN_SHAPE.test(value);
}

/** Explains how an ALLOWED_ORIGINS entry differs from a browser Origin, for the error message. */
export function describeOriginProblem(entry: string): string {
  if (!/^[a-z][a-z0-9+.-]*:\/\//i.test(entry)) return `"${entry}" has no scheme; write https://${entry.replace(/^\/*/, '')}`;
  if (!/^https?:\/\//.test(entry)) return `"${entry}" must use http:// or https://`;
  if (/^https?:\/\/[^/]+\/$/.test(entry)) return `"${entry}" ends with a slash; browsers send ${entry.slice(0, -1)}`;
  if (/^https?:\/\/[^/]+\/./.test(entry)) return `"${entry}" has a path; an origin is scheme://host[:port] only`;
  if (entry !== entry.toLowerCase()) return `"${entry}" has upper-case letters; browsers send ${entry.toLowerCase()}`;
  return `"${entry}" is not an origin of the form https://app.example.com`;
}

export function isLocalHost(host: string): boolean {
  const name = host.replace(/:\d+$/, '').toLowerCase();
  return name === 'localhost' || name === '127.0.0.1' || name === '[::1]' || name.endsWith('.localhost');
}

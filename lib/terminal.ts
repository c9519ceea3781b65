/** Terminal output: ANSI colours, used only when the reader is a terminal that wants them. */

const ANSI = { red: 31, green: 32, yellow: 33, cyan: 36, bold: 1, dim: 2 } as const;

export type Style = keyof typeof ANSI;
export type Paint = (style: Style, text: string) => string;

export const painter =
  (color: boolean): Paint =>
  (style, text) =>
    color ? `\u001b[${ANSI[style]}m${text}\u001b[0m` : text;

/** Colour on a terminal, unless NO_COLOR is set (https://no-color.org). */
export function wantsColor(stream: { isTTY?: boolean }, env: Readonly<Record<string, string | undefined>>): boolean {
  return stream.isTTY === true && (env.NO_COLOR === undefined || env.NO_COLOR === '');
}

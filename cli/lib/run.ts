/** How every CLI here ends: its exit code, or a failure said in one line on stderr (never a stack trace). */

/**
 * Runs a CLI's main and sets the exit code. A code of 0 leaves an exit code set earlier alone (a
 * server's own shutdown); an error is one line, `name: message`, unless `describe` words it.
 */
export function runCli(
  name: string,
  main: () => Promise<number> | number,
  { failureCode = 1, describe }: { failureCode?: number; describe?: (error: unknown) => string | undefined } = {},
): void {
  Promise.resolve()
    .then(main)
    .then(
      (code) => {
        if (code !== 0) process.exitCode = code;
      },
      (error: unknown) => {
        const message = error instanceof Error ? error.message : String(error);
        process.stderr.write(describe?.(error) ?? `${name}: ${message}\n`);
        process.exitCode = failureCode;
      },
    );
}

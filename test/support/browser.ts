/**
 * Debian's Chromium through playwright-core (never `npx playwright install`: no downloads).
 * Missing locally: the suite is skipped with a message; missing in CI: the suite fails.
 */
import fs from 'node:fs';
import path from 'node:path';
import type { Browser } from 'playwright-core';

export const CHROMIUM_PATH = '/usr/bin/chromium';

/** Headless, and nothing that would phone home (updates, sync, safe-browsing lists). */
export const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
];

/** Screenshots and other artefacts people look at (gitignored). */
export const OUTPUT_DIR = path.resolve(__dirname, '..', '..', 'test-output');

export const chromiumInstalled = (): boolean => fs.existsSync(CHROMIUM_PATH);

/**
 * `describe` when Chromium is there. Without it: in CI one failing test says what is missing;
 * locally the suite is skipped and says so once.
 */
export function describeWithChromium(name: string, fn: () => void): void {
  if (chromiumInstalled()) {
    describe(name, fn);
    return;
  }
  const why = `${CHROMIUM_PATH} is missing: install Debian's chromium (apt-get install chromium; .ci/run does it)`;
  if (process.env.CI) {
    describe(name, () => {
      test('needs Chromium', () => {
        throw new Error(`${why}. In CI the browser tests must run, not skip.`);
      });
    });
    return;
  }
  console.warn(`Skipping "${name}": ${why}.`);
  describe.skip(name, fn);
}

export async function launchChromium(extraArgs: string[] = []): Promise<Browser> {
  const { chromium } = await import('playwright-core');
  return chromium.launch({ executablePath: CHROMIUM_PATH, args: [...CHROMIUM_ARGS, ...extraArgs] });
}

export function outputPath(file: string): string {
  fs.mkdirSync(OUTPUT_DIR, { recursive: true });
  return path.join(OUTPUT_DIR, file);
}

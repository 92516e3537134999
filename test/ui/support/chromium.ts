import { existsSync } from 'node:fs';
import { chromium, type Browser } from 'playwright-core';

/** Where the browser tests look for Chromium: `BATON_TEST_CHROMIUM`, else Debian's package. */
export const CHROMIUM_PATH = process.env.BATON_TEST_CHROMIUM ?? '/usr/bin/chromium';

/** True when the Chromium the tests use is installed. */
export function chromiumFound(): boolean {
  return existsSync(CHROMIUM_PATH);
}

/** Launches that Chromium headless, as in a container (no sandbox, no GPU, no background traffic). */
export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM_PATH,
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage', '--disable-background-networking'],
  });
}

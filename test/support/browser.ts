import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { chromium, type Browser, type Locator, type Page } from 'playwright-core';

/** The system Chromium: CHROMIUM_PATH when set, else the usual Debian and Ubuntu paths. */
export function findChromium(env: NodeJS.ProcessEnv = process.env): string | null {
  const candidates = env.CHROMIUM_PATH ? [env.CHROMIUM_PATH] : ['/usr/bin/chromium', '/usr/bin/chromium-browser', '/usr/bin/google-chrome'];
  return candidates.find((p) => fs.existsSync(p)) ?? null;
}

export const NO_CHROMIUM =
  'browser tests skipped: no Chromium found; install it with "apt-get install -y chromium" (or set CHROMIUM_PATH)';

/** Headless Chromium from the system; playwright-core downloads nothing. */
export function launchChromium(executablePath: string): Promise<Browser> {
  return chromium.launch({ executablePath, headless: true });
}

/** Screenshots of browser tests go here (a temp folder unless CONSOLE_SCREENSHOTS names one). */
export function screenshotDir(env: NodeJS.ProcessEnv = process.env): string {
  const dir = env.CONSOLE_SCREENSHOTS ?? path.join(os.tmpdir(), 'namesrv-console-screenshots');
  fs.mkdirSync(dir, { recursive: true });
  return dir;
}

/**
 * Saves a full-page screenshot for people to look at; it is not what a test asserts. Headless Chromium
 * on a busy machine now and then cannot capture a frame ("Unable to capture screenshot"), so a failed
 * capture is tried again on the next animation frame and, failing that, only reported.
 */
export async function keepScreenshot(page: Page, name: string): Promise<void> {
  const file = path.join(screenshotDir(), `${name}.png`);
  for (let attempt = 1; ; attempt++) {
    try {
      await page.screenshot({ path: file, fullPage: true });
      return;
    } catch (err) {
      if (attempt === 3) {
        process.stderr.write(`screenshot ${name} not saved: ${(err as Error).message.split('\n')[0]}\n`);
        return;
      }
      await page.evaluate('new Promise((resolve) => requestAnimationFrame(resolve))');
    }
  }
}

/** Conditions in a page are awaited, with room for a busy machine; nothing waits a fixed time. */
export const WAIT_MS = 30_000;

export async function visible(locator: Locator): Promise<void> {
  await locator.first().waitFor({ state: 'visible', timeout: WAIT_MS });
}

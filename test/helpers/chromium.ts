import { existsSync } from 'node:fs';
import { createServer, type AddressInfo } from 'node:net';
import { chromium, type Browser, type Page } from 'playwright-core';

/** Debian's Chromium (installed by .ci/run with apt); browser tests never download a browser. */
export const CHROMIUM = '/usr/bin/chromium';
export const haveChromium = existsSync(CHROMIUM);

/**
 * Headless Chromium with the flags this machine needs: background networking off (its connections to other
 * hosts are refused here), a fresh profile, no sandbox (tests run as root).
 */
export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
    ],
  });
}

/** A port nobody listens on: e-mailed links must name the server's real address before it starts. */
export async function freePort(): Promise<number> {
  const srv = createServer();
  await new Promise<void>((resolve) => srv.listen(0, '127.0.0.1', resolve));
  const { port } = srv.address() as AddressInfo;
  await new Promise<void>((resolve) => srv.close(() => resolve()));
  return port;
}

/**
 * Submits the form a button is in and waits for the page it leads to (a new navigation, even when it leads
 * back to the same address, as a refused form or a posted message does).
 */
export async function press(
  page: Page,
  button: string,
  url: RegExp | string | ((u: URL) => boolean),
  timeout = 20_000,
): Promise<void> {
  await Promise.all([
    page.waitForEvent('framenavigated', { predicate: (f) => f === page.mainFrame(), timeout }),
    page.click(button),
  ]);
  await page.waitForURL(url, { timeout });
}

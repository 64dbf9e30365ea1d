/**
 * @module test/_helpers/browser
 * Headless Chromium (Debian's `chromium`, driven by playwright-core) for the tests that need a real
 * browser. Suites use `describeBrowser` and, inside it, `useBrowser(startScene)`: without chromium
 * they are skipped with a warning on a dev machine, but fail under CI (env CI set), where `.ci/run`
 * installs it.
 */
import { afterAll, beforeAll, describe } from "bun:test";
import { existsSync } from "node:fs";
import { type Browser, chromium } from "playwright-core";

export const CHROMIUM = "/usr/bin/chromium";
const ARGS = [
  "--headless",
  "--no-sandbox",
  "--disable-gpu",
  "--disable-quic",
  "--no-first-run",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
];
const haveChromium = existsSync(CHROMIUM);

/** `describe` when chromium exists or CI is set (missing then fails), `describe.skip` otherwise. */
export const describeBrowser: typeof describe = haveChromium || process.env.CI ? describe : describe.skip;
if (!haveChromium && !process.env.CI) console.warn(`browser tests: skipped, ${CHROMIUM} is missing (apt-get install chromium; with CI set they fail instead)`);

/** Launches the browser and starts the suite's scene before its tests; closes and stops both after them. */
export function useBrowser<S extends { stop(): void }>(startScene: () => S): { readonly browser: Browser; readonly scene: S } {
  let browser: Browser | undefined;
  let scene: S | undefined;
  beforeAll(async () => {
    if (!haveChromium) throw new Error(`${CHROMIUM} is missing and CI is set: install chromium (.ci/run does)`);
    scene = startScene();
    browser = await chromium.launch({ executablePath: CHROMIUM, args: ARGS, headless: true });
  });
  afterAll(async () => {
    await browser?.close();
    scene?.stop();
  });
  return {
    get browser() {
      return browser!;
    },
    get scene() {
      return scene!;
    },
  };
}

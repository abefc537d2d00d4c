import { join } from 'node:path';
import type { StartOptions } from '../../bot/app';
import { Harness } from '../support/harness';
import { chromiumPath, launchBrowser, startActivityProxy, startPlayground, type ActivityProxy, type BrowserSession, type PlaygroundHandle } from './driver';

/** What a Playground test works with: Samråd (through the Harness), the Playground, and Chromium. */
export interface PlaygroundRun {
  h: Harness;
  playground: PlaygroundHandle;
  browser: BrowserSession;
}

/**
 * Starts, for the enclosing `describe`, Samråd, a proxy giving the Playground's activities this
 * locale (the Playground always says en-US), the Playground on the project's mock tenant, and
 * headless Chromium; stops them afterwards. Skips when Chromium is missing, except in CI.
 * `env`: settings Samråd starts with (as in `.env`), e.g. `COORDINATORS`.
 */
export function usePlayground(locale: string, timezone: string, options: StartOptions = {}, env: Record<string, string> = {}): PlaygroundRun {
  const run = {} as PlaygroundRun;
  let proxy: ActivityProxy | undefined;
  before(async function () {
    const executable = chromiumPath();
    if (!executable) {
      if (process.env.CI) throw new Error('Chromium is missing: install Debian’s chromium (apt-get install chromium)');
      this.skip();
    }
    run.h = new Harness();
    // The browser and the Playground keep the real clock: so does Samråd beside them.
    run.h.skipSpacing = false;
    await run.h.start(env, undefined, options);
    proxy = await startActivityProxy({ target: `${run.h.app.url}/api/messages`, locale, timezone });
    run.playground = await startPlayground({ botEndpoint: proxy.url, port: 0, configFile: join(__dirname, '..', '..', '.m365agentsplayground.yml'), timezone });
    run.browser = await launchBrowser({ executablePath: executable, timezoneId: timezone });
  });
  after(async () => {
    await run.browser?.close();
    await run.playground?.stop();
    await proxy?.stop();
    await run.h?.stop();
  });
  return run;
}

import assert from 'node:assert/strict';
import { chromium, type Browser } from 'playwright-core';
import { LIMITS, LOCALES } from '../../bot/domain/meeting';
import { PAGE_DAYS_AFTER_MEETING } from '../../bot/domain/page-link';
import { esc } from '../../bot/documents/print';
import { t } from '../../bot/i18n';
import { chromiumPath } from '../playground/driver';
import { Harness, useHarness } from '../support/harness';
import { planUntil } from '../support/scenarios';

describe('the pages the Teams app manifest links to', () => {
  let h: Harness;
  useHarness((harness) => (h = harness), true);

  for (const [path, key] of [['/', 'site.about'], ['/privacy', 'site.privacy'], ['/terms', 'site.terms']] as const) {
    it(`${path} answers in the reader's language`, async () => {
      const fi = await fetch(`${h.app.url}${path}`, { headers: { 'accept-language': 'fi-FI,fi;q=0.9' } });
      assert.equal(fi.status, 200);
      const html = await fi.text();
      assert.ok(html.includes('lang="fi"'));
      assert.ok(html.includes(t('fi', key).slice(0, 40)));
      const other = await (await fetch(`${h.app.url}${path}`, { headers: { 'accept-language': 'de-DE' } })).text();
      assert.ok(other.includes(t('en', key).slice(0, 40)));
    });
  }

  it('the privacy page says in sv, da, fi and en what is stored, why, for how long (the configured period), who sees what and how to ask for access or erasure, under headings and in lists', async () => {
    const titles = ['site.privacyPage.storeTitle', 'site.privacyPage.whyTitle', 'site.privacyPage.howLongTitle', 'site.privacyPage.whoTitle', 'site.privacyPage.rightsTitle'] as const;
    const stored = ['site.privacyPage.storeNames', 'site.privacyPage.storeAnswers', 'site.privacyPage.storeMeeting', 'site.privacyPage.storeFeedback', 'site.privacyPage.storeMinutes'] as const;
    const roles = ['site.privacyPage.whoCaseworker', 'site.privacyPage.whoChair', 'site.privacyPage.whoInvitees', 'site.privacyPage.whoPage', 'site.privacyPage.whoCoordinators', 'site.privacyPage.whoDpo'] as const;
    for (const locale of LOCALES) {
      // Asked for by the link between the languages, whatever the browser's language.
      const res = await fetch(`${h.app.url}/privacy?lang=${locale}`, { headers: { 'accept-language': 'de-DE' } });
      assert.equal(res.status, 200);
      assert.equal(res.headers.get('content-security-policy'), "default-src 'none'; style-src 'unsafe-inline'");
      const html = await res.text();
      assert.ok(html.includes(`<html lang="${locale}">`), locale);
      assert.equal(html.match(/<h1>/g)?.length, 1, `${locale}: one h1`);
      assert.deepEqual([...html.matchAll(/<h2>([^<]*)<\/h2>/g)].map((m) => m[1]), titles.map((key) => esc(t(locale, key))), `${locale}: the five parts, in order`);
      for (const key of [...stored, ...roles]) assert.ok(html.includes(`<li>${esc(t(locale, key))}</li>`), `${locale}: ${key} as a list item`);
      // The configured retention period (6 months by default), the drafts' and the page links' days.
      assert.ok(html.includes(esc(t(locale, 'site.privacyPage.howLong', { months: 6 }))), `${locale}: six months`);
      assert.ok(html.includes(esc(t(locale, 'site.privacyPage.howLongMore', { days: LIMITS.draftDays }))));
      assert.ok(html.includes(esc(t(locale, 'site.privacyPage.howLongLink', { days: PAGE_DAYS_AFTER_MEETING }))));
      for (const key of ['site.privacyPage.rights', 'site.privacyPage.rightsDpo', 'site.privacyPage.rightsController', 'site.privacyPage.whoNever'] as const) assert.ok(html.includes(esc(t(locale, key))), `${locale}: ${key}`);
      // The other three languages are a link away, each named in itself.
      for (const other of LOCALES.filter((l) => l !== locale)) assert.ok(html.includes(`href="/privacy?lang=${other}" lang="${other}" hreflang="${other}"`), `${locale}: a link to ${other}`);
    }
    // A language Samråd does not speak is not taken from the address: the browser's language (or English) is.
    assert.ok((await (await fetch(`${h.app.url}/privacy?lang=de`, { headers: { 'accept-language': 'da-DK' } })).text()).includes('<html lang="da">'));
  });

  it('the privacy page states the retention period Samråd is configured with (RETENTION_MONTHS)', async () => {
    const other = new Harness();
    await other.start({ RETENTION_MONTHS: '1' });
    try {
      for (const locale of LOCALES) {
        const html = await (await fetch(`${other.app.url}/privacy?lang=${locale}`)).text();
        assert.ok(html.includes(esc(t(locale, 'site.privacyPage.howLong', { months: 1 }))), `${locale}: one month`);
        assert.ok(!html.includes(esc(t(locale, 'site.privacyPage.howLong', { months: 6 }))), `${locale}: not the default`);
      }
      assert.ok((await (await fetch(`${other.app.url}/privacy?lang=sv`)).text()).includes('1 månad efter'));
      assert.ok((await (await fetch(`${other.app.url}/privacy?lang=en`)).text()).includes('1 month after'));
    } finally {
      await other.stop();
    }
  });

  it('the about, privacy and terms pages in every language have no WCAG 2.2 A or AA violation (axe-core in Chromium)', async function () {
    this.timeout(60_000);
    const executable = chromiumPath();
    if (!executable) {
      if (process.env.CI) throw new Error('Chromium is missing: install Debian’s chromium (apt-get install chromium)');
      this.skip();
    }
    let browser: Browser | undefined;
    try {
      browser = await chromium.launch({ executablePath: executable, args: ['--headless', '--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'] });
      // The pages' CSP allows no script: axe runs on each page's HTML in a tab of a phone's size that allows it (with the pages' own styles, for contrast and reflow).
      const context = await browser.newContext({ javaScriptEnabled: true, bypassCSP: true, viewport: { width: 360, height: 740 } });
      await context.route(/^https?:\/\//, (route) => route.abort());
      const tab = await context.newPage();
      for (const locale of LOCALES) {
        for (const path of ['/privacy', '/', '/terms']) {
          const html = await (await fetch(`${h.app.url}${path}?lang=${locale}`)).text();
          await tab.setContent(html, { waitUntil: 'load' });
          await tab.addScriptTag({ path: require.resolve('axe-core') });
          const violations = await tab.evaluate(async (tags) => {
            const axe = (globalThis as any).axe;
            const r = await axe.run((globalThis as any).document, { runOnly: { type: 'tag', values: tags }, resultTypes: ['violations'] });
            return r.violations.map((v: any) => `${v.id} (${v.impact}): ${v.help}\n    ${v.nodes.map((n: any) => `${n.target.join(' ')}: ${n.failureSummary}`).join('\n    ')}`);
          }, ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22a', 'wcag22aa']);
          assert.deepEqual(violations, [], `${path} in ${locale}: axe-core found WCAG 2.2 AA violations:\n${violations.join('\n')}`);
          const overflow = await tab.evaluate(() => {
            const d = (globalThis as any).document.documentElement;
            return d.scrollWidth - d.clientWidth;
          });
          assert.ok(overflow <= 0, `${path} in ${locale}: ${overflow} px wider than a 360 px phone`);
        }
      }
      // The audit itself finds what it should: the privacy page with a link that has no name.
      const broken = (await (await fetch(`${h.app.url}/privacy?lang=sv`)).text()).replace('</main>', '<a href="/x"></a></main>');
      await tab.setContent(broken, { waitUntil: 'load' });
      await tab.addScriptTag({ path: require.resolve('axe-core') });
      const found = await tab.evaluate(async () => ((await (globalThis as any).axe.run((globalThis as any).document, { runOnly: { type: 'tag', values: ['wcag2a'] } })).violations as any[]).map((v) => v.id));
      assert.ok(found.includes('link-name'), found.join(', '));
    } finally {
      await browser?.close();
    }
  });

  it('answers every signed-link route with a bad token as not found, never cached, never indexed', async () => {
    for (const path of ['/letters/bad', '/letters/bad/invitation.ics', '/export/bad/journal.txt', '/export/bad/meeting.json', '/minutes/bad', '/p/bad']) {
      const res = await fetch(`${h.app.url}${path}`);
      assert.ok(res.status === 404 || res.status === 410, `${path}: ${res.status}`);
      assert.equal(res.headers.get('cache-control'), 'no-store', path);
      assert.equal(res.headers.get('x-robots-tag'), 'noindex', path);
    }
  });

  it('prints the person\'s own page link on their letter (the client\'s too), and that link opens their page', async () => {
    const { meetingId } = await planUntil(h, 'sent');
    const alex = (await h.meeting(meetingId))!.participants.find((p) => p.name === 'Alex')!;
    const letterUrl = h.app.deps.links.letterUrls(meetingId, alex.id).letterUrl;
    const letter = await fetch(letterUrl);
    assert.equal(letter.status, 200);
    const html = await letter.text();
    const printed = /<p class="page-link">([^<]*)<a href="([^"]*)">([^<]*)<\/a><\/p>/.exec(html);
    assert.ok(printed, 'the letter prints a page link');
    assert.equal(printed[1], `${esc(t('sv', 'letter.pageLink'))} `);
    assert.equal(printed[2], printed[3]);
    assert.ok(printed[2].startsWith(`${h.app.url}/p/`), printed[2]);
    const page = await fetch(printed[2]);
    assert.equal(page.status, 200);
    assert.ok((await page.text()).includes('lang="sv"'), 'Alex\'s own page, in Alex\'s language');
    // Printed again, it is the same link: the first letter issued it.
    const again = await (await fetch(letterUrl)).text();
    assert.ok(again.includes(`<a href="${printed[2]}">`));
  });
});

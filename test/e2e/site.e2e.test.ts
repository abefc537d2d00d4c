import assert from 'node:assert/strict';
import { t } from '../../bot/i18n';
import { Harness, useHarness } from '../support/harness';

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
});

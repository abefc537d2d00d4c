import assert from 'node:assert/strict';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { chromium } from 'playwright-core';
import { t } from '../../bot/i18n';
import { pageUrl, revokeLink } from '../../bot/services/pages';
import { action, cardText } from '../support/cards';
import { daysAhead, Harness } from '../support/harness';
import { CASEWORKER, CASEWORKER_CONTACT, deliveryDone, personInputs, startMeeting, whenInputs } from '../support/scenarios';
import { da } from '../support/text';
import { chromiumPath } from './driver';

/**
 * A relative's own page in Chromium on a phone-sized screen with JavaScript off: Eva, the
 * grandmother invited by post in Danish, answers the invitation (first forgetting to choose),
 * gives her feedback after the meeting (first with a scale left out), reads the minutes and marks
 * her action item done; at the end her old link is refused.
 *
 * Every state of the page is checked with axe-core against WCAG 2.0, 2.1 and 2.2 A and AA. The
 * page runs no script and its Content-Security-Policy allows none, so axe cannot run in the
 * JavaScript-off tab: each state's HTML (as that tab has it) is loaded into a second tab of the
 * same size with JavaScript on and no CSP, where axe runs on it, with the page's own styles (for
 * contrast, target sizes and reflow).
 */

const NURSE = { aadObjectId: '7c2e1a40-0000-4000-8000-00000000d001', name: 'Noor Nurse', locale: 'en-GB' };
const PHONE = { width: 360, height: 740 };
const WCAG = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22a', 'wcag22aa'];

describe('a relative\'s own page on a phone with JavaScript off, WCAG 2.2 AA (Chromium, axe-core)', function () {
  this.timeout(120_000);
  const h = new Harness();
  let browser: Browser | undefined;
  let noScript: BrowserContext;
  let page: Page;
  let axePage: Page;
  const audited: string[] = [];

  before(async function () {
    const executable = chromiumPath();
    if (!executable) {
      if (process.env.CI) throw new Error('Chromium is missing: install Debian’s chromium (apt-get install chromium)');
      this.skip();
    }
    await h.start();
    browser = await chromium.launch({ executablePath: executable, args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'] });
    noScript = await browser.newContext({ javaScriptEnabled: false, viewport: PHONE, isMobile: true, hasTouch: true, locale: 'da-DK' });
    await noScript.route(/^https?:\/\/(?!127\.0\.0\.1[:/])/, (route) => route.abort());
    page = await noScript.newPage();
    const forAxe = await browser.newContext({ javaScriptEnabled: true, bypassCSP: true, viewport: PHONE, isMobile: true, hasTouch: true });
    await forAxe.route(/^https?:\/\//, (route) => route.abort());
    axePage = await forAxe.newPage();
  });
  after(async () => {
    await browser?.close();
    await h.stop();
  });

  /** Runs axe-core (WCAG 2.2 A and AA) on the page as the JavaScript-off tab has it; no violations allowed. Also: nothing wider than the phone. */
  async function audit(state: string): Promise<void> {
    const html = await page.content();
    assert.ok(!/<script/i.test(html), `${state}: no script on the page`);
    await axePage.setContent(html, { waitUntil: 'load' });
    await axePage.addScriptTag({ path: require.resolve('axe-core') });
    const result = await axePage.evaluate(async (tags) => {
      const axe = (globalThis as any).axe;
      const r = await axe.run((globalThis as any).document, { runOnly: { type: 'tag', values: tags }, resultTypes: ['violations'] });
      return r.violations.map((v: any) => `${v.id} (${v.impact}): ${v.help}\n    ${v.nodes.map((n: any) => `${n.target.join(' ')}: ${n.failureSummary}`).join('\n    ')}`);
    }, WCAG);
    assert.deepEqual(result, [], `${state}: axe-core found WCAG 2.2 AA violations:\n${result.join('\n')}`);
    const overflow = await axePage.evaluate(() => {
      const d = (globalThis as any).document.documentElement;
      return d.scrollWidth - d.clientWidth;
    });
    assert.ok(overflow <= 0, `${state}: the page is ${overflow} px wider than a ${PHONE.width} px phone`);
    audited.push(state);
    // SAMRAD_PAGE_SHOTS=<folder>: a screenshot of each state, to look at.
    if (process.env.SAMRAD_PAGE_SHOTS) await page.screenshot({ path: `${process.env.SAMRAD_PAGE_SHOTS}/${audited.length}.png`, fullPage: true });
  }

  /** Presses a button by its text, as a person on the phone would, and waits for the page it leads to. */
  async function press(name: string): Promise<number> {
    const [response] = await Promise.all([page.waitForNavigation(), page.getByRole('button', { name, exact: true }).first().click()]);
    return response?.status() ?? 0;
  }

  it('the audit itself: axe-core finds a missing label, low contrast and a too small target in a page like it', async () => {
    await page.setContent(`<!doctype html><html lang="da"><head><title>x</title><style>.low{color:#aaa}input[type=radio]{width:10px;height:10px;margin:0}</style></head>
<body><main><h1>x</h1><p class="low">Svag tekst</p><form><input type="text" name="x"><div><input type="radio" name="r"><input type="radio" name="r"></div></form></main></body></html>`);
    await assert.rejects(audit('a broken page'), (err: Error) => ['label', 'color-contrast', 'target-size'].every((rule) => err.message.includes(rule)) || assert.fail(err.message));
  });

  it('answers the invitation, gives feedback, reads the minutes and marks an action item done, every state of the page without an axe violation', async () => {
    // The meeting: at the client's home; the nurse in Teams chairs; Eva by post in Danish.
    let card = await h.press(CASEWORKER, 'plan.start', { verb: 'plan.start' });
    const meetingId = String(action(card, 'plan.when').data.meetingId);
    card = await h.press(CASEWORKER, 'plan.when', action(card, 'plan.when').data, whenInputs({ placeKind: 'home', placeDetails: 'Storgatan 1' }));
    const add = async (inputs: Record<string, string>) => (card = await h.press(CASEWORKER, 'plan.who.add', action(card, 'plan.who.add').data, inputs));
    await add(personInputs({ group: 'professional', name: NURSE.name, relation: 'skolesygeplejerske', contactKind: 'teams', teamsUser: NURSE.aadObjectId, language: 'en' }));
    await add(personInputs({ name: 'Eva', relation: 'mormor', contactKind: 'post', contactDetail: 'Østergade 2, 1100 København', language: 'da' }));
    await add(personInputs({ group: 'client', name: 'Alex', contactKind: 'hand', relation: '' }));
    const ids = Object.fromEntries((await h.meeting(meetingId))!.participants.map((p) => [p.name, p.id]));
    card = await h.press(CASEWORKER, 'plan.who.save', action(card, 'plan.who.save').data, { consent: 'true', chairId: ids[NURSE.name], secretaryId: '', coOrganizerId: '' });
    card = await h.press(CASEWORKER, 'plan.why', action(card, 'plan.why').data, { purpose: 'En plan for skolen', topics: 'Søvn\nSkole', form: '' });
    await h.press(CASEWORKER, 'plan.send', action(card, 'plan.send').data, CASEWORKER_CONTACT, 'status-activity');
    await deliveryDone(h, meetingId);
    const url = (await pageUrl(h.app.deps, meetingId, ids.Eva))!;

    // The invitation, in Danish.
    const first = await page.goto(url);
    assert.equal(first?.status(), 200);
    assert.equal(await page.getAttribute('html', 'lang'), 'da');
    await page.getByRole('heading', { level: 1 }).waitFor();
    await audit('the invitation, not answered');

    // Sent without choosing: the error at the top and next to the question, what was typed kept.
    await page.getByLabel(da('invitation.comment')).fill('Jeg tager bussen.');
    assert.equal(await press(da('page.sendAnswer')), 400);
    assert.ok((await page.title()).startsWith(da('page.errorPrefix', { title: '' })));
    assert.equal(await page.locator('.problems a').first().textContent(), da('problem.answerInvalid'));
    assert.equal(await page.getByLabel(da('invitation.comment')).inputValue(), 'Jeg tager bussen.');
    await audit('the answer form with an error');

    await page.getByLabel(da('invitation.accept')).check();
    await page.getByLabel(da('invitation.topic')).fill('Fritiden');
    assert.equal(await press(da('page.sendAnswer')), 200);
    assert.ok(page.url().includes('?done=answer#msg'), page.url());
    assert.equal((await page.locator('#msg').textContent())?.trim(), da('invitation.thanks', { organizer: CASEWORKER_CONTACT.contactName }));
    assert.ok(await page.getByLabel(da('invitation.accept')).isChecked());
    await audit('answered');
    assert.equal((await h.view(meetingId))!.replies.get(ids.Eva)?.via, 'page');
    // The caseworker's status card shows Eva's answer, given on her page.
    const status = cardText(await h.press(CASEWORKER, 'status.show', { meetingId }));
    assert.ok(status.includes(`${t('sv', 'status.accepted')} (${t('sv', 'status.byPage')})`), status);

    // The meeting is held: Eva gets an action item; the outcome is agreed; it ends.
    card = await startMeeting(h, meetingId);
    card = await h.press(CASEWORKER, 'session.item', { verb: 'session.item', meetingId, change: 'add' }, { itemText: 'Ringe til skolen om morgenerne', itemOwner: ids.Eva, itemDue: daysAhead(20), itemWith: ids[NURSE.name] });
    card = await h.press(CASEWORKER, 'session.outcome', action(card, 'session.outcome').data, { responsible: 'undecided', followUpUndecided: 'true' });
    await h.press(CASEWORKER, 'session.end', action(card, 'session.end').data);

    // Feedback: one scale left out, then all four.
    await page.goto(url);
    await page.getByRole('heading', { name: da('feedback.title') }).waitFor();
    await audit('the feedback form');
    for (const [scale, score] of [['goals', '8'], ['approach', '7'], ['overall', '9']] as const) await page.locator(`#score-${scale}-${score}`).check();
    assert.equal(await press(da('feedback.send')), 400);
    assert.equal(await page.locator('#error-relation').count(), 1);
    await audit('the feedback form with an error');
    await page.getByRole('group', { name: da('feedback.scale.relation') }).getByLabel('10', { exact: true }).check();
    assert.equal(await press(da('feedback.send')), 200);
    assert.equal((await page.locator('#msg').textContent())?.trim(), da('feedback.thanks'));
    await audit('feedback given');
    assert.equal((await h.view(meetingId))!.feedback.get(ids.Eva)?.scores.relation, 10);

    // The minutes are sent: Eva reads them on her page, in Danish, and marks her item done.
    await h.press(CASEWORKER, 'minutes.send', { verb: 'minutes.send', meetingId }, { note: 'Husk madpakken' });
    await page.goto(url);
    await page.getByRole('heading', { name: da('minutes.title') }).waitFor();
    assert.ok((await page.locator('main').textContent())!.includes('Husk madpakken'));
    await audit('the minutes and an open action item');
    assert.equal(await press(da('page.markDone')), 200);
    assert.equal((await page.locator('#msg').textContent())?.trim(), da('agreements.itemSaved'));
    assert.equal(await page.getByRole('button', { name: da('page.markNotDone') }).count(), 1);
    await audit('the action item done');
    assert.equal((await h.view(meetingId))!.actions[0].done?.via, 'page');
    // The caseworker's minutes card shows the item done.
    const minutes = cardText(await h.press(CASEWORKER, 'minutes.show', { verb: 'minutes.show', meetingId }));
    assert.ok(minutes.includes('✓ Ringe til skolen om morgenerne'), minutes);

    // Her link revoked: the fixed page, in Danish.
    await revokeLink(h.app.deps, meetingId, ids.Eva, 'aad-caseworker');
    assert.equal((await page.goto(url))?.status(), 410);
    assert.equal((await page.locator('main p').textContent())?.trim(), da('page.gone'));
    await audit('a revoked link');

    assert.equal(audited.length, 9);
  });
});

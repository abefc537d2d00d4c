import assert from 'node:assert/strict';
import { DateTime } from 'luxon';
import type { Browser, Page } from 'playwright-core';
import { chromium } from 'playwright-core';
import { LOCALES, type Locale, type Meeting } from '../../bot/domain/meeting';
import { addParticipant, markSent, newDraft, setRoles, setWhen, setWhy } from '../../bot/domain/planning';
import { applyStep, openSession, type Session } from '../../bot/domain/session';
import { t } from '../../bot/i18n';
import { meetingModeCard } from '../../cards/session';
import type { AdaptiveCard } from '../../cards/render';
import { chromiumPath } from './driver';

/**
 * The meeting-mode card in a Teams meeting's side panel: 320 pixels wide. What the chair needs
 * every minute (who speaks, Next and Skip, the prompt, the toggles to the rest) must be on screen
 * without scrolling: within the first 600 pixels of the card, the height a side panel shows.
 * Rendered by the Adaptive Cards SDK in Chromium with a host configuration like Teams' own.
 */

const PANEL = { width: 320, visibleHeight: 600 };
const NOW = DateTime.fromISO('2026-12-17T09:00:00Z', { zone: 'utc' });

/** Teams' host configuration, as far as sizes and spacing go (Microsoft's published light theme for Teams). */
const TEAMS_HOST = {
  fontFamily: 'Segoe UI, system-ui, sans-serif',
  spacing: { small: 8, default: 12, medium: 16, large: 20, extraLarge: 24, padding: 16 },
  separator: { lineThickness: 1, lineColor: '#EEEEEE' },
  fontSizes: { small: 12, default: 14, medium: 14, large: 18, extraLarge: 24 },
  fontWeights: { lighter: 200, default: 400, bolder: 600 },
  imageSizes: { small: 32, medium: 52, large: 100 },
  actions: { maxActions: 6, spacing: 'default', buttonSpacing: 8, showCard: { actionMode: 'inline', inlineTopMargin: 16, style: 'emphasis' }, actionsOrientation: 'horizontal', actionAlignment: 'left' },
  containerStyles: { default: { backgroundColor: '#FFFFFF' }, emphasis: { backgroundColor: '#F2F2F2' }, accent: { backgroundColor: '#E8EBFA' } },
};

/** A big meeting: the client, ten relatives and thirty professionals, all with long names, the chair among them. */
function bigMeeting(locale: Locale): Meeting {
  const base = { relation: 'en relation som beskrivs utförligt', teamsUserId: '', email: '', address: '', language: locale };
  let m = newDraft({ id: 'm', organizer: { userKey: 'aad-kim', name: 'Kim Karlsson-Lindqvist' }, organizerParticipantId: 'kim', organizerUserId: 'kim', organizerLanguage: locale, tenantId: 't', now: NOW.minus({ days: 10 }) });
  m = setWhen(m, { date: '2026-12-17', time: '10:00', duration: '120', placeKind: 'room', placeDetails: 'Rum 2' }, 'Europe/Stockholm', NOW.minus({ days: 10 }));
  m = addParticipant(m, { ...base, name: 'Alexandra Bergström-Nieminen', group: 'client', contactKind: 'hand' }, 'client', NOW.minus({ days: 10 }));
  for (let i = 0; i < 10; i++) m = addParticipant(m, { ...base, name: `Närstående Person Med Långt Namn ${i}`, group: 'network', contactKind: 'hand' }, `n${i}`, NOW.minus({ days: 10 }));
  for (let i = 0; i < 30; i++) m = addParticipant(m, { ...base, name: `Medarbetare Med Ett Långt Namn ${i}`, group: 'professional', contactKind: 'teams', teamsUserId: `p${i}` }, `p${i}`, NOW.minus({ days: 10 }));
  m = setRoles(m, { consent: true, chairId: 'p0', secretaryId: 'p1' }, 'aad-kim', NOW.minus({ days: 10 }));
  m = setWhy(m, { purpose: 'En plan', topics: Array.from({ length: 12 }, (_, i) => `Ett ämne som är ganska långt och beskrivande nummer ${i}`).join('\n'), form: '' }, NOW.minus({ days: 10 }));
  return markSent(m, NOW.minus({ days: 10 }));
}

/** The meeting running, in the describe phase, halfway through a round of speakers. */
function midRound(m: Meeting): Session {
  let s = openSession(m, [], new Set(), 'aad-kim', NOW.minus({ days: 1 }));
  const step = (x: Parameters<typeof applyStep>[2], minutes: number) => (s = applyStep(m, s, x, 'aad-kim', NOW.plus({ minutes })));
  step({ step: 'begin' }, 0);
  step({ step: 'phase', phase: 'describe' }, 20);
  step({ step: 'round', kind: 'speakers' }, 21);
  for (let i = 0; i < 5; i++) step({ step: 'next' }, 22 + i);
  return s;
}

/** Where each button of these titles ends, in pixels from the card's top, rendered 320 pixels wide. */
async function bottoms(page: Page, card: AdaptiveCard, titles: string[]): Promise<Record<string, number>> {
  return page.evaluate(
    ({ card, host, titles, width }) => {
      // The page's own globals (this runs in Chromium, not in Node).
      const AC = (globalThis as any).AdaptiveCards;
      const root = (globalThis as any).document.getElementById('panel');
      root.innerHTML = '';
      root.style.width = `${width}px`;
      const adaptive = new AC.AdaptiveCard();
      adaptive.hostConfig = new AC.HostConfig(host);
      adaptive.parse(card);
      root.appendChild(adaptive.render());
      const top = root.getBoundingClientRect().top;
      const out: Record<string, number> = {};
      const buttons = Array.from(root.querySelectorAll('button')) as any[];
      for (const title of titles) {
        const button = buttons.find((b) => (b.getAttribute('aria-label') ?? b.textContent ?? '').trim() === title && b.offsetParent !== null);
        out[title] = button ? button.getBoundingClientRect().bottom - top : -1;
      }
      return out;
    },
    { card, host: TEAMS_HOST, titles, width: PANEL.width },
  );
}

describe('the meeting-mode card in a 320-pixel side panel (Chromium)', function () {
  this.timeout(60_000);
  let browser: Browser | undefined;
  let page: Page;

  before(async function () {
    const executable = chromiumPath();
    if (!executable) {
      if (process.env.CI) throw new Error('Chromium is missing: install Debian’s chromium (apt-get install chromium)');
      this.skip();
    }
    browser = await chromium.launch({ executablePath: executable, args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'] });
    page = await browser.newPage({ viewport: { width: 800, height: 3000 } });
    await page.setContent('<!doctype html><html><body style="margin:0;font-family:Segoe UI,system-ui,sans-serif"><div id="panel"></div></body></html>');
    await page.addScriptTag({ path: require.resolve('adaptivecards/dist/adaptivecards.js') });
  });
  after(async () => browser?.close());

  for (const locale of LOCALES) {
    it(`shows the chair who speaks, Next, Skip and the toggles without scrolling, in ${locale}`, async () => {
      const m = bigMeeting(locale);
      const card = meetingModeCard(m, midRound(m), { locale, timeZone: 'Europe/Stockholm' }, NOW.plus({ minutes: 30 }), [], { liveUrl: 'https://samrad.example.org/live/x', controls: true, undoEnd: false, viewers: [] });
      const titles = [
        t(locale, 'session.next'),
        t(locale, 'session.skip'),
        t(locale, 'session.nextPhase', { phase: t(locale, 'session.phaseShort.reflect') }),
        t(locale, 'session.breakStart'),
        t(locale, 'session.sectionRounds'),
        t(locale, 'session.sectionPresence'),
        t(locale, 'session.sectionAgenda'),
        t(locale, 'session.sectionGuides'),
      ];
      const found = await bottoms(page, card, titles);
      for (const title of titles) {
        assert.ok(found[title] > 0, `"${title}" is on the card: ${JSON.stringify(found)}`);
        assert.ok(found[title] <= PANEL.visibleHeight, `"${title}" ends ${Math.round(found[title])} px down, past the ${PANEL.visibleHeight} px a side panel shows`);
      }
    });

    it(`shows the caseworker the start of the meeting without scrolling, in ${locale}`, async () => {
      const m = bigMeeting(locale);
      const card = meetingModeCard(m, openSession(m, [], new Set(), 'aad-kim', NOW), { locale, timeZone: 'Europe/Stockholm' }, NOW, [], { liveUrl: '', controls: true, undoEnd: false, viewers: [] });
      const found = await bottoms(page, card, [t(locale, 'session.begin')]);
      assert.ok(found[t(locale, 'session.begin')] > 0 && found[t(locale, 'session.begin')] <= PANEL.visibleHeight, JSON.stringify(found));
    });
  }
});

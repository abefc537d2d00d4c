import assert from 'node:assert/strict';
import { DateTime } from 'luxon';
import { SCALES } from '../../bot/domain/feedback';
import { shortId } from '../../cards/overview';
import { action, cardActions, cardText } from '../support/cards';
import type { Person } from '../support/harness';
import { meetingToHold, startMeeting } from '../support/scenarios';
import { da } from '../support/text';
import { askForCard, clickCardAction, fillInput, openPlayground, trackedCards, waitForBotText, waitForCardContaining } from './driver';
import { usePlayground } from './setup';

const ZONE = 'Europe/Copenhagen';
/**
 * The Playground's mock tenant (`.m365agentsplayground.yml`): the organisation whose overview it is. The overview reads
 * its own organisation's meetings only, so the meeting set up over HTTP is planned from this tenant too.
 */
const TENANT = '5a0e1c6e-0000-4000-8000-00000000a001';
/** The Playground's current user, the caseworker, who is also configured as the organisation's coordinator. */
const ANNA: Person = { aadObjectId: '5a0e1c6e-0000-4000-8000-000000000001', name: 'Anna Lindqvist', locale: 'da-DK', timeZone: ZONE, tenantId: TENANT };
/** Two colleagues of the mock tenant, invited in Teams. */
const METTE: Person = { aadObjectId: '5a0e1c6e-0000-4000-8000-000000000002', name: 'Mette Sørensen', locale: 'da-DK', timeZone: ZONE, tenantId: TENANT };
const AINO: Person = { aadObjectId: '5a0e1c6e-0000-4000-8000-000000000003', name: 'Aino Virtanen', locale: 'fi-FI', timeZone: 'Europe/Helsinki', tenantId: TENANT };

/**
 * The coordinators' overview in the Microsoft 365 Agents Playground, in Danish: Anna, the
 * Playground's user, is configured as a coordinator (`COORDINATORS`). She has held a meeting
 * (an action item left undone past its date, no minutes, feedback from three people, a
 * follow-up agreed) and sends its follow-up meeting from "Mine møder"; then she writes
 * "oversigt" and sees those two meetings counted, the held one named by its short id and her
 * name only, and the feedback of its month.
 */
describe('the Agents Playground in Chromium: the coordinators’ overview', function () {
  this.timeout(240_000);
  /** Samråd's clock, moved to the meeting's day and then past it. */
  const clock = { shiftMs: 0 };
  const run = usePlayground('da-DK', ZONE, { now: () => DateTime.utc().plus({ milliseconds: clock.shiftMs }) }, { COORDINATORS: ANNA.aadObjectId });

  it('a coordinator writes "oversigt" and sees the meetings held and planned, without minutes, overdue and followed up, and the feedback chart', async () => {
    const { h } = run;
    const { page } = run.browser;
    const press = (person: Person, verb: string, data: Record<string, unknown>, inputs: Record<string, unknown> = {}) => h.press(person, verb, { verb, ...data }, inputs);

    // The meeting, sent over HTTP in the Playground's tenant as the other Playground tests set theirs up: the client
    // Alex (in person), the grandmother Eva (by post), Mette (the chair) and Aino in Teams.
    const meetingId = await meetingToHold(h, { nurse: METTE, teacher: AINO, caseworker: ANNA });
    const plan = (await h.meeting(meetingId))!;
    const id = (name: string) => plan.participants.find((p) => p.name === name)!.id;
    const start = DateTime.fromISO(plan.when!.start).setZone(ZONE);
    const day = (days: number) => start.plus({ days }).toFormat('yyyy-MM-dd');

    try {
      // Held on its day: an action item due the next day, the follow-up agreed for a month later; ended.
      clock.shiftMs = start.toMillis() - Date.now() - 60_000;
      let mode = await startMeeting(h, meetingId, ANNA);
      for (const phase of ['describe', 'reflect', 'agree'] as const) mode = await press(ANNA, 'session.phase', action(mode, 'session.phase', { phase }).data);
      mode = await press(ANNA, 'session.item', action(mode, 'session.item').data, { itemText: 'Ringe til skolen', itemOwner: id(METTE.name), itemDue: day(1), itemWith: '' });
      mode = await press(ANNA, 'session.phase', action(mode, 'session.phase', { phase: 'summary' }).data);
      mode = await press(ANNA, 'session.outcome', action(mode, 'session.outcome').data, { responsible: id(METTE.name), followUp: day(30), followUpUndecided: 'false' });
      mode = await press(ANNA, 'session.end', action(mode, 'session.end').data);
      assert.ok(cardText(mode).includes(da('session.endedTitle')));

      // Feedback from three: Alex and Eva on Anna's screen, Mette on her card in Teams.
      const scores = (relation: number, goals: number, approach: number, overall: number) => ({ relation: String(relation), goals: String(goals), approach: String(approach), overall: String(overall), comment: '' });
      await press(ANNA, 'feedback.give', { meetingId, via: 'screen', participantId: id('Alex') }, scores(10, 9, 8, 10));
      await press(ANNA, 'feedback.give', { meetingId, via: 'screen', participantId: id('Eva') }, scores(7, 6, 6, 7));
      await press(METTE, 'feedback.give', { meetingId }, scores(8, 8, 7, 9));
      assert.equal((await h.view(meetingId))!.feedback.size, 3);
      await h.settled();

      // Four days later: the action item is overdue, the minutes were never sent.
      clock.shiftMs = start.plus({ days: 4 }).toMillis() - Date.now();
      await openPlayground(page, run.playground.url, { greeting: da('welcome.title') });

      // The follow-up meeting, sent through the Playground from "Mine møder": the client agrees again first.
      let card = await askForCard(page, 'møder', da('meetings.draft'));
      await clickCardAction(page, card.locator('.ac-container').filter({ hasText: da('meetings.draft'), has: page.getByRole('button', { name: da('meetings.open') }) }).last(), da('meetings.open'));
      card = await waitForCardContaining(page, da('summary.title'));
      await clickCardAction(page, card, `${da('summary.edit')}: ${da('steps.who')}`);
      card = await waitForCardContaining(page, da('who.title'));
      await fillInput(page, card, 'consent', true);
      await clickCardAction(page, card, `${da('steps.summary')} →`);
      card = await waitForCardContaining(page, da('summary.send'));
      await clickCardAction(page, card, da('summary.send'));
      await waitForCardContaining(page, da('status.title'));
      await waitForBotText(page, da('delivered.invite'));
      const status = [...trackedCards(page)].reverse().find((c: unknown) => cardActions(c).some((a) => a.verb === 'change.start'));
      const followUpId = String(action(status, 'change.start').data.meetingId);
      const followUp = (await h.meeting(followUpId))!;
      assert.equal(followUp.followUpOf, meetingId);
      assert.equal(followUp.status, 'invited');
      await h.settled();

      // The overview, asked for by its Danish word.
      card = await askForCard(page, 'oversigt', da('overview.title'));

      // The figures: the held meeting and its follow-up, the one planned; the held one without minutes, an item overdue, a follow-up coming.
      const titles = await card.locator('.ac-fact-title').allInnerTexts();
      const values = await card.locator('.ac-fact-value').allInnerTexts();
      assert.deepEqual(Object.fromEntries(titles.map((title, i) => [title.trim(), values[i].trim()])), {
        [da('overview.held')]: '1',
        [da('overview.planned')]: '1',
        [da('overview.withoutMinutes')]: '1',
        [da('overview.overdue')]: da('overview.overdueValue', { items: 1, meetings: 1 }),
        [da('overview.followUps')]: '1',
      });

      // The held meeting in each list by its short id, its date and its caseworker, in Danish and Anna's zone.
      const date = (iso: string) => DateTime.fromISO(iso, { zone: 'utc' }).setZone(ZONE).setLocale('da').toLocaleString(DateTime.DATE_MED);
      const held = { id: shortId(meetingId), date: date(plan.when!.start), caseworker: ANNA.name };
      const endedAt = (await h.view(meetingId))!.session!.endedAt!;
      // What each text block shows, as the reader sees it. A block starting with a Danish date ("16. jan. 2027: …")
      // must show the date as written, not as a numbered list.
      const lists = await card.locator('.ac-textBlock ol').count();
      assert.equal(lists, 0, 'no line drawn as a numbered list');
      const lines = await card.locator('.ac-textBlock').evaluateAll((els: any[]) => els.map((el) => String(el.innerText).trim()));
      for (const line of [
        da('overview.withoutMinutesLine', { ...held, ended: date(endedAt) }),
        da('overview.overdueLine', { ...held, count: 1 }),
        da('overview.followUpLine', { date: DateTime.fromISO(day(30), { zone: ZONE }).setLocale('da').toLocaleString(DateTime.DATE_MED), id: held.id, start: held.date, caseworker: held.caseworker }),
      ]) {
        assert.ok(lines.includes(line), `"${line}" in ${JSON.stringify(lines)}`);
      }

      // Nothing of the client, the place, what was said or agreed, or who else took part: not on screen, not in the card.
      const shown = await card.innerText();
      const json = JSON.stringify([...trackedCards(page)].reverse().find((c: unknown) => JSON.stringify(c).includes(da('overview.title'))));
      for (const detail of ['Alex', 'Eva', 'Room 2', 'A plan', 'Sleep', 'School', 'Ringe til skolen', METTE.name, AINO.name, meetingId, followUpId]) {
        assert.ok(!shown.includes(detail), `the overview shows "${detail}"`);
        assert.ok(!json.includes(detail), `the overview card carries "${detail}"`);
      }

      // The feedback of the meeting's month. The Playground's renderer (0.2.28) draws Chart.Line itself, as an SVG line
      // chart with a legend, so its fallback table is not shown: the chart is what is checked here.
      const scales = SCALES.map((scale) => da(`feedback.scale.${scale}`));
      const month = DateTime.fromFormat(start.toFormat('yyyy-MM'), 'yyyy-MM', { zone: 'utc' }).setLocale('da').toLocaleString({ month: 'short', year: 'numeric' });
      const chart = card.locator(`[aria-label^="${da('overview.chartTitle')}"]`);
      await chart.locator('svg').first().waitFor({ state: 'visible' });
      assert.equal(await card.locator('table, [role="table"], [role="grid"]').count(), 0, 'the table fallback is not shown beside the chart');
      assert.ok(!shown.includes(da('overview.answers')) && !shown.includes(da('overview.feedbackNone')));
      assert.deepEqual(await chart.locator('[aria-label="Legend"] [role="option"]').evaluateAll((els: any[]) => els.map((el) => String(el.textContent ?? '').trim())), scales);
      // One point per scale for the month: the averages of Alex's, Eva's and Mette's answers, to one decimal.
      const point = (await chart.locator('[role="img"]').getAttribute('aria-label')) ?? '';
      assert.ok(point.startsWith(`${month}, `), point);
      const averages = scales.map((scale) => Number(new RegExp(`${scale} ([\\d.]+)`).exec(point)?.[1]));
      assert.deepEqual(averages, [8.3, 7.7, 7, 8.7], point);
    } finally {
      clock.shiftMs = 0;
    }
  });
});


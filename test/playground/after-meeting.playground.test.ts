import assert from 'node:assert/strict';
import { DateTime } from 'luxon';
import { action } from '../support/cards';
import type { Person } from '../support/harness';
import { CASEWORKER_CONTACT, deliveryDone, personInputs, whenInputs } from '../support/scenarios';
import { sv } from '../support/text';
import { askForCard, clickCardAction, fillInput, openPlayground, waitForCardContaining } from './driver';
import { usePlayground } from './setup';

const ANNA: Person = { aadObjectId: '5a0e1c6e-0000-4000-8000-000000000001', name: 'Anna Lindqvist', locale: 'sv-SE', timeZone: 'Europe/Stockholm' };
const METTE = ['5a0e1c6e-0000-4000-8000-000000000002', 'Mette Sørensen'] as const;

/**
 * What a meeting leaves behind, in the Microsoft 365 Agents Playground, in Swedish: Anna runs a
 * meeting to its end on the day, records the action items, the responsible worker and the
 * follow-up date, collects feedback (the client and the grandmother one after another on her
 * screen, her own on her card in Teams), reviews and sends the minutes, and finds the follow-up
 * draft waiting in "My meetings".
 */
describe('the Agents Playground in Chromium: the plan, the feedback and the minutes', function () {
  this.timeout(240_000);
  const clock = { shiftMs: 0 };
  const run = usePlayground('sv-SE', 'Europe/Stockholm', { now: () => DateTime.utc().plus({ milliseconds: clock.shiftMs }) });

  it('runs a meeting to its end: action items, the outcome, feedback on one screen and in Teams, the minutes, the follow-up draft', async () => {
    const { h } = run;
    const { page } = run.browser;
    // Sent over HTTP: the client Robin (in person), the grandmother Greta (by post), Mette in Teams.
    let card = await h.press(ANNA, 'plan.start', { verb: 'plan.start' });
    const meetingId = String(action(card, 'plan.when').data.meetingId);
    card = await h.press(ANNA, 'plan.when', action(card, 'plan.when').data, whenInputs({ date: DateTime.now().plus({ days: 15 }).toFormat('yyyy-MM-dd'), time: '10:00' }));
    card = await h.press(ANNA, 'plan.who.add', action(card, 'plan.who.add').data, personInputs({ group: 'client', name: 'Robin', contactKind: 'hand', relation: '' }));
    card = await h.press(ANNA, 'plan.who.add', action(card, 'plan.who.add').data, personInputs({ name: 'Greta', relation: 'mormor', contactKind: 'post', contactDetail: 'Byvägen 2' }));
    card = await h.press(ANNA, 'plan.who.add', action(card, 'plan.who.add').data, personInputs({ group: 'professional', name: METTE[1], relation: 'kurator', contactKind: 'teams', teamsUser: METTE[0] }));
    card = await h.press(ANNA, 'plan.who.save', action(card, 'plan.who.save').data, { consent: 'true', chairId: '', secretaryId: '', coOrganizerId: '' });
    card = await h.press(ANNA, 'plan.why', action(card, 'plan.why').data, { purpose: 'En plan för morgnarna', topics: 'Sömnen', form: '' });
    await h.press(ANNA, 'plan.send', action(card, 'plan.send').data, CASEWORKER_CONTACT, 'status-activity');
    await deliveryDone(h, meetingId);
    const start = DateTime.fromISO((await h.meeting(meetingId))!.when!.start).setZone('Europe/Stockholm');
    const day = (days: number) => start.plus({ days }).toFormat('yyyy-MM-dd');

    await openPlayground(page, run.playground.url, { greeting: sv('welcome.title') });
    try {
      // The day: Anna opens meeting mode from "My meetings" and starts it.
      clock.shiftMs = start.toMillis() - Date.now() - 60_000;
      card = await askForCard(page, 'möten', sv('meetings.with', { client: 'Robin' }));
      await clickCardAction(page, card, sv('meetings.open'));
      card = await waitForCardContaining(page, sv('session.open'));
      await clickCardAction(page, card, sv('session.open'));
      card = await waitForCardContaining(page, sv('session.readyTitle'));
      await clickCardAction(page, card, sv('session.begin'));
      card = await waitForCardContaining(page, sv('session.speaking', { name: 'Robin' }));

      // The agree phase: the action items open by themselves.
      for (const phase of ['describe', 'reflect', 'agree'] as const) {
        await clickCardAction(page, card, sv('session.nextPhase', { phase: sv(`session.phaseShort.${phase}`) }));
        card = await waitForCardContaining(page, sv('session.nextPhase', { phase: sv(`session.phaseShort.${phase === 'describe' ? 'reflect' : phase === 'reflect' ? 'agree' : 'summary'}`) }));
      }
      card = await waitForCardContaining(page, sv('agreements.title'));
      for (const [text, owner, due] of [['Ringa skolan', `${METTE[1]} (kurator)`, day(3)], ['Gå till skolan varje morgon', 'Robin', day(7)]] as const) {
        await fillInput(page, card, sv('agreements.text'), text);
        await fillInput(page, card, sv('agreements.owner'), owner);
        await fillInput(page, card, sv('agreements.due'), due);
        await clickCardAction(page, card, sv('agreements.add'));
        card = await waitForCardContaining(page, text);
      }
      assert.deepEqual((await h.view(meetingId))!.actions.map((i) => i.text), ['Ringa skolan', 'Gå till skolan varje morgon']);

      // The summary phase: Mette is the client's responsible worker; the follow-up in a month.
      await clickCardAction(page, card, sv('session.nextPhase', { phase: sv('session.phaseShort.summary') }));
      card = await waitForCardContaining(page, sv('agreements.outcomeTitle'));
      await fillInput(page, card, sv('agreements.responsible'), `${METTE[1]} (kurator)`);
      await fillInput(page, card, sv('agreements.followUp'), day(30));
      await clickCardAction(page, card, sv('agreements.saveOutcome'));
      card = await waitForCardContaining(page, sv('agreements.outcomeTitle'));
      assert.deepEqual((await h.view(meetingId))!.session!.outcome, { responsible: (await h.person(meetingId, METTE[1])).participant.id, followUp: day(30) });
      await clickCardAction(page, card, sv('session.end'), { expect: 'none' });
      await clickCardAction(page, card, sv('session.endYes'));
      card = await waitForCardContaining(page, sv('agreements.feedbackOnScreen'));

      // Feedback on Anna's screen: Robin, then Greta; neither sees the other's answers.
      await clickCardAction(page, card, sv('agreements.feedbackOnScreen'));
      for (const [who, label] of [['Robin', 'Robin'], ['Greta', 'Greta (mormor)']] as const) {
        card = await waitForCardContaining(page, sv('feedback.screenChoose'));
        await fillInput(page, card, sv('feedback.person'), label);
        await clickCardAction(page, card, sv('feedback.title'));
        card = await waitForCardContaining(page, sv('feedback.screenFor', { name: label }));
        await fillScales(page, card, who === 'Robin' ? '9' : '7');
        await clickCardAction(page, card, sv('feedback.send'));
      }
      card = await waitForCardContaining(page, sv('feedback.screenDone'));
      // Anna's own feedback arrives on her card in Teams.
      card = await waitForCardContaining(page, sv('feedback.intro'));
      await fillScales(page, card, '8');
      await clickCardAction(page, card, sv('feedback.send'));
      await waitForCardContaining(page, sv('feedback.thanks'));
      const given = (await h.view(meetingId))!.feedback;
      assert.equal(given.size, 3);
      assert.deepEqual([...given.values()].map((f) => f.via).sort(), ['screen', 'screen', 'teams']);

      // Everyone's answers side by side (the Playground shows the table), with the averages.
      card = await waitForCardContaining(page, sv('feedback.screenDone'));
      await clickCardAction(page, card, sv('feedback.overviewTitle'));
      card = await waitForCardContaining(page, sv('feedback.average', { count: 3 }));
      for (const name of ['Robin', 'Greta', 'Anna Lindqvist']) assert.ok((await card.innerText()).includes(name), name);

      // The minutes: reviewed, with a note, sent.
      await clickCardAction(page, card, sv('session.open'));
      card = await waitForCardContaining(page, sv('agreements.minutes'));
      await clickCardAction(page, card, sv('agreements.minutes'));
      card = await waitForCardContaining(page, sv('minutes.reviewTitle'));
      assert.ok((await card.innerText()).includes('Ringa skolan'));
      await fillInput(page, card, sv('minutes.note'), 'Nästa gång ses vi i skolan.');
      await clickCardAction(page, card, sv('minutes.send'));
      await waitForCardContaining(page, sv('minutes.sending'));
      assert.equal((await h.view(meetingId))!.minutes!.state, 'sent');

      // The follow-up draft waits in "My meetings".
      card = await askForCard(page, 'möten', sv('meetings.draft'));
      await clickCardAction(page, card.locator('.ac-container').filter({ hasText: sv('meetings.draft'), has: page.getByRole('button', { name: sv('meetings.open') }) }).last(), sv('meetings.open'));
      card = await waitForCardContaining(page, sv('summary.title'));
      for (const topic of ['Ringa skolan', 'Gå till skolan varje morgon']) assert.ok((await card.innerText()).includes(topic), topic);
    } finally {
      clock.shiftMs = 0;
    }
  });
});

/** Fills the four scales of a feedback form with the same score. */
async function fillScales(page: Parameters<typeof fillInput>[0], card: Parameters<typeof fillInput>[1], score: string): Promise<void> {
  for (const scale of ['relation', 'goals', 'approach', 'overall'] as const) {
    await fillInput(page, card, `${sv(`feedback.low.${scale}`)} (1) – ${sv(`feedback.high.${scale}`)} (10)`, score);
  }
}


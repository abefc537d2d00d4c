import assert from 'node:assert/strict';
import { proposedTopics } from '../../bot/domain/invitation';
import { t } from '../../bot/i18n';
import { action, attachedCard, cardInput, cardInputs, cardText } from '../support/cards';
import { daysAhead, Harness, useHarness, type Person } from '../support/harness';
import { CASEWORKER, planUntil } from '../support/scenarios';
import { catalog, LANGUAGES } from '../support/text';

describe('a caseworker plans a network meeting and invites everyone, through the HTTP endpoint', () => {
  let h: Harness;
  useHarness((harness) => (h = harness));

  for (const lang of LANGUAGES) {
    it(`in ${lang.locale}: When? Who? Why?, a summary, and invitations out`, async () => {
      const caseworker: Person = { aadObjectId: `cw-${lang.locale}`, name: 'Kim Caseworker', locale: lang.teams, timeZone: lang.zone };
      const nurse: Person = { aadObjectId: `nurse-${lang.locale}`, name: 'Noor Nurse', locale: 'en-US' };
      const L = catalog(lang.locale);

      // Installing the app greets the caseworker in their language.
      const installed = await h.postRaw(h.activity(caseworker, { type: 'installationUpdate', action: 'add' }));
      assert.equal(installed.status, 200);
      const welcome = attachedCard(h.connector.posted().at(-1)!.body);
      assert.match(cardText(welcome), new RegExp(escape(L('welcome.title'))));

      // When?
      let card = await h.press(caseworker, 'plan.start', action(welcome, 'plan.start').data);
      assert.ok(cardText(card).includes(L('when.title')));
      const date = daysAhead(10, lang.zone);
      card = await h.press(caseworker, 'plan.when', action(card, 'plan.when').data, {
        date,
        time: '13:30',
        duration: '150',
        placeKind: 'room',
        placeDetails: 'Room 2, Family Centre',
      });
      const meetingId = String(action(card, 'plan.who.add').data.meetingId);
      assert.ok(cardText(card).includes(L('who.title')));

      // Who? The client, a relative by letter, a professional in Teams.
      const add = async (inputs: Record<string, string>) => {
        card = await h.press(caseworker, 'plan.who.add', action(card, 'plan.who.add').data, inputs);
        return card;
      };
      await add({ group: 'client', name: 'Alex', relation: '', contactKind: 'hand', teamsUser: '', contactDetail: '', language: lang.locale });
      await add({ group: 'network', name: 'Grandmother Eva', relation: 'grandmother', contactKind: 'post', contactDetail: 'Storgatan 1\n123 45 Town', language: lang.locale });
      await add({ group: 'professional', name: 'Noor Nurse', relation: 'school nurse', contactKind: 'teams', teamsUser: nurse.aadObjectId, contactDetail: '', language: 'en' });
      assert.ok(cardText(card).includes(L('notice.added', { name: 'Noor Nurse' })));
      const chair = cardInput(card, 'chairId').choices.find((c: any) => c.title.startsWith('Noor Nurse')).value;
      card = await h.press(caseworker, 'plan.who.save', action(card, 'plan.who.save').data, { consent: 'true', chairId: chair, secretaryId: '' });
      assert.ok(cardText(card).includes(L('why.title')));

      // Why?
      card = await h.press(caseworker, 'plan.why', action(card, 'plan.why').data, {
        purpose: 'Make a plan for school and leisure time',
        topics: 'School mornings\n- Football on Tuesdays',
        form: 'Describe, reflect, agree',
      });
      const summary = cardText(card);
      assert.ok(summary.includes(L('summary.title')));
      assert.ok(summary.includes('Football on Tuesdays'));
      assert.ok(summary.includes(L('warning.longMeeting')), 'a meeting over two hours gets the advice to plan a break');
      assert.ok(summary.includes(L('group.client')));

      // Leave and resume: the draft is where it was.
      const resumed = await h.say(caseworker, 'hello');
      assert.ok(cardText(resumed).includes(L('welcome.resume')));
      card = await h.press(caseworker, 'plan.resume', action(resumed, 'plan.resume').data);
      assert.ok(cardText(card).includes(L('summary.title')));

      // Letters go out, and the caseworker has no contact details yet: the summary asks for them.
      assert.ok(cardText(card).includes(L('summary.contactTitle')));
      card = await h.press(caseworker, 'plan.send', action(card, 'plan.send').data, {}, 'summary-activity');
      assert.ok(cardText(card).includes(L('summary.contactNeeded')), 'asked, not sent');
      assert.equal((await h.meeting(meetingId))!.status, 'draft');
      card = await h.press(caseworker, 'plan.send', action(card, 'plan.send').data, { contactName: 'Kim Lind', phone: '', email: '' }, 'summary-activity');
      assert.ok(cardText(card).includes(L('problem.contactRequired')), 'a name alone is not enough for the family to answer');
      assert.equal(cardInput(card, 'contactName').value, 'Kim Lind', 'what was typed is kept');
      assert.equal((await h.meeting(meetingId))!.status, 'draft');
      // Send: with the details typed there (and kept for the next letters), the status card answers at once, the invitation reaches the nurse in Teams.
      card = await h.press(caseworker, 'plan.send', action(card, 'plan.send').data, { contactName: 'Kim Lind', phone: '+46 8 123 456', email: '' }, 'summary-activity');
      assert.ok(cardText(card).includes(L('status.title')));
      assert.equal((await h.app.deps.stores.users.read(`aad-${caseworker.aadObjectId}`, `aad-${caseworker.aadObjectId}`))!.doc.contact!.phone, '+46 8 123 456');
      const invitation = await h.connector.waitFor((r) => r.method === 'POST' && r.path.startsWith('/v3/conversations/a:conv-') && !!attachedCard(r.body));
      const invitationCard = attachedCard(invitation.body);
      const invitationText = cardText(invitationCard);
      assert.ok(invitationText.includes(t('en', 'invitation.title')), 'the nurse gets the invitation in the language chosen for her');
      assert.ok(invitationText.includes('Room 2, Family Centre'));
      assert.ok(invitationText.includes('Grandmother Eva'));
      assert.ok(invitationText.includes('Make a plan for school and leisure time'));
      assert.ok(invitationText.includes(t('en', 'invitation.leafletTitle')));
      assert.equal(invitation.body.summary, t('en', 'invitation.summary'));
      assert.ok(!JSON.stringify(invitation.body.summary).includes('Alex'), 'the notification preview never names the client');

      // The caseworker is told who could not be reached in Teams: the relative needs a letter.
      await h.connector.waitFor((r) => r.method === 'POST' && r.body?.text === `${L('delivered.invite')} ${L('delivered.letters', { count: 2 })}`);
      const updated = await h.connector.waitFor((r) => r.method === 'PUT' && r.path.endsWith('/summary-activity'));
      const status = attachedCard(updated.body);
      // Each person's row says how their invitation reaches them, and in which language.
      assert.ok(cardText(status).includes(L('status.how', { how: L('status.via.post'), language: L(`language.${lang.locale}`) })));
      assert.ok(cardText(status).includes(L('status.how', { how: L('status.via.hand'), language: L(`language.${lang.locale}`) })));
      assert.ok(cardText(status).includes(L('status.how', { how: L('status.deliveryTeams'), language: L('language.en') })));
      assert.ok(cardText(status).includes(L('status.deliveryTeams')));

      // The nurse accepts with a comment and a topic; her card shows her answer.
      const answered = await h.press(nurse, 'invite.answer', action(invitationCard, 'invite.answer', { answer: 'accepted' }).data, {
        comment: 'I can stay one hour',
        topic: 'Lunch routines',
      });
      assert.ok(cardText(answered).includes(t('en', 'invitation.yourAnswer', { answer: t('en', 'status.accepted') })));
      const storedNurse = await h.person(meetingId, 'Noor Nurse');
      assert.equal(storedNurse.reply?.answer, 'accepted');
      assert.equal(storedNurse.reply?.comment, 'I can stay one hour');
      assert.deepEqual(proposedTopics((await h.view(meetingId))!).map((p) => p.text), ['Lunch routines']);

      // The caseworker's status card updates, in the caseworker's language.
      const refreshed = await h.connector.waitFor(
        (r) => r.method === 'PUT' && r.path.endsWith('/summary-activity') && cardText(attachedCard(r.body)).includes('Lunch routines'),
      );
      assert.ok(cardText(attachedCard(refreshed.body)).includes(L('status.accepted')));
    });
  }
});

describe('a draft survives a restart of the embedded store', () => {
  let h: Harness;
  useHarness((harness) => (h = harness));

  it('the caseworker continues where they left off after Samråd was restarted', async () => {
    const { meetingId } = await planUntil(h, 'client');
    await h.restart();
    const welcome = await h.say(CASEWORKER, 'hej');
    const card = await h.press(CASEWORKER, 'plan.resume', action(welcome, 'plan.resume').data);
    assert.ok(cardText(card).includes(t('sv', 'who.title')));
    assert.ok(cardText(card).includes('Noor Nurse'));
    assert.equal((await h.meeting(meetingId))?.participants.length, 3);
  });
});

describe('a caseworker discards a draft', () => {
  let h: Harness;
  useHarness((harness) => (h = harness));

  it('erases the draft, and the welcome card no longer offers to continue it', async () => {
    const { card, meetingId } = await planUntil(h, 'summary');
    const welcome = await h.press(CASEWORKER, 'plan.discard', action(card, 'plan.discard').data);
    assert.ok(cardText(welcome).includes(t('sv', 'summary.discarded')));
    assert.equal(await h.meeting(meetingId), undefined);
    const again = await h.say(CASEWORKER, 'hej');
    assert.ok(!cardText(again).includes(t('sv', 'welcome.resume')));
  });
});

function escape(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

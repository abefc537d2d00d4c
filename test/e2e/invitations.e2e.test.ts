import assert from 'node:assert/strict';
import { t } from '../../bot/i18n';
import { action, attachedCard, cardActions, cardText } from '../support/cards';
import { Harness, useHarness } from '../support/harness';
import { CASEWORKER, deliveryDone, NURSE, planUntil } from '../support/scenarios';

describe('invitations: delivery in Teams, letters for everyone else, answers by phone', () => {
  let h: Harness;
  useHarness((harness) => (h = harness));

  it('a throttled send (429 with Retry-After) is retried and the invitation arrives', async () => {
    h.connector.throttleNext = 1;
    const { meetingId } = await planUntil(h, 'sent');
    const attempts = h.connector.requests.filter((r) => r.method === 'POST' && r.path.includes('conv-') && attachedCard(r.body));
    assert.equal(attempts.length, 2, 'the refused post was sent once more');
    const nurse = (await h.meeting(meetingId))!.participants.find((p) => p.name === NURSE.name)!;
    assert.equal(nurse.delivery, 'teams');
    assert.ok(nurse.invitation?.activityId);
  });

  it('someone the bot cannot reach in Teams is never skipped: the caseworker is told and gets a letter, a calendar file and a way to record the answer', async () => {
    h.connector.unreachable.add(NURSE.aadObjectId);
    const { meetingId } = await planUntil(h, 'sent');
    const sv = (key: Parameters<typeof t>[1], params?: Record<string, string | number>) => t('sv', key, params);
    await h.connector.waitFor((r) => r.body?.text === sv('status.notReached', { count: 2 }));
    const meeting = (await h.meeting(meetingId))!;
    assert.equal(meeting.participants.find((p) => p.name === NURSE.name)!.delivery, 'letter');

    const status = await h.press(CASEWORKER, 'status.show', { meetingId });
    const nurseRow = meeting.participants.find((p) => p.name === NURSE.name)!;
    const links = cardActions(status).filter((a) => a.type === 'Action.OpenUrl');
    assert.equal(links.length, 4, 'a letter and a calendar file for the nurse and for the client');

    // The letter is in the language the caseworker chose for the nurse (English), and names everyone.
    const forNurse = (url: string) => JSON.parse(Buffer.from(url.split('/letters/')[1].split('.')[0], 'base64url').toString()).p === nurseRow.id;
    const letterUrl = links.find((a) => a.title === sv('status.letter') && forNurse(a.url!))!.url!;
    const letter = await fetch(letterUrl);
    assert.equal(letter.status, 200);
    assert.match(letter.headers.get('content-type') ?? '', /text\/html/);
    const html = await letter.text();
    assert.ok(html.includes(t('en', 'letter.title')));
    assert.ok(html.includes('A plan for school'));
    assert.ok(html.includes(t('en', 'invitation.leafletTitle')));
    assert.ok(letter.headers.get('content-security-policy')?.includes("default-src 'none'"));

    const ics = await fetch(links.find((a) => a.title === sv('status.ics') && forNurse(a.url!))!.url!);
    const calendar = await ics.text();
    assert.match(calendar, /BEGIN:VEVENT/);
    assert.match(calendar, new RegExp(`UID:${meetingId}@samrad`));
    assert.ok(!calendar.includes('Alex'), 'a calendar entry never names the client');

    // A tampered link shows nothing of the meeting, and says so in the reader's language.
    const tampered = await fetch(letterUrl.replace(/\.[^.]+$/, '.AAAA'), { headers: { 'accept-language': 'da-DK,da;q=0.9' } });
    assert.equal(tampered.status, 404);
    const refusal = await tampered.text();
    assert.ok(!refusal.includes('A plan for school'));
    assert.ok(refusal.includes(t('da', 'letter.expired')));

    // The nurse phoned in: the caseworker records her answer.
    const recorded = await h.press(CASEWORKER, 'invite.record', { ...action(status, 'invite.record', { participantId: nurseRow.id }).data }, { [`answer_${nurseRow.id}`]: 'maybe' });
    assert.ok(cardText(recorded).includes(sv('status.recorded')));
    const after = (await h.meeting(meetingId))!.participants.find((p) => p.id === nurseRow.id)!;
    assert.equal(after.reply?.answer, 'maybe');
    assert.equal(after.reply?.via, 'phone');
  });

  it('a delivery cut short by a restart is finished by the next start', async () => {
    const { meetingId } = await planUntil(h, 'sent');
    // The state a crash between "sent" and "delivered" leaves behind: an invitation still pending, under another instance's expired lease.
    const stored = (await h.app.deps.stores.meetings.read(meetingId))!;
    const pending = {
      ...stored.doc,
      deliveryPending: true,
      deliveryLease: { owner: 'an-instance-that-died', until: '2020-01-01T00:00:00.000Z' },
      participants: stored.doc.participants.map((p) => (p.name === NURSE.name ? { ...p, delivery: 'pending' as const, invitation: undefined } : p)),
    };
    await h.app.deps.stores.meetings.replace(pending, stored.etag);
    const before = h.connector.posted().length;
    await h.restart();
    await deliveryDone(h, meetingId);
    const nurse = (await h.meeting(meetingId))!.participants.find((p) => p.name === NURSE.name)!;
    assert.equal(nurse.delivery, 'teams');
    assert.ok(h.connector.posted().slice(before).some((r) => cardText(attachedCard(r.body)).includes(t('en', 'invitation.title'))));
  });

  it('an invitee who answered can change the answer', async () => {
    const { meetingId } = await planUntil(h, 'sent');
    const invitation = attachedCard((await h.connector.waitFor((r) => r.method === 'POST' && r.path.includes('conv-') && !!attachedCard(r.body))).body);
    let card = await h.press(NURSE, 'invite.answer', action(invitation, 'invite.answer', { answer: 'accepted' }).data, { comment: '', topic: '' });
    card = await h.press(NURSE, 'invite.change', action(card, 'invite.change').data);
    card = await h.press(NURSE, 'invite.answer', action(card, 'invite.answer', { answer: 'declined' }).data, { comment: 'Ill that day', topic: '' });
    assert.ok(cardText(card).includes(t('en', 'invitation.yourAnswer', { answer: t('en', 'status.declined') })));
    assert.equal((await h.meeting(meetingId))!.participants.find((p) => p.name === NURSE.name)!.reply?.answer, 'declined');
  });

  it('answers from many invitees at once are all kept (ETag conflicts are retried)', async () => {
    const others = Array.from({ length: 6 }, (_, i) => ({ aadObjectId: `pro-${i}`, name: `Pro ${i}`, locale: 'da-DK' }));
    let { card, meetingId } = await planUntil(h, 'client');
    for (const p of others) {
      card = await h.press(CASEWORKER, 'plan.who.add', action(card, 'plan.who.add').data, {
        group: 'professional', name: p.name, relation: 'teacher', contactKind: 'teams', teamsUser: p.aadObjectId, contactDetail: '', language: 'da',
      });
    }
    card = await h.press(CASEWORKER, 'plan.who.save', action(card, 'plan.who.save').data, { consent: 'true', chairId: '', secretaryId: '' });
    card = await h.press(CASEWORKER, 'plan.why', action(card, 'plan.why').data, { purpose: 'A plan', topics: '', form: '' });
    await h.press(CASEWORKER, 'plan.send', action(card, 'plan.send').data, {}, 'status-activity');
    await deliveryDone(h, meetingId);
    const meeting = (await h.meeting(meetingId))!;
    const planRev = meeting.planRev;
    await Promise.all(others.map((p) => h.press(p, 'invite.answer', { meetingId, rev: planRev, answer: 'accepted' }, { comment: '', topic: '' })));
    const after = (await h.meeting(meetingId))!;
    for (const p of others) assert.equal(after.participants.find((x) => x.name === p.name)!.reply?.answer, 'accepted', `${p.name}'s answer was kept`);
  });
});

describe('authentication', () => {
  it('with a Microsoft app id configured, a request without a valid token is refused with 401', async () => {
    const h = new Harness();
    await h.start({ MICROSOFT_APP_ID: '11111111-2222-3333-4444-555555555555', MICROSOFT_APP_PASSWORD: 'secret' });
    try {
      const answer = await h.postRaw(h.activity(CASEWORKER, { type: 'message', text: 'hej' }));
      assert.equal(answer.status, 401);
      const forged = await fetch(`${h.app.url}/api/messages`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: 'Bearer not.a.token' },
        body: JSON.stringify(h.activity(CASEWORKER, { type: 'message', text: 'hej' })),
      });
      assert.equal(forged.status, 401);
      assert.equal(h.connector.requests.length, 0, 'nothing was answered');
    } finally {
      await h.stop();
    }
  });
});

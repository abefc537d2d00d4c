import assert from 'node:assert/strict';
import { DateTime } from 'luxon';
import type { Meeting } from '../../bot/domain/meeting';
import type { MeetingDoc } from '../../bot/domain/meeting-docs';
import {
  assertCurrentInvitation,
  awaitingDelivery,
  deliveryDoc,
  deliveryOf,
  invitedTeamsUser,
  planOnly,
  proposedTopics,
  replyDoc,
  replyOf,
  tally,
  viewOf,
  type ReplyInput,
} from '../../bot/domain/invitation';
import { addParticipant, markSent, newDraft, setRoles, setWhen, setWhy } from '../../bot/domain/planning';
import { refusedWith } from '../support/refusals';

const SENT_AT = DateTime.fromISO('2026-11-23T09:00:00Z');
const later = (seconds: number) => SENT_AT.plus({ seconds });

/**
 * A draft planned by Sara (Teams id sara-aad) with the client Alex (c) handed an invitation in
 * person, the teacher Tove (t) and the nurse Noor (n) in Teams, and the aunt Bo (b) by letter.
 */
function plannedDraft(): Meeting {
  let m = newDraft({
    id: 'm-7',
    organizer: { userKey: 'aad-sara', name: 'Sara Berg' },
    organizerParticipantId: 'org',
    organizerUserId: 'sara-aad',
    organizerLanguage: 'fi',
    tenantId: 'tenant-7',
    now: SENT_AT,
  });
  m = setWhen(m, { date: '2026-12-01', time: '14:00', duration: '60', placeKind: 'online', placeDetails: 'https://teams.example/meet' }, 'Europe/Helsinki', SENT_AT);
  const base = { relation: '', teamsUserId: '', email: '', address: '', language: 'fi' };
  m = addParticipant(m, { ...base, name: 'Alex', group: 'client', contactKind: 'hand' }, 'c', SENT_AT);
  m = addParticipant(m, { ...base, name: 'Tove', group: 'professional', contactKind: 'teams', teamsUserId: 'tove-aad' }, 't', SENT_AT);
  m = addParticipant(m, { ...base, name: 'Noor', group: 'professional', contactKind: 'teams', teamsUserId: 'noor-aad' }, 'n', SENT_AT);
  m = addParticipant(m, { ...base, name: 'Bo', group: 'network', contactKind: 'post', address: 'Kotikatu 2' }, 'b', SENT_AT);
  m = setRoles(m, { consent: true, chairId: '', secretaryId: '' }, 'aad-sara', SENT_AT);
  return setWhy(m, { purpose: 'Plan the autumn', topics: 'School', form: '' }, SENT_AT);
}

const sent = () => markSent(plannedDraft(), SENT_AT);
const reply = (o: Partial<ReplyInput> = {}): ReplyInput => ({ answer: 'accepted', comment: '', topic: '', ...o });


describe('invitation rules (bot/domain/invitation.ts)', () => {
  describe('invitedTeamsUser', () => {
    it('finds the invitee who is this Teams user', () => {
      assert.equal(invitedTeamsUser(sent(), 'noor-aad').id, 'n');
    });

    it('refuses someone who was not invited, and an invitee reached by letter or in person', () => {
      assert.deepEqual(refusedWith(() => invitedTeamsUser(sent(), 'stranger-aad')), ['notInvited']);
      assert.deepEqual(refusedWith(() => invitedTeamsUser(sent(), 'Bo')), ['notInvited']);
    });

    it('does not let the caseworker who convenes answer as an invitee', () => {
      assert.deepEqual(refusedWith(() => invitedTeamsUser(sent(), 'sara-aad')), ['notInvited']);
    });

    it('knows an invitee whose Entra object id arrives in another case (GUIDs compare case-insensitively)', () => {
      assert.equal(invitedTeamsUser(sent(), 'NOOR-AAD').id, 'n');
    });

    it('refuses everyone while the meeting is still a draft', () => {
      assert.deepEqual(refusedWith(() => invitedTeamsUser(plannedDraft(), 'noor-aad')), ['notInvited']);
    });
  });

  describe('assertCurrentInvitation', () => {
    it('accepts an answer from the invitation of the current plan, and refuses an older one or one without a revision', () => {
      const m = sent();
      assert.doesNotThrow(() => assertCurrentInvitation(m, m.planRev));
      assert.deepEqual(refusedWith(() => assertCurrentInvitation(m, m.planRev! - 1)), ['staleCard']);
      assert.deepEqual(refusedWith(() => assertCurrentInvitation(m, undefined)), ['staleCard']);
    });

    it('keeps an invitation current while answers arrive: an answer is a document of its own, the plan is not written', () => {
      const m = sent();
      const before = structuredClone(m);
      replyDoc(m, 't', reply(), 'teams', 'aad-tove', later(60));
      assert.deepEqual(m, before);
      assert.doesNotThrow(() => assertCurrentInvitation(m, before.planRev));
    });

    it('refuses every answer for a draft, which has no plan revision', () => {
      assert.deepEqual(refusedWith(() => assertCurrentInvitation(plannedDraft(), plannedDraft().rev)), ['staleCard']);
    });
  });

  describe('replyDoc', () => {
    it('makes the answer its own document in the meeting\'s partition, with a trimmed comment and topic and the writer\'s user key', () => {
      const doc = replyDoc(sent(), 'n', reply({ answer: 'maybe', comment: '  Late by\n10 minutes  ', topic: '  Sleep   and screens ' }), 'teams', 'aad-noor', later(60));
      assert.deepEqual(doc, {
        kind: 'reply',
        id: 'reply.n',
        meetingId: 'm-7',
        participantId: 'n',
        answer: 'maybe',
        comment: 'Late by\n10 minutes',
        topic: 'Sleep and screens',
        at: '2026-11-23T09:01:00.000Z',
        via: 'teams',
        by: 'aad-noor',
        planRev: sent().planRev,
      });
    });

    it('stores no comment and no topic when none was written', () => {
      const doc = replyDoc(sent(), 'b', reply({ answer: 'declined', comment: '   ', topic: '\u200b' }), 'phone', 'aad-sara', later(5));
      assert.equal('comment' in doc, false);
      assert.equal('topic' in doc, false);
    });

    it('refuses a comment over 500 or a topic over 200 characters', () => {
      const m = sent();
      assert.deepEqual(refusedWith(() => replyDoc(m, 'n', reply({ comment: 'c'.repeat(501) }), 'teams', 'aad-noor', later(1))), ['textTooLong']);
      assert.deepEqual(refusedWith(() => replyDoc(m, 'n', reply({ topic: 't'.repeat(201) }), 'teams', 'aad-noor', later(1))), ['textTooLong']);
      assert.equal(replyDoc(m, 'n', reply({ comment: 'c'.repeat(500) }), 'teams', 'aad-noor', later(1)).comment!.length, 500);
    });

    it('refuses an answer for the caseworker, an unknown participant, or a draft', () => {
      assert.deepEqual(refusedWith(() => replyDoc(sent(), 'org', reply(), 'teams', 'aad-sara', later(1))), ['participantUnknown']);
      assert.deepEqual(refusedWith(() => replyDoc(sent(), 'gone', reply(), 'phone', 'aad-sara', later(1))), ['participantUnknown']);
      assert.deepEqual(refusedWith(() => replyDoc(plannedDraft(), 'n', reply(), 'teams', 'aad-noor', later(1))), ['participantUnknown']);
    });
  });

  describe('viewOf: the plan with each person\'s documents', () => {
    it('reads answers, deliveries and proposed topics back from the partition\'s documents, ignoring people no longer in the plan', () => {
      const m = sent();
      const docs: MeetingDoc[] = [
        m,
        replyDoc(m, 'n', reply({ topic: 'Sleep' }), 'teams', 'aad-noor', later(1)),
        replyDoc(m, 't', reply({ answer: 'maybe', topic: 'Homework' }), 'teams', 'aad-tove', later(2)),
        deliveryDoc(m, 'n', { via: 'teams', card: { conversationId: 'a:noor', activityId: 'act-1' } }, later(1)),
        deliveryDoc(m, 't', { via: 'letter' }, later(2)),
        { ...replyDoc(m, 'n', reply(), 'teams', 'aad-noor', later(3)), id: 'reply.removed', participantId: 'removed' },
      ];
      const view = viewOf(docs)!;
      const by = (id: string) => m.participants.find((p) => p.id === id)!;
      assert.equal(replyOf(view, by('t'))?.answer, 'maybe');
      assert.equal(deliveryOf(view, by('n')), 'teams');
      assert.equal(deliveryOf(view, by('t')), 'letter');
      assert.equal(deliveryOf(view, by('b')), 'letter', 'someone invited by post needs a letter');
      assert.equal(deliveryOf(view, by('org')), 'organizer');
      assert.deepEqual(awaitingDelivery(view), []);
      assert.deepEqual(proposedTopics(view).map((t) => [t.participantId, t.text]), [['n', 'Sleep'], ['t', 'Homework']]);
      assert.equal(view.replies.has('removed'), false);
    });

    it('has nothing to show without a plan', () => {
      assert.equal(viewOf([replyDoc(sent(), 'n', reply(), 'teams', 'aad-noor', later(1))]), undefined);
    });
  });

  describe('tally', () => {
    it('counts the invitees\' answers, without the caseworker, and those who have not answered', () => {
      const m = sent();
      assert.deepEqual(tally(planOnly(m)), { accepted: 0, declined: 0, maybe: 0, waiting: 4 });
      const view = viewOf([
        m,
        replyDoc(m, 'n', reply({ answer: 'accepted' }), 'teams', 'aad-noor', later(1)),
        replyDoc(m, 't', reply({ answer: 'maybe' }), 'teams', 'aad-tove', later(2)),
        replyDoc(m, 'b', reply({ answer: 'declined' }), 'phone', 'aad-sara', later(3)),
      ])!;
      assert.deepEqual(tally(view), { accepted: 1, declined: 1, maybe: 1, waiting: 1 });
    });
  });
});

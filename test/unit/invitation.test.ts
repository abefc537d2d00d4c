import assert from 'node:assert/strict';
import { DateTime } from 'luxon';
import type { Meeting } from '../../bot/domain/meeting';
import { Refusal } from '../../bot/domain/problems';
import {
  assertCurrentInvitation,
  finishDelivery,
  invitedTeamsUser,
  recordDelivery,
  recordReply,
  takeDeliveryLease,
  tally,
  type ReplyInput,
} from '../../bot/domain/invitation';
import { addParticipant, markSent, newDraft, setRoles, setWhen, setWhy } from '../../bot/domain/planning';

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

/** The problem codes of the refusal the call throws. */
function refusedWith(call: () => unknown): string[] {
  try {
    call();
  } catch (err) {
    if (err instanceof Refusal) return err.problems.map((p) => p.code);
    throw err;
  }
  assert.fail('expected a refusal');
}

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

    it('keeps an invitation current while answers raise the meeting revision', () => {
      const m = recordReply(sent(), 't', reply(), 'teams', 'aad-tove', later(60));
      assert.notEqual(m.rev, m.planRev);
      assert.doesNotThrow(() => assertCurrentInvitation(m, sent().planRev));
    });

    it('refuses every answer for a draft, which has no plan revision', () => {
      assert.deepEqual(refusedWith(() => assertCurrentInvitation(plannedDraft(), plannedDraft().rev)), ['staleCard']);
    });
  });

  describe('recordReply', () => {
    it('records the answer with a trimmed comment and topic, and an audit line naming the user key', () => {
      const before = sent();
      const m = recordReply(before, 'n', reply({ answer: 'maybe', comment: '  Late by\n10 minutes  ', topic: '  Sleep   and screens ' }), 'teams', 'aad-noor', later(60));
      const noor = m.participants.find((p) => p.id === 'n')!;
      assert.deepEqual(noor.reply, { answer: 'maybe', comment: 'Late by\n10 minutes', at: '2026-11-23T09:01:00.000Z', via: 'teams' });
      assert.deepEqual(m.proposedTopics, [{ participantId: 'n', text: 'Sleep and screens', at: '2026-11-23T09:01:00.000Z' }]);
      assert.equal(m.rev, before.rev + 1);
      assert.deepEqual(m.audit.at(-1), { at: '2026-11-23T09:01:00.000Z', by: 'aad-noor', action: 'reply:teams' });
    });

    it('stores no comment when none was written', () => {
      const m = recordReply(sent(), 'b', reply({ answer: 'declined', comment: '   ' }), 'phone', 'aad-sara', later(5));
      assert.deepEqual(m.participants.find((p) => p.id === 'b')!.reply, { answer: 'declined', at: '2026-11-23T09:00:05.000Z', via: 'phone' });
    });

    it('replaces the same invitee\'s earlier topic, keeps the others\', and keeps it when a new answer brings none', () => {
      let m = recordReply(sent(), 'n', reply({ topic: 'Sleep' }), 'teams', 'aad-noor', later(1));
      m = recordReply(m, 't', reply({ topic: 'Homework' }), 'teams', 'aad-tove', later(2));
      m = recordReply(m, 'n', reply({ topic: 'Screens' }), 'teams', 'aad-noor', later(3));
      assert.deepEqual(
        m.proposedTopics.map((t) => [t.participantId, t.text]),
        [
          ['t', 'Homework'],
          ['n', 'Screens'],
        ],
      );
      const unchanged = recordReply(m, 'n', reply({ answer: 'declined' }), 'teams', 'aad-noor', later(4));
      assert.deepEqual(unchanged.proposedTopics, m.proposedTopics);
    });

    it('refuses a comment over 500 or a topic over 200 characters, and changes nothing', () => {
      const m = sent();
      const before = structuredClone(m);
      assert.deepEqual(refusedWith(() => recordReply(m, 'n', reply({ comment: 'c'.repeat(501) }), 'teams', 'aad-noor', later(1))), ['textTooLong']);
      assert.deepEqual(refusedWith(() => recordReply(m, 'n', reply({ topic: 't'.repeat(201) }), 'teams', 'aad-noor', later(1))), ['textTooLong']);
      assert.deepEqual(m, before);
      const atLimit = recordReply(m, 'n', reply({ comment: 'c'.repeat(500) }), 'teams', 'aad-noor', later(1));
      assert.equal(atLimit.participants.find((p) => p.id === 'n')!.reply!.comment!.length, 500);
    });

    it('refuses an answer for the caseworker, an unknown participant, or a draft', () => {
      assert.deepEqual(refusedWith(() => recordReply(sent(), 'org', reply(), 'teams', 'aad-sara', later(1))), ['participantUnknown']);
      assert.deepEqual(refusedWith(() => recordReply(sent(), 'gone', reply(), 'phone', 'aad-sara', later(1))), ['participantUnknown']);
      assert.deepEqual(refusedWith(() => recordReply(plannedDraft(), 'n', reply(), 'teams', 'aad-noor', later(1))), ['participantUnknown']);
    });
  });

  describe('takeDeliveryLease', () => {
    it('gives nothing when no invitation waits for delivery', () => {
      const m = { ...sent(), deliveryPending: false };
      assert.equal(takeDeliveryLease(m, 'worker-a', later(0), 30), undefined);
    });

    it('gives the lease to the first worker until the given seconds have passed', () => {
      const m = takeDeliveryLease(sent(), 'worker-a', later(0), 30)!;
      assert.deepEqual(m.deliveryLease, { owner: 'worker-a', until: '2026-11-23T09:00:30.000Z' });
    });

    it('refuses another worker while the lease holds, and gives it to them once it has expired', () => {
      const held = takeDeliveryLease(sent(), 'worker-a', later(0), 30)!;
      assert.equal(takeDeliveryLease(held, 'worker-b', later(29), 30), undefined);
      const taken = takeDeliveryLease(held, 'worker-b', later(31), 30)!;
      assert.deepEqual(taken.deliveryLease, { owner: 'worker-b', until: '2026-11-23T09:01:01.000Z' });
    });

    it('renews the lease for the worker who holds it', () => {
      const held = takeDeliveryLease(sent(), 'worker-a', later(0), 30)!;
      const renewed = takeDeliveryLease(held, 'worker-a', later(20), 30)!;
      assert.deepEqual(renewed.deliveryLease, { owner: 'worker-a', until: '2026-11-23T09:00:50.000Z' });
      assert.equal(renewed.rev, held.rev + 1);
    });
  });

  describe('recordDelivery and finishDelivery', () => {
    it('records where a card was posted, and an invitee who could not be reached in Teams as needing a letter', () => {
      let m = recordDelivery(sent(), 'n', 'teams', { conversationId: 'a:noor', activityId: 'act-1' }, later(1));
      m = recordDelivery(m, 't', 'letter', undefined, later(2));
      const by = (id: string) => m.participants.find((p) => p.id === id)!;
      assert.equal(by('n').delivery, 'teams');
      assert.deepEqual(by('n').invitation, { conversationId: 'a:noor', activityId: 'act-1' });
      assert.equal(by('t').delivery, 'letter');
      assert.equal(by('t').invitation, undefined);
      assert.deepEqual(
        m.audit.slice(-2).map((a) => [a.by, a.action]),
        [
          ['system', 'delivery:teams'],
          ['system', 'delivery:letter'],
        ],
      );
    });

    it('releases the lease and keeps the meeting queued while an invitation is still pending', () => {
      let m = takeDeliveryLease(sent(), 'worker-a', later(0), 30)!;
      m = recordDelivery(m, 'n', 'teams', { conversationId: 'a:noor', activityId: 'act-1' }, later(1));
      const partly = finishDelivery(m, later(2));
      assert.equal(partly.deliveryLease, undefined);
      assert.equal(partly.deliveryPending, true);
      const done = finishDelivery(recordDelivery(partly, 't', 'teams', { conversationId: 'a:tove', activityId: 'act-2' }, later(3)), later(4));
      assert.equal(done.deliveryPending, false);
      assert.equal(takeDeliveryLease(done, 'worker-a', later(5), 30), undefined);
    });
  });

  describe('tally', () => {
    it('counts the invitees\' answers, without the caseworker, and those who have not answered', () => {
      assert.deepEqual(tally(sent()), { accepted: 0, declined: 0, maybe: 0, waiting: 4 });
      let m = recordReply(sent(), 'n', reply({ answer: 'accepted' }), 'teams', 'aad-noor', later(1));
      m = recordReply(m, 't', reply({ answer: 'maybe' }), 'teams', 'aad-tove', later(2));
      m = recordReply(m, 'b', reply({ answer: 'declined' }), 'phone', 'aad-sara', later(3));
      assert.deepEqual(tally(m), { accepted: 1, declined: 1, maybe: 1, waiting: 1 });
    });
  });
});

import { DateTime } from 'luxon';
import { LIMITS, type Answer, type Delivery, type Meeting, type Participant, type PostedCard } from './meeting';
import { Refusal } from './problems';
import { clean, touch } from './planning';

/**
 * The rules for invitations once they are sent: who may answer, what an answer records,
 * and how delivery to Teams is handed from one bot instance to another.
 */

/** What an invitee sends from the invitation card. */
export interface ReplyInput {
  answer: Answer;
  comment: string;
  topic: string;
}

/** The invited participant who is this Teams user, or a refusal. */
export function invitedTeamsUser(meeting: Meeting, userId: string): Participant {
  if (meeting.status !== 'invited') throw new Refusal({ code: 'notInvited' });
  const participant = meeting.participants.find((p) => p.contact.kind === 'teams' && p.contact.userId === userId && !p.isOrganizer);
  if (!participant) throw new Refusal({ code: 'notInvited' });
  return participant;
}

/** Refuses an answer from an invitation drawn before the plan changed. */
export function assertCurrentInvitation(meeting: Meeting, planRev: number | undefined): void {
  if (meeting.planRev === undefined || planRev !== meeting.planRev) throw new Refusal({ code: 'staleCard' });
}

/** Records an invitee's answer; a proposed topic joins the list the caseworker sees. */
export function recordReply(
  meeting: Meeting,
  participantId: string,
  input: ReplyInput,
  via: 'teams' | 'phone',
  by: string,
  now: DateTime,
): Meeting {
  const participant = meeting.participants.find((p) => p.id === participantId);
  if (meeting.status !== 'invited' || !participant || participant.isOrganizer) throw new Refusal({ code: 'participantUnknown' });
  const comment = clean(input.comment, true);
  const topic = clean(input.topic);
  if (comment.length > LIMITS.comment) throw new Refusal({ code: 'textTooLong', params: { field: 'comment', max: LIMITS.comment } });
  if (topic.length > LIMITS.topic) throw new Refusal({ code: 'textTooLong', params: { field: 'topic', max: LIMITS.topic } });
  const at = now.toUTC().toISO()!;
  const reply = { answer: input.answer, at, via, ...(comment ? { comment } : {}) };
  const participants = meeting.participants.map((p) => (p.id === participantId ? { ...p, reply } : p));
  const others = meeting.proposedTopics.filter((t) => t.participantId !== participantId);
  const proposedTopics = topic ? [...others, { participantId, text: topic, at }] : meeting.proposedTopics;
  return touch(meeting, now, { participants, proposedTopics }, { by, action: `reply:${via}` });
}

/** Takes the delivery of a meeting's invitations for one worker, unless another holds it. */
export function takeDeliveryLease(meeting: Meeting, owner: string, now: DateTime, seconds: number): Meeting | undefined {
  if (!meeting.deliveryPending) return undefined;
  const lease = meeting.deliveryLease;
  if (lease && lease.owner !== owner && DateTime.fromISO(lease.until) > now) return undefined;
  return touch(meeting, now, { deliveryLease: { owner, until: now.plus({ seconds }).toUTC().toISO()! } });
}

/** Records how one invitation went out. */
export function recordDelivery(meeting: Meeting, participantId: string, delivery: Delivery, posted: PostedCard | undefined, now: DateTime): Meeting {
  const participants = meeting.participants.map((p) => (p.id === participantId ? { ...p, delivery, ...(posted ? { invitation: posted } : {}) } : p));
  return touch(meeting, now, { participants }, { by: 'system', action: `delivery:${delivery}` });
}

/** Ends a delivery round: the lease is released, and the meeting leaves the queue when nothing is pending. */
export function finishDelivery(meeting: Meeting, now: DateTime): Meeting {
  const deliveryPending = meeting.participants.some((p) => p.delivery === 'pending');
  return touch(meeting, now, { deliveryPending, deliveryLease: undefined });
}

/** Counts of answers for the caseworker's overview. */
export function tally(meeting: Meeting): Record<Answer | 'waiting', number> {
  const counts = { accepted: 0, declined: 0, maybe: 0, waiting: 0 };
  for (const p of meeting.participants) {
    if (p.isOrganizer) continue;
    counts[p.reply?.answer ?? 'waiting'] += 1;
  }
  return counts;
}

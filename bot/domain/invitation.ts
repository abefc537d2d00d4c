import type { DateTime } from 'luxon';
import {
  LIMITS,
  type Answer,
  type Delivery,
  type DeliveryDoc,
  type Meeting,
  type Participant,
  type PostedCard,
  type Reply,
  type ReplyDoc,
  type UnreachableReason,
} from './meeting';
import type { MeetingDoc, MeetingView } from './meeting-docs';
import { Refusal } from './problems';
import type { Feedback } from './feedback';
import type { MinutesDoc } from './minutes';
import type { NudgeDoc, TrackingDoc } from './nudge-log';
import { inOrder, type ActionItem } from './plan';
import type { Session } from './session';
import { clean } from './text';

/**
 * The rules for invitations once they are sent: who may answer, what an answer records, how a
 * delivery is recorded, and what the caseworker's overview counts. Each person's answer and
 * delivery is a document of its own; these functions build them and read them back.
 */

/** What an invitee sends from the invitation card. */
export interface ReplyInput {
  answer: Answer;
  comment: string;
  topic: string;
}

/** The id of a person's answer document in the meeting's partition. */
export function replyId(participantId: string): string {
  return `reply.${participantId}`;
}

/** The id of a person's delivery document in the meeting's partition. */
export function deliveryId(participantId: string): string {
  return `delivery.${participantId}`;
}

/** The invited participant who is this Teams user, or a refusal. Entra object ids compare case-insensitively. */
export function invitedTeamsUser(meeting: Meeting, userId: string): Participant {
  if (meeting.status === 'draft') throw new Refusal({ code: 'notInvited' });
  const wanted = userId.toLowerCase();
  const participant = meeting.participants.find((p) => p.contact.kind === 'teams' && p.contact.userId.toLowerCase() === wanted && !p.isOrganizer);
  if (!participant) throw new Refusal({ code: 'notInvited' });
  return participant;
}

/** Refuses an answer to a cancelled meeting, and one from an invitation drawn before the plan changed. */
export function assertCurrentInvitation(meeting: Meeting, planRev: number | undefined): void {
  if (meeting.status === 'cancelled') throw new Refusal({ code: 'meetingCancelled' });
  if (meeting.planRev === undefined || planRev !== meeting.planRev) throw new Refusal({ code: 'staleCard' });
}

/** An invitee's answer as its own document; a proposed topic goes with it. */
export function replyDoc(meeting: Meeting, participantId: string, input: ReplyInput, via: Reply['via'], by: string, now: DateTime): ReplyDoc {
  const participant = meeting.participants.find((p) => p.id === participantId);
  if (meeting.status !== 'invited' || !participant || participant.isOrganizer) throw new Refusal({ code: 'participantUnknown' });
  const comment = clean(input.comment, true);
  const topic = clean(input.topic);
  if (comment.length > LIMITS.comment) throw new Refusal({ code: 'textTooLong', params: { field: 'comment', max: LIMITS.comment } });
  if (topic.length > LIMITS.topic) throw new Refusal({ code: 'textTooLong', params: { field: 'topic', max: LIMITS.topic } });
  return {
    kind: 'reply',
    id: replyId(participantId),
    meetingId: meeting.id,
    participantId,
    answer: input.answer,
    at: now.toUTC().toISO()!,
    via,
    by,
    planRev: meeting.planRev ?? meeting.rev,
    ...(comment ? { comment } : {}),
    ...(topic ? { topic } : {}),
  };
}

/** How one invitation went out, as its own document. */
export function deliveryDoc(
  meeting: Meeting,
  participantId: string,
  outcome: { via: 'teams' | 'letter'; card?: PostedCard; reason?: UnreachableReason },
  now: DateTime,
): DeliveryDoc {
  return {
    kind: 'delivery',
    id: deliveryId(participantId),
    meetingId: meeting.id,
    participantId,
    planRev: meeting.planRev ?? meeting.rev,
    via: outcome.via,
    ...(outcome.card ? { card: outcome.card } : {}),
    ...(outcome.reason ? { reason: outcome.reason } : {}),
    at: now.toUTC().toISO()!,
  };
}

/** The view of a meeting from the documents of its partition; undefined when there is no plan. */
export function viewOf(docs: readonly MeetingDoc[]): MeetingView | undefined {
  const plan = docs.find((d): d is Meeting => d.kind === 'plan');
  if (!plan) return undefined;
  const known = new Set(plan.participants.map((p) => p.id));
  const replies = new Map<string, ReplyDoc>();
  const deliveries = new Map<string, DeliveryDoc>();
  const session = docs.find((d): d is Session => d.kind === 'session');
  const actions = inOrder(docs.filter((d): d is ActionItem => d.kind === 'action'));
  const feedback = new Map(docs.filter((d): d is Feedback => d.kind === 'feedback' && known.has(d.participantId)).map((f) => [f.participantId, f]));
  const minutes = docs.find((d): d is MinutesDoc => d.kind === 'minutes');
  const nudges = new Map(docs.filter((d): d is NudgeDoc => d.kind === 'nudge').map((n) => [n.key, n]));
  const tracking = docs.find((d): d is TrackingDoc => d.kind === 'tracking');
  for (const doc of docs) {
    if (doc.kind === 'reply' && known.has(doc.participantId) && holds(plan, doc)) replies.set(doc.participantId, doc);
    // People a change removed keep theirs: the card in their chat is told so.
    if (doc.kind === 'delivery') deliveries.set(doc.participantId, doc);
  }
  return { plan, replies, deliveries, actions, feedback, nudges, ...(session ? { session } : {}), ...(minutes ? { minutes } : {}), ...(tracking ? { tracking } : {}) };
}

/** True while an answer still holds: it was given after the last change of time. */
export function holds(plan: Meeting, reply: ReplyDoc): boolean {
  return reply.planRev >= (plan.answersFromRev ?? 0);
}

/** A plan alone, as a view with no answers or deliveries yet (a draft, or a meeting just sent). */
export function planOnly(plan: Meeting): MeetingView {
  return { plan, replies: new Map(), deliveries: new Map(), actions: [], feedback: new Map(), nudges: new Map() };
}

/** A person's answer: the caseworker who convenes is coming from the moment the invitations are sent. */
export function replyOf(view: MeetingView, participant: Participant): Reply | undefined {
  if (participant.isOrganizer) return view.plan.sentAt ? { answer: 'accepted', at: view.plan.sentAt, via: 'teams' } : undefined;
  return view.replies.get(participant.id);
}

/** Where a person's invitation stands. */
export function deliveryOf(view: MeetingView, participant: Participant): Delivery {
  if (participant.isOrganizer) return 'organizer';
  if (participant.contact.kind !== 'teams') return 'letter';
  return view.deliveries.get(participant.id)?.via ?? 'pending';
}

/** The Teams invitees whose invitation has not gone out yet. */
export function awaitingDelivery(view: MeetingView): Participant[] {
  return view.plan.participants.filter((p) => deliveryOf(view, p) === 'pending');
}

/**
 * What bringing the invitations in Teams up to date with the plan means, person by person:
 * `invite` someone not reached yet (or added by a change), `update` a card already in someone's
 * chat (the plan changed), `cancel` it (the meeting was cancelled), `remove` it (a change took
 * the person off the meeting). The speaker order is kept.
 */
export type DeliveryStep = { participant: Participant; action: 'invite' | 'update' | 'cancel' | 'remove' };

export function deliveryWork(view: MeetingView): DeliveryStep[] {
  const plan = view.plan;
  const rev = plan.planRev ?? plan.rev;
  const outdated = (p: Participant) => {
    const d = view.deliveries.get(p.id);
    return d !== undefined && d.planRev < rev;
  };
  const inTeams = (p: Participant) => view.deliveries.get(p.id)?.via === 'teams' && !!view.deliveries.get(p.id)?.card;
  const invitees = plan.participants.filter((p) => !p.isOrganizer && p.contact.kind === 'teams');
  if (plan.status === 'cancelled') {
    return invitees.filter((p) => inTeams(p) && outdated(p)).map((participant) => ({ participant, action: 'cancel' }));
  }
  if (plan.status !== 'invited') return [];
  const steps: DeliveryStep[] = [];
  for (const participant of invitees) {
    const d = view.deliveries.get(participant.id);
    if (!d || (d.via === 'letter' && d.planRev < rev)) steps.push({ participant, action: 'invite' });
    else if (inTeams(participant) && outdated(participant)) steps.push({ participant, action: 'update' });
  }
  for (const { participant } of plan.removed ?? []) {
    const d = view.deliveries.get(participant.id);
    if (d?.via === 'teams' && d.card && d.planRev < rev && !plan.participants.some((p) => p.id === participant.id)) steps.push({ participant, action: 'remove' });
  }
  return steps;
}

/** Counts of answers for the caseworker's overview. */
export function tally(view: MeetingView): Record<Answer | 'waiting', number> {
  const counts = { accepted: 0, declined: 0, maybe: 0, waiting: 0 };
  for (const p of view.plan.participants) {
    if (p.isOrganizer) continue;
    counts[replyOf(view, p)?.answer ?? 'waiting'] += 1;
  }
  return counts;
}

/** The topics invitees proposed, oldest first. */
export function proposedTopics(view: MeetingView): { participantId: string; text: string; at: string }[] {
  return [...view.replies.values()]
    .filter((r) => r.topic)
    .map((r) => ({ participantId: r.participantId, text: r.topic!, at: r.at }))
    .sort((a, b) => a.at.localeCompare(b.at));
}

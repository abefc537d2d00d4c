import type { Meeting, Participant, ReplyDoc } from '../domain/meeting';
import type { MeetingDoc } from '../domain/meeting-docs';
import { assertCurrentInvitation, holds, invitedTeamsUser, planOnly, replyDoc, replyId, type ReplyInput } from '../domain/invitation';
import { Refusal } from '../domain/problems';
import { problemText, t } from '../i18n';
import { ConcurrencyError, upsert, type Versioned } from '../store/port';
import { cancelledInvitationCard, invitationCard } from '../../cards/invitations';
import type { Notice } from '../../cards/render';
import type { CardRef, MeetingRef } from './action-data';
import { loadOwnMeeting, readPlan, readView, refusedCard } from './meetings';
import type { Actor, CardReply, Deps } from './ports';
import { requestStatusRefresh } from './refresh';
import { statusView } from './status-view';
import { syncMeetingRefs } from './meeting-list';
import { meetingChanged } from './tracking';
import { audit } from './audit';

/**
 * Answers to invitations. Each person's answer is a document of its own in the meeting's
 * partition: forty people answering in the same second write forty documents, never one.
 */

/** An invitee answers on their card: coming, maybe or not coming, with a comment and a proposed topic. */
export async function answerInvitation(deps: Deps, actor: Actor, data: CardRef & ReplyInput): Promise<CardReply> {
  const { locale } = actor.reader;
  const found = await readInvitation(deps, actor, data.meetingId);
  if ('reply' in found) return found.reply;
  const { plan, invitee, own: reply } = found;
  if (plan.status === 'cancelled') return { card: cancelledInvitationCard(plan, actor.reader) };
  let saved: ReplyDoc;
  try {
    assertCurrentInvitation(plan, data.rev);
    // With the meeting's expiry (retention) at once, as its audit entries have it: the `track` job has nothing to stamp.
    const next: MeetingDoc = { ...replyDoc(plan, invitee.id, data, 'teams', actor.userKey, deps.now()), ...(plan.expiresAt ? { expiresAt: plan.expiresAt } : {}) };
    saved = (await upsert<MeetingDoc>(deps.stores.meetings, plan.id, next.id, () => next, { read: { current: reply } }))!.doc as ReplyDoc;
  } catch (err) {
    const refusal = err instanceof ConcurrencyError ? new Refusal({ code: 'busy' }) : err;
    if (!(refusal instanceof Refusal)) throw err;
    const notices = refusal.problems.map((p): Notice => ({ text: problemText(locale, p), color: 'Attention' }));
    return { card: invitationCard(plan, invitee, reply?.doc as ReplyDoc | undefined, actor.reader, notices, true) };
  }
  deps.log.info('invitation.answered', { meeting: plan.id, participant: invitee.id, answer: data.answer });
  // The answer is stored; its audit entry and the work after it (the caseworker's status card, the
  // meeting's nudges and overview line), each stored before the reply goes out, are independent
  // writes: made at once, so the reply waits for the longest of them, not for their sum.
  const [, refresh, tracked] = await Promise.all([
    audit(deps, plan, actor.userKey, 'answer.given', { ref: invitee.id }),
    requestStatusRefresh(deps, plan.id),
    meetingChanged(deps, plan.id),
  ]);
  const organizer = plan.participants.find((p) => p.isOrganizer)?.name ?? '';
  const notice: Notice = { text: t(locale, 'invitation.thanks', { organizer }), color: 'Good' };
  return { card: invitationCard(plan, invitee, saved, actor.reader, [notice]), jobs: [refresh, tracked] };
}

/** Shows the answer buttons again so an invitee can change their answer. */
export async function changeAnswer(deps: Deps, actor: Actor, data: MeetingRef): Promise<CardReply> {
  const found = await readInvitation(deps, actor, data.meetingId);
  if ('reply' in found) return found.reply;
  if (found.plan.status === 'cancelled') return { card: cancelledInvitationCard(found.plan, actor.reader) };
  return { card: invitationCard(found.plan, found.invitee, found.own?.doc as ReplyDoc | undefined, actor.reader, [], true) };
}

/** The caseworker records an answer someone gave by phone or in person. */
export async function recordPhoneAnswer(deps: Deps, actor: Actor, data: MeetingRef & { participantId: string; answer: ReplyInput['answer'] }): Promise<CardReply> {
  const { locale } = actor.reader;
  const loaded = await loadOwnMeeting(deps, actor, data.meetingId);
  if ('reply' in loaded) return loaded.reply;
  const plan = loaded.meeting;
  let notices: Notice[];
  try {
    const next = replyDoc(plan, data.participantId, { answer: data.answer, comment: '', topic: '' }, 'phone', actor.userKey, deps.now());
    await upsert<MeetingDoc>(deps.stores.meetings, plan.id, next.id, (current) => {
      // A phone call does not wipe what the person wrote on their own card.
      const before = current as ReplyDoc | undefined;
      return { ...next, ...(before?.comment ? { comment: before.comment } : {}), ...(before?.topic ? { topic: before.topic } : {}) };
    });
    deps.log.info('invitation.recorded', { meeting: plan.id, participant: data.participantId, answer: data.answer });
    await audit(deps, plan, actor.userKey, 'answer.recorded', { ref: data.participantId });
    notices = [{ text: t(locale, 'status.recorded'), color: 'Good' }];
  } catch (err) {
    const refusal = err instanceof ConcurrencyError ? new Refusal({ code: 'busy' }) : err;
    if (!(refusal instanceof Refusal)) throw err;
    notices = refusal.problems.map((p): Notice => ({ text: problemText(locale, p), color: 'Attention' }));
  }
  const view = (await readView(deps, plan.id)) ?? planOnly(plan);
  // "My meetings" counts the answer at once; the status card in front of the caseworker is brought up to date after.
  await syncMeetingRefs(deps, view);
  const refresh = await requestStatusRefresh(deps, plan.id);
  const tracked = await meetingChanged(deps, plan.id);
  return { card: statusView(deps, view, actor.reader, actor.address.userId, notices), jobs: [refresh, tracked] };
}

/** The plan and this person's own answer (one single-partition query), or why they see nothing. */
async function readInvitation(
  deps: Deps,
  actor: Actor,
  meetingId: string,
): Promise<{ plan: Meeting; invitee: Participant; own: Versioned<MeetingDoc> | undefined } | { reply: CardReply }> {
  // The plan first, to know who the person is; their answer's id follows from that.
  const plan = (await readPlan(deps, meetingId))?.doc;
  if (!plan) return { reply: refusedCard(actor, 'meetingNotFound') };
  let invitee: Participant;
  try {
    invitee = invitedTeamsUser(plan, actor.userId);
  } catch {
    deps.log.warn('invitation.notInvited', { meeting: plan.id });
    return { reply: refusedCard(actor, 'notInvited') };
  }
  const own = await deps.stores.meetings.read(meetingId, replyId(invitee.id));
  // An answer given before the time changed no longer holds: the form is shown again.
  return { plan, invitee, own: own?.doc.kind === 'reply' && holds(plan, own.doc) ? own : undefined };
}

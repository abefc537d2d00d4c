import { cancelMeeting, discardChange, sendChange, startChange } from '../domain/change';
import { t } from '../i18n';
import type { ActionData, CardRef, SendRef } from './action-data';
import { enqueueDelivery } from './delivery';
import { syncMeetingRefs } from './meeting-list';
import { readView } from './meetings';
import { actOnPlan, contactForLetters, currentCard } from './plan-action';
import type { Actor, CardReply, Deps } from './ports';
import { planOnly } from '../domain/invitation';
import type { Meeting } from '../domain/meeting';
import type { JobRef } from '../jobs/job';
import { statusCardHere } from './status-view';
import { meetingChanged } from './tracking';
import { audit } from './audit';
import { indexPeople } from './people';

/**
 * Changing and cancelling a meeting after the invitations went out. A change is prepared with
 * the planning cards; sending it (or cancelling) raises the plan revision and enqueues the
 * delivery job that brings every invitation up to date, so the same guarantees hold as for
 * the first invitations.
 */

/** Starts preparing a change from the status card: the summary of the meeting, to change with the planning cards. */
export async function beginChange(deps: Deps, actor: Actor, ref: CardRef): Promise<CardReply> {
  const applied = await actOnPlan(deps, actor, ref, {}, (plan) => ({ next: leavingStatusCard(startChange(plan, actor.userKey, deps.now()), actor) }));
  if ('reply' in applied) return applied.reply;
  await audit(deps, applied.saved, actor.userKey, 'change.started');
  return { card: await currentCard(deps, actor, applied.saved) };
}

/** Drops the change being prepared; the status card again. */
export async function dropChange(deps: Deps, actor: Actor, ref: CardRef): Promise<CardReply> {
  const applied = await actOnPlan(deps, actor, ref, {}, (plan) => ({ next: showingStatusCard(discardChange(plan, actor.userKey, deps.now()), actor) }));
  if ('reply' in applied) return applied.reply;
  await audit(deps, applied.saved, actor.userKey, 'change.discarded');
  return { card: await currentCard(deps, actor, applied.saved, [{ text: t(actor.reader.locale, 'change.discarded'), color: 'Good' }]) };
}

/** Sends the change to everyone: invitations updated in place, added people invited, removed people told. */
export async function publishChange(deps: Deps, actor: Actor, ref: SendRef, raw: ActionData): Promise<CardReply> {
  const asked = await contactForLetters(deps, actor, ref, raw);
  if (asked) return asked.reply;
  const applied = await actOnPlan(deps, actor, ref, {}, (plan) => ({ next: showingStatusCard(sendChange(plan, actor.userKey, deps.now()), actor) }));
  if ('reply' in applied) return applied.reply;
  const meeting = applied.saved;
  const job = await deliverToEveryone(deps, actor, meeting, 'change.sent');
  deps.log.info('change.sent', { meeting: meeting.id, rev: meeting.planRev, what: meeting.lastChange?.what.join('+') });
  return {
    card: await currentCard(deps, actor, meeting, [{ text: t(actor.reader.locale, 'change.sent'), color: 'Good' }]),
    jobs: [job, await meetingChanged(deps, meeting.id), await indexPeople(deps, meeting.id)],
  };
}

/** Cancels the meeting: everyone in Teams is told and their invitation shows it; the caseworker gets letters for the others. */
export async function cancel(deps: Deps, actor: Actor, ref: CardRef & { reason: string }): Promise<CardReply> {
  const applied = await actOnPlan(deps, actor, ref, { reason: ref.reason }, (plan) => ({
    next: showingStatusCard(cancelMeeting(plan, ref.reason, actor.userKey, deps.now()), actor),
  }));
  if ('reply' in applied) return applied.reply;
  const meeting = applied.saved;
  const job = await deliverToEveryone(deps, actor, meeting, 'plan.cancelled');
  deps.log.info('meeting.cancelled', { meeting: meeting.id });
  const tracked = [await meetingChanged(deps, meeting.id), ...(meeting.followUpOf ? [await meetingChanged(deps, meeting.followUpOf)] : [])];
  return { card: await currentCard(deps, actor, meeting, [{ text: t(actor.reader.locale, 'cancel.done'), color: 'Good' }]), jobs: [job, ...tracked] };
}

/**
 * After a change or a cancellation is saved: its delivery enqueued (every invitation brought up to
 * date), the lists of the caseworker and co-organizers following the meeting, and the audit trail.
 */
async function deliverToEveryone(deps: Deps, actor: Actor, meeting: Meeting, action: 'change.sent' | 'plan.cancelled'): Promise<JobRef> {
  const job = await enqueueDelivery(deps, meeting);
  const view = (await readView(deps, meeting.id)) ?? planOnly(meeting);
  await syncMeetingRefs(deps, view);
  await audit(deps, meeting, actor.userKey, action);
  return job;
}

/** The plan with its status card now the one this person pressed (it shows the status card again), so answers update the card in front of them. */
function showingStatusCard(plan: Meeting, actor: Actor): Meeting {
  const here = statusCardHere(actor);
  return here ? { ...plan, statusCard: here } : plan;
}

/** The plan with its status card forgotten when the card pressed was it: it shows the change being prepared now, which an update must not replace. */
export function leavingStatusCard(plan: Meeting, actor: Actor): Meeting {
  return plan.statusCard && actor.cardActivityId && plan.statusCard.activityId === actor.cardActivityId ? { ...plan, statusCard: undefined } : plan;
}

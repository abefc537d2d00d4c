import { organizes } from '../domain/change';
import { deliveryWork, planOnly } from '../domain/invitation';
import type { Meeting } from '../domain/meeting';
import { ticked } from '../domain/preparation';
import { t } from '../i18n';
import { jobKind, type JobKind } from '../jobs/runner';
import { update } from '../store/port';
import { commentsCard } from '../../cards/invitations';
import type { MeetingRef } from './action-data';
import { enqueueDelivery } from './delivery';
import { loadOwnMeeting, readView } from './meetings';
import type { Actor, CardReply, Deps } from './ports';
import { syncMeetingRefs } from './meeting-list';
import { currentCard } from './plan-action';
import { statusView } from './status-view';
import { STATUS_CARD_JOB } from './refresh';
import { readUser } from './users';
import { audit } from './audit';

/**
 * The caseworker's status card: drawn from one read of the meeting's partition, and kept
 * current in their chat by a job that always draws it from a fresh read.
 *
 * Guarantee of the status-card update: at least once after every change it shows. Changes that
 * arrive while an update runs make it run once more, so the last update the caseworker's chat
 * receives shows everything stored before it began; updates are never older than one sent earlier.
 */

/** Shows the caseworker the current state of their meeting: the draft's step, or the answers. */
export async function showStatus(deps: Deps, actor: Actor, ref: MeetingRef): Promise<CardReply> {
  const loaded = await loadOwnMeeting(deps, actor, ref.meetingId);
  if ('reply' in loaded) return loaded.reply;
  if (loaded.meeting.status === 'draft') return { card: await currentCard(deps, actor, loaded.meeting) };
  const view = (await readView(deps, ref.meetingId)) ?? planOnly(loaded.meeting);
  // A delivery cut off between the sending and its job (a crash in that instant) is asked for again: a no-op otherwise.
  const jobs = deliveryWork(view).length > 0 ? [await enqueueDelivery(deps, view.plan)] : [];
  await audit(deps, view.plan, actor.userKey, 'status.read');
  return { card: statusView(deps, view, actor.reader, actor.address.userId), jobs };
}

/** Shows every invitee's comment on a card of its own. */
export async function showComments(deps: Deps, actor: Actor, ref: MeetingRef): Promise<CardReply> {
  const loaded = await loadOwnMeeting(deps, actor, ref.meetingId);
  if ('reply' in loaded) return loaded.reply;
  if (loaded.meeting.status === 'draft') return { card: await currentCard(deps, actor, loaded.meeting) };
  const view = (await readView(deps, ref.meetingId)) ?? planOnly(loaded.meeting);
  await audit(deps, view.plan, actor.userKey, 'comments.read');
  return { card: commentsCard(view, actor.reader) };
}

/** The job kind that updates the status card in the caseworker's chat from a fresh read. */
export function statusCardJob(deps: Deps): JobKind<{ meetingId: string }> {
  return jobKind(STATUS_CARD_JOB, async (context) => {
    const view = await readView(deps, context.job.payload.meetingId);
    if (!view || view.plan.status === 'draft') return;
    // The caseworker's list shows the answers too.
    await syncMeetingRefs(deps, view);
    const posted = view.plan.statusCard;
    if (!posted) return;
    // The card is in the chat of whoever last sent from it (the caseworker, or the co-organizer while they still are one).
    const key = posted.userKey && organizes(view.plan, posted.userKey) ? posted.userKey : view.plan.organizer.userKey;
    if (posted.userKey && key !== posted.userKey) return;
    const owner = await readUser(deps, key);
    if (!owner?.address) return;
    const card = statusView(deps, view, { locale: owner.locale, timeZone: owner.timeZone }, owner.address.userId);
    await deps.messenger.updateCard({ ...owner.address, conversationId: posted.conversationId }, posted.activityId, card);
  });
}

/**
 * Saves the preparation checklist the caseworker ticked on the status card. A reminder only: it
 * changes nothing the invitations say, so it raises no revision and never stops a card.
 */
export async function savePreparation(deps: Deps, actor: Actor, ref: MeetingRef & { prepared: string[] }): Promise<CardReply> {
  const loaded = await loadOwnMeeting(deps, actor, ref.meetingId);
  if ('reply' in loaded) return loaded.reply;
  const saved = await update(deps.stores.meetings, ref.meetingId, ref.meetingId, (doc) => {
    const plan = doc as Meeting;
    const prepared = ticked(plan, ref.prepared);
    return JSON.stringify(prepared) === JSON.stringify(plan.prepared ?? []) ? undefined : { ...plan, prepared };
  });
  const plan = (saved?.doc as Meeting | undefined) ?? loaded.meeting;
  const view = (await readView(deps, ref.meetingId)) ?? planOnly(plan);
  return { card: statusView(deps, view, actor.reader, actor.address.userId, [{ text: t(actor.reader.locale, 'prep.saved'), color: 'Good' }]) };
}

import { organizes } from '../domain/change';
import { deliveryWork, planOnly } from '../domain/invitation';
import type { MeetingView, StatusCardRef } from '../domain/meeting';
import type { JobKind } from '../jobs/runner';
import type { Reader } from '../../cards/format';
import { commentsCard, statusCard } from '../../cards/invitations';
import { planningCard } from '../../cards/planning';
import type { AdaptiveCard, Notice } from '../../cards/render';
import type { MeetingRef } from './action-data';
import { enqueueDelivery } from './delivery';
import { loadOwnMeeting, readView } from './meetings';
import type { Actor, CardReply, Deps } from './ports';
import { syncMeetingRefs } from './meeting-list';
import { STATUS_CARD_JOB } from './refresh';
import { readUser } from './users';

/**
 * The caseworker's status card: drawn from one read of the meeting's partition, and kept
 * current in their chat by a job that always draws it from a fresh read.
 *
 * Guarantee of the status-card update: at least once after every change it shows. Changes that
 * arrive while an update runs make it run once more, so the last update the caseworker's chat
 * receives shows everything stored before it began; updates are never older than one sent earlier.
 */


/**
 * The caseworker's status card for a sent meeting, for the person whose chat it is in: its
 * refresh names them (`viewer`, their channel id), so Teams asks for it afresh whenever they look
 * at any copy of it.
 */
export function statusView(deps: Deps, view: MeetingView, reader: Reader, viewer: string | undefined, notices: Notice[] = []): AdaptiveCard {
  return statusCard(view, reader, (participantId) => deps.links.letterUrls(view.plan.id, participantId), viewer ? [viewer] : [], notices);
}

/** Where a status card shown in answer to this person's press now stands: the card they pressed, in their chat. */
export function statusCardHere(actor: Actor): StatusCardRef | undefined {
  return actor.cardActivityId ? { conversationId: actor.address.conversationId, activityId: actor.cardActivityId, userKey: actor.userKey } : undefined;
}

/** Shows the caseworker the current state of their meeting: the draft's step, or the answers. */
export async function showStatus(deps: Deps, actor: Actor, ref: MeetingRef): Promise<CardReply> {
  const loaded = await loadOwnMeeting(deps, actor, ref.meetingId);
  if ('reply' in loaded) return loaded.reply;
  if (loaded.meeting.status === 'draft') return { card: planningCard(loaded.meeting, actor.reader, deps.now()) };
  const view = (await readView(deps, ref.meetingId)) ?? planOnly(loaded.meeting);
  // A delivery cut off between the sending and its job (a crash in that instant) is asked for again: a no-op otherwise.
  const jobs = deliveryWork(view).length > 0 ? [await enqueueDelivery(deps, view.plan)] : [];
  return { card: statusView(deps, view, actor.reader, actor.address.userId), jobs };
}

/** Shows every invitee's comment on a card of its own. */
export async function showComments(deps: Deps, actor: Actor, ref: MeetingRef): Promise<CardReply> {
  const loaded = await loadOwnMeeting(deps, actor, ref.meetingId);
  if ('reply' in loaded) return loaded.reply;
  if (loaded.meeting.status === 'draft') return { card: planningCard(loaded.meeting, actor.reader, deps.now()) };
  const view = (await readView(deps, ref.meetingId)) ?? planOnly(loaded.meeting);
  return { card: commentsCard(view, actor.reader) };
}

/** The job kind that updates the status card in the caseworker's chat from a fresh read. */
export function statusCardJob(deps: Deps): JobKind<{ meetingId: string }> {
  return {
    kind: STATUS_CARD_JOB,
    async run(context) {
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
    },
  };
}

import { editable, withEdits } from '../domain/change';
import { planOnly } from '../domain/invitation';
import type { Meeting } from '../domain/meeting';
import { assertCurrent, assertDraft, markSent, newDraft } from '../domain/planning';
import { Refusal } from '../domain/problems';
import { problemText, t } from '../i18n';
import { ConcurrencyError } from '../store/port';
import { planningCard } from '../../cards/planning';
import type { Notice } from '../../cards/render';
import type { ActionData, CardRef, SendRef } from './action-data';
import { enqueueDelivery } from './delivery';
import { syncMeetingRefs } from './meeting-list';
import { loadOwnMeeting, readPlan, welcome } from './meetings';
import { actOnPlan, contactForLetters, currentCard } from './plan-action';
import type { Actor, CardReply, Deps } from './ports';
import { statusCardHere, statusView } from './status-view';
import { setDraftPointer } from './users';
import { meetingChanged } from './tracking';
import { audit } from './audit';
import { indexPeople } from './people';

/**
 * Planning a meeting with the caseworker: a draft through When? Who? Why? to the summary and
 * Send. The same cards prepare a change of a sent meeting (see `changes.ts`).
 */

/** Starts a new draft; an unsent draft of the same caseworker is discarded. */
export async function startDraft(deps: Deps, actor: Actor): Promise<CardReply> {
  const now = deps.now();
  const meeting = newDraft({
    id: deps.newId(),
    organizer: { userKey: actor.userKey, name: actor.name },
    organizerParticipantId: deps.newId(),
    organizerUserId: actor.userId,
    organizerLanguage: actor.reader.locale,
    tenantId: actor.tenantId,
    now,
  });
  const previous = actor.draftMeetingId;
  await deps.stores.meetings.create(meeting);
  await setDraftPointer(deps, actor.userKey, meeting.id);
  if (previous) await discardIfDraft(deps, previous, actor.userKey);
  deps.log.info('draft.created', { meeting: meeting.id });
  return { card: planningCard(meeting, actor.reader, now) };
}

/** Shows the caseworker's open draft at the step it is at. */
export async function resumeDraft(deps: Deps, actor: Actor): Promise<CardReply> {
  const id = actor.draftMeetingId;
  const found = id ? await readPlan(deps, id) : undefined;
  if (!found || found.doc.status !== 'draft' || found.doc.organizer.userKey !== actor.userKey) {
    return welcome(deps, actor, [{ text: problemText(actor.reader.locale, { code: 'meetingNotFound' }), color: 'Attention' }]);
  }
  return { card: await currentCard(deps, actor, found.doc) };
}

/** A change made with one planning card, to a draft or to the change of a sent meeting being prepared. */
export type DraftChange = (meeting: Meeting, context: { deps: Deps; actor: Actor }) => { next: Meeting; notice?: Notice };

/**
 * Applies one planning card to the draft it names, or to the change being prepared of a sent
 * meeting (the invitations keep saying what they said until the change is sent).
 */
export async function planAction(deps: Deps, actor: Actor, ref: CardRef, raw: ActionData, step: DraftChange): Promise<CardReply> {
  const applied = await actOnPlan(deps, actor, ref, raw, (plan, context) => {
    const copy = editable(plan);
    assertDraft(copy);
    const { next, notice } = step(copy, context);
    return { next: withEdits(plan, next), notice };
  });
  if ('reply' in applied) return applied.reply;
  return { card: await currentCard(deps, actor, applied.saved, applied.notice ? [applied.notice] : []) };
}

/** Discards the draft (after the caseworker confirmed on the summary). */
export async function discardDraft(deps: Deps, actor: Actor, ref: CardRef): Promise<CardReply> {
  const loaded = await loadOwnMeeting(deps, actor, ref.meetingId);
  if ('reply' in loaded) return loaded.reply;
  const { meeting, etag } = loaded;
  try {
    assertDraft(meeting);
    assertCurrent(meeting, ref.rev);
    await deps.stores.meetings.delete(meeting.id, meeting.id, etag);
  } catch (err) {
    const refusal = err instanceof ConcurrencyError ? new Refusal({ code: 'staleCard' }) : err;
    if (!(refusal instanceof Refusal)) throw err;
    const notices = refusal.problems.map((p): Notice => ({ text: problemText(actor.reader.locale, p), color: 'Attention' }));
    const current = await readPlan(deps, ref.meetingId);
    return current ? { card: await currentCard(deps, actor, current.doc, notices) } : welcome(deps, actor, notices);
  }
  await setDraftPointer(deps, actor.userKey, undefined);
  deps.log.info('draft.discarded', { meeting: meeting.id });
  return welcome(deps, { ...actor, draftMeetingId: undefined }, [{ text: t(actor.reader.locale, 'summary.discarded'), color: 'Good' }]);
}

/**
 * Sends the invitations: the plan becomes an invited meeting, then its delivery is enqueued as
 * a job, both before the answer goes out, so a crash after the answer loses no invitation. The
 * status card replaces the summary; the card pressed is the status card the bot keeps current.
 */
export async function sendInvitations(deps: Deps, actor: Actor, ref: SendRef, raw: ActionData): Promise<CardReply> {
  const asked = await contactForLetters(deps, actor, ref, raw);
  if (asked) return asked.reply;
  const statusCard = statusCardHere(actor);
  const applied = await actOnPlan(deps, actor, ref, {}, (plan) => {
    assertDraft(plan);
    return { next: markSent(plan, deps.now(), statusCard) };
  });
  if ('reply' in applied) return applied.reply;
  const meeting = applied.saved;
  await setDraftPointer(deps, actor.userKey, undefined);
  const job = await enqueueDelivery(deps, meeting);
  await syncMeetingRefs(deps, planOnly(meeting));
  await audit(deps, meeting, actor.userKey, 'plan.sent');
  deps.log.info('invitations.sent', { meeting: meeting.id, participants: meeting.participants.length });
  // Its nudges begin; a follow-up meeting sent ends the nudge about its draft at the meeting before.
  const tracked = [await meetingChanged(deps, meeting.id), ...(meeting.followUpOf ? [await meetingChanged(deps, meeting.followUpOf)] : [])];
  // The index by person (the data-protection officer's) follows the plan, after the answer.
  return { card: statusView(deps, planOnly(meeting), actor.reader, actor.address.userId), jobs: [job, ...tracked, await indexPeople(deps, meeting.id)] };
}

async function discardIfDraft(deps: Deps, meetingId: string, userKey: string): Promise<void> {
  const old = await readPlan(deps, meetingId);
  if (old && old.doc.status === 'draft' && old.doc.organizer.userKey === userKey) {
    await deps.stores.meetings.delete(meetingId, meetingId, old.etag).catch((err: unknown) => {
      if (!(err instanceof ConcurrencyError)) throw err;
    });
  }
}

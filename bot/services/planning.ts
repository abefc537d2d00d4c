import type { Meeting } from '../domain/meeting';
import { assertCurrent, assertDraft, markSent, newDraft } from '../domain/planning';
import { planOnly } from '../domain/invitation';
import { Refusal } from '../domain/problems';
import { t, problemText } from '../i18n';
import { ConcurrencyError } from '../store/port';
import { planningCard, welcomeCard } from '../../cards/planning';
import type { Notice } from '../../cards/render';
import type { ActionData, CardRef } from './action-data';
import { enqueueDelivery } from './delivery';
import { loadOwnMeeting, readPlan } from './meetings';
import type { Actor, CardReply, Deps } from './ports';
import { statusView } from './status';
import { setDraftPointer } from './users';

/** The welcome card, offering to continue the caseworker's draft when there is one. */
export async function welcome(deps: Deps, actor: Actor, notices: Notice[] = []): Promise<CardReply> {
  const draftId = actor.draftMeetingId;
  const draft = draftId ? await readPlan(deps, draftId) : undefined;
  const live = draft && draft.doc.status === 'draft' ? draftId : undefined;
  return { card: welcomeCard(actor.reader, live, notices) };
}

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
  return { card: planningCard(found.doc, actor.reader, deps.now()) };
}

/** A change of the draft by one planning card: the meeting to save and a line to show on top. */
export type PlanChange = (meeting: Meeting, context: { deps: Deps; actor: Actor }) => { next: Meeting; notice?: Notice };

/**
 * Applies one planning change to the draft the card names. The card's revision must be the
 * stored one; a refused or stale action leaves the draft as it was and shows why, keeping what
 * the caseworker typed.
 */
export async function planAction(deps: Deps, actor: Actor, ref: CardRef, raw: ActionData, change: PlanChange): Promise<CardReply> {
  const applied = await applyToDraft(deps, actor, ref, raw, change);
  if ('reply' in applied) return applied.reply;
  return { card: planningCard(applied.saved, actor.reader, deps.now(), applied.notice ? [applied.notice] : []) };
}

/** Loads the caseworker's draft, checks the card is current, applies the change and saves it with the ETag read. */
async function applyToDraft(
  deps: Deps,
  actor: Actor,
  ref: CardRef,
  raw: ActionData,
  change: PlanChange,
): Promise<{ saved: Meeting; notice?: Notice } | { reply: CardReply }> {
  const loaded = await loadOwnMeeting(deps, actor, ref.meetingId);
  if ('reply' in loaded) return loaded;
  const { meeting, etag } = loaded;
  try {
    assertDraft(meeting);
    assertCurrent(meeting, ref.rev);
    const { next, notice } = change(meeting, { deps, actor });
    const saved = await deps.stores.meetings.replace(next, etag);
    return { saved: saved.doc as Meeting, notice };
  } catch (err) {
    if (err instanceof ConcurrencyError) return { reply: await refused(deps, actor, ref, raw, new Refusal({ code: 'staleCard' })) };
    if (err instanceof Refusal) return { reply: await refused(deps, actor, ref, raw, err) };
    throw err;
  }
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
    if (err instanceof ConcurrencyError) return refused(deps, actor, ref, {}, new Refusal({ code: 'staleCard' }));
    if (err instanceof Refusal) return refused(deps, actor, ref, {}, err);
    throw err;
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
export async function sendInvitations(deps: Deps, actor: Actor, ref: CardRef): Promise<CardReply> {
  const statusCard = actor.cardActivityId ? { conversationId: actor.address.conversationId, activityId: actor.cardActivityId } : undefined;
  const applied = await applyToDraft(deps, actor, ref, {}, (meeting) => ({ next: markSent(meeting, deps.now(), statusCard) }));
  if ('reply' in applied) return applied.reply;
  const meeting = applied.saved;
  await setDraftPointer(deps, actor.userKey, undefined);
  const job = await enqueueDelivery(deps, meeting);
  deps.log.info('invitations.sent', { meeting: meeting.id, participants: meeting.participants.length });
  return { card: statusView(deps, planOnly(meeting), actor.reader), jobs: [job] };
}

async function refused(deps: Deps, actor: Actor, ref: CardRef, raw: ActionData, refusal: Refusal): Promise<CardReply> {
  const { locale } = actor.reader;
  const current = await readPlan(deps, ref.meetingId);
  const notices: Notice[] = refusal.problems.map((p) => ({ text: problemText(locale, p), color: 'Attention' }));
  if (!current) return welcome(deps, actor, notices);
  if (current.doc.status !== 'draft') return { card: statusView(deps, planOnly(current.doc), actor.reader, notices) };
  const card = planningCard(current.doc, actor.reader, deps.now(), notices);
  return { card: refusal.problems.some((p) => p.code === 'staleCard') ? card : keepTyped(card, raw) };
}

/** Puts what the caseworker typed back into the inputs of a refused form, so nothing has to be typed twice. */
function keepTyped<C extends object>(card: C, data: ActionData): C {
  const visit = (node: unknown): void => {
    if (Array.isArray(node)) return node.forEach(visit);
    if (typeof node !== 'object' || node === null) return;
    const element = node as Record<string, unknown>;
    if (typeof element.type === 'string' && element.type.startsWith('Input.') && typeof element.id === 'string' && element.id in data) {
      element.value = data[element.id];
    }
    Object.values(element).forEach(visit);
  };
  visit(card);
  return card;
}

async function discardIfDraft(deps: Deps, meetingId: string, userKey: string): Promise<void> {
  const old = await readPlan(deps, meetingId);
  if (old && old.doc.status === 'draft' && old.doc.organizer.userKey === userKey) {
    await deps.stores.meetings.delete(meetingId, meetingId, old.etag).catch((err: unknown) => {
      if (!(err instanceof ConcurrencyError)) throw err;
    });
  }
}

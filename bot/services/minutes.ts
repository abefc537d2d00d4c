import { DateTime } from 'luxon';
import { organizes } from '../domain/change';
import type { Meeting } from '../domain/meeting';
import type { MeetingView } from '../domain/meeting-docs';
import { MINUTES_ID, mayWriteMinutes, minutesContent, sentMinutes, withNote, type MinutesDoc } from '../domain/minutes';
import { Refusal } from '../domain/problems';
import { problemText, t } from '../i18n';
import { AlreadyExistsError, ConcurrencyError, type Versioned } from '../store/port';
import { minutesCard } from '../../cards/agreements';
import type { Notice } from '../../cards/render';
import type { MeetingRef } from './action-data';
import { minutesFanout } from './after-delivery';
import { readView, refusedCard } from './meetings';
import type { Actor, CardReply, Deps } from './ports';
import { participantOf } from './session';
import { meetingChanged } from './tracking';
import { audit } from './audit';

/**
 * The minutes (004: they reach every participant quickly): built from what the meeting recorded,
 * reviewed by the secretary (or the caseworker), who may add a note and sends them, once. Sending
 * enqueues the minutes to every participant in Teams (see `minutesJob`); the caseworker gets a
 * printable copy for everyone else, in their language.
 */

/** The minutes' document, with its ETag, if begun. */
export async function readMinutes(deps: Deps, meetingId: string): Promise<Versioned<MinutesDoc> | undefined> {
  const found = await deps.stores.meetings.read(meetingId, MINUTES_ID);
  return found?.doc.kind === 'minutes' ? (found as Versioned<MinutesDoc>) : undefined;
}

/** The secretary's (or caseworker's) review of the minutes, with the note and Send. */
export async function reviewMinutes(deps: Deps, actor: Actor, ref: MeetingRef, notices: Notice[] = []): Promise<CardReply> {
  // Once sent, every participant reads them (their own copy); before, only whoever writes them.
  const plan = (await readView(deps, ref.meetingId))?.plan;
  const me = plan ? participantOf(plan, actor.userKey) : undefined;
  if (plan && me && !organizes(plan, actor.userKey) && (await readMinutes(deps, plan.id))?.doc.state === 'sent') return minutesFor(deps, actor, plan, notices);
  const loaded = await loadForMinutes(deps, actor, ref.meetingId);
  if ('reply' in loaded) return loaded.reply;
  await audit(deps, loaded.view.plan, actor.userKey, 'minutes.read');
  return { card: reviewCard(deps, actor, loaded.view, notices) };
}

/** Saves the secretary's note; the minutes stay a draft. */
export async function saveMinutesNote(deps: Deps, actor: Actor, ref: MeetingRef & { note: string }): Promise<CardReply> {
  return writeMinutes(deps, actor, ref, (doc) => withNote(ref.meetingId, doc, ref.note, deps.now()), 'minutes.noteSaved');
}

/** Sends the minutes: once, after the meeting ended; the note typed with it is kept. Everyone in Teams gets them after the answer. */
export async function sendMinutes(deps: Deps, actor: Actor, ref: MeetingRef & { note: string }): Promise<CardReply> {
  return writeMinutes(
    deps,
    actor,
    ref,
    (doc, view) => sentMinutes(ref.meetingId, withNote(ref.meetingId, doc, ref.note, deps.now()), view.session, actor.userKey, deps.now()),
    'minutes.sending',
    async (view) => [await minutesFanout(deps).enqueue({ key: view.plan.id, payload: { meetingId: view.plan.id }, dueAt: DateTime.fromISO(view.minutes!.sentAt!, { zone: 'utc' }) }), await meetingChanged(deps, view.plan.id)],
  );
}

/** A participant's own copy of the minutes, with their action items to mark done (after pressing one of them). */
export async function minutesFor(deps: Deps, actor: Actor, plan: Meeting, notices: Notice[] = []): Promise<CardReply> {
  const view = await readView(deps, plan.id);
  if (!view?.session) return refusedCard(actor, 'meetingNotFound');
  const me = participantOf(plan, actor.userKey);
  const content = minutesContent(plan, view.session, view.actions, view.minutes);
  await audit(deps, plan, actor.userKey, 'minutes.read');
  return { card: minutesCard(plan, content, view.minutes, actor.reader, { review: false, viewer: actor.address.userId, ...(me ? { me: me.id } : {}) }, notices) };
}

async function writeMinutes(
  deps: Deps,
  actor: Actor,
  ref: MeetingRef,
  change: (doc: MinutesDoc | undefined, view: MeetingView) => MinutesDoc,
  done: 'minutes.noteSaved' | 'minutes.sending',
  after?: (view: MeetingView) => Promise<unknown>,
): Promise<CardReply> {
  const loaded = await loadForMinutes(deps, actor, ref.meetingId);
  if ('reply' in loaded) return loaded.reply;
  const { view } = loaded;
  const { locale } = actor.reader;
  try {
    const current = await readMinutes(deps, view.plan.id);
    const next = change(current?.doc, view);
    if (current) await deps.stores.meetings.replace(next, current.etag);
    else await deps.stores.meetings.create(next);
  } catch (err) {
    const refusal = err instanceof ConcurrencyError || err instanceof AlreadyExistsError ? new Refusal({ code: 'busy' }) : err;
    if (!(refusal instanceof Refusal)) throw err;
    const fresh = (await readView(deps, view.plan.id)) ?? view;
    return { card: reviewCard(deps, actor, fresh, refusal.problems.map((p): Notice => ({ text: problemText(locale, p), color: 'Attention' }))) };
  }
  const fresh = (await readView(deps, view.plan.id)) ?? view;
  const jobs = after ? ((await after(fresh)) as CardReply['jobs']) : undefined;
  deps.log.info(done === 'minutes.sending' ? 'minutes.sent' : 'minutes.noted', { meeting: view.plan.id });
  await audit(deps, view.plan, actor.userKey, done === 'minutes.sending' ? 'minutes.sent' : 'minutes.noted');
  return { card: reviewCard(deps, actor, fresh, [{ text: t(locale, done), color: 'Good' }]), ...(jobs ? { jobs } : {}) };
}

/** The meeting for whoever may write its minutes: the secretary, or the caseworker (or co-organizer). */
async function loadForMinutes(deps: Deps, actor: Actor, meetingId: string): Promise<{ view: MeetingView & { session: NonNullable<MeetingView['session']> } } | { reply: CardReply }> {
  const view = await readView(deps, meetingId);
  if (!view) return { reply: refusedCard(actor, 'meetingNotFound') };
  const me = participantOf(view.plan, actor.userKey);
  if (!mayWriteMinutes(view.plan, view.session, actor.userKey, me?.id)) {
    deps.log.warn('minutes.notAllowed', { meeting: view.plan.id });
    return { reply: refusedCard(actor, organizes(view.plan, actor.userKey) || me ? 'notRunner' : 'notInvited') };
  }
  // The minutes are of a meeting that was held: from its start on.
  if (!view.session || view.session.state === 'ready') return { reply: refusedCard(actor, 'notStarted') };
  return { view: view as MeetingView & { session: NonNullable<MeetingView['session']> } };
}

function reviewCard(deps: Deps, actor: Actor, view: MeetingView, notices: Notice[]): CardReply['card'] {
  const content = minutesContent(view.plan, view.session!, view.actions, view.minutes);
  return minutesCard(view.plan, content, view.minutes, actor.reader, { review: true, viewer: actor.address.userId }, notices);
}

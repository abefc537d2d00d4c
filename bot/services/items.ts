import { organizes } from '../domain/change';
import { LIMITS } from '../domain/meeting';
import { actionId, editActionItem, markItem, newActionItem, ownsItem, type ActionInput, type ActionItem } from '../domain/plan';
import { Refusal } from '../domain/problems';
import { mayEditItems, mayRun } from '../domain/session';
import { problemText, t } from '../i18n';
import { ConcurrencyError, type Versioned } from '../store/port';
import type { Notice } from '../../cards/render';
import type { MeetingRef } from './action-data';
import { refusedCard } from './meetings';
import type { Actor, CardReply, Deps } from './ports';
import { minutesFor } from './minutes';
import { readItems } from './meetings';
import { card, load, participantOf } from './session';
import { meetingChanged } from './tracking';
import { audit } from './audit';

/**
 * The action items a meeting agrees: added and changed on the meeting-mode card by whoever runs
 * the meeting (the caseworker alone once it has ended), each a document of its own in the
 * meeting's partition, so the secretary adding items while the chair presses Next never collide.
 * The person responsible marks theirs done (on their own card, or their page); the caseworker
 * may mark any for them.
 */

/** Adds an action item, or changes the one the form was opened for. */
export async function saveItem(deps: Deps, actor: Actor, ref: MeetingRef & { itemId?: string; input: ActionInput }): Promise<CardReply> {
  const loaded = await load(deps, actor, ref.meetingId);
  if ('reply' in loaded) return loaded.reply;
  const { plan, session, viewers } = loaded;
  const runs = mayRun(plan, session.doc, actor.userKey, (key) => participantOf(plan, key));
  const answer = async (notices: Notice[], editItem?: string) => ({
    card: await card(deps, plan, session.doc, actor, viewers, notices, { open: 'plan', ...(editItem ? { editItem } : {}) }),
  });
  if (!mayEditItems(plan, session.doc, actor.userKey, runs)) {
    deps.log.warn('item.notAllowed', { meeting: plan.id });
    return answer([{ text: problemText(actor.reader.locale, { code: session.doc.state === 'ended' ? 'notOrganizer' : 'notRunner' }), color: 'Attention' }]);
  }
  try {
    if (ref.itemId) {
      const found = await readItem(deps, plan.id, ref.itemId);
      if (!found) throw new Refusal({ code: 'itemUnknown' });
      await deps.stores.meetings.replace(editActionItem(plan, found.doc, ref.input, deps.now()), found.etag);
      await audit(deps, plan, actor.userKey, 'item.saved', { ref: found.doc.id });
    } else {
      if ((await readItems(deps, plan.id)).length >= LIMITS.actions) throw new Refusal({ code: 'tooManyItems', params: { max: LIMITS.actions } });
      const created = await deps.stores.meetings.create(newActionItem(plan, ref.input, deps.newId(), actor.userKey, deps.now()));
      await audit(deps, plan, actor.userKey, 'item.saved', { ref: created.doc.id });
    }
  } catch (err) {
    const refusal = err instanceof ConcurrencyError ? new Refusal({ code: 'busy' }) : err;
    if (!(refusal instanceof Refusal)) throw err;
    // The form stays open with what was typed (the card keeps the item being changed).
    return answer(refusal.problems.map((p): Notice => ({ text: problemText(actor.reader.locale, p), color: 'Attention' })), ref.itemId);
  }
  deps.log.info(ref.itemId ? 'item.changed' : 'item.added', { meeting: plan.id });
  deps.jobs.runSoon(await meetingChanged(deps, plan.id));
  return answer([{ text: t(actor.reader.locale, 'agreements.itemSaved'), color: 'Good' }]);
}

/**
 * Marks an action item done (or not done again): by the person responsible (a participant in
 * Teams), or by the caseworker for them. From the meeting-mode card it answers with that card;
 * from the person's copy of the minutes, with that copy.
 */
export async function markItemDone(deps: Deps, actor: Actor, ref: MeetingRef & { itemId: string; done: boolean; from: 'session' | 'minutes' }): Promise<CardReply> {
  const loaded = await load(deps, actor, ref.meetingId);
  if ('reply' in loaded) return loaded.reply;
  const { plan, session, viewers } = loaded;
  const me = participantOf(plan, actor.userKey);
  const found = await readItem(deps, plan.id, ref.itemId);
  if (!found) return refusedCard(actor, 'itemUnknown');
  const caseworker = organizes(plan, actor.userKey);
  let notices: Notice[] = [];
  let item = found.doc;
  if (!ownsItem(item, me?.id) && !caseworker) {
    deps.log.warn('item.notOwner', { meeting: plan.id });
    notices = [{ text: problemText(actor.reader.locale, { code: 'notOwner' }), color: 'Attention' }];
  } else {
    try {
      const next = markItem(item, ref.done, actor.userKey, ownsItem(item, me?.id) ? 'teams' : 'caseworker', deps.now());
      if (next !== item) {
        item = (await deps.stores.meetings.replace(next, found.etag)).doc as ActionItem;
        await audit(deps, plan, actor.userKey, ref.done ? 'item.done' : 'item.undone', { ref: item.id });
      }
      deps.log.info('item.marked', { meeting: plan.id, done: ref.done });
      deps.jobs.runSoon(await meetingChanged(deps, plan.id));
    } catch (err) {
      if (!(err instanceof ConcurrencyError)) throw err;
      notices = [{ text: problemText(actor.reader.locale, { code: 'busy' }), color: 'Attention' }];
    }
  }
  if (ref.from === 'minutes') return minutesFor(deps, actor, plan, notices);
  return { card: await card(deps, plan, session.doc, actor, viewers, notices, { open: 'plan' }) };
}

/** One action item, with its ETag. */
export async function readItem(deps: Deps, meetingId: string, itemId: string): Promise<Versioned<ActionItem> | undefined> {
  const found = await deps.stores.meetings.read(meetingId, actionId(itemId));
  return found && found.doc.kind === 'action' ? (found as Versioned<ActionItem>) : undefined;
}

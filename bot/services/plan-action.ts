import { changesOf, editable, isChanging, organizes } from '../domain/change';
import { planOnly } from '../domain/invitation';
import type { Meeting } from '../domain/meeting';
import { assertCurrent, needsLetters } from '../domain/planning';
import { Refusal } from '../domain/problems';
import { problemText, t } from '../i18n';
import { ConcurrencyError } from '../store/port';
import { planningCard } from '../../cards/planning';
import type { Notice } from '../../cards/render';
import type { ActionData, CardRef, SendRef } from './action-data';
import { loadOwnMeeting, readPlan, readView, welcome } from './meetings';
import type { Actor, CardReply, Deps } from './ports';
import { storeContact } from './settings';
import { statusView } from './status-view';
import { readUser } from './users';

/** A change of the plan by one card: the plan to save and a line to show on top. */
export type PlanChange = (meeting: Meeting, context: { deps: Deps; actor: Actor }) => { next: Meeting; notice?: Notice };

/**
 * Loads the plan a card names for the caseworker who convenes it (or its co-organizer), checks
 * the card is current, applies the change and saves it with the ETag read. A refused or stale
 * action leaves the plan as it was and answers with the current card and the reason, keeping
 * what the caseworker typed on a refused form.
 */
export async function actOnPlan(
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
    assertCurrent(meeting, ref.rev);
    const { next, notice } = change(meeting, { deps, actor });
    const saved = await deps.stores.meetings.replace(next, etag);
    return { saved: saved.doc as Meeting, notice };
  } catch (err) {
    if (err instanceof ConcurrencyError) return { reply: await refusedView(deps, actor, ref.meetingId, raw, new Refusal({ code: 'staleCard' })) };
    if (err instanceof Refusal) return { reply: await refusedView(deps, actor, ref.meetingId, raw, err) };
    throw err;
  }
}

/**
 * The card a plan is worked on with: the planning step of a draft or of a change being prepared,
 * else the status card. A summary whose letters would go out without the caseworker's contact
 * details asks for them there.
 */
export async function currentCard(deps: Deps, actor: Actor, meeting: Meeting, notices: Notice[] = [], ask: { confirmTime?: boolean } = {}): Promise<CardReply['card']> {
  if (meeting.status === 'draft' || isChanging(meeting)) {
    const plan = editable(meeting);
    const askContact = plan.step === 'summary' && needsLetters(plan) && !(await readUser(deps, actor.userKey))?.contact;
    return planningCard(plan, actor.reader, deps.now(), notices, { ...(isChanging(meeting) ? { changes: changesOf(meeting) } : {}), ...ask, askContact });
  }
  const view = (await readView(deps, meeting.id)) ?? planOnly(meeting);
  return statusView(deps, view, actor.reader, actor.address.userId, notices);
}

/**
 * Before invitations or a change go out with letters or calendar files: the caseworker's contact
 * details, which the letters' answer slips and the calendar files' organizer need. Missing, they
 * are asked for on the summary; typed there, they are checked and stored and the sending goes on;
 * the caseworker may also choose to send without them. Returns the card to answer with instead of
 * sending, or nothing when the sending may go on.
 */
export async function contactForLetters(deps: Deps, actor: Actor, ref: SendRef, raw: ActionData): Promise<{ reply: CardReply } | undefined> {
  const found = await readPlan(deps, ref.meetingId);
  // Anything else wrong with the press (not theirs, out of date, nothing to send) is answered by the sending itself.
  if (!found || !organizes(found.doc, actor.userKey) || found.doc.rev !== ref.rev || ref.withoutContact) return undefined;
  if (!needsLetters(editable(found.doc)) || (await readUser(deps, actor.userKey))?.contact) return undefined;
  if (!ref.contact) {
    const notice: Notice = { text: t(actor.reader.locale, 'summary.contactNeeded'), color: 'Warning' };
    return { reply: { card: await currentCard(deps, actor, found.doc, [notice]) } };
  }
  try {
    await storeContact(deps, actor, ref.contact);
    return undefined;
  } catch (err) {
    const refusal = err instanceof ConcurrencyError ? new Refusal({ code: 'busy' }) : err;
    if (!(refusal instanceof Refusal)) throw err;
    return { reply: await refusedView(deps, actor, ref.meetingId, raw, refusal) };
  }
}

/** The current card with the reasons of a refusal on top. */
async function refusedView(deps: Deps, actor: Actor, meetingId: string, raw: ActionData, refusal: Refusal): Promise<CardReply> {
  const { locale } = actor.reader;
  const notices: Notice[] = refusal.problems.map((p) => ({ text: problemText(locale, p), color: 'Attention' }));
  const current = await readPlan(deps, meetingId);
  if (!current) return welcome(deps, actor, notices);
  // A time outside the usual day is asked about: the "When?" card offers to confirm it.
  const card = await currentCard(deps, actor, current.doc, notices, { confirmTime: refusal.problems.some((p) => p.code === 'unusualTime') });
  const planning = current.doc.status === 'draft' || isChanging(current.doc);
  return { card: planning && !refusal.problems.some((p) => p.code === 'staleCard') ? keepTyped(card, raw) : card };
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

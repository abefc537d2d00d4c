import { changesOf, editable, isChanging } from '../domain/change';
import { planOnly } from '../domain/invitation';
import type { Meeting } from '../domain/meeting';
import { assertCurrent } from '../domain/planning';
import { Refusal } from '../domain/problems';
import { problemText } from '../i18n';
import { ConcurrencyError } from '../store/port';
import { planningCard } from '../../cards/planning';
import type { Notice } from '../../cards/render';
import type { ActionData, CardRef } from './action-data';
import { loadOwnMeeting, readPlan, readView, welcome } from './meetings';
import type { Actor, CardReply, Deps } from './ports';
import { statusView } from './status';

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

/** The card a plan is worked on with: the planning step of a draft or of a change being prepared, else the status card. */
export async function currentCard(deps: Deps, actor: Actor, meeting: Meeting, notices: Notice[] = [], ask: { confirmTime?: boolean } = {}): Promise<CardReply['card']> {
  if (meeting.status === 'draft' || isChanging(meeting)) {
    return planningCard(editable(meeting), actor.reader, deps.now(), notices, { ...(isChanging(meeting) ? { changes: changesOf(meeting) } : {}), ...ask });
  }
  const view = (await readView(deps, meeting.id)) ?? planOnly(meeting);
  return statusView(deps, view, actor.reader, actor.address.userId, notices);
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

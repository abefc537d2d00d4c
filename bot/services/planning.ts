import type { Meeting, PlanningStep } from '../domain/meeting';
import {
  addParticipant,
  assertCurrent,
  assertDraft,
  goTo,
  markSent,
  newDraft,
  removeParticipant,
  setRoles,
  setWhen,
  setWhy,
  oneOf,
} from '../domain/planning';
import { Refusal } from '../domain/problems';
import { t, problemText } from '../i18n';
import { ConcurrencyError, update } from '../store/documents';
import { planningCard, welcomeCard } from '../../cards/planning';
import type { Notice } from '../../cards/render';
import { deliverInvitations, statusView } from './invitations';
import { loadOwnMeeting } from './meetings';
import type { Actor, CardReply, Deps } from './ports';
import { setDraftPointer } from './users';

/** The fields a card action carries besides its inputs, read as plain strings. */
export type ActionData = Record<string, string>;

const STEPS: readonly PlanningStep[] = ['when', 'who', 'why', 'summary'];

/** The welcome card, offering to continue the caseworker's draft when there is one. */
export async function welcome(deps: Deps, actor: Actor, notices: Notice[] = []): Promise<CardReply> {
  const draftId = actor.draftMeetingId;
  const draft = draftId ? await deps.stores.meetings.read(draftId) : undefined;
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
  const found = id ? await deps.stores.meetings.read(id) : undefined;
  if (!found || found.doc.status !== 'draft' || found.doc.organizer.userKey !== actor.userKey) {
    return welcome(deps, actor, [{ text: problemText(actor.reader.locale, { code: 'meetingNotFound' }), color: 'Attention' }]);
  }
  return { card: planningCard(found.doc, actor.reader, deps.now()) };
}

/**
 * Applies one planning action to the draft it names. The card's revision must be the stored
 * one; a refused or stale action leaves the draft as it was and shows why, keeping what the
 * caseworker typed.
 */
export async function planAction(deps: Deps, actor: Actor, verb: string, data: ActionData): Promise<CardReply> {
  const { locale } = actor.reader;
  const loaded = await loadOwnMeeting(deps, actor, data.meetingId);
  if ('reply' in loaded) return loaded.reply;
  const { meeting, etag } = loaded;
  const now = deps.now();
  try {
    assertDraft(meeting);
    assertCurrent(meeting, Number(data.rev));
    if (verb === 'plan.discard') {
      await deps.stores.meetings.delete(meeting.id, etag);
      await setDraftPointer(deps, actor.userKey, undefined);
      deps.log.info('draft.discarded', { meeting: meeting.id });
      return welcome(deps, { ...actor, draftMeetingId: undefined }, [{ text: t(locale, 'summary.discarded'), color: 'Good' }]);
    }
    const { next, notice } = apply(meeting, verb, data, actor, deps);
    const saved = await deps.stores.meetings.replace(next, etag);
    if (verb === 'plan.send') return sent(deps, actor, saved.doc);
    return { card: planningCard(saved.doc, actor.reader, now, notice ? [notice] : []) };
  } catch (err) {
    if (err instanceof ConcurrencyError) return refused(deps, actor, data, new Refusal({ code: 'staleCard' }));
    if (err instanceof Refusal) return refused(deps, actor, data, err);
    throw err;
  }
}

function apply(meeting: Meeting, verb: string, data: ActionData, actor: Actor, deps: Deps): { next: Meeting; notice?: Notice } {
  const now = deps.now();
  const { locale } = actor.reader;
  switch (verb) {
    case 'plan.when':
      return {
        next: setWhen(meeting, pick(data, ['date', 'time', 'duration', 'placeKind', 'placeDetails']), meeting.when?.timeZone ?? actor.reader.timeZone, now),
      };
    case 'plan.who.add': {
      const input = pick(data, ['name', 'group', 'relation', 'contactKind', 'teamsUser', 'contactDetail', 'language']);
      const next = addParticipant(
        meeting,
        { ...input, teamsUserId: input.teamsUser, email: input.contactDetail, address: input.contactDetail },
        deps.newId(),
        now,
      );
      const added = next.participants[next.participants.length - 1];
      return { next, notice: { text: t(locale, 'notice.added', { name: added.name }), color: 'Good' } };
    }
    case 'plan.who.remove':
      return { next: removeParticipant(meeting, data.participantId ?? '', now), notice: { text: t(locale, 'notice.removed'), color: 'Good' } };
    case 'plan.who.save':
      return { next: setRoles(meeting, { consent: data.consent === 'true', chairId: data.chairId ?? '', secretaryId: data.secretaryId ?? '' }, actor.userKey, now) };
    case 'plan.why':
      return { next: setWhy(meeting, pick(data, ['purpose', 'topics', 'form']), now) };
    case 'plan.goto': {
      const step = oneOf(STEPS, data.step ?? '');
      if (!step) throw new Refusal({ code: 'unknownAction' });
      return { next: goTo(meeting, step, now) };
    }
    case 'plan.send':
      return { next: markSent(meeting, now) };
    default:
      throw new Refusal({ code: 'unknownAction' });
  }
}

/** After sending: the status card replaces the summary, and delivery starts once the answer is out. */
async function sent(deps: Deps, actor: Actor, meeting: Meeting): Promise<CardReply> {
  await setDraftPointer(deps, actor.userKey, undefined);
  deps.log.info('invitations.sent', { meeting: meeting.id, participants: meeting.participants.length });
  const view = statusView(deps, meeting, actor.reader);
  return {
    card: view,
    after: async () => {
      if (actor.cardActivityId) {
        await update(deps.stores.meetings, meeting.id, (doc) =>
          doc.statusCard ? undefined : { ...doc, statusCard: { conversationId: actor.address.conversationId, activityId: actor.cardActivityId! } },
        );
      }
      await deliverInvitations(deps, meeting.id);
    },
  };
}

async function refused(deps: Deps, actor: Actor, data: ActionData, refusal: Refusal): Promise<CardReply> {
  const { locale } = actor.reader;
  const current = await deps.stores.meetings.read(data.meetingId ?? '');
  const notices: Notice[] = refusal.problems.map((p) => ({ text: problemText(locale, p), color: 'Attention' }));
  if (!current) return welcome(deps, actor, notices);
  if (current.doc.status !== 'draft') return { card: statusView(deps, current.doc, actor.reader, notices) };
  const card = planningCard(current.doc, actor.reader, deps.now(), notices);
  return { card: refusal.problems.some((p) => p.code === 'staleCard') ? card : keepTyped(card, data) };
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
  const old = await deps.stores.meetings.read(meetingId);
  if (old && old.doc.status === 'draft' && old.doc.organizer.userKey === userKey) {
    await deps.stores.meetings.delete(meetingId, old.etag).catch((err: unknown) => {
      if (!(err instanceof ConcurrencyError)) throw err;
    });
  }
}

function pick<K extends string>(data: ActionData, keys: readonly K[]): Record<K, string> {
  return Object.fromEntries(keys.map((k) => [k, data[k] ?? ''])) as Record<K, string>;
}

import { organizes } from '../domain/change';
import { feedbackId, feedbackOf, type Feedback, type FeedbackInput, type FeedbackVia } from '../domain/feedback';
import type { Meeting, Participant } from '../domain/meeting';
import { Refusal } from '../domain/problems';
import type { Session } from '../domain/session';
import { problemText, t } from '../i18n';
import { AlreadyExistsError } from '../store/port';
import { feedbackCard, feedbackOverviewCard, feedbackScreenCard } from '../../cards/agreements';
import type { Notice } from '../../cards/render';
import type { MeetingRef } from './action-data';
import { readPlan, readView, refusedCard } from './meetings';
import type { Actor, CardReply, Deps } from './ports';
import { participantOf, readSession } from './session';
import { meetingChanged } from './tracking';
import { audit } from './audit';

/**
 * The participants' feedback (001): each person gives it once, on their own card in Teams, on
 * the caseworker's screen (the client and the family, one after another, none seeing another's
 * answers), or on their own page; the caseworker sees everyone's side by side. Each feedback is a
 * document of its own, created once: a second one from the same person is refused with their
 * first answers shown, and nothing is replaced silently.
 */

/** Feedback can be given from the summary phase on, and after the meeting has ended. */
function open(session: Session | undefined): boolean {
  return !!session && (session.state === 'ended' || (session.state === 'running' && session.phase === 'summary'));
}

/** Stores one person's feedback, once. Throws a Refusal (`feedbackGiven` for a second one) and stores nothing then. */
export async function recordFeedback(deps: Deps, plan: Meeting, session: Session | undefined, participantId: string, input: FeedbackInput, via: FeedbackVia, by: string): Promise<Feedback> {
  if (!open(session)) throw new Refusal({ code: 'notEnded' });
  // With the meeting's expiry (retention) at once, as its audit entries have it: the `track` job has nothing to stamp.
  const feedback: Feedback = { ...feedbackOf(plan, participantId, input, via, by, deps.now()), ...(plan.expiresAt ? { expiresAt: plan.expiresAt } : {}) };
  try {
    const saved = (await deps.stores.meetings.create(feedback)).doc as Feedback;
    deps.log.info('feedback.given', { meeting: plan.id, via });
    // The audit entry and the tracking job are independent writes, made at once.
    const [, tracked] = await Promise.all([audit(deps, plan, by, 'feedback.given', { ref: participantId }), meetingChanged(deps, plan.id)]);
    deps.jobs.runSoon(tracked);
    return saved;
  } catch (err) {
    if (err instanceof AlreadyExistsError) throw new Refusal({ code: 'feedbackGiven' });
    throw err;
  }
}

/** One person's feedback, if given. */
export async function readFeedback(deps: Deps, meetingId: string, participantId: string): Promise<Feedback | undefined> {
  const found = await deps.stores.meetings.read(meetingId, feedbackId(participantId));
  return found?.doc.kind === 'feedback' ? (found.doc as Feedback) : undefined;
}

/**
 * A participant gives their feedback: on their own card in Teams (they are the participant who
 * is this Teams user), or on the caseworker's screen (the caseworker names the person, someone
 * outside Teams, and gets the screen back for the next one).
 */
export async function giveFeedback(deps: Deps, actor: Actor, ref: MeetingRef & { participantId?: string; via: 'teams' | 'screen'; input: FeedbackInput }): Promise<CardReply> {
  const plan = (await readPlan(deps, ref.meetingId))?.doc;
  if (!plan) return refusedCard(actor, 'meetingNotFound');
  const session = (await readSession(deps, plan.id))?.doc;
  const { locale } = actor.reader;
  const person = ref.via === 'screen' ? screenPerson(plan, actor, ref.participantId) : participantOf(plan, actor.userKey);
  if (!person) {
    deps.log.warn('feedback.notAllowed', { meeting: plan.id, via: ref.via });
    return refusedCard(actor, ref.via === 'screen' ? 'notOrganizer' : 'notInvited');
  }
  try {
    const given = await recordFeedback(deps, plan, session, person.id, ref.input, ref.via, actor.userKey);
    if (ref.via === 'screen') return showScreen(deps, actor, plan, [{ text: t(locale, 'feedback.screenNext'), color: 'Good' }]);
    return { card: feedbackCard(plan, person, actor.reader, given, 'teams', [{ text: t(locale, 'feedback.thanks'), color: 'Good' }]) };
  } catch (err) {
    if (!(err instanceof Refusal)) throw err;
    const notices = err.problems.map((p): Notice => ({ text: problemText(locale, p), color: 'Attention' }));
    // A second feedback: the first one's answers, and nothing replaced. On the screen, nobody's answers are shown to the next person.
    const first = err.problems.some((p) => p.code === 'feedbackGiven') && ref.via === 'teams' ? await readFeedback(deps, plan.id, person.id) : undefined;
    if (ref.via === 'screen' && err.problems.some((p) => p.code === 'feedbackGiven')) return showScreen(deps, actor, plan, notices);
    return { card: feedbackCard(plan, person, actor.reader, first, ref.via, notices) };
  }
}

/** The caseworker's screen: the person chosen gets the form; without one, the list of those still to give feedback. */
export async function feedbackOnScreen(deps: Deps, actor: Actor, ref: MeetingRef & { participantId?: string }): Promise<CardReply> {
  const plan = (await readPlan(deps, ref.meetingId))?.doc;
  if (!plan) return refusedCard(actor, 'meetingNotFound');
  if (!organizes(plan, actor.userKey)) return refusedCard(actor, 'notOrganizer');
  if (!ref.participantId) return showScreen(deps, actor, plan);
  const person = screenPerson(plan, actor, ref.participantId);
  if (!person) return refusedCard(actor, 'participantUnknown');
  if (await readFeedback(deps, plan.id, person.id)) return showScreen(deps, actor, plan, [{ text: problemText(actor.reader.locale, { code: 'feedbackGiven' }), color: 'Warning' }]);
  return { card: feedbackCard(plan, person, actor.reader, undefined, 'screen') };
}

/** The caseworker's overview: everyone's feedback side by side. */
export async function feedbackOverview(deps: Deps, actor: Actor, ref: MeetingRef): Promise<CardReply> {
  const view = await readView(deps, ref.meetingId);
  if (!view) return refusedCard(actor, 'meetingNotFound');
  if (!organizes(view.plan, actor.userKey)) return refusedCard(actor, 'notOrganizer');
  await audit(deps, view.plan, actor.userKey, 'feedback.read');
  return { card: feedbackOverviewCard(view.plan, [...view.feedback.values()], actor.reader) };
}

/** Who gives feedback on the caseworker's screen: people outside Teams (the client, the family), and only through the caseworker. */
function screenPerson(plan: Meeting, actor: Actor, participantId: string | undefined): Participant | undefined {
  if (!organizes(plan, actor.userKey)) return undefined;
  return plan.participants.find((p) => p.id === participantId && !p.isOrganizer && p.contact.kind !== 'teams');
}

async function showScreen(deps: Deps, actor: Actor, plan: Meeting, notices: Notice[] = []): Promise<CardReply> {
  const view = await readView(deps, plan.id);
  const waiting = plan.participants.filter((p) => !p.isOrganizer && p.contact.kind !== 'teams' && !view?.feedback.has(p.id));
  return { card: feedbackScreenCard(plan, waiting, actor.reader, notices) };
}


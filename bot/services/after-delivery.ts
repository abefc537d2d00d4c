import type { Participant, SentDoc } from '../domain/meeting';
import type { MeetingDoc, MeetingView } from '../domain/meeting-docs';
import { minutesContent } from '../domain/minutes';
import type { UserRecord } from '../domain/user';
import { t } from '../i18n';
import { upsert } from '../store/port';
import { feedbackCard, minutesCard } from '../../cards/agreements';
import { defineFanout, sendToPersonalChat, type Fanout, type Outcome, type PersonStep } from './fanout';
import { readView } from './meetings';
import type { Deps } from './ports';
import { readUser } from './users';

/**
 * The two fan-outs that follow a meeting, with the same guarantees as the invitations (see
 * `fanout.ts`): the feedback card to every participant in Teams when the meeting ends, and the
 * minutes to every participant in Teams once the secretary sends them. Whoever Teams cannot reach
 * is recorded (`SentDoc`), so the caseworker gives them a printed copy or their page instead.
 */

interface Context {
  view: MeetingView;
  organizer: UserRecord | undefined;
}

/** The feedback card to every participant in Teams, the caseworker who convenes included (they took part too). */
export function feedbackFanout(deps: Deps): Fanout<{ meetingId: string }> {
  return defineFanout<{ meetingId: string }, Context, PersonStep>(deps, {
    kind: 'feedback-cards',
    meetingOf: (payload) => payload.meetingId,
    maxAttempts: 8,
    load: async ({ meetingId }) => {
      const view = await readView(deps, meetingId);
      if (view?.session?.state !== 'ended') return undefined;
      return { view, organizer: await readUser(deps, view.plan.organizer.userKey) };
    },
    steps: ({ view }) => view.plan.participants.filter((p) => p.contact.kind === 'teams').map((participant) => ({ id: participant.id, participant })),
    send: ({ view, organizer }, { participant }) =>
      sendToPersonalChat(deps, { meeting: view.plan, participant, organizer }, (reader) => ({
        card: feedbackCard(view.plan, participant, reader, view.feedback.get(participant.id), 'teams'),
        summary: t(reader.locale, 'feedback.summary'),
      })),
    project: ({ view }, { participant }, outcome) => recordSent(deps, view, participant.id, 'feedback', outcome),
  });
}

/** The minutes to every participant in Teams, each with their own action items to mark done, in their language. */
export function minutesFanout(deps: Deps): Fanout<{ meetingId: string }> {
  return defineFanout<{ meetingId: string }, Context, PersonStep>(deps, {
    kind: 'minutes',
    meetingOf: (payload) => payload.meetingId,
    maxAttempts: 8,
    load: async ({ meetingId }) => {
      const view = await readView(deps, meetingId);
      if (!view?.session || view.minutes?.state !== 'sent') return undefined;
      return { view, organizer: await readUser(deps, view.plan.organizer.userKey) };
    },
    steps: ({ view }) => teamsParticipants(view).map((participant) => ({ id: participant.id, participant })),
    send: ({ view, organizer }, { participant }) =>
      sendToPersonalChat(deps, { meeting: view.plan, participant, organizer }, (reader, viewer) => ({
        card: minutesCard(view.plan, minutesContent(view.plan, view.session!, view.actions, view.minutes), view.minutes, reader, { review: false, me: participant.id, viewer }),
        summary: t(reader.locale, 'minutes.summary'),
      })),
    project: ({ view }, { participant }, outcome) => recordSent(deps, view, participant.id, 'minutes', outcome),
    finish: async ({ view, organizer }) => {
      if (!organizer?.address) return;
      await deps.messenger.sendText(organizer.address, t(organizer.locale, 'minutes.sending'));
    },
  });
}

/** Everyone invited in Teams, but the caseworker who convenes (the minutes are theirs to review and send). */
function teamsParticipants(view: MeetingView): Participant[] {
  return view.plan.participants.filter((p) => !p.isOrganizer && p.contact.kind === 'teams');
}

/** How the card reached one person, in their own document (written again after a takeover: the same outcome, no change). */
async function recordSent(deps: Deps, view: MeetingView, participantId: string, what: SentDoc['what'], outcome: Outcome): Promise<void> {
  const doc: SentDoc = {
    kind: 'sent',
    id: `sent.${what}.${participantId}`,
    meetingId: view.plan.id,
    participantId,
    what,
    via: outcome.via,
    ...(outcome.card ? { card: outcome.card } : {}),
    ...(outcome.reason ? { reason: outcome.reason } : {}),
    at: deps.now().toUTC().toISO()!,
  };
  await upsert<MeetingDoc>(deps.stores.meetings, view.plan.id, doc.id, (current) => {
    const existing = current as SentDoc | undefined;
    return existing && existing.via === doc.via ? undefined : doc;
  });
}

import type { Meeting } from '../domain/meeting';
import { problemText } from '../i18n';
import { welcomeCard } from '../../cards/planning';
import type { Actor, CardReply, Deps } from './ports';

/**
 * Reads the meeting a card names, for the caseworker who convenes it. Anyone else, or a
 * meeting that is gone, gets the welcome card with the reason instead.
 */
export async function loadOwnMeeting(
  deps: Deps,
  actor: Actor,
  meetingId: string | undefined,
): Promise<{ meeting: Meeting; etag: string } | { reply: CardReply }> {
  const { locale } = actor.reader;
  const found = meetingId ? await deps.stores.meetings.read(meetingId) : undefined;
  if (!found) {
    return { reply: { card: welcomeCard(actor.reader, undefined, [{ text: problemText(locale, { code: 'meetingNotFound' }), color: 'Attention' }]) } };
  }
  if (found.doc.organizer.userKey !== actor.userKey) {
    deps.log.warn('meeting.notOrganizer', { meeting: found.doc.id });
    return { reply: { card: welcomeCard(actor.reader, undefined, [{ text: problemText(locale, { code: 'notOrganizer' }), color: 'Attention' }]) } };
  }
  return { meeting: found.doc, etag: found.etag };
}

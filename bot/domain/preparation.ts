import type { Meeting } from './meeting';

/**
 * Preparing a network meeting, from the guides (000, 004): a checklist the caseworker ticks on
 * the status card before the day. A reminder, per meeting, never a condition for sending.
 */

/** Everything the checklist may hold; which items a meeting has depends on where it is held. */
export const PREP_ITEMS = ['client', 'child', 'room', 'home', 'together', 'lobby'] as const;
export type PrepItem = (typeof PREP_ITEMS)[number];

/**
 * The items of this meeting's list: going through the meeting with the client, a child's part,
 * the room (or the client's home), everyone entering together (in a room or at home), and in an
 * online meeting admitting everyone from the lobby at once.
 */
export function preparationOf(meeting: Meeting): PrepItem[] {
  const kind = meeting.place?.kind ?? 'room';
  return kind === 'online' ? ['client', 'child', 'lobby'] : ['client', 'child', kind === 'home' ? 'home' : 'room', 'together'];
}

/** The items ticked now, from what the card sent: only this meeting's items, in the list's order. */
export function ticked(meeting: Meeting, sent: readonly string[]): PrepItem[] {
  return preparationOf(meeting).filter((item) => sent.includes(item));
}

import { listed, meetingRefsOf, mergedRef, type MeetingRef } from '../domain/meeting-ref';
import type { MeetingView } from '../domain/meeting-docs';
import { upsert } from '../store/port';
import { queries } from '../store/queries';
import { meetingsCard } from '../../cards/meetings';
import type { Actor, CardReply, Deps } from './ports';

/** How many list entries one query reads at most: a caseworker's recent and coming meetings. */
const READ_LIMIT = 100;

/**
 * Brings the list entries of a meeting up to date (the caseworker's, and the co-organizer's),
 * writing only those that changed. A projection: the plan is the truth, and any later sync of
 * the same meeting repairs an entry a crash left behind.
 */
export async function syncMeetingRefs(deps: Deps, view: MeetingView): Promise<void> {
  const refs = meetingRefsOf(view);
  for (const ref of refs) {
    // Merged with what is stored: a view read before a newer change never puts the older state back.
    await upsert(deps.stores.meetingIndex, ref.userKey, ref.id, (current) => {
      const merged = mergedRef(current, ref);
      return current && same(current, merged) ? undefined : merged;
    });
  }
  // A colleague who is no longer co-organizer loses the meeting from their list (and from the live timer's choices) at once.
  const kept = new Set(refs.map((r) => r.userKey));
  for (const key of view.plan.formerCoOrganizers ?? []) if (!kept.has(key)) await forgetMeetingRef(deps, key, view.plan.id);
}

/** The caseworker's meetings: one query in their own partition, never a scan of all meetings. */
export async function showMeetings(deps: Deps, actor: Actor): Promise<CardReply> {
  const rows = await deps.stores.meetingIndex.query(queries.meetingsOf(actor.userKey, READ_LIMIT));
  const { upcoming, recent } = listed(
    rows.map((r) => r.doc),
    deps.now().toUTC().toISO()!,
  );
  return { card: meetingsCard(upcoming, recent, actor.reader) };
}

/** Removes an entry that no longer belongs in this caseworker's list (they are no longer co-organizer). */
export async function forgetMeetingRef(deps: Deps, userKey: string, meetingId: string): Promise<void> {
  const found = await deps.stores.meetingIndex.read(userKey, `meeting.${meetingId}`);
  if (found) await deps.stores.meetingIndex.delete(userKey, found.doc.id, found.etag).catch(() => undefined);
}

/** The same entry as far as the list shows it (which revisions it was drawn from aside), whatever the order of its fields. */
function same(a: MeetingRef, b: MeetingRef): boolean {
  const shown = ({ drawnAt: _drawnAt, ...rest }: MeetingRef) => JSON.stringify(rest, (_key, value: unknown) => (value && typeof value === 'object' && !Array.isArray(value) ? Object.fromEntries(Object.entries(value).sort(([x], [y]) => x.localeCompare(y))) : value));
  return shown(a) === shown(b);
}

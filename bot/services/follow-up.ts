import { createHash } from 'node:crypto';
import { DateTime } from 'luxon';
import type { Meeting } from '../domain/meeting';
import { planOnly } from '../domain/invitation';
import { followUpDraft, inOrder } from '../domain/plan';
import type { Session } from '../domain/session';
import { AlreadyExistsError } from '../store/port';
import { syncMeetingRefs } from './meeting-list';
import type { Deps } from './ports';
import { readItems } from './meetings';

/**
 * The follow-up meeting (004: the follow-up starts from the previous plan): when a meeting that
 * agreed a follow-up date ends, a draft waits in the caseworker's "My meetings" with the same
 * people, the open action items and the previous purpose, for them to check and send. Made once:
 * its id follows from the meeting's, so ending twice (an end undone and ended again) finds it.
 */
export async function createFollowUp(deps: Deps, plan: Meeting, session: Session): Promise<Meeting | undefined> {
  const followUp = session.outcome?.followUp;
  if (!followUp || followUp === 'undecided') return undefined;
  const open = inOrder(await readItems(deps, plan.id)).filter((item) => !item.done);
  const draft = followUpDraft(plan, session.outcome!, open, { meetingId: followUpId(plan.id), participant: (p) => derivedId(plan.id, p.id) }, deps.now());
  // A follow-up date agreed on the day itself or before now cannot be planned: the caseworker picks the date in the draft.
  const start = DateTime.fromISO(draft.when!.start);
  const planned = start > deps.now() ? draft : { ...draft, when: undefined, step: 'when' as const };
  try {
    await deps.stores.meetings.create(planned);
  } catch (err) {
    if (err instanceof AlreadyExistsError) return undefined;
    throw err;
  }
  await syncMeetingRefs(deps, planOnly(planned));
  deps.log.info('followUp.drafted', { meeting: plan.id, followUp: planned.id, items: open.length });
  return planned;
}

/** The id of the follow-up meeting drafted when this meeting ended. */
export function followUpId(meetingId: string): string {
  return derivedId(meetingId, 'follow-up');
}

/** An id of the shape Samråd issues (a UUID), derived from a meeting id and a name: the same every time. */
function derivedId(meetingId: string, name: string): string {
  const hex = createHash('sha256').update(`${meetingId}|${name}`).digest('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-5${hex.slice(13, 16)}-${((parseInt(hex[16], 16) & 0x3) | 0x8).toString(16)}${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}

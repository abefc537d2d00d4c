import type { Meeting, Participant } from '../domain/meeting';
import { confirmedBy, personRefsOf, sameRef, type PersonRef } from '../domain/people';
import { meetingDate } from '../domain/plan';
import type { JobRef } from '../jobs/job';
import { jobType } from '../jobs/kind';
import { jobKind, type JobKind } from '../jobs/runner';
import { upsert } from '../store/port';
import { queries } from '../store/queries';
import { readPlan } from './meetings';
import type { Deps } from './ports';

/**
 * The index by person (`domain/people.ts`), kept with the meetings: after a meeting is sent or a
 * change of it is sent, a job writes an entry in the `people` container for each key of each
 * person the plan holds. A projection, as the caseworkers' lists are: the plan is the truth, a
 * later run repairs what a crash left out, and a lookup checks every entry against its plan.
 */

/** The job that brings a meeting's entries in the index by person up to date (coalescing: a burst of changes makes few runs). */
export const PEOPLE_JOB = jobType<{ meetingId: string }>({ kind: 'people', maxAttempts: 8, coalesce: true, spacingMs: 1000 });

/** How many entries are written at once. */
const WRITERS = 8;

/** The most meetings one lookup shows: more than anyone's network meetings in the retention period. */
export const FIND_LIMIT = 100;

/** Asks for a meeting's entries in the index by person to be brought up to date, after the answer. */
export function indexPeople(deps: Deps, meetingId: string): Promise<JobRef> {
  return deps.jobs.enqueue(PEOPLE_JOB, meetingId, { meetingId }, deps.now());
}

/** The job: the plan as stored, its entries written where they are missing or out of date. */
export function peopleJob(deps: Deps): JobKind<{ meetingId: string }> {
  return jobKind(PEOPLE_JOB, async (context) => {
    const plan = (await readPlan(deps, context.job.payload.meetingId))?.doc;
    if (plan) await syncPeople(deps, plan);
  });
}

/** Writes the plan's entries in the index by person (only those missing or changed); returns how many were written. */
export async function syncPeople(deps: Deps, plan: Meeting): Promise<number> {
  const refs = personRefsOf(plan, deps.now());
  let written = 0;
  for (let i = 0; i < refs.length; i += WRITERS) {
    await Promise.all(
      refs.slice(i, i + WRITERS).map(async (ref) => {
        await upsert(deps.stores.people, ref.personKey, ref.id, (current) => {
          if (current && sameRef(current, ref)) return undefined;
          written += 1;
          return ref;
        });
      }),
    );
  }
  if (written > 0) deps.log.info('people.indexed', { meeting: plan.id, entries: written });
  return written;
}

/** One meeting a person was found in: the plan and the participant they are in it. */
export interface Found {
  plan: Meeting;
  participant: Participant;
}

/**
 * Every meeting of this tenant in which the person with this key appears (for a name, on this
 * day): one query in the key's partition, then each meeting's plan read to confirm it. An entry
 * its plan no longer bears out (the person was removed before a change was sent, or erased, or
 * the meeting is gone) is left out and deleted. Latest meetings first.
 */
export async function findPerson(deps: Deps, tenantId: string, key: string, day?: string): Promise<Found[]> {
  const rows = await deps.stores.people.query(queries.personRefs(key, tenantId));
  const found: Found[] = [];
  const plans = new Map<string, Promise<Meeting | undefined>>();
  const planOf = (id: string) => {
    if (!plans.has(id)) plans.set(id, readPlan(deps, id).then((p) => p?.doc));
    return plans.get(id)!;
  };
  for (const row of rows.slice(0, FIND_LIMIT * 4)) {
    const ref: PersonRef = row.doc;
    if (day && ref.day !== day) continue;
    const plan = await planOf(ref.meetingId);
    const participant = confirmedBy(plan, ref);
    if (!plan || !participant) {
      await deps.stores.people.delete(ref.personKey, ref.id, row.etag).catch(() => undefined);
      deps.log.info('people.staleDropped', { meeting: ref.meetingId });
      continue;
    }
    // A name is looked up with its day: a meeting moved to another day since the entry was written is not that day's.
    if (day && meetingDate(plan) !== day) continue;
    if (!found.some((f) => f.plan.id === plan.id && f.participant.id === participant.id)) found.push({ plan, participant });
  }
  return found.sort((a, b) => (b.plan.when?.start ?? '').localeCompare(a.plan.when?.start ?? '')).slice(0, FIND_LIMIT);
}

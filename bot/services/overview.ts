import { DateTime } from 'luxon';
import { countryOfZone, nextWorkingMoment, WORKING_HOURS } from '../domain/calendar';
import { overviewFigures, overviewPartitions, type MeetingSummary } from '../domain/overview';
import { t } from '../i18n';
import { jobType } from '../jobs/kind';
import { jobKind, type JobContext, type JobKind } from '../jobs/runner';
import { queries } from '../store/queries';
import type { Reader } from '../../cards/format';
import { overviewCard } from '../../cards/overview';
import type { AdaptiveCard } from '../../cards/render';
import { refusedCard } from './meetings';
import type { Actor, CardReply, Deps } from './ports';
import { readUser } from './users';

/**
 * The coordinators' overview of their organisation's network meetings (MISSION 20: meetings held,
 * minutes, action items done on time, the feedback over time). Only a coordinator of the tenant
 * sees it, checked on every press; it is drawn from the meeting summaries of the months it shows
 * (`bot/domain/overview.ts`), never from the meetings themselves, so it cannot show a client.
 */

/** The overview for the person asking, or a short refusal (and nothing else) when they are not a coordinator. */
export async function showOverview(deps: Deps, actor: Actor): Promise<CardReply> {
  if (!(await deps.coordinators.isCoordinator(actor.tenantId, actor.userId))) {
    deps.log.info('overview.refused', { tenant: actor.tenantId });
    return refusedCard(actor, 'notCoordinator');
  }
  // From the first time they look, the overview comes to them every week too.
  await deps.jobs.enqueue(DIGEST_JOB, actor.userKey, { tenantId: actor.tenantId, objectId: actor.userId, userKey: actor.userKey }, nextDigest(deps, deps.now(), actor.reader.timeZone));
  return { card: await overviewCardFor(deps, actor.tenantId, actor.reader) };
}

/** The weekly digest of one coordinator: a recurring job, keyed by the coordinator, that schedules its next week under its claim. */
export const DIGEST_JOB = jobType<{ tenantId: string; objectId: string; userKey: string }>({ kind: 'digest', maxAttempts: 5 });

/** Monday 08:00 in the coordinator's zone after `after` (or the next working morning, when Monday is a holiday). */
export function nextDigest(deps: Pick<Deps, 'defaultTimeZone'>, after: DateTime, zone: string | undefined): DateTime {
  const local = after.setZone(zone ?? deps.defaultTimeZone);
  const monday = local.startOf('week').plus({ weeks: 1 }).set({ hour: WORKING_HOURS.from });
  return nextWorkingMoment(monday, local.zoneName!, countryOfZone(local.zoneName!, countryOfZone(deps.defaultTimeZone, 'SE'))).toUTC();
}

/**
 * Sends the coordinator the overview card every Monday morning, while they are a coordinator (it
 * stops when they are no longer one) and have a chat with Samråd. At least once: the intent is
 * written before the send, so a crash in between sends that one digest again.
 */
export function digestJob(deps: Deps): JobKind<{ tenantId: string; objectId: string; userKey: string }, { sending?: boolean; sent?: boolean }> {
  return jobKind(DIGEST_JOB, async (context: JobContext<{ tenantId: string; objectId: string; userKey: string }, { sending?: boolean; sent?: boolean }>) => {
    const { tenantId, objectId, userKey } = context.job.payload;
    if (!(await deps.coordinators.isCoordinator(tenantId, objectId))) {
      deps.log.info('digest.stopped', { tenant: tenantId });
      return;
    }
    const user = await readUser(deps, userKey);
    // From now, not from when it was due: after a long stop one digest catches up, not one per week missed.
    const next = nextDigest(deps, deps.now(), user?.timeZone);
    if (!user?.address || context.progress?.sent) return { next };
    await context.save({ sending: true });
    const reader = { locale: user.locale, timeZone: user.timeZone ?? deps.defaultTimeZone };
    await deps.messenger.sendCard(user.address, await overviewCardFor(deps, tenantId, reader), t(user.locale, 'overview.digestSummary'));
    await context.save({ sent: true });
    deps.log.info('digest.sent', { tenant: tenantId });
    return { next };
  });
}

/**
 * The overview card of one tenant, for one reader (their language and time zone; the
 * organisation's zone when the reader has none): what a job sends each coordinator. The caller
 * decides who may see it.
 */
export async function overviewCardFor(deps: Deps, tenantId: string, reader: Reader): Promise<AdaptiveCard> {
  const now = deps.now();
  // One single-partition query per month shown: the cost follows those months, never all meetings.
  const months = await Promise.all(overviewPartitions(tenantId, now).map((partition) => deps.stores.overview.query(queries.overviewMonth(partition))));
  const summaries: MeetingSummary[] = months.flat().map((row) => row.doc).filter((doc) => doc.kind === 'meetingSummary' && doc.tenantId === tenantId);
  const timeZone = reader.timeZone ?? deps.defaultTimeZone;
  deps.log.info('overview.drawn', { tenant: tenantId, meetings: summaries.length });
  return overviewCard(overviewFigures(summaries, now, timeZone), { locale: reader.locale, timeZone }, now);
}

import { overviewFigures, overviewPartitions, type MeetingSummary } from '../domain/overview';
import { queries } from '../store/queries';
import type { Reader } from '../../cards/format';
import { overviewCard } from '../../cards/overview';
import type { AdaptiveCard } from '../../cards/render';
import { refusedCard } from './meetings';
import type { Actor, CardReply, Deps } from './ports';

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
  return { card: await overviewCardFor(deps, actor.tenantId, actor.reader) };
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

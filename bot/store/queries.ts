import type { MeetingDoc } from '../domain/meeting-docs';
import type { MeetingRef } from '../domain/meeting-ref';
import type { MeetingSummary } from '../domain/overview';
import type { PersonRef } from '../domain/people';
import type { NamedQuery } from './port';

/**
 * Every query Samråd runs, by name. Services ask for a query by calling one of these; the SQL
 * stays here, next to the containers it runs on. Each says what its cost grows with.
 */
export const queries = {
  /** Every document of one meeting: the plan, the answers, the deliveries. One partition. */
  meeting(meetingId: string): NamedQuery<MeetingDoc> {
    return { name: 'meeting.all', partition: meetingId, sql: 'SELECT * FROM c', parameters: {} };
  },

  /**
   * Every document of one meeting but its audit trail: what a view of it is made of (the plan, the
   * answers, the deliveries, the session, …). One partition; the audit entries, one per answer and
   * per look at the status card, grow without bound and are read only where they are wanted.
   */
  meetingView(meetingId: string): NamedQuery<MeetingDoc> {
    return { name: 'meeting.view', partition: meetingId, sql: "SELECT * FROM c WHERE c.kind != 'audit'", parameters: {} };
  },

  /** The documents of one meeting (its audit trail included) that do not expire at this instant yet. One partition; usually the few written since the last stamp. */
  meetingNotExpiringAt(meetingId: string, expiresAt: string): NamedQuery<MeetingDoc> {
    return { name: 'meeting.toStamp', partition: meetingId, sql: 'SELECT * FROM c WHERE NOT IS_DEFINED(c.expiresAt) OR c.expiresAt != @expiresAt', parameters: { expiresAt } };
  },

  /** The action items of one meeting. One partition. */
  meetingActions(meetingId: string): NamedQuery<MeetingDoc> {
    return { name: 'meeting.actions', partition: meetingId, sql: "SELECT * FROM c WHERE c.kind = 'action'", parameters: {} };
  },

  /** The meetings in one caseworker's list, latest first. One partition: the caseworker's own. */
  meetingsOf(userKey: string, limit: number): NamedQuery<MeetingRef> {
    return {
      name: 'meetingIndex.of',
      partition: userKey,
      sql: "SELECT TOP @limit * FROM c WHERE c.kind = 'meetingRef' ORDER BY c.start DESC",
      parameters: { limit },
    };
  },

  /**
   * The meeting summaries of one tenant's month (`overviewPartition`). One partition: an overview
   * runs one per month it shows (fifteen), so its cost follows the meetings of those months, never
   * all meetings ever held.
   */
  overviewMonth(partition: string): NamedQuery<MeetingSummary> {
    return { name: 'overview.month', partition, sql: "SELECT * FROM c WHERE c.kind = 'meetingSummary'", parameters: {} };
  },

  /** The latest entries of a meeting's audit trail, newest first (their ids sort by time). One partition. */
  auditTrail(meetingId: string, limit: number): NamedQuery<MeetingDoc> {
    return { name: 'meeting.audit', partition: meetingId, sql: "SELECT TOP @limit * FROM c WHERE c.kind = 'audit' ORDER BY c.id DESC", parameters: { limit } };
  },

  /**
   * Where one person appears, by one of their keys (`domain/people.ts`: `aad-…`, `email-…`,
   * `name-…`), in one tenant. One partition: the person's own, so finding someone reads the
   * entries under that key, never the meetings.
   */
  personRefs(personKey: string, tenantId: string): NamedQuery<PersonRef> {
    return { name: 'people.of', partition: personKey, sql: "SELECT * FROM c WHERE c.kind = 'personRef' AND c.tenantId = @tenant", parameters: { tenant: tenantId } };
  },
};

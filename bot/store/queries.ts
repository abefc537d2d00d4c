import type { MeetingDoc } from '../domain/meeting';
import type { MeetingRef } from '../domain/meeting-ref';
import type { JobDoc } from '../jobs/job';
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
   * Jobs of one due-hour that can be claimed now: ready and due, or running under a claim
   * that expired (its owner stopped). One partition, so the cost follows what falls due that hour.
   */
  claimableJobs(bucket: string, nowIso: string, limit: number): NamedQuery<JobDoc> {
    return {
      name: 'jobs.claimable',
      partition: bucket,
      sql:
        "SELECT TOP @limit * FROM c WHERE c.type = 'job' AND ((c.state = 'ready' AND c.dueAt <= @now) OR (c.state = 'running' AND c.claim.until <= @now)) ORDER BY c.dueAt",
      parameters: { limit, now: nowIso },
    };
  },

  /** Whether any job of one due-hour is still to be done (ready or running). One partition. */
  openJobs(bucket: string): NamedQuery<JobDoc> {
    return {
      name: 'jobs.open',
      partition: bucket,
      sql: "SELECT TOP 1 * FROM c WHERE c.type = 'job' AND (c.state = 'ready' OR c.state = 'running')",
      parameters: {},
    };
  },

  /** Jobs that gave up (dead letters), newest first, for the operator. One partition per hour. */
  deadJobs(bucket: string, limit: number): NamedQuery<JobDoc> {
    return {
      name: 'jobs.dead',
      partition: bucket,
      sql: "SELECT TOP @limit * FROM c WHERE c.type = 'job' AND c.state = 'dead' ORDER BY c.updatedAt DESC",
      parameters: { limit },
    };
  },
};

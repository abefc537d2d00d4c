/**
 * What Samråd records of a meeting's nudges, in the meeting's partition: each nudge sent, snoozed
 * or marked done, and what was last scheduled. The rules that read them are in `nudges.ts`.
 */

/** What Samråd keeps of a nudge, in the meeting's partition: when it was sent, snoozed or marked done. */
export interface NudgeDoc {
  kind: 'nudge';
  /** `nudge.<key>` */
  id: string;
  meetingId: string;
  key: string;
  sentAt?: string;
  /** Pressed "remind me later": it comes again then. */
  snoozedUntil?: string;
  /** Pressed "done" (for a nudge that is not about an action item): it does not come again. */
  dismissedAt?: string;
  /** A user key, never a name. */
  by?: string;
  updatedAt: string;
}

/**
 * What the services last scheduled for a meeting (one document in its partition): each nudge's
 * key and time, so a change that makes one no longer apply cancels its job, and the partition of
 * the meeting's line in the coordinators' overview, so a moved meeting's old line is removed.
 */
export interface TrackingDoc {
  kind: 'tracking';
  /** Always `tracking`: one per meeting. */
  id: string;
  meetingId: string;
  nudges: Record<string, string>;
  summaryPartition?: string;
  /** The expiry last stamped on the meeting's documents (retention). */
  expiresAt?: string;
  updatedAt: string;
}

/** The id of a nudge's document. */
export function nudgeDocId(key: string): string {
  return `nudge.${key}`;
}

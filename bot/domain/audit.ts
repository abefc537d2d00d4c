import { randomBytes } from 'node:crypto';
import type { DateTime } from 'luxon';

/**
 * The audit trail of a meeting: one small document per entry, in the meeting's own partition,
 * written once and never changed (append-only). An entry says when, who (a user key, a person's
 * page `page:<participant id>`, a signed link that names nobody `link`, or `system`) and what (a
 * short code); at most the id of the participant or action item it concerns. Never a name, never
 * what anyone wrote: the trail survives an erasure of a person's data with its ids intact.
 */

/** What an entry records: who changed what, and who read what where it matters. */
export const AUDIT_ACTIONS = [
  // The caseworker (or co-organizer) plans and changes the meeting.
  'plan.sent',
  'change.started',
  'change.discarded',
  'change.sent',
  'plan.cancelled',
  'status.read',
  'comments.read',
  'pages.read',
  'link.reissued',
  'answer.recorded',
  // Invitees answer, on their card or their page.
  'answer.given',
  // Meeting mode.
  'session.opened',
  'session.started',
  'session.ended',
  'session.reopened',
  'item.saved',
  'item.done',
  'item.undone',
  'feedback.given',
  'feedback.read',
  'minutes.noted',
  'minutes.sent',
  'minutes.read',
  // People outside Teams: their page, their letter; the caseworker's export.
  'page.read',
  'letter.read',
  'export.read',
  // Retention: the caseworker keeps a meeting longer, once.
  'retention.extended',
  // The data-protection officer.
  'person.found',
  'person.export.read',
  'person.erased',
  'meeting.erased',
  'audit.read',
] as const;
export type AuditAction = (typeof AUDIT_ACTIONS)[number];

/** One entry of a meeting's audit trail, as its own document in the meeting's partition. */
export interface AuditDoc {
  kind: 'audit';
  /** `audit.<time-ordered unique value>` (`auditId`): sorting the ids sorts the entries by time. */
  id: string;
  meetingId: string;
  at: string;
  /** A user key, `page:<participant id>`, `link` or `system`; never a name. */
  by: string;
  action: AuditAction;
  /** The participant or action item the entry is about, by id; absent when it is about the meeting. */
  ref?: string;
  /** The meeting's tenant, on the entry that records the whole meeting's erasure: the trail outlives the plan. */
  tenantId?: string;
}

/** Who acted through a signed link that names nobody (the caseworker's export link, a letter or printable-minutes link). */
export const BY_LINK = 'link';
/** Samråd itself (a job). */
export const BY_SYSTEM = 'system';

let lastMs = 0;
let sequence = 0;

/**
 * A time-ordered unique id: the instant in milliseconds (13 digits, so text order is time order),
 * a sequence number that keeps entries written in the same millisecond by this process in order,
 * and random bytes that keep two processes apart. `unique` replaces the random part where the
 * writer must be able to write the same entry again without a second copy (a job resumed after a
 * crash): the id is then the same every time.
 */
export function auditId(now: DateTime, unique?: string): string {
  const ms = Math.max(0, Math.floor(now.toMillis()));
  if (unique !== undefined) return `audit.${String(ms).padStart(13, '0')}.${unique}`;
  sequence = ms === lastMs ? sequence + 1 : 0;
  lastMs = ms;
  return `audit.${String(ms).padStart(13, '0')}.${sequence.toString(36).padStart(3, '0')}${randomBytes(5).toString('hex')}`;
}

/** A new entry. */
export function auditEntry(meetingId: string, by: string, action: AuditAction, now: DateTime, options: { ref?: string; unique?: string; tenantId?: string } = {}): AuditDoc {
  return {
    kind: 'audit',
    id: auditId(now, options.unique),
    meetingId,
    at: now.toUTC().toISO()!,
    by,
    action,
    ...(options.ref ? { ref: options.ref } : {}),
    ...(options.tenantId ? { tenantId: options.tenantId } : {}),
  };
}

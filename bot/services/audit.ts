import { AlreadyExistsError } from '../store/port';
import { DateTime } from 'luxon';
import { auditEntry, auditId, type AuditAction, type AuditDoc } from '../domain/audit';
import type { MeetingDoc } from '../domain/meeting-docs';
import { queries } from '../store/queries';
import type { Deps } from './ports';

/**
 * Writes the audit trail (`domain/audit.ts`): one create per entry in the meeting's partition, no
 * read, so recording who changed or read something costs one request. An entry that cannot be
 * written is logged (ids only) and never fails what the person was doing: the trail is a record
 * of the action, not a condition for it.
 */

/** What an entry may add: the participant or action item it is about, and a fixed identity for a writer that may write it again (a resumed job). */
export interface AuditOptions {
  ref?: string;
  /**
   * For a writer that may write the same entry again (a job resumed after a crash): the entry's
   * id is this key, ordered by this instant (the request's), so a second write finds the first
   * one there and adds nothing.
   */
  once?: { key: string; orderedAt: string };
  /** Only on the entry of a whole meeting's erasure (see `AuditDoc.tenantId`). */
  tenantId?: string;
  /** When the entry expires, where no plan is given to take it from (retention). */
  expiresAt?: string;
}

/**
 * Records one entry: `by` did `action` on the meeting (never throws). Given the plan rather than
 * its id, the entry expires with the meeting's other documents (the plan's `expiresAt`, retention).
 */
export async function audit(deps: Pick<Deps, 'stores' | 'now' | 'log'>, meeting: string | { id: string; expiresAt?: string }, by: string, action: AuditAction, options: AuditOptions = {}): Promise<void> {
  const meetingId = typeof meeting === 'string' ? meeting : meeting.id;
  const expiresAt = typeof meeting === 'string' ? options.expiresAt : (meeting.expiresAt ?? options.expiresAt);
  const now = deps.now();
  const entry: AuditDoc = {
    ...auditEntry(meetingId, by, action, now, { ...(options.ref ? { ref: options.ref } : {}), ...(options.tenantId ? { tenantId: options.tenantId } : {}) }),
    ...(options.once ? { id: auditId(DateTime.fromISO(options.once.orderedAt, { zone: 'utc' }), options.once.key) } : {}),
    ...(expiresAt ? { expiresAt } : {}),
  };
  try {
    await deps.stores.meetings.create(entry);
  } catch (err) {
    // The same entry written again by a resumed job is already there: nothing is missing.
    if (err instanceof AlreadyExistsError && options.once) return;
    deps.log.error('audit.notWritten', { meeting: meetingId, action, error: (err as Error).name });
  }
}

/** The latest entries of a meeting's trail, newest first (one query in its partition); `more` when older ones were left out. */
export async function readAudit(deps: Pick<Deps, 'stores'>, meetingId: string, limit: number): Promise<{ entries: AuditDoc[]; more: boolean }> {
  const rows = await deps.stores.meetings.query(queries.auditTrail(meetingId, limit + 1));
  const entries = rows.map((r) => r.doc).filter((d): d is AuditDoc & MeetingDoc => d.kind === 'audit');
  return { entries: entries.slice(0, limit), more: entries.length > limit };
}

import type { UserRecord } from '../domain/user';
import { AlreadyExistsError, update } from '../store/port';
import type { Actor, Deps } from './ports';

/**
 * Remembers how to reach a Teams user and in which language, writing only when something
 * changed, so an ordinary message costs one point read.
 */
export async function rememberUser(deps: Deps, actor: Actor): Promise<UserRecord> {
  const wanted = (current?: UserRecord): UserRecord => ({
    ...current,
    id: actor.userKey,
    userKey: actor.userKey,
    tenantId: actor.tenantId,
    locale: actor.reader.locale,
    timeZone: actor.reader.timeZone,
    address: actor.address,
    updatedAt: current?.updatedAt ?? deps.now().toUTC().toISO()!,
  });
  const existing = await deps.stores.users.read(actor.userKey, actor.userKey);
  if (!existing) {
    try {
      return (await deps.stores.users.create({ ...wanted(), updatedAt: deps.now().toUTC().toISO()! })).doc;
    } catch (err) {
      if (!(err instanceof AlreadyExistsError)) throw err;
    }
  } else if (same(existing.doc, wanted(existing.doc))) {
    return existing.doc;
  }
  const saved = await update(deps.stores.users, actor.userKey, actor.userKey, (doc) =>
    same(doc, wanted(doc)) ? undefined : { ...wanted(doc), updatedAt: deps.now().toUTC().toISO()! },
  );
  return saved!.doc;
}

/** Points the user's record at their open draft (or at none). */
export async function setDraftPointer(deps: Deps, userKey: string, meetingId: string | undefined): Promise<void> {
  await update(deps.stores.users, userKey, userKey, (doc) => {
    if (doc.draftMeetingId === meetingId) return undefined;
    const { draftMeetingId: _old, ...rest } = doc;
    return meetingId ? { ...rest, draftMeetingId: meetingId } : rest;
  });
}

function same(a: UserRecord, b: UserRecord): boolean {
  return JSON.stringify({ ...a, updatedAt: '' }) === JSON.stringify({ ...b, updatedAt: '' });
}

/** A user's record, if Samråd knows them. */
export async function readUser(deps: Deps, key: string): Promise<UserRecord | undefined> {
  return (await deps.stores.users.read(key, key))?.doc;
}

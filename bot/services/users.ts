import { isKnownZone } from '../domain/time';
import { zoneOf, type UserRecord } from '../domain/user';
import { update, upsert } from '../store/port';
import type { Actor, Deps } from './ports';

/**
 * Remembers how to reach a Teams user, in which language and in which time zone (see `zoneOf`:
 * a zone they chose stays whatever Teams sends; without any from Teams, the organisation's
 * default, saying so), writing only when something changed, so an ordinary message costs one
 * point read.
 */
export async function rememberUser(deps: Deps, actor: Actor): Promise<UserRecord> {
  const wanted = (current?: UserRecord): UserRecord => ({
    ...current,
    id: actor.userKey,
    userKey: actor.userKey,
    tenantId: actor.tenantId,
    locale: actor.reader.locale,
    ...zoneOf(current, actor.teamsTimeZone, deps.defaultTimeZone),
    address: actor.address,
    updatedAt: current?.updatedAt ?? deps.now().toUTC().toISO()!,
  });
  const existing = await deps.stores.users.read(actor.userKey, actor.userKey);
  if (existing && same(existing.doc, wanted(existing.doc))) return existing.doc;
  // Created, or changed from the version just read (its ETag); after a conflict, from a fresh read.
  const saved = await upsert(
    deps.stores.users,
    actor.userKey,
    actor.userKey,
    (doc) => (doc && same(doc, wanted(doc)) ? undefined : { ...wanted(doc), updatedAt: deps.now().toUTC().toISO()! }),
    { read: { current: existing } },
  );
  return saved!.doc;
}

/** The actor as their record has them: the time zone they chose (or Teams' last, or the default) is the one their cards show. */
export function withUserZone<A extends Actor>(actor: A, user: UserRecord | undefined): A {
  const zone = user?.timeZone;
  return isKnownZone(zone) && zone !== actor.reader.timeZone ? { ...actor, reader: { ...actor.reader, timeZone: zone } } : actor;
}

/** Points the user's record at their open draft (or at none). */
export async function setDraftPointer(deps: Deps, userKey: string, meetingId: string | undefined): Promise<void> {
  await update(deps.stores.users, userKey, userKey, (doc) => {
    if (doc.draftMeetingId === meetingId) return undefined;
    const { draftMeetingId: _old, ...rest } = doc;
    return meetingId ? { ...rest, draftMeetingId: meetingId } : rest;
  });
}

/** The same record but for `updatedAt`, whatever the order of the fields (a stored address may list them in another order). */
function same(a: UserRecord, b: UserRecord): boolean {
  return equal({ ...a, updatedAt: '' }, { ...b, updatedAt: '' });
}

/** Equal as JSON would show them: fields in any order, an undefined field as none. */
function equal(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  if (Array.isArray(a)) return a.length === (b as unknown[]).length && a.every((v, i) => equal(v, (b as unknown[])[i]));
  const x = a as Record<string, unknown>;
  const y = b as Record<string, unknown>;
  for (const key in x) if (x[key] !== undefined && !equal(x[key], y[key])) return false;
  for (const key in y) if (y[key] !== undefined && x[key] === undefined) return false;
  return true;
}

/** A user's record, if Samråd knows them. */
export async function readUser(deps: Deps, key: string): Promise<UserRecord | undefined> {
  return (await deps.stores.users.read(key, key))?.doc;
}

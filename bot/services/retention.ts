import { coOrganizerKey } from '../domain/change';
import { planOnly } from '../domain/invitation';
import type { Meeting } from '../domain/meeting';
import type { MeetingDoc, MeetingView } from '../domain/meeting-docs';
import { Refusal } from '../domain/problems';
import { REASON_MAX, expiryOf, type ChainMeeting } from '../domain/retention';
import { touch } from '../domain/planning';
import { problemText, t } from '../i18n';
import { ConcurrencyError, update, type Versioned } from '../store/port';
import { queries } from '../store/queries';
import type { Notice } from '../../cards/render';
import { followUpId } from './follow-up';
import { loadOwnMeeting, readPlan, readView } from './meetings';
import { audit } from './audit';
import type { Actor, CardReply, Deps } from './ports';
import { readSession } from './session';
import { statusView } from './status-view';
import { meetingChanged } from './tracking';

/**
 * Retention (see `domain/retention.ts`): every document of a sent meeting carries `expiresAt`,
 * which the store writes as Cosmos DB's `ttl`, so the database itself removes the meeting when its
 * time has come. The `track` job (`nudges.ts`) works the instant out after every change and stamps
 * it on the meeting's documents, its overview line and the caseworkers' list entries.
 */

/** How far a follow-up chain is followed (a chain of follow-ups longer than this is kept by its first twenty). */
const CHAIN_LIMIT = 20;

/** The meeting and the follow-ups drafted from it, one after another (point reads by their derived ids). */
async function chainOf(deps: Deps, view: MeetingView): Promise<ChainMeeting[]> {
  const chain: ChainMeeting[] = [{ plan: view.plan, ...(view.session?.endedAt ? { endedAt: view.session.endedAt } : {}) }];
  let id = followUpId(view.plan.id);
  while (chain.length < CHAIN_LIMIT) {
    const next = (await readPlan(deps, id))?.doc;
    if (!next) break;
    const endedAt = (await readSession(deps, next.id))?.doc.endedAt;
    chain.push({ plan: next, ...(endedAt ? { endedAt } : {}) });
    id = followUpId(next.id);
  }
  return chain;
}

/** When a sent meeting's documents expire; undefined for a draft (a draft has its own short `ttl`). */
export async function expiryFor(deps: Deps, view: MeetingView): Promise<string | undefined> {
  if (view.plan.status === 'draft') return undefined;
  return expiryOf(await chainOf(deps, view), deps.retention);
}

/**
 * Writes `expiresAt` on every document of the meeting that does not carry it yet (each with the
 * ETag it was read with; one changed meanwhile is stamped by the next run), and on the
 * caseworkers' list entries. Returns how many documents it wrote.
 */
export async function stampExpiry(deps: Deps, plan: Meeting, expiresAt: string): Promise<number> {
  let written = 0;
  const rows = await deps.stores.meetings.query(queries.meetingNotExpiringAt(plan.id, expiresAt));
  for (const row of rows as Versioned<MeetingDoc>[]) {
    if (row.doc.expiresAt === expiresAt) continue;
    try {
      await deps.stores.meetings.replace({ ...row.doc, expiresAt } as MeetingDoc, row.etag);
      written += 1;
    } catch (err) {
      if (!(err instanceof ConcurrencyError)) throw err;
    }
  }
  const owners = [plan.organizer.userKey, coOrganizerKey(plan)].filter((k): k is string => !!k);
  for (const owner of owners) {
    await update(deps.stores.meetingIndex, owner, `meeting.${plan.id}`, (ref) => (ref.expiresAt === expiresAt ? undefined : { ...ref, expiresAt })).catch((err: unknown) => {
      if (!(err instanceof ConcurrencyError)) throw err;
    });
  }
  return written;
}

/** A meeting's extension asked for on a card: the meeting, and the caseworker's reason. */
export interface ExtendRef {
  meetingId: string;
  reason: string;
}

/**
 * Keeps a meeting one retention period longer, once, for the caseworker (or co-organizer) who
 * gives a reason; the reason and who gave it are kept on the plan and in its audit. A second
 * extension, or none given, is refused in their language and nothing changes.
 */
export async function extendRetention(deps: Deps, actor: Actor, ref: ExtendRef): Promise<CardReply> {
  const loaded = await loadOwnMeeting(deps, actor, ref.meetingId);
  if ('reply' in loaded) return loaded.reply;
  const { locale } = actor.reader;
  let notices: Notice[];
  let jobs: CardReply['jobs'] = [];
  try {
    const reason = ref.reason.trim();
    if (!reason) throw new Refusal({ code: 'reasonRequired' });
    if (reason.length > REASON_MAX) throw new Refusal({ code: 'textTooLong', params: { field: 'reason', max: REASON_MAX } });
    await update(deps.stores.meetings, ref.meetingId, ref.meetingId, (doc) => {
      const plan = doc as Meeting;
      if (plan.status === 'draft') throw new Refusal({ code: 'meetingNotFound' });
      if (plan.retention?.extended) throw new Refusal({ code: 'alreadyExtended' });
      const extended = { at: deps.now().toUTC().toISO()!, by: actor.userKey, reason };
      return touch(plan, deps.now(), { retention: { extended } });
    });
    await audit(deps, loaded.meeting, actor.userKey, 'retention.extended');
    deps.log.info('retention.extended', { meeting: ref.meetingId });
    notices = [{ text: t(locale, 'retention.extended'), color: 'Good' }];
    jobs = [await meetingChanged(deps, ref.meetingId)];
  } catch (err) {
    const refusal = err instanceof ConcurrencyError ? new Refusal({ code: 'busy' }) : err;
    if (!(refusal instanceof Refusal)) throw err;
    notices = refusal.problems.map((p): Notice => ({ text: problemText(locale, p), color: 'Attention' }));
  }
  const view = (await readView(deps, ref.meetingId)) ?? planOnly(loaded.meeting);
  return { card: statusView(deps, view, actor.reader, actor.address.userId, notices), jobs };
}

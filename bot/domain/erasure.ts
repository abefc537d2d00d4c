import type { DateTime } from 'luxon';
import { ERASED_NAME, type Meeting, type Participant } from './meeting';
import type { MeetingDoc } from './meeting-docs';
import { everyone } from './people';
import { touch } from './planning';

/**
 * Erasing a person's data from a meeting (GDPR art. 17), at the data-protection officer's
 * request. The meeting keeps a placeholder for them (`ERASED_NAME`, the same group and language,
 * no relation, no contact), so who came, who answered and how many agreed what still add up; what
 * they said and gave goes: the comment and topic of their answer (the answer itself is a count),
 * their feedback (comment and scores), the text of the action items they own, their page link and
 * where their cards were posted. Their name is also taken out of whatever else the meeting's
 * people wrote (the purpose, the agenda, other answers' comments, the minutes' note), wherever
 * it stands as a word of its own. The audit trail keeps its ids.
 *
 * Done in two steps, each safe to repeat: `markedErased` first (one write of the plan: from then
 * on no link of theirs opens anything), then every other document (`erasedDoc`), and the plan's
 * own fields last (`erasedPlan`), so a step cut short is done again from what is stored, the
 * name still known from the plan until the very end. Pure.
 */

/** Who is erased from one meeting, and what of theirs is recognised in the other documents. */
export interface ErasureTarget {
  participantId: string;
  /** Their name as the plan had it: taken out of free text wherever it stands as a word of its own. */
  names: string[];
  /** Their user key when they were invited in Teams: taken out of `by` fields outside the audit trail. */
  userKey?: string;
  /** The topic they proposed: the agenda item made of it goes too. */
  topic?: string;
}

/** What takes the place of a user key taken out of a document. */
export const ERASED_BY = 'erased';

/** The person to erase, as the plan names them; undefined when the plan does not hold them or they are erased already. */
export function erasureTarget(plan: Meeting, participantId: string, userKeyOf: (p: Participant) => string | undefined, topic?: string): ErasureTarget | undefined {
  const p = everyone(plan).find((x) => x.id === participantId);
  if (!p || isPlaceholder(p)) return undefined;
  const key = userKeyOf(p);
  return { participantId, names: p.name === ERASED_NAME ? [] : [p.name], ...(key ? { userKey: key } : {}), ...(topic ? { topic } : {}) };
}

/** True once the participant is nothing but the placeholder. */
export function isPlaceholder(p: Participant): boolean {
  return !!p.erased && p.name === ERASED_NAME && p.relation === '' && p.contact.kind === 'hand';
}

/** The plan with the person marked erased (every link of theirs stops); undefined when they are marked already or not there. */
export function markedErased(plan: Meeting, participantId: string, now: DateTime): Meeting | undefined {
  const p = everyone(plan).find((x) => x.id === participantId);
  if (!p || p.erased) return undefined;
  const mark = (x: Participant): Participant => (x.id === participantId ? { ...x, erased: true } : x);
  return touch(plan, now, {
    participants: plan.participants.map(mark),
    ...(plan.editing ? { editing: { ...plan.editing, participants: plan.editing.participants.map(mark) } } : {}),
    ...(plan.removed ? { removed: plan.removed.map((r) => ({ ...r, participant: mark(r.participant) })) } : {}),
  });
}

/** The plan with the person a placeholder and their name out of its free text; undefined when nothing changes. */
export function erasedPlan(plan: Meeting, target: ErasureTarget, now: DateTime): Meeting | undefined {
  const names = target.names;
  const r = (text: string) => redact(text, names);
  const place = (x: Participant): Participant => {
    if (x.id !== target.participantId) return x;
    const { invitedRev, isOrganizer, group, language, id } = x;
    return { id, name: ERASED_NAME, group, relation: '', contact: { kind: 'hand' }, language, erased: true, ...(isOrganizer ? { isOrganizer } : {}), ...(invitedRev !== undefined ? { invitedRev } : {}) };
  };
  const why = (w: Meeting['why']) => w && { purpose: r(w.purpose), topics: w.topics.map(r), form: r(w.form) };
  const placeOf = (p: Meeting['place']) => p && { ...p, details: r(p.details) };
  const organizer = plan.participants.find((p) => p.isOrganizer)?.id === target.participantId ? { ...plan.organizer, name: ERASED_NAME } : plan.organizer;
  const next: Meeting = {
    ...plan,
    organizer,
    participants: plan.participants.map(place),
    ...(plan.why ? { why: why(plan.why) } : {}),
    ...(plan.place ? { place: placeOf(plan.place) } : {}),
    ...(plan.editing
      ? { editing: { ...plan.editing, participants: plan.editing.participants.map(place), ...(plan.editing.why ? { why: why(plan.editing.why) } : {}), ...(plan.editing.place ? { place: placeOf(plan.editing.place) } : {}) } }
      : {}),
    ...(plan.removed ? { removed: plan.removed.map((x) => ({ ...x, participant: place(x.participant) })) } : {}),
    ...(plan.cancelled?.reason ? { cancelled: { ...plan.cancelled, reason: r(plan.cancelled.reason) } } : {}),
    ...(plan.formerCoOrganizers && target.userKey ? { formerCoOrganizers: plan.formerCoOrganizers.filter((k) => k !== target.userKey) } : {}),
  };
  // A status card in their chat is no longer the one kept current.
  if (next.statusCard?.userKey && next.statusCard.userKey === target.userKey) delete next.statusCard;
  return JSON.stringify(next) === JSON.stringify(plan) ? undefined : touch(plan, now, next);
}

/**
 * Another document of the meeting with the person's data taken out: `delete` for what was theirs
 * alone (their feedback, their page link), the document changed, or undefined when nothing of
 * theirs is in it. The plan (`erasedPlan`) and the audit trail are not changed here.
 */
export function erasedDoc(doc: MeetingDoc, target: ErasureTarget): MeetingDoc | 'delete' | undefined {
  const own = 'participantId' in doc && doc.participantId === target.participantId;
  const r = (text: string) => redact(text, target.names);
  const by = (key: string) => (target.userKey && key === target.userKey ? ERASED_BY : key);
  let next: MeetingDoc;
  switch (doc.kind) {
    case 'plan':
    case 'audit':
    case 'tracking':
      return undefined;
    case 'feedback':
      if (own) return 'delete';
      next = { ...doc, ...(doc.comment ? { comment: r(doc.comment) } : {}), by: by(doc.by) };
      break;
    case 'link':
      if (own) return 'delete';
      next = { ...doc, issuedBy: by(doc.issuedBy), ...(doc.revokedBy ? { revokedBy: by(doc.revokedBy) } : {}) };
      break;
    case 'reply':
      if (own) {
        const { comment: _comment, topic: _topic, ...rest } = doc;
        next = { ...rest, by: by(doc.by) };
      } else {
        next = { ...doc, ...(doc.comment ? { comment: r(doc.comment) } : {}), ...(doc.topic ? { topic: r(doc.topic) } : {}), by: by(doc.by) };
      }
      break;
    case 'delivery':
    case 'sent':
      if (!own) return undefined;
      {
        const { card: _card, ...rest } = doc;
        next = rest;
      }
      break;
    case 'action':
      next = {
        ...doc,
        text: doc.ownerId === target.participantId ? ERASED_NAME : r(doc.text),
        createdBy: by(doc.createdBy),
        ...(doc.done ? { done: { ...doc.done, by: by(doc.done.by) } } : {}),
      };
      break;
    case 'session':
      next = {
        ...doc,
        agenda: doc.agenda.map((a) => ({ ...a, text: a.source === 'proposed' && target.topic && a.text === target.topic ? ERASED_NAME : r(a.text) })),
        openedBy: by(doc.openedBy),
        ...(doc.startedBy ? { startedBy: by(doc.startedBy) } : {}),
        log: doc.log.map((l) => ({ ...l, by: by(l.by) })),
      };
      break;
    case 'minutes':
      next = { ...doc, ...(doc.note ? { note: r(doc.note) } : {}), ...(doc.sentBy ? { sentBy: by(doc.sentBy) } : {}) };
      break;
    case 'nudge':
      next = { ...doc, ...(doc.by ? { by: by(doc.by) } : {}) };
      break;
    default:
      return undefined;
  }
  return JSON.stringify(next) === JSON.stringify(doc) ? undefined : next;
}

/**
 * The text with each of the names replaced by `ERASED_NAME` wherever it stands as a word of its
 * own (not inside a longer word), in any case, also in the genitive ("Birgittas", "Ahmed's",
 * "SMS:s"). Names shorter than two characters are left alone: an initial would take letters out
 * of every other word. A name written otherwise (a nickname, an inflected Finnish form) is not
 * recognised.
 */
export function redact(text: string, names: readonly string[]): string {
  let out = text;
  for (const name of names) {
    const trimmed = name.trim();
    if (trimmed.length < 2) continue;
    const pattern = trimmed.replace(/[.*+?^${}()|[\]\\]/g, '\\$&').replace(/\s+/g, '\\s+');
    out = out.replace(new RegExp(`(?<![\\p{L}\\p{N}])${pattern}(?:[:'’]?s)?(?![\\p{L}\\p{N}])`, 'giu'), ERASED_NAME);
  }
  return out;
}

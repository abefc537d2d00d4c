import type { DateTime } from 'luxon';
import type { Answer, ContactKind, Group, Locale, MeetingStatus, PlaceKind } from '../domain/meeting';
import type { MeetingView } from '../domain/meeting-docs';
import type { FeedbackVia, Scale } from '../domain/feedback';
import { minutesContent } from '../domain/minutes';
import { inOrder } from '../domain/plan';
import { speakerOrder } from '../domain/planning';
import { PHASES, type MemoWay, type Phase, type RoundKind, type SessionState } from '../domain/session';
import { t, type MessageKey, type ParamsOf } from '../i18n';
import { personLabel, zoneLabel } from '../../cards/format';
import { dayText, heldTimes, local, longDate, minutesBlocks, minutesModel, placeText } from './minutes';

/**
 * What a meeting leaves for the case system (004: points and agreements are journaled): the
 * journal text the caseworker pastes into the client's record, and the whole meeting as JSON in
 * a versioned shape (`MeetingExportV1`, schema/meeting-export.v1.schema.json) to attach or import.
 *
 * **Contact details stay out of the export.** Each participant is exported with their id, name,
 * group, relation and how their invitation reached them (`contactKind`), never the postal
 * address, e-mail address or Teams id behind it, and a meeting at the client's home without the
 * address entered for it. The case system is where the client's (and often the family's)
 * addresses are kept and kept current; a second copy in an attachment, taken on one day and
 * saved in a Downloads folder on the way, serves the journal nothing and would only go stale
 * (the sensitive-data rule: store the least that serves the process). Samråd's internal keys
 * (user keys, Teams ids, card addresses) stay out too: they mean nothing outside Samråd. The
 * audit trail is not part of the export either (the data-protection officer reads it in Samråd):
 * it is documents of its own in the meeting's partition, never a field of the plan, so moving it
 * there out of the plan changed nothing of this shape. A participant whose data was erased is
 * exported as the placeholder the meeting keeps, marked `erased` (an optional field added to
 * version 1: purely additive, as the schema allows).
 */

/** The meeting as exported, schema version 1. Every field is described in schema/meeting-export.v1.schema.json. */
export interface MeetingExportV1 {
  schemaVersion: 1;
  exportedAt: string;
  meeting: {
    id: string;
    status: MeetingStatus;
    createdAt: string;
    sentAt?: string;
    followUpOf?: string;
    organizer: { name: string; participantId?: string };
    when?: { start: string; timeZone: string; durationMinutes: number };
    place?: { kind: PlaceKind; details?: string };
    why?: { purpose: string; topics: string[]; form: string };
    chairId?: string;
    secretaryId?: string;
    coOrganizerId?: string;
    consentAt?: string;
    cancelled?: { at: string; reason?: string };
  };
  participants: { id: string; name: string; group: Group; relation: string; contactKind: ContactKind; organizer: boolean; erased?: true }[];
  answers: { participantId: string; answer: Answer; comment?: string; topic?: string; at: string; via: 'teams' | 'phone' | 'page' }[];
  session?: {
    state: SessionState;
    openedAt: string;
    startedAt?: string;
    endedAt?: string;
    chairId?: string;
    secretaryId?: string;
    phase: Phase;
    phases: { phase: Phase; plannedMinutes: number }[];
    presence: { participantId: string; present: boolean; arrivedAt?: string; leftAt?: string }[];
    roundsHeld: RoundKind[];
    breaks: { startedAt: string; endedAt?: string }[];
    agenda: { id: string; text: string; covered: boolean; source: 'plan' | 'proposed' | 'added' }[];
    memo?: { ways: MemoWay[] };
    outcome?: { responsible?: string; followUp?: string };
  };
  actionItems: {
    id: string;
    text: string;
    ownerId: string;
    due: string;
    withIds: string[];
    done?: { at: string; via: 'teams' | 'page' | 'caseworker' };
    createdAt: string;
    updatedAt: string;
  }[];
  feedback: { participantId: string; scores: Record<Scale, number>; comment?: string; via: FeedbackVia; at: string }[];
  minutes?: { sent: boolean; sentAt?: string; note?: string };
}

/** The version of the export's shape; a change that is not purely additive and optional raises it. */
export const EXPORT_SCHEMA_VERSION = 1;

/** The whole meeting as JSON for the case system, without contact details (see above). `now` stamps the export. */
export function meetingExport(view: MeetingView, now: DateTime): MeetingExportV1 {
  const plan = view.plan;
  const known = new Set(plan.participants.map((p) => p.id));
  const organizer = plan.participants.find((p) => p.isOrganizer);
  const session = view.session;
  return {
    schemaVersion: 1,
    exportedAt: now.toUTC().toISO()!,
    meeting: {
      id: plan.id,
      status: plan.status,
      createdAt: plan.createdAt,
      ...(plan.sentAt ? { sentAt: plan.sentAt } : {}),
      ...(plan.followUpOf ? { followUpOf: plan.followUpOf } : {}),
      organizer: { name: organizer?.name ?? plan.organizer.name, ...(organizer ? { participantId: organizer.id } : {}) },
      ...(plan.when ? { when: { start: plan.when.start, timeZone: plan.when.timeZone, durationMinutes: plan.when.durationMinutes } } : {}),
      ...(plan.place ? { place: plan.place.kind === 'home' || !plan.place.details ? { kind: plan.place.kind } : { kind: plan.place.kind, details: plan.place.details } } : {}),
      ...(plan.why ? { why: { purpose: plan.why.purpose, topics: [...plan.why.topics], form: plan.why.form } } : {}),
      ...(plan.chairId ? { chairId: plan.chairId } : {}),
      ...(plan.secretaryId ? { secretaryId: plan.secretaryId } : {}),
      ...(plan.coOrganizerId ? { coOrganizerId: plan.coOrganizerId } : {}),
      ...(plan.consent ? { consentAt: plan.consent.at } : {}),
      ...(plan.cancelled ? { cancelled: { at: plan.cancelled.at, ...(plan.cancelled.reason ? { reason: plan.cancelled.reason } : {}) } } : {}),
    },
    participants: plan.participants.map((p) => ({ id: p.id, name: p.name, group: p.group, relation: p.relation, contactKind: p.contact.kind, organizer: !!p.isOrganizer, ...(p.erased ? { erased: true as const } : {}) })),
    answers: plan.participants.flatMap((p) => {
      const r = view.replies.get(p.id);
      return r ? [{ participantId: p.id, answer: r.answer, ...(r.comment ? { comment: r.comment } : {}), ...(r.topic ? { topic: r.topic } : {}), at: r.at, via: r.via }] : [];
    }),
    ...(session
      ? {
          session: {
            state: session.state,
            openedAt: session.openedAt,
            ...(session.startedAt ? { startedAt: session.startedAt } : {}),
            ...(session.endedAt ? { endedAt: session.endedAt } : {}),
            ...(session.chairId ? { chairId: session.chairId } : {}),
            ...(session.secretaryId ? { secretaryId: session.secretaryId } : {}),
            phase: session.phase,
            phases: PHASES.map((phase) => ({ phase, plannedMinutes: session.budgets[phase] })),
            presence: plan.participants
              .filter((p) => session.presence[p.id])
              .map((p) => {
                const x = session.presence[p.id];
                return { participantId: p.id, present: x.present, ...(x.arrivedAt ? { arrivedAt: x.arrivedAt } : {}), ...(x.leftAt ? { leftAt: x.leftAt } : {}) };
              }),
            roundsHeld: [...(session.held ?? [])],
            breaks: (session.breaks ?? []).map((b) => ({ startedAt: b.startedAt, ...(b.endedAt ? { endedAt: b.endedAt } : {}) })),
            agenda: session.agenda.map((a) => ({ id: a.id, text: a.text, covered: a.covered, source: a.source })),
            ...(session.memo ? { memo: { ways: [...session.memo.ways] } } : {}),
            ...(session.outcome ? { outcome: { ...(session.outcome.responsible ? { responsible: session.outcome.responsible } : {}), ...(session.outcome.followUp ? { followUp: session.outcome.followUp } : {}) } } : {}),
          },
        }
      : {}),
    actionItems: inOrder(view.actions).map((a) => ({
      id: a.id,
      text: a.text,
      ownerId: a.ownerId,
      due: a.due,
      withIds: [...a.withIds],
      ...(a.done ? { done: { at: a.done.at, via: a.done.via } } : {}),
      createdAt: a.createdAt,
      updatedAt: a.updatedAt,
    })),
    feedback: plan.participants.flatMap((p) => {
      const f = view.feedback.get(p.id);
      return f && known.has(f.participantId) ? [{ participantId: p.id, scores: { ...f.scores }, ...(f.comment ? { comment: f.comment } : {}), via: f.via, at: f.at }] : [];
    }),
    ...(view.minutes
      ? { minutes: { sent: view.minutes.state === 'sent', ...(view.minutes.sentAt ? { sentAt: view.minutes.sentAt } : {}), ...(view.minutes.note ? { note: view.minutes.note } : {}) } }
      : {}),
  };
}

/**
 * The meeting's points and agreements as plain text for the case system, in the caseworker's
 * language: the date and time, the place (a home without its address), the participants by
 * role (who was there, who did not come, chair and secretary), the purpose, the topics, the
 * agreements, the client's responsible worker and the follow-up meeting, the secretary's note.
 * A meeting not held yet lists those invited; a cancelled one says when it was cancelled and why.
 * Lines end in \n alone; no markup (a plain "- " starts a list line), nothing escaped.
 */
export function journalText(view: MeetingView, locale: Locale): string {
  const tr = <K extends MessageKey>(key: K, ...params: ParamsOf<K>) => t(locale, key, ...params);
  const plan = view.plan;
  const zone = plan.when?.timeZone ?? 'UTC';
  const session = view.session;
  const blocks: string[] = [];

  if (session && session.state !== 'ready' && plan.status !== 'cancelled') {
    // Held (or being held): what the minutes say, without how the minutes are shared.
    const content = minutesContent(plan, session, view.actions, view.minutes);
    const model = minutesModel(plan, content, locale);
    const held = heldTimes(content);
    blocks.push(held ? tr('export.heading', { when: whenText(held.start, held.end, zone, locale) }) : tr('minutesDoc.title'));
    blocks.push(...minutesBlocks(model, { when: !held, memo: false }));
    if (view.minutes?.state === 'sent' && view.minutes.sentAt) blocks.push(tr('export.sent', { date: dayText(local(view.minutes.sentAt, zone, locale).toFormat('yyyy-MM-dd'), zone, locale) }));
  } else {
    // Planned, or cancelled: what was planned and who was invited.
    const end = plan.when ? local(plan.when.start, zone, locale).plus({ minutes: plan.when.durationMinutes }).toUTC().toISO()! : undefined;
    blocks.push(plan.when && end ? tr('export.heading', { when: whenText(plan.when.start, end, zone, locale) }) : tr('minutesDoc.title'));
    if (plan.status === 'cancelled' && plan.cancelled) {
      const reason = plan.cancelled.reason?.trim();
      const cancelledOn = tr('export.cancelled', { date: dayText(local(plan.cancelled.at, zone, locale).toFormat('yyyy-MM-dd'), zone, locale) });
      blocks.push(reason ? `${cancelledOn}\n${tr('letter.cancelledReason', { reason })}` : cancelledOn);
    } else {
      blocks.push(tr('export.notHeld'));
    }
    const facts: string[] = [];
    if (plan.place) facts.push(`${tr('field.place')}: ${placeText(plan.place, locale)}`);
    const named = (id: string | undefined) => plan.participants.find((p) => p.id === id);
    const chair = named(plan.chairId);
    const secretary = named(plan.secretaryId);
    if (chair) facts.push(`${tr('field.chair')}: ${personLabel(chair, locale)}`);
    if (secretary) facts.push(`${tr('field.secretary')}: ${personLabel(secretary, locale)}`);
    if (facts.length) blocks.push(facts.join('\n'));
    blocks.push(`${tr('field.participants')}:\n${speakerOrder(plan.participants).map((p) => `- ${tr(`group.${p.group}`)}: ${personLabel(p, locale)}`).join('\n')}`);
    if (plan.why) {
      blocks.push(`${tr('field.purpose')}:\n${plan.why.purpose || tr('format.none')}`);
      if (plan.why.topics.length) blocks.push(`${tr('field.topics')}:\n${plan.why.topics.map((x) => `- ${x}`).join('\n')}`);
    }
  }
  return `${blocks.join('\n\n').replace(/\r\n?/g, '\n')}\n`;
}

/** "måndag 7 december 2026, 10:05–11:50 (svensk tid)". */
function whenText(start: string, end: string, zone: string, locale: Locale): string {
  const from = local(start, zone, locale);
  const range = t(locale, 'format.timeRange', { date: longDate(from), start: from.toFormat('HH:mm'), end: local(end, zone, locale).toFormat('HH:mm') });
  return `${range} (${zoneLabel(zone, locale, from)})`;
}

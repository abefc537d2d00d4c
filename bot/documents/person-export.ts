import { DateTime } from 'luxon';
import { SCALES, type FeedbackVia, type Scale } from '../domain/feedback';
import type { Answer, ContactKind, Group, Locale, MeetingStatus, Participant } from '../domain/meeting';
import type { MeetingView } from '../domain/meeting-docs';
import type { PageLinkDoc, UseKind } from '../domain/page-link';
import { inOrder } from '../domain/plan';
import type { PersonKeyKind } from '../domain/people';
import { t, type MessageKey, type ParamsOf } from '../i18n';
import { formatInstant, type Fact } from '../../cards/format';
import { shortId } from '../../cards/overview';
import { esc, printableHead } from './print';

/**
 * All of one person's data in Samråd, for the data-protection officer to hand them (GDPR art. 15):
 * every meeting they were found in, and in each what Samråd keeps of them: their entry as a
 * participant (with the contact details their invitation used: it is their own data), their
 * answer with its comment and topic, whether they were there, their feedback, the action items
 * they own or share, and the uses of their personal page. As JSON in a versioned shape
 * (`PersonExportV1`, schema/person-export.v1.schema.json) and as a readable document in the
 * officer's language. Of anyone else only the caseworker who convened is named: an action item
 * shared with others says only that it is shared, never with whom.
 */

/** One person's data, schema version 1. Every field is described in schema/person-export.v1.schema.json. */
export interface PersonExportV1 {
  schemaVersion: 1;
  exportedAt: string;
  lookup: { by: PersonKeyKind; day?: string };
  meetings: PersonMeetingV1[];
}

/** What Samråd keeps of the person in one meeting. */
export interface PersonMeetingV1 {
  meeting: { id: string; status: MeetingStatus; start?: string; timeZone?: string; durationMinutes?: number; caseworker: string; sentAt?: string; cancelledAt?: string };
  participant: {
    id: string;
    name: string;
    group: Group;
    relation: string;
    contact: { kind: ContactKind; email?: string; address?: string; teamsId?: string };
    language: Locale;
    organizer: boolean;
    roles: ('chair' | 'secretary' | 'coOrganizer' | 'responsibleWorker')[];
    removedByChange?: true;
  };
  answer?: { answer: Answer; comment?: string; topic?: string; at: string; via: 'teams' | 'phone' | 'page' };
  presence?: { present: boolean; arrivedAt?: string; leftAt?: string };
  feedback?: { scores: Record<Scale, number>; comment?: string; via: FeedbackVia; at: string };
  actionItems: { id: string; text: string; due: string; role: 'owner' | 'with'; done?: { at: string; via: 'teams' | 'page' | 'caseworker' } }[];
  pageLink?: { version: number; issuedAt: string; revokedAt?: string; useCount: number; uses: { at: string; what: UseKind; result: 'ok' | 'invalid' | 'refused' }[] };
}

/** One meeting the person was found in: the meeting as read, they in it, and their page link's record. */
export interface PersonInMeeting {
  view: MeetingView;
  participant: Participant;
  link?: PageLinkDoc;
}

/** The version of the shape; a change that is not purely additive and optional raises it. */
export const PERSON_EXPORT_SCHEMA_VERSION = 1;

/** The person's data, meeting by meeting (latest first, as found). */
export function personExport(found: readonly PersonInMeeting[], lookup: { by: PersonKeyKind; day?: string }, now: DateTime): PersonExportV1 {
  return { schemaVersion: 1, exportedAt: now.toUTC().toISO()!, lookup: { by: lookup.by, ...(lookup.day ? { day: lookup.day } : {}) }, meetings: found.map(meetingPart) };
}

function meetingPart({ view, participant: p, link }: PersonInMeeting): PersonMeetingV1 {
  const plan = view.plan;
  const reply = view.replies.get(p.id);
  const feedback = view.feedback.get(p.id);
  const presence = view.session?.presence[p.id];
  const roles: PersonMeetingV1['participant']['roles'] = [];
  const chair = view.session?.chairId ?? plan.chairId;
  const secretary = view.session?.secretaryId ?? plan.secretaryId;
  if (chair === p.id) roles.push('chair');
  if (secretary === p.id) roles.push('secretary');
  if (plan.coOrganizerId === p.id) roles.push('coOrganizer');
  if (view.session?.outcome?.responsible === p.id) roles.push('responsibleWorker');
  const contact: PersonMeetingV1['participant']['contact'] =
    p.contact.kind === 'email' ? { kind: 'email', email: p.contact.email } : p.contact.kind === 'post' ? { kind: 'post', address: p.contact.address } : p.contact.kind === 'teams' ? { kind: 'teams', teamsId: p.contact.userId } : { kind: 'hand' };
  return {
    meeting: {
      id: plan.id,
      status: plan.status,
      ...(plan.when ? { start: plan.when.start, timeZone: plan.when.timeZone, durationMinutes: plan.when.durationMinutes } : {}),
      caseworker: plan.participants.find((x) => x.isOrganizer)?.name ?? plan.organizer.name,
      ...(plan.sentAt ? { sentAt: plan.sentAt } : {}),
      ...(plan.cancelled ? { cancelledAt: plan.cancelled.at } : {}),
    },
    participant: {
      id: p.id,
      name: p.name,
      group: p.group,
      relation: p.relation,
      contact,
      language: p.language,
      organizer: !!p.isOrganizer,
      roles,
      ...(plan.participants.some((x) => x.id === p.id) ? {} : { removedByChange: true as const }),
    },
    ...(reply ? { answer: { answer: reply.answer, ...(reply.comment ? { comment: reply.comment } : {}), ...(reply.topic ? { topic: reply.topic } : {}), at: reply.at, via: reply.via } } : {}),
    ...(presence ? { presence: { present: presence.present, ...(presence.arrivedAt ? { arrivedAt: presence.arrivedAt } : {}), ...(presence.leftAt ? { leftAt: presence.leftAt } : {}) } } : {}),
    ...(feedback ? { feedback: { scores: Object.fromEntries(SCALES.map((s) => [s, feedback.scores[s]])) as Record<Scale, number>, ...(feedback.comment ? { comment: feedback.comment } : {}), via: feedback.via, at: feedback.at } } : {}),
    actionItems: inOrder(view.actions)
      .filter((a) => a.ownerId === p.id || a.withIds.includes(p.id))
      .map((a) => ({ id: a.id, text: a.text, due: a.due, role: a.ownerId === p.id ? ('owner' as const) : ('with' as const), ...(a.done ? { done: { at: a.done.at, via: a.done.via } } : {}) })),
    ...(link
      ? {
          pageLink: {
            version: link.version,
            issuedAt: link.issuedAt,
            ...(link.revokedAt ? { revokedAt: link.revokedAt } : {}),
            useCount: link.useCount,
            uses: link.uses.map((u) => ({ at: u.at, what: u.what, result: u.result })),
          },
        }
      : {}),
  };
}

/**
 * The same data as a readable, printable document in the officer's language (to hand over or
 * send on): a section per meeting, every value HTML-escaped. Instants in the meeting's time zone.
 */
export function personDocument(data: PersonExportV1, locale: Locale): string {
  const tr = <K extends MessageKey>(key: K, ...params: ParamsOf<K>) => t(locale, key, ...params);
  const at = (iso: string, zone: string) => formatInstant(iso, { locale, timeZone: zone }, zone);
  const sections = data.meetings.map((m) => {
    const zone = m.meeting.timeZone ?? 'UTC';
    const facts: Fact[] = [
      { title: tr('field.when'), value: m.meeting.start ? at(m.meeting.start, zone) : tr('format.none') },
      { title: tr('personDoc.caseworker'), value: m.meeting.caseworker },
      { title: tr('personDoc.status'), value: tr(`privacy.status.${m.meeting.status}`) },
      { title: tr('field.name'), value: m.participant.name },
      { title: tr('personDoc.group'), value: tr(`group.${m.participant.group}`) },
      ...(m.participant.relation ? [{ title: tr('field.relation'), value: m.participant.relation }] : []),
      { title: tr('personDoc.contact'), value: contactText(m.participant.contact, locale) },
      ...(m.participant.roles.length ? [{ title: tr('personDoc.roles'), value: m.participant.roles.map((r) => tr(`personDoc.role.${r}`)).join(', ') }] : []),
      ...(m.participant.removedByChange ? [{ title: tr('personDoc.note'), value: tr('privacy.removedLine') }] : []),
    ];
    if (m.answer) {
      facts.push({ title: tr('personDoc.answer'), value: `${tr(`personDoc.answers.${m.answer.answer}`)} (${at(m.answer.at, zone)})` });
      if (m.answer.comment) facts.push({ title: tr('field.comment'), value: m.answer.comment });
      if (m.answer.topic) facts.push({ title: tr('field.topic'), value: m.answer.topic });
    }
    if (m.presence) facts.push({ title: tr('personDoc.presence'), value: m.presence.present ? tr('personDoc.present') : tr('personDoc.absent') });
    if (m.feedback) {
      facts.push({ title: tr('personDoc.feedback'), value: SCALES.map((s) => `${tr(`feedback.scale.${s}`)}: ${m.feedback!.scores[s]}`).join('; ') });
      if (m.feedback.comment) facts.push({ title: tr('field.comment'), value: m.feedback.comment });
    }
    for (const item of m.actionItems) {
      facts.push({ title: tr(item.role === 'owner' ? 'personDoc.itemOwner' : 'personDoc.itemWith'), value: `${item.text} (${item.due}${item.done ? `, ${tr('personDoc.done')}` : ''})` });
    }
    if (m.pageLink) facts.push({ title: tr('personDoc.pageLink'), value: tr('personDoc.pageUses', { count: m.pageLink.useCount }) });
    const rows = facts.map((f) => `<tr><th scope="row">${esc(f.title)}</th><td>${esc(f.value).replace(/\n/g, '<br>')}</td></tr>`).join('\n');
    return `<section>\n<h2>${esc(tr('personDoc.meeting', { id: shortId(m.meeting.id) }))}</h2>\n<table>\n${rows}\n</table>\n</section>`;
  });
  const title = tr('personDoc.title');
  const css = 'h1{font-size:1.4em}h2{font-size:1.1em;margin-top:1.5em}table{border-collapse:collapse;width:100%}th{text-align:left;vertical-align:top;padding:.2em 1em .2em 0;width:35%;font-weight:normal;color:#444}td{padding:.2em 0}';
  return `${printableHead(locale, title, 42, css)}
<body>
<h1>${esc(title)}</h1>
<p>${esc(tr('personDoc.intro', { date: DateTime.fromISO(data.exportedAt, { zone: 'utc' }).setLocale(locale).toLocaleString(DateTime.DATE_MED), count: data.meetings.length }))}</p>
${sections.join('\n')}
</body>
</html>
`;
}

function contactText(contact: PersonMeetingV1['participant']['contact'], locale: Locale): string {
  const how = t(locale, `privacy.contact.${contact.kind}`);
  const detail = contact.email ?? contact.address ?? contact.teamsId;
  return detail ? `${how}: ${detail}` : how;
}

import { DateTime } from 'luxon';
import { listState, type MeetingRef } from '../bot/domain/meeting-ref';
import { t } from '../bot/i18n';
import { escapeMarkdown, formatPlace, type Reader } from './format';
import { base, render, type AdaptiveCard, type CardBase, type Notice } from './render';
import meetingsTemplate from './templates/meetings.json';

/** One meeting in the caseworker's list. */
export interface MeetingLine {
  meetingId: string;
  when: string;
  details: string;
  answers: string;
  color: 'Default' | 'Attention' | 'Accent';
}

/** The data of the card with the caseworker's meetings. */
export interface MeetingsData extends CardBase {
  upcoming: MeetingLine[];
  recent: MeetingLine[];
}

/**
 * The caseworker's meetings: date, time, place, the client by the name they gave (this is their
 * own personal chat) and the answers so far; each opens that meeting's status card.
 */
export function meetingsCard(upcoming: MeetingRef[], recent: MeetingRef[], reader: Reader, notices: Notice[] = []): AdaptiveCard {
  return render<MeetingsData>(meetingsTemplate, { ...base(reader.locale, notices), upcoming: upcoming.map((r) => line(r, reader)), recent: recent.map((r) => line(r, reader)) });
}

function line(ref: MeetingRef, reader: Reader): MeetingLine {
  const { locale } = reader;
  const start = DateTime.fromISO(ref.start ?? new Date(0).toISOString(), { zone: 'utc' }).setZone(reader.timeZone ?? ref.timeZone ?? 'UTC').setLocale(locale);
  const end = start.plus({ minutes: ref.durationMinutes ?? 0 });
  const when = t(locale, 'format.timeRange', { date: start.toLocaleString({ weekday: 'short', day: 'numeric', month: 'short', year: 'numeric' }), start: start.toFormat('HH:mm'), end: end.toFormat('HH:mm') });
  const details = [ref.client ? t(locale, 'meetings.with', { client: escapeMarkdown(ref.client) }) : '', ref.place ? escapeMarkdown(formatPlace(ref.place, locale)) : '', ref.role === 'coOrganizer' ? t(locale, 'meetings.coOrganizer') : '']
    .filter(Boolean)
    .join(' · ');
  const state = listState(ref);
  if (state === 'cancelled') return { meetingId: ref.meetingId, when, details, answers: t(locale, 'meetings.cancelled'), color: 'Attention' };
  // Each meeting says where it stands: planned (with the answers so far), running or ended.
  const answers = state === 'planned' ? `${t(locale, 'meetings.planned')} · ${t(locale, 'status.answers', ref.counts)}` : t(locale, `meetings.${state}`);
  return { meetingId: ref.meetingId, when, details, answers, color: state === 'running' || state === 'draft' ? 'Accent' : 'Default' };
}

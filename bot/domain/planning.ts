import { DateTime } from 'luxon';
import {
  ANSWERS,
  CONTACT_KINDS,
  GROUPS,
  LIMITS,
  LOCALES,
  PLACE_KINDS,
  type Answer,
  type Contact,
  type ContactKind,
  type Group,
  type Locale,
  type Meeting,
  type Organizer,
  type Participant,
  type PlaceKind,
  type PlanningStep,
  type StatusCardRef,
} from './meeting';
import { Refusal, refuseIfAny, type Problem } from './problems';
import { clean, oneOf } from './text';
import { localToInstant } from './time';

/**
 * The planning rules: When? Who? Why? Each function takes the meeting as read and returns
 * the meeting to save, or throws a Refusal naming every problem. Nothing here reads a clock:
 * `now` is always passed in.
 */

/** What the caseworker filled in on the "When?" card. */
export interface WhenInput {
  date: string;
  time: string;
  duration: string;
  placeKind: string;
  placeDetails: string;
  /** The caseworker confirmed a time outside the usual day (see `UNUSUAL_HOURS`). */
  confirmTime?: boolean;
}

/**
 * The usual day for a network meeting, in the caseworker's time zone: a start before 07:00 or
 * an end after 21:00 is asked about first (a time picker can turn 12:00 into midnight).
 */
export const UNUSUAL_HOURS = { startBefore: 7, endAfter: 21 } as const;

/** True when a meeting from `start` lasting `minutes` starts before 07:00 or ends after 21:00 where it is planned. */
export function isUnusualTime(start: DateTime, minutes: number): boolean {
  const end = start.plus({ minutes });
  const endMinutes = end.hour * 60 + end.minute + (end.startOf('day') > start.startOf('day') ? 24 * 60 : 0);
  return start.hour < UNUSUAL_HOURS.startBefore || endMinutes > UNUSUAL_HOURS.endAfter * 60;
}

/** A person to add on the "Who?" card. */
export interface ParticipantInput {
  name: string;
  group: string;
  relation: string;
  contactKind: string;
  teamsUserId: string;
  email: string;
  address: string;
  language: string;
}

/** The rest of the "Who?" card: the client's consent, the proposed chair and secretary, and a co-organizer. */
export interface RolesInput {
  consent: boolean;
  chairId: string;
  secretaryId: string;
  /** A professional invited in Teams who may see and change the meeting as the caseworker does. */
  coOrganizerId?: string;
}

/** What the caseworker filled in on the "Why?" card. */
export interface WhyInput {
  purpose: string;
  topics: string;
  form: string;
}

/** A planning warning: the meeting may still be sent. */
export type Warning = 'longMeeting' | 'chairIsConvener' | 'noChair';

/** Starts an empty draft; the caseworker is its first participant, a professional who convenes. */
export function newDraft(args: {
  id: string;
  organizer: Organizer;
  organizerParticipantId: string;
  organizerUserId: string;
  organizerLanguage: Locale;
  tenantId: string;
  now: DateTime;
}): Meeting {
  const at = iso(args.now);
  return {
    kind: 'plan',
    id: args.id,
    meetingId: args.id,
    status: 'draft',
    rev: 1,
    tenantId: args.tenantId,
    organizer: args.organizer,
    step: 'when',
    participants: [
      {
        id: args.organizerParticipantId,
        name: args.organizer.name,
        group: 'professional',
        relation: '',
        contact: { kind: 'teams', userId: args.organizerUserId },
        language: args.organizerLanguage,
        isOrganizer: true,
      },
    ],
    createdAt: at,
    updatedAt: at,
    ttl: LIMITS.draftDays * 24 * 3600,
  };
}

/** Saves date, time, duration and place; the meeting must start in the future. */
export function setWhen(meeting: Meeting, input: WhenInput, timeZone: string, now: DateTime): Meeting {
  assertDraft(meeting);
  const problems: Problem[] = [];
  const { instant, problems: timeProblems } = localToInstant(input.date, input.time, timeZone);
  problems.push(...timeProblems);
  if (instant && instant <= now) problems.push({ code: 'datePast' });
  if (instant && instant > now.plus({ years: LIMITS.yearsAhead })) problems.push({ code: 'dateTooFar', params: { years: LIMITS.yearsAhead } });
  const duration = parseDuration(input.duration);
  if (duration === undefined) {
    problems.push({ code: 'durationInvalid', params: { min: LIMITS.minDuration, max: LIMITS.maxDuration } });
  }
  if (instant && duration !== undefined && !input.confirmTime && isUnusualTime(instant, duration)) {
    problems.push({ code: 'unusualTime', params: { start: instant.toFormat('HH:mm'), end: instant.plus({ minutes: duration }).toFormat('HH:mm') } });
  }
  const placeKind = oneOf(PLACE_KINDS, input.placeKind);
  if (!placeKind) problems.push({ code: 'placeKindInvalid' });
  const details = clean(input.placeDetails);
  if (placeKind && placeKind !== 'home' && details === '') problems.push({ code: 'placeDetailsRequired' });
  problems.push(...tooLong('placeDetails', details, LIMITS.placeDetails));
  refuseIfAny(problems);
  return touch(meeting, now, {
    when: { start: instant!.toUTC().toISO()!, timeZone, durationMinutes: duration! },
    place: { kind: placeKind as PlaceKind, details },
    step: nextStep(meeting, 'when'),
  });
}

/** Adds one person; there is one client, and nobody is invited twice. */
export function addParticipant(meeting: Meeting, input: ParticipantInput, id: string, now: DateTime): Meeting {
  assertDraft(meeting);
  const problems: Problem[] = [];
  const name = clean(input.name);
  const relation = clean(input.relation);
  if (name === '') problems.push({ code: 'nameRequired' });
  problems.push(...tooLong('name', name, LIMITS.name), ...tooLong('relation', relation, LIMITS.relation));
  const group = oneOf(GROUPS, input.group);
  if (!group) problems.push({ code: 'groupInvalid' });
  if (group === 'client' && meeting.participants.some((p) => p.group === 'client')) {
    problems.push({ code: 'clientAlreadyAdded' });
  }
  const language = oneOf(LOCALES, input.language);
  if (!language) problems.push({ code: 'languageInvalid' });
  const contact = parseContact(input, problems);
  if (contact && isDuplicate(meeting.participants, name, contact)) problems.push({ code: 'duplicateInvitee', params: { name } });
  if (meeting.participants.length >= LIMITS.participants) {
    problems.push({ code: 'tooManyParticipants', params: { max: LIMITS.participants } });
  }
  refuseIfAny(problems);
  const participant: Participant = {
    id,
    name,
    group: group as Group,
    relation,
    contact: contact!,
    language: language as Locale,
  };
  return touch(meeting, now, { participants: [...meeting.participants, participant] });
}

/** Removes a person (not the caseworker who convenes); a role they held is cleared. */
export function removeParticipant(meeting: Meeting, participantId: string, now: DateTime): Meeting {
  assertDraft(meeting);
  const target = meeting.participants.find((p) => p.id === participantId);
  if (!target) throw new Refusal({ code: 'participantUnknown' });
  if (target.isOrganizer) throw new Refusal({ code: 'cannotRemoveOrganizer' });
  return touch(meeting, now, {
    participants: meeting.participants.filter((p) => p.id !== participantId),
    chairId: meeting.chairId === participantId ? undefined : meeting.chairId,
    secretaryId: meeting.secretaryId === participantId ? undefined : meeting.secretaryId,
    coOrganizerId: meeting.coOrganizerId === participantId ? undefined : meeting.coOrganizerId,
  });
}

/** Records the client's consent and the proposed chair and secretary, then moves on to "Why?". */
export function setRoles(meeting: Meeting, input: RolesInput, recordedBy: string, now: DateTime): Meeting {
  assertDraft(meeting);
  const problems: Problem[] = [];
  const chairId = clean(input.chairId) || undefined;
  const secretaryId = clean(input.secretaryId) || undefined;
  const coOrganizerId = clean(input.coOrganizerId ?? '') || undefined;
  for (const id of [chairId, secretaryId]) {
    if (id && !meeting.participants.some((p) => p.id === id)) problems.push({ code: 'roleNotParticipant' });
  }
  if (coOrganizerId && !coOrganizerCandidates(meeting).some((p) => p.id === coOrganizerId)) problems.push({ code: 'coOrganizerInvalid' });
  refuseIfAny(problems);
  const consent = input.consent ? (meeting.consent ?? { at: iso(now), recordedBy }) : undefined;
  return touch(meeting, now, { consent, chairId, secretaryId, coOrganizerId, step: nextStep(meeting, 'who') });
}

/** Saves purpose, topics (one per line) and form. */
export function setWhy(meeting: Meeting, input: WhyInput, now: DateTime): Meeting {
  assertDraft(meeting);
  const problems: Problem[] = [];
  const purpose = clean(input.purpose, true);
  const form = clean(input.form, true);
  const topics = input.topics
    .split(/\r?\n/)
    .map((t) => clean(t.replace(/^\s*(?:[-*•]|\d{1,2}[.)])\s+/, '')))
    .filter((t) => t !== '');
  if (purpose === '') problems.push({ code: 'purposeRequired' });
  problems.push(...tooLong('purpose', purpose, LIMITS.purpose), ...tooLong('form', form, LIMITS.form));
  if (topics.length > LIMITS.topics) problems.push({ code: 'tooManyTopics', params: { max: LIMITS.topics } });
  for (const topic of topics) problems.push(...tooLong('topic', topic, LIMITS.topic));
  refuseIfAny(dedupe(problems));
  return touch(meeting, now, { why: { purpose, topics, form }, step: 'summary' });
}

/** Moves the caseworker to another step of the draft without changing what was answered. */
export function goTo(meeting: Meeting, step: PlanningStep, now: DateTime): Meeting {
  assertDraft(meeting);
  return touch(meeting, now, { step });
}

/** What still stops the invitations from going out; empty when the draft can be sent. */
export function missingForSending(meeting: Meeting, now: DateTime): Problem[] {
  const problems: Problem[] = [];
  if (!meeting.when) problems.push({ code: 'noWhen' });
  else if (DateTime.fromISO(meeting.when.start) <= now) problems.push({ code: 'datePast' });
  if (!meeting.participants.some((p) => p.group === 'client')) problems.push({ code: 'noClient' });
  if (!meeting.participants.some((p) => !p.isOrganizer && p.group !== 'client')) problems.push({ code: 'noInvitees' });
  if (!meeting.why) problems.push({ code: 'noWhy' });
  if (!meeting.consent) problems.push({ code: 'noConsent' });
  return problems;
}

/**
 * True when someone invited is reached outside Teams (a letter by post, an e-mail from the
 * caseworker, handed over in person): their letter's answer slip and calendar file need the
 * caseworker's contact details.
 */
export function needsLetters(meeting: Meeting): boolean {
  return meeting.participants.some((p) => !p.isOrganizer && p.contact.kind !== 'teams');
}

/** Who may be co-organizer: a professional invited in Teams, other than the caseworker who convenes. */
export function coOrganizerCandidates(meeting: Meeting): Participant[] {
  return meeting.participants.filter((p) => p.group === 'professional' && p.contact.kind === 'teams' && !p.isOrganizer);
}

/** Advice the caseworker sees on the summary; none of it stops sending. */
export function warnings(meeting: Meeting): Warning[] {
  const list: Warning[] = [];
  if (meeting.when && meeting.when.durationMinutes > LIMITS.recommendedMaxDuration) list.push('longMeeting');
  if (!meeting.chairId) list.push('noChair');
  else if (meeting.participants.find((p) => p.id === meeting.chairId)?.isOrganizer) list.push('chairIsConvener');
  return list;
}

/**
 * Sends the draft: from now on it is an invited meeting, the caseworker who convenes is
 * coming, and the invitations wait for delivery. `statusCard` is where the caseworker's
 * status card will stand: the card they pressed Send on.
 */
export function markSent(meeting: Meeting, now: DateTime, statusCard?: StatusCardRef): Meeting {
  assertDraft(meeting);
  refuseIfAny(missingForSending(meeting, now));
  return touch(
    meeting,
    now,
    { status: 'invited', sentAt: iso(now), step: 'summary', planRev: meeting.rev + 1, ttl: undefined, ...(statusCard ? { statusCard } : {}) },
  );
}

/** The fixed speaker order of the guides: the client first, then the private network, then the professionals. */
export function speakerOrder(participants: readonly Participant[]): Participant[] {
  return [...participants].sort((a, b) => GROUPS.indexOf(a.group) - GROUPS.indexOf(b.group));
}

/** Refuses an action drawn from an older card, so the caseworker never overwrites newer answers unseen. */
export function assertCurrent(meeting: Meeting, rev: number | undefined): void {
  if (rev !== meeting.rev) throw new Refusal({ code: 'staleCard' });
}

/** Refuses planning changes once the invitations are out. */
export function assertDraft(meeting: Meeting): void {
  if (meeting.status !== 'draft') throw new Refusal({ code: 'notDraft' });
}

/** Parses an answer from a card. */
export function parseAnswer(value: string): Answer {
  const answer = oneOf(ANSWERS, value);
  if (!answer) throw new Refusal({ code: 'answerInvalid' });
  return answer;
}

/** Returns the meeting with the changes and a raised revision (who did it is written to the audit trail by the service, `services/audit.ts`). */
export function touch(meeting: Meeting, now: DateTime, changes: Partial<Meeting>): Meeting {
  return { ...meeting, ...changes, rev: meeting.rev + 1, updatedAt: iso(now) };
}

function parseContact(input: ParticipantInput, problems: Problem[]): Contact | undefined {
  const kind = oneOf<ContactKind>(CONTACT_KINDS, input.contactKind);
  switch (kind) {
    case 'teams': {
      const userId = clean(input.teamsUserId);
      if (userId === '' || userId.length > 200) return void problems.push({ code: 'teamsUserRequired' });
      return { kind, userId };
    }
    case 'email': {
      const email = clean(input.email).toLowerCase();
      if (!/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(email) || email.length > LIMITS.email) {
        return void problems.push({ code: 'emailInvalid' });
      }
      return { kind, email };
    }
    case 'post': {
      const address = clean(input.address, true);
      if (address === '') return void problems.push({ code: 'addressRequired' });
      problems.push(...tooLong('address', address, LIMITS.address));
      return { kind, address };
    }
    case 'hand':
      return { kind };
    default:
      problems.push({ code: 'contactKindInvalid' });
      return undefined;
  }
}

function isDuplicate(participants: readonly Participant[], name: string, contact: Contact): boolean {
  return participants.some((p) => {
    if (p.contact.kind === 'teams' && contact.kind === 'teams') return p.contact.userId === contact.userId;
    if (p.contact.kind === 'email' && contact.kind === 'email') return p.contact.email === contact.email;
    return p.name.toLocaleLowerCase() === name.toLocaleLowerCase();
  });
}

/** Whole minutes written in decimal digits; `0x5A`, `1e2` or `90.0` are not durations. */
function parseDuration(value: string): number | undefined {
  const text = String(value).trim();
  if (!/^\d{1,4}$/.test(text)) return undefined;
  const n = Number(text);
  if (n < LIMITS.minDuration || n > LIMITS.maxDuration) return undefined;
  return n;
}

function tooLong(field: string, value: string, max: number): Problem[] {
  return value.length > max ? [{ code: 'textTooLong', params: { field, max } }] : [];
}

function dedupe(problems: Problem[]): Problem[] {
  const seen = new Set<string>();
  return problems.filter((p) => {
    const key = JSON.stringify(p);
    return seen.has(key) ? false : (seen.add(key), true);
  });
}

/** After a step is saved: the next unanswered step, or the summary when the rest is done. */
function nextStep(meeting: Meeting, saved: 'when' | 'who'): PlanningStep {
  const whoDone = meeting.participants.some((p) => p.group === 'client') && !!meeting.consent;
  if (saved === 'when' && !whoDone) return 'who';
  return meeting.why ? 'summary' : 'why';
}

function iso(now: DateTime): string {
  return now.toUTC().toISO()!;
}

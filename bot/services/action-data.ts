import { ANSWERS, type Answer, type PlanningStep } from '../domain/meeting';
import { MEMO_WAYS, PHASES, ROUNDS, type MemoWay, type Phase, type Session, type SessionStep } from '../domain/session';
import { SECTIONS, type Section } from '../../cards/session';
import { SCALES, type FeedbackInput } from '../domain/feedback';
import type { ActionInput } from '../domain/plan';
import { oneOf, type ParticipantInput, type WhenInput, type WhyInput } from '../domain/planning';
import { isChoosableZone, type ChoosableZone } from '../domain/user';
import type { PlainProblemCode } from '../i18n';
import { PERSON_KEY, type PersonQuery } from '../domain/people';

/**
 * The data each card action carries, parsed at the edge. Ids must have the shape Samråd issues
 * (a UUID), revisions are whole decimal numbers: anything else is answered as "not found" or
 * "out of date" before it reaches a rule or the store. Free text is passed on as typed (the
 * rules clean and check it), cut at a length no card input allows.
 */

/** A card action's raw fields, as strings. */
export type ActionData = Record<string, string>;

/** Why a card's data was not accepted: the answer the person gets, nothing more. */
export interface BadData {
  /** Only a problem whose message needs no values: the card shows it as it is. */
  bad: PlainProblemCode;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const REV = /^\d{1,9}$/;

/** True for an id of the shape Samråd gives meetings and participants. */
export function isIssuedId(value: string | undefined): value is string {
  return typeof value === 'string' && UUID.test(value);
}

/** A meeting named by a card. */
export interface MeetingRef {
  meetingId: string;
}

/** A meeting named by a card, with the revision the card was drawn from. */
export interface CardRef extends MeetingRef {
  rev: number;
}

function meetingRef(raw: ActionData): MeetingRef | BadData {
  return isIssuedId(raw.meetingId) ? { meetingId: raw.meetingId.toLowerCase() } : { bad: 'meetingNotFound' };
}

function cardRef(raw: ActionData): CardRef | BadData {
  const ref = meetingRef(raw);
  if ('bad' in ref) return ref;
  if (!REV.test(raw.rev ?? '')) return { bad: 'staleCard' };
  return { ...ref, rev: Number(raw.rev) };
}

function participantId(raw: ActionData, field = 'participantId'): string | undefined {
  const value = inputField(raw, field);
  return isIssuedId(value) ? value.toLowerCase() : undefined;
}

function text(raw: ActionData, field: string): string {
  return (inputField(raw, field) ?? '').slice(0, 5000);
}

/**
 * The value of an input, by its name: the card gives an input whose choices change the id
 * `<name>_<digest of the choices>` (see `choiceId` in cards/format.ts), so the value is under that
 * id or, from an older card or another client, under the plain name.
 */
export function inputField(raw: ActionData, name: string): string | undefined {
  if (raw[name] !== undefined) return raw[name];
  const prefix = `${name}_`;
  for (const key of Object.keys(raw)) if (key.startsWith(prefix) && /^[0-9a-f]{8}$/.test(key.slice(prefix.length))) return raw[key];
  return undefined;
}

/** A nudge's key: a rule, ids of the shape Samråd issues and a few words (see `domain/nudges.ts`). */
const NUDGE_KEY = /^(summary\.[0-9a-f-]{36}|item\.[0-9a-f-]{36}\.(soon|overdue\.(owner|caseworker|coordinator))|minutes\.(writer|coordinator)|unanswered\.\d{4}-\d{2}-\d{2}|followUp\.draft)$/;

/** A nudge named by its card. */
export function parseNudgeRef(raw: ActionData): (MeetingRef & { key: string }) | BadData {
  const ref = meetingRef(raw);
  if ('bad' in ref) return ref;
  return typeof raw.key === 'string' && NUDGE_KEY.test(raw.key) ? { ...ref, key: raw.key } : { bad: 'meetingNotFound' };
}

/** A meeting to keep one retention period longer, with the caseworker's reason. */
export function parseExtend(raw: ActionData): (MeetingRef & { reason: string }) | BadData {
  const ref = meetingRef(raw);
  if ('bad' in ref) return ref;
  return { ...ref, reason: text(raw, 'reason') };
}

/** A nudge to be reminded of again in a day or a week. */
export function parseNudgeSnooze(raw: ActionData): (MeetingRef & { key: string; days: 1 | 7 }) | BadData {
  const ref = parseNudgeRef(raw);
  if ('bad' in ref) return ref;
  return raw.days === '1' || raw.days === '7' ? { ...ref, days: Number(raw.days) as 1 | 7 } : { bad: 'staleCard' };
}

/** Nothing beyond the verb. */
export function noData(): Record<string, never> {
  return {};
}

/** A card that only names its meeting (show the status, show the comments). */
export function parseMeetingRef(raw: ActionData): MeetingRef | BadData {
  return meetingRef(raw);
}

/** A person's page link, replaced by a new one (the old stops at once). */
export function parsePageLink(raw: ActionData): (MeetingRef & { participantId: string }) | BadData {
  const ref = meetingRef(raw);
  if ('bad' in ref) return ref;
  const id = participantId(raw);
  return id ? { ...ref, participantId: id } : { bad: 'participantUnknown' };
}

/** The preparation checklist on the status card: the items ticked (a multi-select). */
export function parsePreparation(raw: ActionData): (MeetingRef & { prepared: string[] }) | BadData {
  const ref = meetingRef(raw);
  if ('bad' in ref) return ref;
  return { ...ref, prepared: (inputField(raw, 'prepared') ?? '').split(',').filter(Boolean).slice(0, 20) };
}

/** Meeting mode shown as it stands, with one of its parts open (or none). */
export function parseSessionShow(raw: ActionData): (MeetingRef & { section?: Section; editItem?: string }) | BadData {
  const ref = meetingRef(raw);
  if ('bad' in ref) return ref;
  const section = oneOf(SECTIONS, raw.section ?? '');
  const editItem = isIssuedId(raw.editItem) ? raw.editItem.toLowerCase() : undefined;
  return { ...ref, ...(section ? { section } : {}), ...(editItem ? { editItem } : {}) };
}

/** A planning card with no inputs (send, discard). */
export function parseCardRef(raw: ActionData): CardRef | BadData {
  return cardRef(raw);
}

/** The "When?" card. */
export function parseWhen(raw: ActionData): (CardRef & { input: WhenInput }) | BadData {
  const ref = cardRef(raw);
  if ('bad' in ref) return ref;
  const input = {
    date: text(raw, 'date'),
    time: text(raw, 'time'),
    duration: text(raw, 'duration'),
    placeKind: text(raw, 'placeKind'),
    placeDetails: text(raw, 'placeDetails'),
    confirmTime: raw.confirmTime === 'true',
  };
  return { ...ref, input };
}

/** "Add a participant" on the "Who?" card. */
export function parseAddParticipant(raw: ActionData): (CardRef & { input: ParticipantInput }) | BadData {
  const ref = cardRef(raw);
  if ('bad' in ref) return ref;
  const detail = text(raw, 'contactDetail');
  const input: ParticipantInput = {
    name: text(raw, 'name'),
    group: text(raw, 'group'),
    relation: text(raw, 'relation'),
    contactKind: text(raw, 'contactKind'),
    teamsUserId: text(raw, 'teamsUser'),
    email: detail,
    address: detail,
    language: text(raw, 'language'),
  };
  return { ...ref, input };
}

/** "Remove" beside a participant. */
export function parseRemoveParticipant(raw: ActionData): (CardRef & { participantId: string }) | BadData {
  const ref = cardRef(raw);
  if ('bad' in ref) return ref;
  const id = participantId(raw);
  return id ? { ...ref, participantId: id } : { bad: 'participantUnknown' };
}

/** The consent and roles part of the "Who?" card. */
export function parseRoles(raw: ActionData): (CardRef & { consent: boolean; chairId: string; secretaryId: string; coOrganizerId: string }) | BadData {
  const ref = cardRef(raw);
  if ('bad' in ref) return ref;
  const role = (field: string): string | BadData => {
    const value = inputField(raw, field) ?? '';
    if (value === '') return '';
    return isIssuedId(value) ? value.toLowerCase() : { bad: 'roleNotParticipant' };
  };
  const chairId = role('chairId');
  const secretaryId = role('secretaryId');
  const coOrganizerId = role('coOrganizerId');
  if (typeof chairId !== 'string') return chairId;
  if (typeof secretaryId !== 'string') return secretaryId;
  if (typeof coOrganizerId !== 'string') return { bad: 'coOrganizerInvalid' };
  return { ...ref, consent: raw.consent === 'true', chairId, secretaryId, coOrganizerId };
}

/** The "Why?" card. */
export function parseWhy(raw: ActionData): (CardRef & { input: WhyInput }) | BadData {
  const ref = cardRef(raw);
  if ('bad' in ref) return ref;
  return { ...ref, input: { purpose: text(raw, 'purpose'), topics: text(raw, 'topics'), form: text(raw, 'form') } };
}

const STEPS: readonly PlanningStep[] = ['when', 'who', 'why', 'summary'];

/** A step button of the draft. */
export function parseGoto(raw: ActionData): (CardRef & { step: PlanningStep }) | BadData {
  const ref = cardRef(raw);
  if ('bad' in ref) return ref;
  const step = oneOf(STEPS, raw.step ?? '');
  return step ? { ...ref, step } : { bad: 'unknownAction' };
}

/** An invitee's answer buttons. */
export function parseAnswer(raw: ActionData): (CardRef & { answer: Answer; comment: string; topic: string }) | BadData {
  const ref = cardRef(raw);
  if ('bad' in ref) return ref;
  const answer = oneOf(ANSWERS, raw.answer ?? '');
  if (!answer) return { bad: 'answerInvalid' };
  return { ...ref, answer, comment: text(raw, 'comment'), topic: text(raw, 'topic') };
}

/** The caseworker records an answer given by phone: the choice sits in `answer_<participant id>`. */
export function parsePhoneAnswer(raw: ActionData): (MeetingRef & { participantId: string; answer: Answer }) | BadData {
  const ref = meetingRef(raw);
  if ('bad' in ref) return ref;
  const id = participantId(raw);
  if (!id) return { bad: 'participantUnknown' };
  const answer = oneOf(ANSWERS, raw[`answer_${raw.participantId}`] ?? '');
  return answer ? { ...ref, participantId: id, answer } : { bad: 'answerInvalid' };
}

/** The caseworker's contact details card. */
export function parseContact(raw: ActionData): { name: string; organisation: string; phone: string; email: string } {
  return { name: text(raw, 'contactName'), organisation: text(raw, 'organisation'), phone: text(raw, 'phone'), email: text(raw, 'email') };
}

/** The time zone chosen on the settings card: a zone it offers, or `teams` ("as Teams says"); anything else is `unknown`. */
export type ZoneChoice = { zone: ChoosableZone | 'teams' } | { unknown: true };

/**
 * The settings card's time zone, read at the edge against the card's own list: an unknown zone is
 * not a "bad" card (the person gets the settings card back with the refusal, and nothing is stored).
 */
export function parseZoneChoice(raw: ActionData): ZoneChoice {
  const value = (inputField(raw, 'timeZone') ?? '').trim();
  if (value === 'teams') return { zone: 'teams' };
  return isChoosableZone(value) ? { zone: value } : { unknown: true };
}

/**
 * Sending the invitations or a change: the card, and what the summary asked for when letters go
 * out and the caseworker's contact details are missing (the details typed there, or going without).
 */
export interface SendRef extends CardRef {
  contact?: ReturnType<typeof parseContact>;
  withoutContact: boolean;
}

export function parseSend(raw: ActionData): SendRef | BadData {
  const ref = cardRef(raw);
  if ('bad' in ref) return ref;
  const contact = parseContact(raw);
  const typed = Object.values(contact).some((v) => v.trim() !== '');
  return { ...ref, withoutContact: raw.withoutContact === 'yes', ...(typed ? { contact } : {}) };
}

/** The cancellation, with the reason the caseworker gave (optional). */
export function parseCancel(raw: ActionData): (CardRef & { reason: string }) | BadData {
  const ref = cardRef(raw);
  if ('bad' in ref) return ref;
  return { ...ref, reason: text(raw, 'reason') };
}

/** Ids of topics on the meeting's agenda: from the invitation (`plan-3`), proposed (`proposed-2`) or added at the meeting (an issued id). */
const TOPIC_ID = /^(?:plan|proposed)-\d{1,3}$/;

function topicId(value: string | undefined): string | undefined {
  if (typeof value !== 'string') return undefined;
  if (TOPIC_ID.test(value)) return value;
  return isIssuedId(value) ? value.toLowerCase() : undefined;
}

/**
 * A press on the meeting-mode card: the meeting, the card's revision, the steps it stands for
 * (given the session as stored), and whether the caseworker confirmed starting far from the
 * planned time.
 */
export type SessionPress = CardRef & {
  steps: (session: Session, newId: () => string) => SessionStep[];
  confirmed?: boolean;
  /** The part of the card the press came from, kept open on the card that answers it. */
  section?: Section;
};

function press(raw: ActionData, steps: SessionPress['steps'], section?: Section): SessionPress | BadData {
  const ref = cardRef(raw);
  if ('bad' in ref) return ref;
  return { ...ref, steps, ...(section ? { section } : {}) };
}

/** Next, Skip, End and undoing the end: no data beyond the card. */
export function parseSessionSimple(step: 'next' | 'skip' | 'end' | 'reopen'): (raw: ActionData) => SessionPress | BadData {
  return (raw) => press(raw, () => [{ step }]);
}

/** Start or end a break. */
export function parseSessionBreak(raw: ActionData): SessionPress | BadData {
  const ref = cardRef(raw);
  if ('bad' in ref) return ref;
  if (raw.change === 'start') return press(raw, () => [{ step: 'breakStart' }]);
  if (raw.change === 'end') return press(raw, () => [{ step: 'breakEnd' }]);
  return { bad: 'unknownAction' };
}

/** How the memo reaches everyone (a multi-select of the ways). */
export function parseSessionMemo(raw: ActionData): SessionPress | BadData {
  const ref = cardRef(raw);
  if ('bad' in ref) return ref;
  const ways = (inputField(raw, 'memoWays') ?? '').split(',').filter(Boolean);
  const known = ways.map((way) => oneOf(MEMO_WAYS, way));
  if (known.some((way) => !way)) return { bad: 'unknownAction' };
  return press(raw, () => [{ step: 'memo', ways: known as MemoWay[] }], 'roles');
}

/** Whether the big screen shows the agenda (a toggle). */
export function parseSessionScreen(raw: ActionData): SessionPress | BadData {
  const ref = cardRef(raw);
  if ('bad' in ref) return ref;
  return press(raw, () => [{ step: 'screen', agenda: raw.screenAgenda === 'true' }], 'agenda');
}

/** The responsible worker and the follow-up date, each possibly "not decided". */
export function parseSessionOutcome(raw: ActionData): SessionPress | BadData {
  const ref = cardRef(raw);
  if ('bad' in ref) return ref;
  const responsible = inputField(raw, 'responsible') ?? '';
  if (responsible !== '' && responsible !== 'undecided' && !isIssuedId(responsible)) return { bad: 'participantUnknown' };
  const followUp = raw.followUpUndecided === 'true' ? 'undecided' : text(raw, 'followUp').slice(0, 20);
  return press(raw, () => [{ step: 'outcome', responsible: responsible.toLowerCase(), followUp }], 'plan');
}

/** An action item added or changed on the meeting-mode card: what, who, by when, with whom. */
export function parseItem(raw: ActionData): (MeetingRef & { itemId?: string; input: ActionInput }) | BadData {
  const ref = meetingRef(raw);
  if ('bad' in ref) return ref;
  let itemId: string | undefined;
  if (raw.change === 'edit') {
    if (!isIssuedId(raw.itemId)) return { bad: 'itemUnknown' };
    itemId = raw.itemId.toLowerCase();
  } else if (raw.change !== 'add') return { bad: 'unknownAction' };
  const owner = inputField(raw, 'itemOwner') ?? '';
  if (owner !== '' && !isIssuedId(owner)) return { bad: 'participantUnknown' };
  const withIds = (inputField(raw, 'itemWith') ?? '').split(',').filter(Boolean);
  if (withIds.some((id) => !isIssuedId(id))) return { bad: 'participantUnknown' };
  return {
    ...ref,
    ...(itemId ? { itemId } : {}),
    input: { text: text(raw, 'itemText'), ownerId: owner.toLowerCase(), due: text(raw, 'itemDue').slice(0, 20), withIds: withIds.map((id) => id.toLowerCase()) },
  };
}

/** An action item marked done (or not done again), from the meeting-mode card or the owner's own card. */
export function parseItemDone(raw: ActionData): (MeetingRef & { itemId: string; done: boolean; from: 'session' | 'minutes' }) | BadData {
  const ref = meetingRef(raw);
  if ('bad' in ref) return ref;
  if (!isIssuedId(raw.itemId)) return { bad: 'itemUnknown' };
  return { ...ref, itemId: raw.itemId.toLowerCase(), done: raw.done !== 'no', from: raw.from === 'minutes' ? 'minutes' : 'session' };
}

/** Feedback from a card: the four scales and the comment, for the person the card is for (on the caseworker's screen, named). */
export function parseFeedback(raw: ActionData): (MeetingRef & { participantId?: string; via: 'teams' | 'screen'; input: FeedbackInput }) | BadData {
  const ref = meetingRef(raw);
  if ('bad' in ref) return ref;
  const via = raw.via === 'screen' ? 'screen' : 'teams';
  const participantId = via === 'screen' ? (isIssuedId(raw.participantId) ? raw.participantId.toLowerCase() : undefined) : undefined;
  if (via === 'screen' && !participantId) return { bad: 'participantUnknown' };
  const input = Object.fromEntries(SCALES.map((scale) => [scale, (inputField(raw, scale) ?? '').slice(0, 10)])) as Record<(typeof SCALES)[number], string>;
  return { ...ref, via, ...(participantId ? { participantId } : {}), input: { ...input, comment: text(raw, 'comment') } };
}

/** The caseworker's screen for feedback: the person chosen (or none: the list). */
export function parseFeedbackScreen(raw: ActionData): (MeetingRef & { participantId?: string }) | BadData {
  const ref = meetingRef(raw);
  if ('bad' in ref) return ref;
  const chosen = raw.participantId ?? inputField(raw, 'participantId');
  if (chosen === undefined || chosen === '') return ref;
  return isIssuedId(chosen) ? { ...ref, participantId: chosen.toLowerCase() } : { bad: 'participantUnknown' };
}

/** The minutes' note (typed on the review card, with Save or Send). */
export function parseMinutesNote(raw: ActionData): (MeetingRef & { note: string }) | BadData {
  const ref = meetingRef(raw);
  if ('bad' in ref) return ref;
  return { ...ref, note: text(raw, 'note') };
}

/** Start the meeting; `confirm=yes` when the caseworker confirmed starting far from the planned time. */
export function parseSessionBegin(raw: ActionData): SessionPress | BadData {
  const pressed = press(raw, () => [{ step: 'begin' }]);
  return 'bad' in pressed ? pressed : { ...pressed, confirmed: raw.confirm === 'yes' };
}

/** Start a round of a kind. */
export function parseSessionRound(raw: ActionData): SessionPress | BadData {
  const ref = cardRef(raw);
  if ('bad' in ref) return ref;
  const kind = oneOf(ROUNDS, raw.kind ?? '');
  return kind ? press(raw, () => [{ step: 'round', kind }], 'rounds') : { bad: 'unknownAction' };
}

/** Go to a phase. */
export function parseSessionPhase(raw: ActionData): SessionPress | BadData {
  const ref = cardRef(raw);
  if ('bad' in ref) return ref;
  const phase = oneOf(PHASES, raw.phase ?? '');
  return phase ? press(raw, () => [{ step: 'phase', phase }]) : { bad: 'unknownAction' };
}

/** Move the chosen waiting speaker up or down. */
export function parseSessionMove(raw: ActionData): SessionPress | BadData {
  const ref = cardRef(raw);
  if ('bad' in ref) return ref;
  const id = participantId(raw, 'speaker');
  const by = raw.by === '-1' ? -1 : raw.by === '1' ? 1 : undefined;
  if (!id) return { bad: 'participantUnknown' };
  if (!by) return { bad: 'unknownAction' };
  return press(raw, () => [{ step: 'move', participantId: id, by }], 'rounds');
}

/** The agenda: add a topic, or move the chosen one up or down, or drop it. */
export function parseSessionTopic(raw: ActionData): SessionPress | BadData {
  const ref = cardRef(raw);
  if ('bad' in ref) return ref;
  const change = raw.change;
  if (change === 'add') return press(raw, (_session, newId) => [{ step: 'topicAdd', text: text(raw, 'topic'), id: newId() }], 'agenda');
  const id = topicId(inputField(raw, 'topicId'));
  if (!id) return { bad: 'topicUnknown' };
  if (change === 'drop') return press(raw, () => [{ step: 'topicDrop', topicId: id }], 'agenda');
  if (change === 'up' || change === 'down') return press(raw, () => [{ step: 'topicMove', topicId: id, by: change === 'up' ? -1 : 1 }], 'agenda');
  return { bad: 'unknownAction' };
}

/** The topics ticked as covered (a multi-select: ids separated by commas). */
export function parseSessionCovered(raw: ActionData): SessionPress | BadData {
  const ref = cardRef(raw);
  if ('bad' in ref) return ref;
  const ids = (inputField(raw, 'covered') ?? '').split(',').filter(Boolean);
  if (ids.some((id) => !topicId(id))) return { bad: 'topicUnknown' };
  return press(raw, () => [{ step: 'coveredSet', topicIds: ids.map((id) => topicId(id)!) }], 'agenda');
}

/** Who is here (a multi-select of participant ids). */
export function parseSessionPresence(raw: ActionData): SessionPress | BadData {
  const ref = cardRef(raw);
  if ('bad' in ref) return ref;
  const ids = (inputField(raw, 'present') ?? '').split(',').filter(Boolean);
  if (ids.some((id) => !isIssuedId(id))) return { bad: 'participantUnknown' };
  return press(raw, () => [{ step: 'presentSet', participantIds: ids.map((id) => id.toLowerCase()) }], 'presence');
}

/** Chair and secretary chosen at the start. */
export function parseSessionRoles(raw: ActionData): SessionPress | BadData {
  const roles = parseRoles(raw);
  if ('bad' in roles) return roles;
  return press(raw, () => [{ step: 'roles', chairId: roles.chairId, secretaryId: roles.secretaryId }], 'roles');
}

/** The time of each phase, in whole minutes (`budget_<phase>`); anything else is refused by the rules, with the range. */
export function parseSessionBudgets(raw: ActionData): SessionPress | BadData {
  const ref = cardRef(raw);
  if ('bad' in ref) return ref;
  const budgets = {} as Record<Phase, number>;
  for (const phase of PHASES) {
    const value = (raw[`budget_${phase}`] ?? '').trim();
    budgets[phase] = /^\d{1,4}$/.test(value) ? Number(value) : NaN;
  }
  return press(raw, () => [{ step: 'budgets', budgets }], 'phases');
}

// ---------------------------------------------------------------------------------------------
// The data-protection officer's card. Its data is never refused here: whoever presses is checked
// first (only an officer gets past that), and only then is what they typed looked at, so anyone
// else gets the same short refusal whatever the card carried.

/** Card data the officer's service could not use; they see the card again with what was wrong. */
export interface PrivacyInvalid {
  invalid: 'unknownAction' | 'idInvalid';
}

/** What to look a person up by: their Teams account, an e-mail address, or a name and a day. */
export function parsePrivacyFind(raw: ActionData): { query: PersonQuery } | PrivacyInvalid {
  switch (raw.by) {
    case 'aad':
      return { query: { by: 'aad', objectId: text(raw, 'teamsUser').slice(0, 100) } };
    case 'email':
      return { query: { by: 'email', email: text(raw, 'email').slice(0, 300) } };
    case 'name':
      return { query: { by: 'name', name: text(raw, 'name').slice(0, 200), day: text(raw, 'day').slice(0, 20) } };
    default:
      return { invalid: 'unknownAction' };
  }
}

/** A meeting named by the officer's card: by a button (`meetingId`), or typed (`auditMeetingId`). */
export function parsePrivacyMeeting(raw: ActionData): MeetingRef | PrivacyInvalid {
  const id = (raw.meetingId ?? inputField(raw, 'auditMeetingId') ?? '').trim();
  return isIssuedId(id) ? { meetingId: id.toLowerCase() } : { invalid: 'idInvalid' };
}

/** A whole meeting to erase, with the request id its confirmation card was drawn with. */
export function parsePrivacyMeetingConfirm(raw: ActionData): (MeetingRef & { request: string }) | PrivacyInvalid {
  const ref = parsePrivacyMeeting(raw);
  if ('invalid' in ref) return ref;
  return isIssuedId(raw.request) ? { ...ref, request: raw.request.toLowerCase() } : { invalid: 'unknownAction' };
}

/** A person as a search found them: the key (an object id or a digest) and, for a name, the day. */
export function parsePrivacyPerson(raw: ActionData): { key: string; day?: string } | PrivacyInvalid {
  const key = raw.key ?? '';
  const day = raw.day ?? '';
  if (!PERSON_KEY.test(key)) return { invalid: 'unknownAction' };
  if (day !== '' && !/^\d{4}-\d{2}-\d{2}$/.test(day)) return { invalid: 'unknownAction' };
  if (key.startsWith('name-') && day === '') return { invalid: 'unknownAction' };
  return { key, ...(day ? { day } : {}) };
}

/** A person's erasure confirmed, with the request id its confirmation card was drawn with. */
export function parsePrivacyEraseConfirm(raw: ActionData): { key: string; day?: string; request: string } | PrivacyInvalid {
  const person = parsePrivacyPerson(raw);
  if ('invalid' in person) return person;
  return isIssuedId(raw.request) ? { ...person, request: raw.request.toLowerCase() } : { invalid: 'unknownAction' };
}

import * as v from 'valibot';
import { ANSWERS, type PlanningStep } from '../domain/meeting';
import { MEMO_WAYS, PHASES, ROUNDS, type Phase, type Session, type SessionStep } from '../domain/session';
import { SECTIONS, type Section } from '../../cards/session';
import { SCALES } from '../domain/feedback';
import { isChoosableZone, type ChoosableZone } from '../domain/user';
import type { PlainProblemCode } from '../i18n';
import { PERSON_KEY, type PersonQuery } from '../domain/people';

/**
 * The data each card action carries, parsed at the edge. Ids must have the shape Samråd issues
 * (a UUID), revisions are whole decimal numbers: anything else is answered as "not found" or
 * "out of date" before it reaches a rule or the store. Free text is passed on as typed (the
 * rules clean and check it), cut at a length no card input allows.
 *
 * Each parser is a valibot schema of the card's fields, made once when this module loads: the
 * fields are checked in the order declared, the first one at fault is the refusal (its message),
 * a missing field reads as empty, and the type of what is read is inferred from the schema.
 * Left hand-written, where a schema would be longer than the check: `parseZoneChoice` (its
 * refusal is `unknown`, not `bad`), `parsePhoneAnswer` (the answer sits in a field named after
 * the participant), and the data-protection officer's card (its refusals are `invalid`, and
 * depend on one another: a pressed or a typed meeting id, a name and its day).
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

/**
 * The card's fields under their plain names: the card gives an input whose choices change the id
 * `<name>_<digest of the choices>` (see `choiceId` in cards/format.ts), so its value is read under
 * the plain name, unless a field of that name came too (from an older card or another client). Any
 * field is read so, and checked the same.
 */
const CHOICE_ID = /^(.+)_[0-9a-f]{8}$/;

function plainNames(raw: ActionData): ActionData {
  let plain: ActionData | undefined;
  for (const key of Object.keys(raw)) {
    const name = CHOICE_ID.exec(key)?.[1];
    if (name !== undefined && (plain ?? raw)[name] === undefined) (plain ??= { ...raw })[name] = raw[key];
  }
  return plain ?? raw;
}

// The fields of a card, each refused with the problem the person is shown.
const field = v.optional(v.string('unknownAction' satisfies PlainProblemCode), '');
/** An id Samråd issued, read in lower case. */
const uuid = (code?: PlainProblemCode) => v.pipe(v.string(), v.regex(UUID, code), v.toLowerCase());
const ISSUED = uuid();
const issued = (code: PlainProblemCode) => v.pipe(field, uuid(code));
/** An id Samråd issued, or one of a few words (`''`: none chosen). */
const issuedOr = (words: string[], code: PlainProblemCode) => v.pipe(field, v.check((value) => words.includes(value) || UUID.test(value), code), v.toLowerCase());
/** One of the values the card offers. */
const choice = <const T extends readonly string[]>(values: T, code: PlainProblemCode) => v.pipe(field, v.picklist(values, code));
/** Free text as typed, cut at a length no card input allows. */
const text = (max = 5000) => v.pipe(field, v.transform((value) => value.slice(0, max)));
/** A toggle or a button's word: true when the field is `on`. */
const flag = (on = 'true') => v.pipe(field, v.transform((value) => value === on));
/** A multi-select: the values separated by commas, each read by `item`. */
const list = <T>(item: v.GenericSchema<string, T>) => v.pipe(field, v.transform((value) => value.split(',').filter(Boolean)), v.array(item));

type Output<E extends v.ObjectEntries> = v.InferOutput<v.ObjectSchema<E, undefined>>;
const FIRST_FAULT = { abortEarly: true } as const;

/** The parser of a card with the fields `entries`: what they read as (or `shape` of it), or the refusal of the first at fault. */
function parser<E extends v.ObjectEntries>(entries: E): (raw: ActionData) => Output<E> | BadData;
function parser<E extends v.ObjectEntries, R>(entries: E, shape: (data: Output<E>) => R): (raw: ActionData) => R | BadData;
function parser<E extends v.ObjectEntries>(entries: E, shape = (data: Output<E>): unknown => data): (raw: ActionData) => unknown {
  const schema = v.object(entries);
  return (raw) => {
    const read = v.safeParse(schema, plainNames(raw), FIRST_FAULT);
    return read.success ? shape(read.output) : { bad: read.issues[0].message as PlainProblemCode };
  };
}

const MEETING = { meetingId: issued('meetingNotFound') };
const CARD = { ...MEETING, rev: v.pipe(field, v.regex(REV, 'staleCard'), v.transform(Number)) };

/** A meeting named by a card. */
export type MeetingRef = Output<typeof MEETING>;
/** A meeting named by a card, with the revision the card was drawn from. */
export type CardRef = Output<typeof CARD>;

/** A nudge's key: a rule, ids of the shape Samråd issues and a few words (see `domain/nudges.ts`). */
const NUDGE_KEY = /^(summary\.[0-9a-f-]{36}|item\.[0-9a-f-]{36}\.(soon|overdue\.(owner|caseworker|coordinator))|minutes\.(writer|coordinator)|unanswered\.\d{4}-\d{2}-\d{2}|followUp\.draft)$/;
const NUDGE = { ...MEETING, key: v.pipe(field, v.regex(NUDGE_KEY, 'meetingNotFound')) };

/** A nudge named by its card. */
export const parseNudgeRef = parser(NUDGE);

/** A meeting to keep one retention period longer, with the caseworker's reason. */
export const parseExtend = parser({ ...MEETING, reason: text() });

/** A nudge to be reminded of again in a day or a week. */
export const parseNudgeSnooze = parser({ ...NUDGE, days: v.pipe(choice(['1', '7'], 'staleCard'), v.transform((days) => (days === '1' ? 1 : 7) as 1 | 7)) });

/** Nothing beyond the verb. */
export function noData(): Record<string, never> {
  return {};
}

/** A card that only names its meeting (show the status, show the comments). */
export const parseMeetingRef = parser(MEETING);

/** A person's page link, replaced by a new one (the old stops at once). */
export const parsePageLink = parser({ ...MEETING, participantId: issued('participantUnknown') });

/** The preparation checklist on the status card: the items ticked (a multi-select). */
export const parsePreparation = parser({ ...MEETING, prepared: v.pipe(list(v.string()), v.transform((items) => items.slice(0, 20))) });

/** Meeting mode shown as it stands, with one of its parts open (or none; a part or item of another shape is left out). */
export const parseSessionShow = parser({ ...MEETING, section: v.fallback(v.optional(v.picklist(SECTIONS)), undefined), editItem: v.fallback(v.optional(ISSUED), undefined) });

/** A planning card with no inputs (send, discard). */
export const parseCardRef = parser(CARD);

/** The card's fields beyond its reference, as the input of the rule. */
const asInput = <T extends CardRef>({ meetingId, rev, ...input }: T) => ({ meetingId, rev, input });

/** The "When?" card. */
export const parseWhen = parser({ ...CARD, date: text(), time: text(), duration: text(), placeKind: text(), placeDetails: text(), confirmTime: flag() }, asInput);

/** "Add a participant" on the "Who?" card: one field for the e-mail or postal address, whichever the contact kind needs. */
export const parseAddParticipant = parser(
  { ...CARD, name: text(), group: text(), relation: text(), contactKind: text(), teamsUser: text(), contactDetail: text(), language: text() },
  ({ teamsUser, contactDetail, ...data }) => asInput({ ...data, teamsUserId: teamsUser, email: contactDetail, address: contactDetail }),
);

/** "Remove" beside a participant. */
export const parseRemoveParticipant = parser({ ...CARD, participantId: issued('participantUnknown') });

/** The chair, the secretary and the co-organizer chosen (each possibly none). */
const ROLES = { chairId: issuedOr([''], 'roleNotParticipant'), secretaryId: issuedOr([''], 'roleNotParticipant'), coOrganizerId: issuedOr([''], 'coOrganizerInvalid') };

/** The consent and roles part of the "Who?" card. */
export const parseRoles = parser({ ...CARD, consent: flag(), ...ROLES });

/** The "Why?" card. */
export const parseWhy = parser({ ...CARD, purpose: text(), topics: text(), form: text() }, asInput);

const STEPS: readonly PlanningStep[] = ['when', 'who', 'why', 'summary'];

/** A step button of the draft. */
export const parseGoto = parser({ ...CARD, step: choice(STEPS, 'unknownAction') });

/** An invitee's answer buttons. */
export const parseAnswer = parser({ ...CARD, answer: choice(ANSWERS, 'answerInvalid'), comment: text(), topic: text() });

const PHONE = parser({ ...MEETING, participantId: issued('participantUnknown') });
const ANSWER = v.picklist(ANSWERS);

/** The caseworker records an answer given by phone: the choice sits in `answer_<participant id>`. */
export function parsePhoneAnswer(raw: ActionData) {
  const ref = PHONE(raw);
  if ('bad' in ref) return ref;
  const answer = raw[`answer_${raw.participantId}`];
  return v.is(ANSWER, answer) ? { ...ref, answer } : { bad: 'answerInvalid' as const };
}

const CONTACT = { contactName: text(), organisation: text(), phone: text(), email: text() };
const contact = ({ contactName, organisation, phone, email }: Output<typeof CONTACT>) => ({ name: contactName, organisation, phone, email });

/** The caseworker's contact details card. */
export const parseContact = parser(CONTACT, contact);

/** The time zone chosen on the settings card: a zone it offers, or `teams` ("as Teams says"); anything else is `unknown`. */
export type ZoneChoice = { zone: ChoosableZone | 'teams' } | { unknown: true };

/**
 * The settings card's time zone, read at the edge against the card's own list: an unknown zone is
 * not a "bad" card (the person gets the settings card back with the refusal, and nothing is stored).
 */
export function parseZoneChoice(raw: ActionData): ZoneChoice {
  const value = (plainNames(raw).timeZone ?? '').trim();
  if (value === 'teams') return { zone: 'teams' };
  return isChoosableZone(value) ? { zone: value } : { unknown: true };
}

/**
 * Sending the invitations or a change: the card, and what the summary asked for when letters go
 * out and the caseworker's contact details are missing (the details typed there, or going without).
 */
export interface SendRef extends CardRef {
  contact?: ReturnType<typeof contact>;
  withoutContact: boolean;
}

export const parseSend = parser({ ...CARD, ...CONTACT, withoutContact: flag('yes') }, ({ meetingId, rev, withoutContact, ...details }): SendRef => {
  const typed = contact(details);
  return { meetingId, rev, withoutContact, ...(Object.values(typed).some((value) => value.trim() !== '') ? { contact: typed } : {}) };
});

/** The cancellation, with the reason the caseworker gave (optional). */
export const parseCancel = parser({ ...CARD, reason: text() });

/** A topic on the meeting's agenda: from the invitation (`plan-3`), proposed (`proposed-2`) or added at the meeting (an issued id). */
const TOPIC = v.pipe(v.string(), v.check((value) => /^(?:plan|proposed)-\d{1,3}$/.test(value) || UUID.test(value), 'topicUnknown'), v.toLowerCase());

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

/** A press on the meeting-mode card with the fields `entries`: the step they stand for, and the part of the card it came from. */
function press<E extends v.ObjectEntries>(entries: E, step: (data: Output<E>, newId: () => string) => SessionStep, section?: Section) {
  return parser({ ...CARD, ...entries }, (read): SessionPress => {
    const data = read as CardRef & Output<E>;
    return { meetingId: data.meetingId, rev: data.rev, steps: (_session, newId) => [step(data, newId)], ...(section ? { section } : {}) };
  });
}

/** Next, Skip, End and undoing the end: no data beyond the card. */
export function parseSessionSimple(step: 'next' | 'skip' | 'end' | 'reopen'): (raw: ActionData) => SessionPress | BadData {
  return press({}, () => ({ step }));
}

/** Start or end a break. */
export const parseSessionBreak = press({ change: choice(['start', 'end'], 'unknownAction') }, ({ change }) => ({ step: change === 'start' ? 'breakStart' : 'breakEnd' }));

/** How the memo reaches everyone (a multi-select of the ways). */
export const parseSessionMemo = press({ memoWays: list(v.picklist(MEMO_WAYS, 'unknownAction')) }, ({ memoWays }) => ({ step: 'memo', ways: memoWays }), 'roles');

/** Whether the big screen shows the agenda (a toggle). */
export const parseSessionScreen = press({ screenAgenda: flag() }, ({ screenAgenda }) => ({ step: 'screen', agenda: screenAgenda }), 'agenda');

/** The responsible worker and the follow-up date, each possibly "not decided". */
export const parseSessionOutcome = press(
  { responsible: issuedOr(['', 'undecided'], 'participantUnknown'), followUp: text(20), followUpUndecided: flag() },
  ({ responsible, followUp, followUpUndecided }) => ({ step: 'outcome', responsible, followUp: followUpUndecided ? 'undecided' : followUp }),
  'plan',
);

/** An action item added or changed on the meeting-mode card: what, who, by when, with whom. */
const ITEM = { itemOwner: issuedOr([''], 'participantUnknown'), itemWith: list(uuid('participantUnknown')), itemText: text(), itemDue: text(20) };
const item = ({ meetingId, itemId, itemOwner, itemWith, itemText, itemDue }: MeetingRef & Output<typeof ITEM> & { itemId?: string }) => ({
  meetingId,
  ...(itemId ? { itemId } : {}),
  input: { text: itemText, ownerId: itemOwner, due: itemDue, withIds: itemWith },
});
const addItem = parser({ ...MEETING, change: choice(['add'], 'unknownAction'), ...ITEM }, item);
const editItem = parser({ ...MEETING, itemId: issued('itemUnknown'), ...ITEM }, item);

export function parseItem(raw: ActionData): ReturnType<typeof item> | BadData {
  return (raw.change === 'edit' ? editItem : addItem)(raw);
}

/** An action item marked done (or not done again), from the meeting-mode card or the owner's own card. */
export const parseItemDone = parser({
  ...MEETING,
  itemId: issued('itemUnknown'),
  done: v.pipe(field, v.transform((done) => done !== 'no')),
  from: v.fallback(v.picklist(['session', 'minutes']), 'session'),
});

/** Feedback from a card: the four scales and the comment, for the person the card is for (on the caseworker's screen, named). */
const FEEDBACK = { ...(Object.fromEntries(SCALES.map((scale) => [scale, text(10)])) as Record<(typeof SCALES)[number], ReturnType<typeof text>>), comment: text() };
const teamsFeedback = parser({ ...MEETING, ...FEEDBACK }, ({ meetingId, ...input }) => ({ meetingId, via: 'teams' as const, input }));
const screenFeedback = parser({ ...MEETING, participantId: issued('participantUnknown'), ...FEEDBACK }, ({ meetingId, participantId, ...input }) => ({ meetingId, via: 'screen' as const, participantId, input }));

export function parseFeedback(raw: ActionData) {
  return (raw.via === 'screen' ? screenFeedback : teamsFeedback)(raw);
}

/** The caseworker's screen for feedback: the person chosen (or none: the list). */
export const parseFeedbackScreen = parser({ ...MEETING, participantId: issuedOr([''], 'participantUnknown') }, ({ meetingId, participantId }) => ({ meetingId, ...(participantId ? { participantId } : {}) }));

/** The minutes' note (typed on the review card, with Save or Send). */
export const parseMinutesNote = parser({ ...MEETING, note: text() });

/** Start the meeting; `confirm=yes` when the caseworker confirmed starting far from the planned time. */
export const parseSessionBegin = parser({ ...CARD, confirm: flag('yes') }, ({ meetingId, rev, confirm }): SessionPress => ({ meetingId, rev, steps: () => [{ step: 'begin' }], confirmed: confirm }));

/** Start a round of a kind. */
export const parseSessionRound = press({ kind: choice(ROUNDS, 'unknownAction') }, ({ kind }) => ({ step: 'round', kind }), 'rounds');

/** Go to a phase. */
export const parseSessionPhase = press({ phase: choice(PHASES, 'unknownAction') }, ({ phase }) => ({ step: 'phase', phase }));

/** Move the chosen waiting speaker up or down. */
export const parseSessionMove = press(
  { speaker: issued('participantUnknown'), by: choice(['-1', '1'], 'unknownAction') },
  ({ speaker, by }) => ({ step: 'move', participantId: speaker, by: by === '1' ? 1 : -1 }),
  'rounds',
);

const addTopic = press({ topic: text() }, ({ topic }, newId) => ({ step: 'topicAdd', text: topic, id: newId() }), 'agenda');
const changeTopic = press(
  { topicId: v.pipe(field, TOPIC), change: choice(['drop', 'up', 'down'], 'unknownAction') },
  ({ topicId, change }) => (change === 'drop' ? { step: 'topicDrop', topicId } : { step: 'topicMove', topicId, by: change === 'up' ? -1 : 1 }),
  'agenda',
);

/** The agenda: add a topic, or move the chosen one up or down, or drop it. */
export function parseSessionTopic(raw: ActionData): SessionPress | BadData {
  return (raw.change === 'add' ? addTopic : changeTopic)(raw);
}

/** The topics ticked as covered (a multi-select: ids separated by commas). */
export const parseSessionCovered = press({ covered: list(TOPIC) }, ({ covered }) => ({ step: 'coveredSet', topicIds: covered }), 'agenda');

/** Who is here (a multi-select of participant ids). */
export const parseSessionPresence = press({ present: list(uuid('participantUnknown')) }, ({ present }) => ({ step: 'presentSet', participantIds: present }), 'presence');

/** Chair and secretary chosen at the start. */
export const parseSessionRoles = press(ROLES, ({ chairId, secretaryId }) => ({ step: 'roles', chairId, secretaryId }), 'roles');

/** The time of each phase, in whole minutes (`budget_<phase>`); anything else is NaN, refused by the rules with the range. */
const minutes = v.pipe(field, v.trim(), v.transform((value) => (/^\d{1,4}$/.test(value) ? Number(value) : NaN)));
export const parseSessionBudgets = press(
  Object.fromEntries(PHASES.map((phase) => [`budget_${phase}`, minutes])),
  (data) => ({ step: 'budgets', budgets: Object.fromEntries(PHASES.map((phase) => [phase, data[`budget_${phase}`]])) as Record<Phase, number> }),
  'phases',
);

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
  const typed = plainNames(raw);
  const cut = (name: string, max: number) => (typed[name] ?? '').slice(0, max);
  switch (raw.by) {
    case 'aad':
      return { query: { by: 'aad', objectId: cut('teamsUser', 100) } };
    case 'email':
      return { query: { by: 'email', email: cut('email', 300) } };
    case 'name':
      return { query: { by: 'name', name: cut('name', 200), day: cut('day', 20) } };
    default:
      return { invalid: 'unknownAction' };
  }
}

/** A meeting named by the officer's card: by a button (`meetingId`), or typed (`auditMeetingId`). */
export function parsePrivacyMeeting(raw: ActionData): MeetingRef | PrivacyInvalid {
  const id = (raw.meetingId ?? plainNames(raw).auditMeetingId ?? '').trim();
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

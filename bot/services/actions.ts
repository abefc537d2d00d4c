import { addParticipant, goTo, removeParticipant, setRoles, setWhen, setWhy } from '../domain/planning';
import { t } from '../i18n';
import {
  noData,
  parseAddParticipant,
  parseAnswer,
  parseCancel,
  parseCardRef,
  parseContact,
  parseGoto,
  parseMeetingRef,
  parseExtend,
  parseNudgeRef,
  parseNudgeSnooze,
  parsePhoneAnswer,
  parsePageLink,
  parsePreparation,
  parseRemoveParticipant,
  parseRoles,
  parseSend,
  parseSessionBegin,
  parseSessionBreak,
  parseSessionMemo,
  parseSessionScreen,
  parseSessionOutcome,
  parseItem,
  parseItemDone,
  parseFeedback,
  parseFeedbackScreen,
  parseMinutesNote,
  parseSessionShow,
  parseSessionBudgets,
  parseSessionCovered,
  parseSessionMove,
  parseSessionPhase,
  parseSessionPresence,
  parseSessionRoles,
  parseSessionRound,
  parseSessionSimple,
  parseSessionTopic,
  parseWhen,
  parseWhy,
  parseZoneChoice,
  parsePrivacyEraseConfirm,
  parsePrivacyFind,
  parsePrivacyMeeting,
  parsePrivacyMeetingConfirm,
  parsePrivacyPerson,
  type ActionData,
  type BadData,
} from './action-data';
import { answerInvitation, changeAnswer, recordPhoneAnswer } from './answers';
import { refusedCard, welcome } from './meetings';
import { beginChange, cancel, dropChange, publishChange } from './changes';
import { showMeetings } from './meeting-list';
import { completeNudge, snoozeNudge } from './nudges';
import { extendRetention } from './retention';
import { showOverview } from './overview';
import { askEraseMeeting, askErasePerson, eraseMeetingNow, erasePersonNow, findPersonCard, showAuditTrail, showPrivacy } from './privacy';
import { discardDraft, planAction, resumeDraft, sendInvitations, startDraft } from './planning';
import { bringMeetingHere, openMeetingMode, pickMeetingHere, showMeetingMode, stepMeetingMode } from './session';
import { feedbackOnScreen, feedbackOverview, giveFeedback } from './feedback';
import { markItemDone, saveItem } from './items';
import { revokeAndReissue, showPageLinks } from './pages';
import { reviewMinutes, saveMinutesNote, sendMinutes } from './minutes';
import { saveSettings, saveZone, showSettings } from './settings';
import type { Actor, CardReply, Deps } from './ports';
import { savePreparation, showComments, showStatus } from './status';

/** One card verb: how its data is read, and the service that answers it. */
interface Route<D> {
  parse: (raw: ActionData) => D | BadData;
  handle: (deps: Deps, actor: Actor, data: D, raw: ActionData) => Promise<CardReply>;
}

function route<D>(parse: Route<D>['parse'], handle: Route<D>['handle']): Route<D> {
  return { parse, handle };
}

/**
 * Every card verb Samråd answers, its data's parser and its service: the one place a verb is
 * wired. `cards/templates` may use only these verbs (a test checks both directions).
 */
export const ROUTES = {
  'plan.start': route(noData, (deps, actor) => startDraft(deps, actor)),
  'plan.resume': route(noData, (deps, actor) => resumeDraft(deps, actor)),
  'plan.when': route(parseWhen, (deps, actor, d, raw) =>
    planAction(deps, actor, d, raw, (m, { deps }) => ({ next: setWhen(m, d.input, m.when?.timeZone ?? actor.reader.timeZone, deps.now()) })),
  ),
  'plan.who.add': route(parseAddParticipant, (deps, actor, d, raw) =>
    planAction(deps, actor, d, raw, (m, { deps }) => {
      const next = addParticipant(m, d.input, deps.newId(), deps.now());
      const added = next.participants[next.participants.length - 1];
      return { next, notice: { text: t(actor.reader.locale, 'notice.added', { name: added.name }), color: 'Good' } };
    }),
  ),
  'plan.who.remove': route(parseRemoveParticipant, (deps, actor, d, raw) =>
    planAction(deps, actor, d, raw, (m, { deps }) => ({
      next: removeParticipant(m, d.participantId, deps.now()),
      notice: { text: t(actor.reader.locale, 'notice.removed'), color: 'Good' },
    })),
  ),
  'plan.who.save': route(parseRoles, (deps, actor, d, raw) => planAction(deps, actor, d, raw, (m, { deps }) => ({ next: setRoles(m, d, actor.userKey, deps.now()) }))),
  'plan.why': route(parseWhy, (deps, actor, d, raw) => planAction(deps, actor, d, raw, (m, { deps }) => ({ next: setWhy(m, d.input, deps.now()) }))),
  'plan.goto': route(parseGoto, (deps, actor, d, raw) => planAction(deps, actor, d, raw, (m, { deps }) => ({ next: goTo(m, d.step, deps.now()) }))),
  'plan.send': route(parseSend, (deps, actor, d, raw) => sendInvitations(deps, actor, d, raw)),
  'plan.discard': route(parseCardRef, (deps, actor, d) => discardDraft(deps, actor, d)),
  'invite.answer': route(parseAnswer, (deps, actor, d) => answerInvitation(deps, actor, d)),
  'invite.change': route(parseMeetingRef, (deps, actor, d) => changeAnswer(deps, actor, d)),
  'invite.record': route(parsePhoneAnswer, (deps, actor, d) => recordPhoneAnswer(deps, actor, d)),
  'status.show': route(parseMeetingRef, (deps, actor, d) => showStatus(deps, actor, d)),
  'status.comments': route(parseMeetingRef, (deps, actor, d) => showComments(deps, actor, d)),
  'status.prepare': route(parsePreparation, (deps, actor, d) => savePreparation(deps, actor, d)),
  'status.pages': route(parseMeetingRef, (deps, actor, d) => showPageLinks(deps, actor, d)),
  'status.pageLink': route(parsePageLink, (deps, actor, d) => revokeAndReissue(deps, actor, d)),
  'change.start': route(parseCardRef, (deps, actor, d) => beginChange(deps, actor, d)),
  'change.send': route(parseSend, (deps, actor, d, raw) => publishChange(deps, actor, d, raw)),
  'change.discard': route(parseCardRef, (deps, actor, d) => dropChange(deps, actor, d)),
  'meeting.cancel': route(parseCancel, (deps, actor, d) => cancel(deps, actor, d)),
  'meetings.list': route(noData, (deps, actor) => showMeetings(deps, actor)),
  'settings.show': route(noData, (deps, actor) => showSettings(deps, actor)),
  // The coordinators' overview: names no meeting; who is a coordinator is checked on every press.
  'overview.show': route(noData, (deps, actor) => showOverview(deps, actor)),
  'settings.save': route(parseContact, (deps, actor, d) => saveSettings(deps, actor, d)),
  'settings.zone': route(parseZoneChoice, (deps, actor, d) => saveZone(deps, actor, d)),
  // Opens meeting mode, ready to start (the verb keeps its name, so status cards already in chats keep working).
  'session.start': route(parseMeetingRef, (deps, actor, d) => openMeetingMode(deps, actor, d)),
  'session.begin': route(parseSessionBegin, (deps, actor, d) => stepMeetingMode(deps, actor, d)),
  'session.reopen': route(parseSessionSimple('reopen'), (deps, actor, d) => stepMeetingMode(deps, actor, d)),
  'session.break': route(parseSessionBreak, (deps, actor, d) => stepMeetingMode(deps, actor, d)),
  'session.memo': route(parseSessionMemo, (deps, actor, d) => stepMeetingMode(deps, actor, d)),
  'session.screen': route(parseSessionScreen, (deps, actor, d) => stepMeetingMode(deps, actor, d)),
  'session.outcome': route(parseSessionOutcome, (deps, actor, d) => stepMeetingMode(deps, actor, d)),
  'session.item': route(parseItem, (deps, actor, d) => saveItem(deps, actor, d)),
  'session.itemDone': route(parseItemDone, (deps, actor, d) => markItemDone(deps, actor, d)),
  'feedback.give': route(parseFeedback, (deps, actor, d) => giveFeedback(deps, actor, d)),
  'feedback.screen': route(parseFeedbackScreen, (deps, actor, d) => feedbackOnScreen(deps, actor, d)),
  'feedback.overview': route(parseMeetingRef, (deps, actor, d) => feedbackOverview(deps, actor, d)),
  'minutes.show': route(parseMeetingRef, (deps, actor, d) => reviewMinutes(deps, actor, d)),
  'minutes.note': route(parseMinutesNote, (deps, actor, d) => saveMinutesNote(deps, actor, d)),
  'minutes.send': route(parseMinutesNote, (deps, actor, d) => sendMinutes(deps, actor, d)),
  'session.show': route(parseSessionShow, (deps, actor, d) => showMeetingMode(deps, actor, d)),
  'session.next': route(parseSessionSimple('next'), (deps, actor, d) => stepMeetingMode(deps, actor, d)),
  'session.skip': route(parseSessionSimple('skip'), (deps, actor, d) => stepMeetingMode(deps, actor, d)),
  'session.end': route(parseSessionSimple('end'), (deps, actor, d) => stepMeetingMode(deps, actor, d)),
  'session.round': route(parseSessionRound, (deps, actor, d) => stepMeetingMode(deps, actor, d)),
  'session.phase': route(parseSessionPhase, (deps, actor, d) => stepMeetingMode(deps, actor, d)),
  'session.move': route(parseSessionMove, (deps, actor, d) => stepMeetingMode(deps, actor, d)),
  'session.topic': route(parseSessionTopic, (deps, actor, d) => stepMeetingMode(deps, actor, d)),
  'session.covered': route(parseSessionCovered, (deps, actor, d) => stepMeetingMode(deps, actor, d)),
  'session.presence': route(parseSessionPresence, (deps, actor, d) => stepMeetingMode(deps, actor, d)),
  'session.roles': route(parseSessionRoles, (deps, actor, d) => stepMeetingMode(deps, actor, d)),
  'session.budgets': route(parseSessionBudgets, (deps, actor, d) => stepMeetingMode(deps, actor, d)),
  'session.pick': route(noData, (deps, actor) => pickMeetingHere(deps, actor)),
  'session.here': route(parseMeetingRef, (deps, actor, d) => bringMeetingHere(deps, actor, d)),
  // A follow-up nudge: done, or again tomorrow / in a week (whoever it concerns, checked on every press).
  'nudge.done': route(parseNudgeRef, (deps, actor, d) => completeNudge(deps, actor, d)),
  'nudge.snooze': route(parseNudgeSnooze, (deps, actor, d) => snoozeNudge(deps, actor, d)),
  // The data-protection officer's card: who is an officer is checked on every press, before the data is looked at.
  'privacy.show': route(noData, (deps, actor) => showPrivacy(deps, actor)),
  'privacy.find': route(parsePrivacyFind, (deps, actor, d) => findPersonCard(deps, actor, d)),
  'privacy.audit': route(parsePrivacyMeeting, (deps, actor, d) => showAuditTrail(deps, actor, d)),
  'privacy.erase': route(parsePrivacyPerson, (deps, actor, d) => askErasePerson(deps, actor, d)),
  'privacy.eraseConfirm': route(parsePrivacyEraseConfirm, (deps, actor, d) => erasePersonNow(deps, actor, d)),
  'privacy.eraseMeeting': route(parsePrivacyMeeting, (deps, actor, d) => askEraseMeeting(deps, actor, d)),
  'privacy.eraseMeetingConfirm': route(parsePrivacyMeetingConfirm, (deps, actor, d) => eraseMeetingNow(deps, actor, d)),
  // Retention: the caseworker keeps a meeting one period longer, once, with a reason.
  'retention.extend': route(parseExtend, (deps, actor, d) => extendRetention(deps, actor, d)),
} satisfies Record<string, Route<any>>;

/** A verb Samråd answers. */
export type Verb = keyof typeof ROUTES;

/** The verbs that may be pressed in a group chat or a meeting's chat: meeting mode, nothing else. */
export const CHAT_VERBS: ReadonlySet<string> = new Set(Object.keys(ROUTES).filter((verb) => verb.startsWith('session.') && verb !== 'session.start'));

/** Every verb, for checks that tie the cards to this table. */
export const VERBS = Object.keys(ROUTES) as Verb[];

function isVerb(verb: string): verb is Verb {
  return Object.prototype.hasOwnProperty.call(ROUTES, verb);
}

/** Answers a card action; an unknown verb or data of the wrong shape gets a clear message and changes nothing. */
export async function handleAction(deps: Deps, actor: Actor, verb: string, raw: ActionData): Promise<CardReply> {
  if (!isVerb(verb)) {
    deps.log.warn('action.unknown', { verb: verb.slice(0, 40) });
    return refusedCard(actor, 'unknownAction');
  }
  const entry = ROUTES[verb] as Route<unknown>;
  const data = entry.parse(raw);
  if (isBad(data)) {
    // Data no card of Samråd's would send: "out of date" or "not found", and nothing of any meeting.
    deps.log.warn('action.badData', { verb, problem: data.bad });
    return refusedCard(actor, data.bad);
  }
  return entry.handle(deps, actor, data, raw);
}

function isBad(data: unknown): data is BadData {
  return typeof data === 'object' && data !== null && 'bad' in data;
}

const NEW_WORDS = new Set(['new', 'ny', 'uusi', 'start', 'plan', 'planera', 'planlæg', 'suunnittele']);
const HELP_WORDS = new Set(['help', 'hjälp', 'hjælp', 'apua', 'ohje', '?']);
const MEETINGS_WORDS = new Set(['meetings', 'möten', 'mina möten', 'møder', 'mine møder', 'kokoukset', 'omat kokoukset']);
const OVERVIEW_WORDS = new Set(['overview', 'översikt', 'oversigt', 'yleiskatsaus']);
const PRIVACY_WORDS = new Set(['data protection', 'dataskydd', 'databeskyttelse', 'tietosuoja']);

/**
 * Answers a typed message in the personal chat: "new" starts planning, "meetings" lists them,
 * "overview" shows a coordinator the overview, "data protection" the data-protection officer their
 * card, "help" explains, anything else welcomes.
 */
export async function handleText(deps: Deps, actor: Actor, text: string): Promise<{ text?: string; card: CardReply['card'] }> {
  const word = text.trim().toLocaleLowerCase().replace(/[.!]+$/, '');
  if (NEW_WORDS.has(word) && !actor.draftMeetingId) return { card: (await startDraft(deps, actor)).card };
  if (MEETINGS_WORDS.has(word)) return { card: (await showMeetings(deps, actor)).card };
  if (OVERVIEW_WORDS.has(word)) return { card: (await showOverview(deps, actor)).card };
  if (PRIVACY_WORDS.has(word)) return { card: (await showPrivacy(deps, actor)).card };
  const reply = await welcome(deps, actor);
  return HELP_WORDS.has(word) ? { text: t(actor.reader.locale, 'help.text'), card: reply.card } : reply;
}

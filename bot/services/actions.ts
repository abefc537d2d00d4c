import { Refusal } from '../domain/problems';
import { problemText, t } from '../i18n';
import { welcomeCard } from '../../cards/planning';
import { answerInvitation, changeAnswer, recordPhoneAnswer, showStatus } from './invitations';
import { planAction, resumeDraft, startDraft, welcome, type ActionData } from './planning';
import type { Actor, CardReply, Deps } from './ports';

type Handler = (deps: Deps, actor: Actor, data: ActionData, verb: string) => Promise<CardReply>;

/** Every card verb Samråd answers, and the service that answers it. */
const ACTIONS: Record<string, Handler> = {
  'plan.start': (deps, actor) => startDraft(deps, actor),
  'plan.resume': (deps, actor) => resumeDraft(deps, actor),
  'plan.when': (deps, actor, data, verb) => planAction(deps, actor, verb, data),
  'plan.who.add': (deps, actor, data, verb) => planAction(deps, actor, verb, data),
  'plan.who.remove': (deps, actor, data, verb) => planAction(deps, actor, verb, data),
  'plan.who.save': (deps, actor, data, verb) => planAction(deps, actor, verb, data),
  'plan.why': (deps, actor, data, verb) => planAction(deps, actor, verb, data),
  'plan.goto': (deps, actor, data, verb) => planAction(deps, actor, verb, data),
  'plan.send': (deps, actor, data, verb) => planAction(deps, actor, verb, data),
  'plan.discard': (deps, actor, data, verb) => planAction(deps, actor, verb, data),
  'invite.answer': (deps, actor, data) => answerInvitation(deps, actor, data),
  'invite.change': (deps, actor, data) => changeAnswer(deps, actor, data),
  'invite.record': (deps, actor, data) => recordPhoneAnswer(deps, actor, data),
  'status.show': (deps, actor, data) => showStatus(deps, actor, data),
};

/** Answers a card action; an unknown verb gets a clear message and changes nothing. */
export async function handleAction(deps: Deps, actor: Actor, verb: string, data: ActionData): Promise<CardReply> {
  const handler = Object.prototype.hasOwnProperty.call(ACTIONS, verb) ? ACTIONS[verb] : undefined;
  if (!handler) {
    deps.log.warn('action.unknown', { verb: verb.slice(0, 40) });
    const problem = new Refusal({ code: 'unknownAction' }).problems[0];
    return { card: welcomeCard(actor.reader, undefined, [{ text: problemText(actor.reader.locale, problem), color: 'Attention' }]) };
  }
  return handler(deps, actor, data, verb);
}

const NEW_WORDS = new Set(['new', 'ny', 'uusi', 'start', 'plan', 'planera', 'planlæg', 'suunnittele']);
const HELP_WORDS = new Set(['help', 'hjälp', 'hjælp', 'apua', 'ohje', '?']);

/** Answers a typed message in the personal chat: "new" starts planning, "help" explains, anything else welcomes. */
export async function handleText(deps: Deps, actor: Actor, text: string): Promise<{ text?: string; card: CardReply['card'] }> {
  const word = text.trim().toLocaleLowerCase().replace(/[.!]+$/, '');
  if (NEW_WORDS.has(word) && !actor.draftMeetingId) return { card: (await startDraft(deps, actor)).card };
  const reply = await welcome(deps, actor);
  return HELP_WORDS.has(word) ? { text: t(actor.reader.locale, 'help.text'), card: reply.card } : reply;
}

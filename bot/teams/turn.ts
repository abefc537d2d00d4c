import { ActivityTypes, CardFactory, type Activity, type TurnContext } from 'botbuilder';
import type { Locale } from '../domain/meeting';
import { t } from '../i18n';
import { CHAT_VERBS, handleAction, handleText } from '../services/actions';
import { offerHere, offerInMeetingChat } from '../services/session';
import { chatMembers } from './members';
import { welcome } from '../services/meetings';
import type { Actor, CardReply, Deps } from '../services/ports';
import { readUser, rememberUser, withUserZone } from '../services/users';
import { welcomeCard } from '../../cards/planning';
import type { AdaptiveCard } from '../../cards/render';
import { actorOf, commandOf, isPersonal, type Command } from './activity';

/** Work a turn leaves to run after its HTTP response is sent (deliveries, status updates). */
export type AfterWork = (task: () => Promise<void>) => void;

/** Where a turn's follow-up work is collected; the HTTP route runs it once the response is out. */
export const AFTER_KEY = Symbol('samrad.after');

/** The answer to an Adaptive Card's Action.Execute (`adaptiveCard/action`): the card that replaces the one acted on. */
export interface AdaptiveCardInvokeResponse {
  statusCode: 200;
  type: 'application/vnd.microsoft.card.adaptive';
  value: AdaptiveCard;
}

/** The answer to an invoke Samråd does not serve, with HTTP status 400. */
export interface UnsupportedInvokeResponse {
  code: 'unsupportedInvoke';
}

/**
 * Every kind of activity Samråd serves, by route (the activity's type; for an invoke or an event,
 * its name too), with what its handler answers: an invoke's body goes back in the HTTP response;
 * the others answer with messages of their own, or nothing.
 */
export interface Routes {
  /** A text, or an Action.Submit card's data. */
  message: void;
  /** An Action.Execute (Universal Actions), also the refresh Teams asks for when someone looks at a card. */
  'invoke:adaptiveCard/action': AdaptiveCardInvokeResponse;
  /** Samråd added (a welcome in the personal chat) or removed. */
  installationUpdate: void;
  /** Someone's personal chat with Samråd: their record is kept up to date. */
  conversationUpdate: void;
  /** A Teams meeting started: its chat is offered meeting mode. */
  'event:application/vnd.microsoft.meetingStart': void;
}

export type Route = keyof Routes;
type InvokeRoute = Extract<Route, `invoke:${string}`>;
type RouteTable = { [R in Route]: (context: TurnContext) => Promise<Routes[R]> };

/** An activity's route: its type, and for an invoke or an event its name as well. */
function routeOf(activity: Activity): string {
  return activity.type === ActivityTypes.Invoke || activity.type === ActivityTypes.Event ? `${activity.type}:${activity.name ?? ''}` : activity.type;
}

/** The bot's logic for one turn: the activity's route names its handler; an invoke's answer goes back as the HTTP response's body. */
export function turnLogic(deps: Deps, defaults: { timeZone: string; locale: Locale }) {
  const routes = routeTable(deps, defaults);
  const served = (route: string): route is Route => Object.hasOwn(routes, route);
  return async (context: TurnContext): Promise<void> => {
    const route = routeOf(context.activity);
    if (context.activity.type === ActivityTypes.Invoke) {
      if (served(route) && isInvoke(route)) await invokeResponse(context, 200, await routes[route](context));
      else await invokeResponse(context, 400, { code: 'unsupportedInvoke' });
      return;
    }
    if (served(route) && !isInvoke(route)) await routes[route](context);
  };
}

function isInvoke(route: Route): route is InvokeRoute {
  return route.startsWith('invoke:');
}

/** The handler of each route. A handler that answered with another body than its route declares would not compile. */
function routeTable(deps: Deps, defaults: { timeZone: string; locale: Locale }): RouteTable {
  /** The caller in their personal chat, remembered, with the zone they chose and their open draft. */
  const personal = async (caller: Actor): Promise<Actor> => {
    const user = await rememberUser(deps, caller);
    return { ...withUserZone(caller, user), draftMeetingId: user.draftMeetingId };
  };

  /**
   * A card's action (Action.Execute or Action.Submit): the reply, or the text pointing to the
   * personal chat where the verb is not served. Meeting mode runs in a group chat or a meeting's
   * chat only when everyone in it is invited (asked of Teams), in the zone the person chose when
   * they chose one (their record is read, never written from a group chat); group chats and
   * channels never show case details otherwise.
   */
  const cardAction = async (context: TurnContext, command: Extract<Command, { kind: 'action' }>): Promise<CardReply | { notPersonal: string }> => {
    const caller = actorOf(context.activity, defaults);
    if (inGroupChat(context.activity) && CHAT_VERBS.has(command.verb)) {
      const known = withUserZone(caller, await readUser(deps, caller.userKey));
      return handleAction(deps, { ...known, chat: { members: () => chatMembers(context) } }, command.verb, command.data);
    }
    if (!isPersonal(context.activity)) return { notPersonal: t(caller.reader.locale, 'help.notPersonal') };
    const reply = await handleAction(deps, await personal(caller), command.verb, command.data);
    // The jobs are stored already; starting them once the answer is out only saves waiting for the next poll.
    const jobs = reply.jobs ?? [];
    if (jobs.length > 0) (context.turnState.get(AFTER_KEY) as AfterWork | undefined)?.(async () => jobs.forEach((job) => deps.jobs.runSoon(job)));
    return reply;
  };

  return {
    message: async (context) => {
      const command = commandOf(context.activity);
      if (command.kind === 'action') {
        const reply = await cardAction(context, command);
        if ('notPersonal' in reply) await context.sendActivity(reply.notPersonal);
        else await sendCard(context, reply.card);
        return;
      }
      if (command.kind !== 'text') return;
      const caller = actorOf(context.activity, defaults);
      if (inGroupChat(context.activity)) {
        await sendCard(context, offerHere(caller).card);
        return;
      }
      if (!isPersonal(context.activity)) {
        await context.sendActivity(t(caller.reader.locale, 'help.notPersonal'));
        return;
      }
      const reply = await handleText(deps, await personal(caller), command.text);
      if (reply.text) await context.sendActivity(reply.text);
      await sendCard(context, reply.card);
    },

    'invoke:adaptiveCard/action': async (context) => {
      const command = commandOf(context.activity);
      // `malformed` lets no adaptiveCard/action without a verb through: this is always an action.
      if (command.kind !== 'action') throw new Error('adaptiveCard/action without an action');
      const reply = await cardAction(context, command);
      if ('notPersonal' in reply) {
        const reader = actorOf(context.activity, defaults).reader;
        return cardBody(welcomeCard(reader, undefined, [{ text: reply.notPersonal, color: 'Warning' }]));
      }
      return cardBody(reply.card);
    },

    installationUpdate: async (context) => {
      if (commandOf(context.activity).kind !== 'installed' || !isPersonal(context.activity)) return;
      const actor = await personal(actorOf(context.activity, defaults));
      await sendCard(context, (await welcome(deps, actor)).card);
    },

    conversationUpdate: async (context) => {
      if (isPersonal(context.activity)) await rememberUser(deps, actorOf(context.activity, defaults));
    },

    'event:application/vnd.microsoft.meetingStart': async (context) => {
      // A Teams meeting's chat: offer meeting mode there (Teams may send the event many times: the job's key makes it once a day).
      // The chat it came from is what counts (see `offerInMeetingChat`): the event's own ids and times are not trusted.
      deps.jobs.runSoon(await offerInMeetingChat(deps, actorOf(context.activity, defaults), defaults.timeZone));
    },
  };
}

function inGroupChat(activity: Activity): boolean {
  return activity.conversation?.conversationType === 'groupChat';
}

/** What the user sees when a turn fails on Samråd's side: nothing was changed, try again. */
export async function turnFailed(context: TurnContext, defaults: { timeZone: string; locale: Locale }): Promise<void> {
  const actor = actorOf(context.activity, defaults);
  const text = t(actor.reader.locale, 'notice.error');
  if (context.activity.type === ActivityTypes.Invoke) {
    await invokeResponse(context, 200, cardBody(welcomeCard(actor.reader, undefined, [{ text, color: 'Attention' }])));
  } else if (context.activity.type === ActivityTypes.Message) {
    await context.sendActivity(text);
  }
}

async function sendCard(context: TurnContext, card: AdaptiveCard): Promise<void> {
  await context.sendActivity({ type: ActivityTypes.Message, attachments: [CardFactory.adaptiveCard(card)] });
}

/** The Action.Execute answer: the card that replaces the one acted on. */
function cardBody(card: AdaptiveCard): AdaptiveCardInvokeResponse {
  return { statusCode: 200, type: 'application/vnd.microsoft.card.adaptive', value: card };
}

/** An invoke's HTTP response: 200 with the body its route declares, or 400 for an invoke Samråd does not serve. */
async function invokeResponse(context: TurnContext, status: 200, body: Routes[InvokeRoute]): Promise<void>;
async function invokeResponse(context: TurnContext, status: 400, body: UnsupportedInvokeResponse): Promise<void>;
async function invokeResponse(context: TurnContext, status: number, body: Routes[InvokeRoute] | UnsupportedInvokeResponse): Promise<void> {
  await context.sendActivity({ type: ActivityTypes.InvokeResponse, value: { status, body } });
}

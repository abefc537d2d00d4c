import { ActivityTypes, CardFactory, type TurnContext } from 'botbuilder';
import type { Locale } from '../domain/meeting';
import { t } from '../i18n';
import { CHAT_VERBS, handleAction, handleText } from '../services/actions';
import { offerHere, offerInMeetingChat } from '../services/session';
import { chatMembers } from './members';
import { welcome } from '../services/meetings';
import type { CardReply, Deps } from '../services/ports';
import { readUser, rememberUser, withUserZone } from '../services/users';
import { welcomeCard } from '../../cards/planning';
import type { AdaptiveCard } from '../../cards/render';
import { actorOf, commandOf, isPersonal } from './activity';

/** Work a turn leaves to run after its HTTP response is sent (deliveries, status updates). */
export type AfterWork = (task: () => Promise<void>) => void;

/** Where a turn's follow-up work is collected; the HTTP route runs it once the response is out. */
export const AFTER_KEY = Symbol('samrad.after');

/** The bot's logic for one turn: the activity becomes a command, a service answers it. */
export function turnLogic(deps: Deps, defaults: { timeZone: string; locale: Locale }) {
  return async (context: TurnContext): Promise<void> => {
    const activity = context.activity;
    const command = commandOf(activity);
    if (activity.type === 'invoke' && activity.name !== 'adaptiveCard/action') {
      await invokeResponse(context, 400, { code: 'unsupportedInvoke' });
      return;
    }
    if (command.kind === 'ignore') {
      if (activity.type === 'conversationUpdate' && isPersonal(activity)) await rememberUser(deps, actorOf(activity, defaults));
      return;
    }
    const caller = actorOf(activity, defaults);
    if (command.kind === 'meetingStart') {
      // A Teams meeting's chat: offer meeting mode there (Teams may send the event many times: the job's key makes it once a day).
      deps.jobs.runSoon(await offerInMeetingChat(deps, caller, defaults.timeZone));
      return;
    }
    const inGroupChat = activity.conversation?.conversationType === 'groupChat';
    if (inGroupChat && command.kind === 'action' && CHAT_VERBS.has(command.verb)) {
      // Meeting mode in a group chat or a meeting's chat, and only when everyone in it is invited (asked of Teams);
      // times in the zone the person chose, when they chose one (their record is read, never written from a group chat).
      const known = withUserZone(caller, await readUser(deps, caller.userKey));
      const reply = await handleAction(deps, { ...known, chat: { members: () => chatMembers(context) } }, command.verb, command.data);
      if (command.via === 'execute') await cardResponse(context, reply.card);
      else await sendCard(context, reply.card);
      return;
    }
    if (inGroupChat && command.kind === 'text') {
      await sendCard(context, offerHere(caller).card);
      return;
    }
    if (!isPersonal(activity)) {
      // Group chats and channels never show case details: point to the personal chat.
      const text = t(caller.reader.locale, 'help.notPersonal');
      if (command.kind === 'action' && command.via === 'execute') await cardResponse(context, welcomeCard(caller.reader, undefined, [{ text, color: 'Warning' }]));
      else if (command.kind !== 'installed') await context.sendActivity(text);
      return;
    }
    const user = await rememberUser(deps, caller);
    const actor = { ...withUserZone(caller, user), draftMeetingId: user.draftMeetingId };
    switch (command.kind) {
      case 'installed':
        await sendCard(context, (await welcome(deps, actor)).card);
        return;
      case 'text': {
        const reply = await handleText(deps, actor, command.text);
        if (reply.text) await context.sendActivity(reply.text);
        await sendCard(context, reply.card);
        return;
      }
      case 'action': {
        const reply: CardReply = await handleAction(deps, actor, command.verb, command.data);
        if (command.via === 'execute') await cardResponse(context, reply.card);
        else await sendCard(context, reply.card);
        // The jobs are stored already; starting them here only saves waiting for the next poll.
        const jobs = reply.jobs ?? [];
        if (jobs.length > 0) (context.turnState.get(AFTER_KEY) as AfterWork | undefined)?.(async () => jobs.forEach((job) => deps.jobs.runSoon(job)));
        return;
      }
    }
  };
}

/** What the user sees when a turn fails on Samråd's side: nothing was changed, try again. */
export async function turnFailed(context: TurnContext, defaults: { timeZone: string; locale: Locale }): Promise<void> {
  const actor = actorOf(context.activity, defaults);
  const text = t(actor.reader.locale, 'notice.error');
  if (context.activity.type === ActivityTypes.Invoke) {
    await cardResponse(context, welcomeCard(actor.reader, undefined, [{ text, color: 'Attention' }]));
  } else if (context.activity.type === ActivityTypes.Message) {
    await context.sendActivity(text);
  }
}

async function sendCard(context: TurnContext, card: AdaptiveCard): Promise<void> {
  await context.sendActivity({ type: ActivityTypes.Message, attachments: [CardFactory.adaptiveCard(card)] });
}

/** The Action.Execute answer: the card that replaces the one acted on. */
async function cardResponse(context: TurnContext, card: AdaptiveCard): Promise<void> {
  await invokeResponse(context, 200, { statusCode: 200, type: 'application/vnd.microsoft.card.adaptive', value: card });
}

async function invokeResponse(context: TurnContext, status: number, body: unknown): Promise<void> {
  await context.sendActivity({ type: ActivityTypes.InvokeResponse, value: { status, body } });
}

/**
 * The framework's ceiling, for `npm run bench`: a bare Bot Framework echo bot, as in
 * microsoft/BotBuilder-Samples 02.echo-bot (CloudAdapter and an ActivityHandler whose onMessage
 * sends one echo), with no app id, so that, like Samråd in local mode, it checks no token.
 * Samråd never uses it; it lives here because every botbuilder import does.
 */
import type { Request, Response } from 'restify';
import { ActivityHandler, CloudAdapter, ConfigurationBotFrameworkAuthentication, MessageFactory } from 'botbuilder';

class EchoBot extends ActivityHandler {
  constructor() {
    super();
    this.onMessage(async (context, next) => {
      const replyText = `Echo: ${context.activity.text}`;
      await context.sendActivity(MessageFactory.text(replyText, replyText));
      await next();
    });
    this.onMembersAdded(async (context, next) => {
      for (const member of context.activity.membersAdded ?? []) {
        if (member.id !== context.activity.recipient.id) await context.sendActivity(MessageFactory.text('Hello and welcome!'));
      }
      await next();
    });
  }
}

/** The echo bot's handler of POST /api/messages. */
export function echoBotEndpoint(): (req: Request, res: Response) => Promise<void> {
  const adapter = new CloudAdapter(new ConfigurationBotFrameworkAuthentication({}));
  adapter.onTurnError = async (context, error) => {
    process.stderr.write(`[echo-bot] unhandled error: ${error.message}\n`);
    await context.sendActivity('The bot encountered an error or bug.');
  };
  const bot = new EchoBot();
  return (req, res) => adapter.process(req, res, (context) => bot.run(context));
}

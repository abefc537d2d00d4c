import { CloudAdapter, ConfigurationBotFrameworkAuthentication, type Request, type Response } from 'botbuilder';
import type { Config } from '../config';
import type { Deps, Logger, Messenger } from '../services/ports';
import { malformed } from './activity';
import { TeamsMessenger } from './messenger';
import { AFTER_KEY, turnFailed, turnLogic } from './turn';

/** The Bot Framework side of Samråd: the adapter, the messages endpoint and the messenger. */
export interface TeamsEndpoint {
  messenger: Messenger;
  /** Connects the services once they are built (they need the messenger first). */
  attach(deps: Deps): void;
  /** Serves POST /api/messages. */
  handle(req: Request & { body?: unknown }, res: Response): Promise<void>;
}

/** Builds the adapter with the configured authentication; without an app id it is local mode only. */
export function teamsEndpoint(config: Config, log: Logger): TeamsEndpoint {
  const auth = new ConfigurationBotFrameworkAuthentication({
    MicrosoftAppId: config.bot.appId,
    MicrosoftAppPassword: config.bot.appPassword,
    MicrosoftAppType: config.bot.appType,
    MicrosoftAppTenantId: config.bot.tenantId,
  });
  const adapter = new CloudAdapter(auth);
  const defaults = { timeZone: config.defaultTimeZone, locale: config.defaultLocale };
  adapter.onTurnError = async (context, error) => {
    log.error('turn.failed', { error: error.name, where: whereFrom(error), type: context.activity.type, verb: verbOf(context.activity.value) });
    await turnFailed(context, defaults).catch(() => undefined);
  };
  const messenger = new TeamsMessenger(adapter, config.bot.appId, log);
  let logic: ReturnType<typeof turnLogic> | undefined;
  let runAfter: (task: () => Promise<void>) => void = () => {};
  return {
    messenger,
    attach(deps) {
      logic = turnLogic(deps, defaults);
      runAfter = (task) =>
        void task().catch((err: Error) => log.error('after.failed', { error: err.name, where: whereFrom(err) }));
    },
    async handle(req, res) {
      const reason = malformed(req.body);
      if (reason) {
        res.status(400);
        res.send({ error: 'BadRequest', message: reason });
        return;
      }
      const after: (() => Promise<void>)[] = [];
      await adapter.process(req, res, async (context) => {
        context.turnState.set(AFTER_KEY, (task: () => Promise<void>) => after.push(task));
        await logic!(context);
      });
      for (const task of after) runAfter(task);
    },
  };
}

function verbOf(value: unknown): string | undefined {
  const v = value as { action?: { verb?: unknown }; verb?: unknown } | undefined;
  const verb = v?.action?.verb ?? v?.verb;
  return typeof verb === 'string' ? verb.slice(0, 40) : undefined;
}

/** Where an error was thrown (file and line of the first stack frame): enough to debug, with no data in it. */
export function whereFrom(err: Error): string | undefined {
  const frame = err.stack?.split('\n').find((line) => line.trim().startsWith('at '));
  return frame?.replace(/^.*\(|\)$/g, '').trim().split('/').slice(-2).join('/');
}

import type { Request, Response } from 'botbuilder';
import type { Config } from '../config';
import type { Logger } from '../log';
import type { Deps, Messenger } from '../services/ports';
import type { Telemetry } from '../telemetry/port';
import { inStoreScope } from '../store/scope';
import { malformed } from './activity';
import { guardedAdapter, type GuardedAdapter } from './auth';
import { TeamsMessenger } from './messenger';
import { AFTER_KEY, turnFailed, turnLogic, type AfterWork } from './turn';

/** The Bot Framework side of Samråd, built before the services: the adapter and the messenger on it. */
export interface Teams {
  adapter: GuardedAdapter;
  messenger: Messenger;
}

/**
 * Builds the adapter with the configured authentication (without an app id: local mode only) and the messenger,
 * whose sends share Teams' limits with `share()` instances (the live ones, this one included).
 * Every answer of the connector, each attempt the connector client makes, is told to `telemetry`.
 */
export function teamsAdapter(config: Config, log: Logger, share: () => number = () => 1, telemetry?: Pick<Telemetry, 'teams'>): Teams {
  const adapter = guardedAdapter(config, log, malformed, telemetry ? (status, operation, ms) => telemetry.teams(status, operation, ms) : undefined);
  // TEAMS_SENDS_PER_SECOND (40 by default) is the budget of all instances together: the Pacer spaces this one's requests by 1000 ms / budget × share.
  return { adapter, messenger: new TeamsMessenger(adapter, config.bot.appId, log, share, 1000 / config.teamsSendsPerSecond) };
}

/** POST /api/messages. */
export type MessagesEndpoint = (req: Request & { body?: unknown }, res: Response) => Promise<void>;

/**
 * Serves POST /api/messages: authenticate, check the activity, turn it into a command for a
 * service, answer; then start the jobs the answer enqueued (they are stored already).
 */
export function messagesEndpoint(teams: Teams, deps: Deps, config: Config): MessagesEndpoint {
  const { adapter } = teams;
  const { log } = deps;
  const defaults = { timeZone: config.defaultTimeZone, locale: config.defaultLocale };
  adapter.onTurnError = async (context, error) => {
    log.error('turn.failed', { error: error.name, where: whereFrom(error), type: context.activity.type, verb: verbOf(context.activity.value) });
    await turnFailed(context, defaults).catch(() => undefined);
  };
  const logic = turnLogic(deps, defaults);
  return async (req, res) => {
    const after: (() => Promise<void>)[] = [];
    const collect: AfterWork = (task) => after.push(task);
    // Store requests up to the answer count as the turn's (local mode's count per verb); the work after it is the jobs'.
    await inStoreScope('turn', () =>
      adapter.process(req, res, async (context) => {
        context.turnState.set(AFTER_KEY, collect);
        await logic(context);
      }),
    );
    for (const task of after) void task().catch((err: Error) => log.error('after.failed', { error: err.name, where: whereFrom(err) }));
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

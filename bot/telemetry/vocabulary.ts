import type { TeamsOperation } from './port';

/**
 * The words telemetry may carry, and how a request becomes them. Whatever arrives (a path, a
 * body, a connector URL), only these fixed words come out: anything unknown is `other` or
 * `unmatched`, never the text that arrived.
 */

/** HTTP methods as OpenTelemetry names them; any other is `_OTHER`. */
const METHODS = new Set(['GET', 'HEAD', 'POST', 'PUT', 'DELETE', 'PATCH', 'OPTIONS', 'CONNECT', 'TRACE']);

export function httpMethod(method: string | undefined): string {
  const upper = (method ?? '').toUpperCase();
  return METHODS.has(upper) ? upper : '_OTHER';
}

/** A route template as the server declared it (`/p/:token`); `unmatched` for a request no route took (a 404, a 405). */
export function routeTemplate(path: unknown): string {
  return typeof path === 'string' && path.startsWith('/') ? path : 'unmatched';
}

/** Activity types the Bot Framework sends (`teams/activity.ts` accepts these). */
const ACTIVITY_TYPES = new Set(['message', 'invoke', 'conversationUpdate', 'installationUpdate', 'messageReaction', 'event', 'typing', 'messageUpdate', 'messageDelete']);
/** Invoke and event names worth telling apart; any other is its activity type alone. */
const NAMES: Record<string, string> = {
  'adaptiveCard/action': 'adaptiveCard/action',
  'application/vnd.microsoft.meetingStart': 'meetingStart',
  'application/vnd.microsoft.meetingEnd': 'meetingEnd',
};

/**
 * What a POST to /api/messages asked for: the card verb (Action.Execute, or Action.Submit as a
 * message) when it is one of `verbs`, `unknownVerb` when it is not; otherwise the activity's kind
 * (`message` for any text, `invoke`, `meetingStart`, `installationUpdate`, …), or `other`.
 */
export function activityVerb(body: unknown, verbs: ReadonlySet<string>): string {
  if (!isObject(body)) return 'other';
  const type = typeof body.type === 'string' && ACTIVITY_TYPES.has(body.type) ? body.type : 'other';
  const value = isObject(body.value) ? body.value : undefined;
  const verb = type === 'invoke' && body.name === 'adaptiveCard/action' && isObject(value?.action) ? value.action.verb : type === 'message' ? value?.verb : undefined;
  if (verb !== undefined) return typeof verb === 'string' && verbs.has(verb) ? verb : 'unknownVerb';
  if ((type === 'invoke' || type === 'event') && typeof body.name === 'string' && body.name in NAMES) return NAMES[body.name];
  return type;
}

/**
 * The Bot Framework connector's REST operation a request is (its method and the shape of its
 * path; the ids in the path are dropped): the operations Samråd calls, and `other`.
 */
export function teamsOperation(method: string, url: string): TeamsOperation {
  let path: string;
  try {
    path = new URL(url).pathname;
  } catch {
    return 'other';
  }
  const m = method.toUpperCase();
  if (/\/v3\/conversations\/?$/.test(path)) return m === 'POST' ? 'createConversation' : 'other';
  if (/\/v3\/conversations\/[^/]+\/activities\/?$/.test(path)) return m === 'POST' ? 'sendToConversation' : 'other';
  if (/\/v3\/conversations\/[^/]+\/activities\/[^/]+\/?$/.test(path)) {
    if (m === 'POST') return 'replyToActivity';
    if (m === 'PUT') return 'updateActivity';
    if (m === 'DELETE') return 'deleteActivity';
    return 'other';
  }
  if (/\/v3\/conversations\/[^/]+\/(members|pagedmembers)(\/[^/]+)?\/?$/.test(path) && m === 'GET') return 'getMembers';
  return 'other';
}

function isObject(value: unknown): value is Record<string, any> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

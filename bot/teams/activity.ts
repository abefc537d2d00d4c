import type { Activity } from 'botbuilder';
import { isKnownZone } from '../domain/time';
import { userKey } from '../domain/user';
import { resolveLocale } from '../i18n';
import type { Locale } from '../domain/meeting';
import type { Actor } from '../services/ports';
import type { ActionData } from '../services/action-data';

/** What an incoming activity asks for, in Samråd's terms. */
export type Command =
  | { kind: 'action'; verb: string; data: ActionData; via: 'execute' | 'submit' }
  | { kind: 'text'; text: string }
  | { kind: 'installed' }
  | { kind: 'meetingStart' }
  | { kind: 'ignore' };

/** An Entra object id is a GUID; anything else of letters, digits and dashes is accepted only as an opaque id. */
const OBJECT_ID = /^[A-Za-z0-9-]{1,64}$/;
const TYPES = new Set(['message', 'invoke', 'conversationUpdate', 'installationUpdate', 'messageReaction', 'event', 'typing', 'messageUpdate', 'messageDelete']);
const MAX_TEXT = 10_000;

/**
 * Why a request body is not an activity Samråd can serve, or undefined when it is. The
 * Bot Framework SDK would answer many of these with a 500; they get a 400 instead.
 */
export function malformed(body: unknown): string | undefined {
  if (!isObject(body)) return 'the body is not a JSON object';
  if (typeof body.type !== 'string' || !TYPES.has(body.type)) return 'unknown or missing activity type';
  if (typeof body.channelId !== 'string' || body.channelId === '') return 'missing channelId';
  if (typeof body.serviceUrl !== 'string' || !isHttpUrl(body.serviceUrl)) return 'missing or invalid serviceUrl';
  if (!isObject(body.conversation) || !isId(body.conversation.id)) return 'missing conversation.id';
  if (!isObject(body.from) || !isId(body.from.id)) return 'missing from.id';
  if (body.from.name !== undefined && body.from.name !== null && (typeof body.from.name !== 'string' || body.from.name.length > 500)) return 'invalid from.name';
  if (body.from.aadObjectId !== undefined && body.from.aadObjectId !== null && (typeof body.from.aadObjectId !== 'string' || !OBJECT_ID.test(body.from.aadObjectId))) {
    return 'invalid from.aadObjectId';
  }
  if (body.recipient !== undefined && body.recipient !== null && isObject(body.recipient) && body.recipient.name !== undefined && body.recipient.name !== null && typeof body.recipient.name !== 'string') {
    return 'invalid recipient.name';
  }
  if (!isObject(body.conversation) || (body.conversation.conversationType !== undefined && body.conversation.conversationType !== null && typeof body.conversation.conversationType !== 'string')) {
    return 'invalid conversation.conversationType';
  }
  if (body.conversation.tenantId !== undefined && body.conversation.tenantId !== null && typeof body.conversation.tenantId !== 'string') return 'invalid conversation.tenantId';
  if (isObject(body.channelData) && isObject(body.channelData.tenant) && body.channelData.tenant.id !== undefined && typeof body.channelData.tenant.id !== 'string') {
    return 'invalid channelData.tenant.id';
  }
  if (body.recipient !== undefined && (!isObject(body.recipient) || !isId(body.recipient.id))) return 'invalid recipient';
  for (const key of ['id', 'locale', 'localTimezone', 'replyToId', 'name', 'action'] as const) {
    if (body[key] !== undefined && body[key] !== null && (typeof body[key] !== 'string' || (body[key] as string).length > 500)) return `invalid ${key}`;
  }
  if (body.text !== undefined && body.text !== null && (typeof body.text !== 'string' || body.text.length > MAX_TEXT)) return 'invalid text';
  if (body.channelData !== undefined && body.channelData !== null && !isObject(body.channelData)) return 'invalid channelData';
  if (body.entities !== undefined && body.entities !== null && !Array.isArray(body.entities)) return 'invalid entities';
  if (body.type === 'invoke') {
    if (typeof body.name !== 'string') return 'an invoke needs a name';
    if (body.name === 'adaptiveCard/action') {
      if (!isObject(body.value) || !isObject(body.value.action)) return 'adaptiveCard/action needs value.action';
      if (typeof body.value.action.verb !== 'string' || body.value.action.verb === '') return 'adaptiveCard/action needs value.action.verb';
      if (body.value.action.data !== undefined && body.value.action.data !== null && !isObject(body.value.action.data)) {
        return 'value.action.data must be an object';
      }
    }
  }
  if (body.type === 'message' && body.value !== undefined && body.value !== null && !isObject(body.value)) return 'message value must be an object';
  return undefined;
}

/** True for the one-to-one chat between a person and the bot, the only place case details are shown. */
export function isPersonal(activity: Activity): boolean {
  const type = activity.conversation?.conversationType;
  return type === undefined || type === 'personal';
}

/** The person behind the activity, with their language and time zone. */
export function actorOf(activity: Activity, defaults: { timeZone: string; locale: Locale }): Actor {
  const channelData = (activity.channelData ?? {}) as { tenant?: { id?: string } };
  const clientInfo = (activity.entities ?? []).find((e) => e?.type === 'clientInfo') as { locale?: string; timezone?: string } | undefined;
  // Entra object ids are GUIDs: the same person whatever the case Teams sends them in.
  const aad = activity.from.aadObjectId?.toLowerCase() || undefined;
  const tenantId = channelData.tenant?.id ?? activity.conversation.tenantId ?? 'local';
  // The zone Teams sends; the person's own choice, kept on their record, replaces it once the record is read (`withUserZone`).
  const teamsZone = [activity.localTimezone, clientInfo?.timezone].find((z) => isKnownZone(z));
  return {
    userKey: userKey(aad, activity.from.id),
    userId: aad ?? activity.from.id,
    name: (activity.from.name ?? '').slice(0, 80),
    tenantId,
    reader: { locale: resolveLocale(activity.locale ?? clientInfo?.locale, defaults.locale), timeZone: teamsZone ?? defaults.timeZone },
    ...(teamsZone ? { teamsTimeZone: teamsZone } : {}),
    address: {
      serviceUrl: activity.serviceUrl,
      conversationId: activity.conversation.id,
      channelId: activity.channelId,
      tenantId,
      botId: activity.recipient?.id ?? '',
      userId: activity.from.id,
    },
    cardActivityId: activity.replyToId || undefined,
  };
}

/** What the activity asks for. */
export function commandOf(activity: Activity): Command {
  if (activity.type === 'invoke' && activity.name === 'adaptiveCard/action') {
    const action = (activity.value as { action: { verb: string; data?: Record<string, unknown> } }).action;
    return { kind: 'action', verb: action.verb, data: strings(action.data ?? {}), via: 'execute' };
  }
  if (activity.type === 'message' && isObject(activity.value) && typeof activity.value.verb === 'string') {
    return { kind: 'action', verb: activity.value.verb, data: strings(activity.value), via: 'submit' };
  }
  if (activity.type === 'message') return { kind: 'text', text: activity.text ?? '' };
  if (activity.type === 'installationUpdate' && (activity.action ?? 'add').startsWith('add')) return { kind: 'installed' };
  // The chat it came from is what counts (see `offerInMeetingChat`): the event's own ids and times are not trusted.
  if (activity.type === 'event' && activity.name === 'application/vnd.microsoft.meetingStart') return { kind: 'meetingStart' };
  return { kind: 'ignore' };
}

/** Card data and inputs as strings; anything else a client might send is dropped. */
function strings(value: Record<string, unknown>): ActionData {
  const out: ActionData = {};
  for (const [key, v] of Object.entries(value)) {
    if (typeof v === 'string') out[key] = v.slice(0, 5000);
    else if (typeof v === 'number' || typeof v === 'boolean') out[key] = String(v);
  }
  return out;
}

function isObject(value: unknown): value is Record<string, any> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function isId(value: unknown): value is string {
  return typeof value === 'string' && value.length > 0 && value.length <= 500;
}

function isHttpUrl(value: string): boolean {
  try {
    const url = new URL(value);
    return url.protocol === 'http:' || url.protocol === 'https:';
  } catch {
    return false;
  }
}

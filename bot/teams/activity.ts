import type { Activity } from 'botbuilder';
import * as v from 'valibot';
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
const TYPES = ['message', 'invoke', 'conversationUpdate', 'installationUpdate', 'messageReaction', 'event', 'typing', 'messageUpdate', 'messageDelete'] as const;
const MAX_TEXT = 10_000;

// The shape of an incoming activity, each field refused with the reason its 400 gives.
/** A field that must be there: a missing one is checked as null, so it is refused with the field's own reason. */
const required = <S extends v.GenericSchema>(schema: S) => v.optional(schema, null as never);
/** A JSON object (not an array) with these fields. */
const record = <E extends v.ObjectEntries>(entries: E, reason: string) => v.pipe(v.custom<Record<string, unknown>>(isObject, reason), v.object(entries, reason));
/** A string of 1 to `max` characters, which must be there. */
const filled = (reason: string, max = Infinity) => required(v.pipe(v.string(reason), v.nonEmpty(reason), v.maxLength(max, reason)));
/** A string of at most `max` characters, or nothing (absent or null). */
const optionalText = (reason: string, max = Infinity) => v.nullish(v.pipe(v.string(reason), v.maxLength(max, reason)));
const short = (key: string) => optionalText(`invalid ${key}`, 500);

const ACTIVITY = record(
  {
    type: required(v.picklist(TYPES, 'unknown or missing activity type')),
    channelId: filled('missing channelId'),
    serviceUrl: required(v.pipe(v.string('missing or invalid serviceUrl'), v.check(isHttpUrl, 'missing or invalid serviceUrl'))),
    conversation: required(record({ id: filled('missing conversation.id', 500), conversationType: optionalText('invalid conversation.conversationType'), tenantId: optionalText('invalid conversation.tenantId') }, 'missing conversation.id')),
    from: required(record({ id: filled('missing from.id', 500), name: short('from.name'), aadObjectId: v.nullish(v.pipe(v.string('invalid from.aadObjectId'), v.regex(OBJECT_ID, 'invalid from.aadObjectId'))) }, 'missing from.id')),
    recipient: v.optional(record({ id: filled('invalid recipient', 500), name: optionalText('invalid recipient.name') }, 'invalid recipient')),
    // A tenant sent as an object names itself by a string id.
    channelData: v.nullish(record({ tenant: v.optional(v.custom((tenant) => !isObject(tenant) || tenant.id === undefined || typeof tenant.id === 'string', 'invalid channelData.tenant.id')) }, 'invalid channelData')),
    id: short('id'), locale: short('locale'), localTimezone: short('localTimezone'), replyToId: short('replyToId'), name: short('name'), action: short('action'),
    text: optionalText('invalid text', MAX_TEXT),
    entities: v.nullish(v.custom(Array.isArray, 'invalid entities')),
  },
  'the body is not a JSON object',
);
// What an invoke, a card's Action.Execute and a message carry besides.
const INVOKE = v.object({ name: required(v.string('an invoke needs a name')) });
const NEEDS_ACTION = 'adaptiveCard/action needs value.action';
const ACTION_DATA = { verb: filled('adaptiveCard/action needs value.action.verb'), data: v.nullish(v.custom(isObject, 'value.action.data must be an object')) };
const CARD_ACTION = v.object({ value: required(record({ action: required(record(ACTION_DATA, NEEDS_ACTION)) }, NEEDS_ACTION)) });
const MESSAGE = v.object({ value: v.nullish(v.custom(isObject, 'message value must be an object')) });
const FIRST_FAULT = { abortEarly: true } as const;

/**
 * Why a request body is not an activity Samråd can serve, or undefined when it is. The
 * Bot Framework SDK would answer many of these with a 500; they get a 400 instead.
 */
export function malformed(body: unknown): string | undefined {
  const activity = v.safeParse(ACTIVITY, body, FIRST_FAULT);
  if (!activity.success) return activity.issues[0].message;
  const { type, name } = activity.output;
  const more = type === 'message' ? MESSAGE : type !== 'invoke' ? undefined : name === 'adaptiveCard/action' ? CARD_ACTION : INVOKE;
  const fault = more && v.safeParse(more, body, FIRST_FAULT);
  return fault && !fault.success ? fault.issues[0].message : undefined;
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

function isHttpUrl(value: string): boolean {
  try {
    const url = new URL(value);
    return url.protocol === 'http:' || url.protocol === 'https:';
  } catch {
    return false;
  }
}

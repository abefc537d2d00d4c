/**
 * Talking to a bot the way Teams does, over HTTP only: activities posted to /api/messages,
 * Action.Execute invokes (`adaptiveCard/action` with value.action.verb/data), and what the bot
 * sends to the connector read back from the bench connector. Nothing here reaches into a bot's
 * internals: every result is read from a card.
 */
import { randomUUID } from 'node:crypto';
import { DateTime } from 'luxon';
import type { Capture } from './connector';
import { http, type HttpAnswer } from './load';

/** Someone in Teams, in their 1:1 chat with the bot. */
export interface Person {
  aadObjectId: string;
  name: string;
  /** Their Teams locale, e.g. da-DK. */
  locale: string;
  timeZone?: string;
}

/** The 1:1 conversation id the bench connector gives a user (also when the bot creates it). */
export function personalConversation(aadObjectId: string): string {
  return `a:personal-${aadObjectId}`;
}

/** A bot's messaging endpoint, with the connector it should answer through. */
export class BotEndpoint {
  constructor(
    /** e.g. http://127.0.0.1:3978 */
    readonly baseUrl: string,
    /** The connector's address, sent as the activities' serviceUrl. */
    readonly serviceUrl: string,
    readonly botId: string,
    readonly tenantId = 'tenant-bench',
  ) {}

  get messagesUrl(): string {
    return `${this.baseUrl}/api/messages`;
  }

  /** An activity from a person in their personal chat with the bot. */
  activity(person: Person, fields: Record<string, unknown>): Record<string, unknown> {
    return {
      id: randomUUID(),
      channelId: 'msteams',
      serviceUrl: this.serviceUrl,
      timestamp: new Date().toISOString(),
      from: { id: `29:${person.aadObjectId}`, name: person.name, aadObjectId: person.aadObjectId },
      recipient: { id: this.botId, name: 'bot' },
      conversation: { id: personalConversation(person.aadObjectId), conversationType: 'personal', tenantId: this.tenantId },
      channelData: { tenant: { id: this.tenantId } },
      locale: person.locale,
      localTimezone: person.timeZone ?? 'Europe/Stockholm',
      ...fields,
    };
  }

  message(person: Person, text: string): Record<string, unknown> {
    return this.activity(person, { type: 'message', text });
  }

  /** The invoke Teams sends when a person presses an Action.Execute button with these inputs filled in. */
  invoke(person: Person, verb: string, data: Record<string, unknown>, inputs: Record<string, unknown> = {}, replyToId = 'card-activity'): Record<string, unknown> {
    return this.activity(person, {
      type: 'invoke',
      name: 'adaptiveCard/action',
      replyToId,
      value: { action: { type: 'Action.Execute', verb, data: { ...data, ...inputs } }, trigger: 'manual' },
    });
  }

  post(activity: Record<string, unknown>): Promise<HttpAnswer> {
    return http('POST', this.messagesUrl, activity);
  }

  /** Presses a button and returns the card that replaces it; fails on anything but a card. */
  async press(person: Person, verb: string, data: Record<string, unknown>, inputs: Record<string, unknown> = {}, replyToId?: string): Promise<any> {
    const answer = await this.post(this.invoke(person, verb, data, inputs, replyToId));
    const card = invokeCard(answer);
    if (!card) throw new Error(`${verb} answered ${answer.status} ${JSON.stringify(answer.body).slice(0, 300)}`);
    return card;
  }
}

/** The card an Action.Execute answer carries, if it carries one. */
export function invokeCard(answer: HttpAnswer): any {
  if (answer.status !== 200 || answer.body?.type !== 'application/vnd.microsoft.card.adaptive') return undefined;
  return answer.body.value;
}

/** Every text a person would read on a card. */
export function cardText(card: unknown): string {
  const out: string[] = [];
  const visit = (node: unknown): void => {
    if (Array.isArray(node)) return node.forEach(visit);
    if (typeof node !== 'object' || node === null) return;
    const el = node as Record<string, unknown>;
    for (const key of ['text', 'title', 'label', 'value']) if (typeof el[key] === 'string') out.push(el[key] as string);
    for (const [key, value] of Object.entries(el)) if (key !== 'data') visit(value);
  };
  visit(card);
  return out.join('\n');
}

/** The colours of the card's notices and highlighted texts (Good, Attention, Warning). */
export function cardColors(card: unknown): string[] {
  const out: string[] = [];
  const visit = (node: unknown): void => {
    if (Array.isArray(node)) return node.forEach(visit);
    if (typeof node !== 'object' || node === null) return;
    const el = node as Record<string, unknown>;
    if (el.type === 'TextBlock' && typeof el.color === 'string') out.push(el.color);
    Object.values(el).forEach(visit);
  };
  visit(card);
  return out;
}

/** The Action.Execute with this verb (and these data values) on a card; fails loudly when absent. */
export function action(card: unknown, verb: string, where: Record<string, string> = {}): { verb: string; data: Record<string, unknown> } {
  const found: { verb: string; data: Record<string, unknown> }[] = [];
  const visit = (node: unknown): void => {
    if (Array.isArray(node)) return node.forEach(visit);
    if (typeof node !== 'object' || node === null) return;
    const el = node as Record<string, unknown>;
    if (el.type === 'Action.Execute' && el.verb === verb) found.push({ verb, data: (el.data ?? {}) as Record<string, unknown> });
    Object.values(el).forEach(visit);
  };
  visit(card);
  const match = found.find((a) => Object.entries(where).every(([k, v]) => a.data[k] === v));
  if (!match) throw new Error(`no ${verb} action on the card: ${cardText(card).slice(0, 300).replace(/\n/g, ' | ')}`);
  return match;
}

/** What the bench connector captured of one activity the bot posted or updated. */
export type Captured = Capture;

/** The connector's counters (see connector.ts). */
export interface ConnectorStats {
  requests: number;
  creates: number;
  posts: number;
  puts: number;
  throttled: number;
  throttledByConversation: number;
  throttledByTenant: number;
  wouldThrottle: number;
  /** Refused (or, observing, would-be refused) requests by the limit they broke, e.g. "8 / 2 s". */
  byRule: Record<string, number>;
  /** The most requests (accepted or refused) that arrived within one second, per `bot|tenant` (whole-connector stats only). */
  peakPerSecondByTenant?: Record<string, number>;
  lastSeq?: number;
}

/** The bench connector's control routes. */
export class ConnectorControl {
  constructor(readonly url: string) {}

  /** Sets the rate-limit mode, whether activities are captured and how long each answer to the bot waits; resets every counter and capture. */
  async configure(mode: 'off' | 'observe' | 'enforce', capture: boolean, delayMs = 0): Promise<void> {
    const answer = await http('POST', `${this.url}/_bench/config`, { mode, capture, delayMs });
    if (answer.status !== 200) throw new Error(`connector config answered ${answer.status}`);
  }

  async stats(conversation?: string): Promise<ConnectorStats> {
    const query = conversation ? `?conversation=${encodeURIComponent(conversation)}` : '';
    return (await http('GET', `${this.url}/_bench/stats${query}`)).body as ConnectorStats;
  }

  async captures(since: number, conversation?: string, waitMs = 0): Promise<{ entries: Captured[]; lastSeq: number }> {
    const query = new URLSearchParams({ since: String(since), waitMs: String(waitMs), ...(conversation ? { conversation } : {}) });
    return (await http('GET', `${this.url}/_bench/captures?${query}`, undefined, waitMs + 30_000)).body;
  }

  /** Waits for the first captured activity (newer than `since`) that matches. */
  async waitFor(match: (c: Captured) => boolean, options: { conversation?: string; since?: number; timeoutMs?: number } = {}): Promise<Captured> {
    const deadline = Date.now() + (options.timeoutMs ?? 30_000);
    let since = options.since ?? 0;
    for (;;) {
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`the connector never received the expected activity${options.conversation ? ` in ${options.conversation}` : ''}`);
      const { entries } = await this.captures(since, options.conversation, Math.min(left, 10_000));
      for (const entry of entries) {
        since = Math.max(since, entry.seq);
        if (match(entry)) return entry;
      }
    }
  }

  /** Every captured activity newer than `since`, until `done` says the collection is complete or time runs out. */
  async collect(done: (all: Captured[]) => boolean, options: { since?: number; timeoutMs?: number } = {}): Promise<{ all: Captured[]; complete: boolean }> {
    const deadline = Date.now() + (options.timeoutMs ?? 60_000);
    let since = options.since ?? 0;
    const all: Captured[] = [];
    while (!done(all)) {
      const left = deadline - Date.now();
      if (left <= 0) return { all, complete: false };
      const { entries } = await this.captures(since, undefined, Math.min(left, 5_000));
      for (const entry of entries) {
        since = Math.max(since, entry.seq);
        all.push(entry);
      }
    }
    return { all, complete: true };
  }
}

/** The invite.answer data on an invitation card the connector captured, if it is one for this meeting. */
export function invitationFor(capture: Captured, meetingId?: string): { data: Record<string, unknown>; activityId: string } | undefined {
  if (capture.method !== 'POST') return undefined;
  const answer = capture.actions?.find((a) => a.verb === 'invite.answer' && (!meetingId || a.data.meetingId === meetingId));
  return answer ? { data: answer.data, activityId: capture.activityId } : undefined;
}

/** The language Samråd's catalogs use for a Teams locale (sv, da, fi, else en). */
export function languageOf(locale: string): 'sv' | 'da' | 'fi' | 'en' {
  const primary = locale.toLowerCase().split(/[-_]/)[0];
  return primary === 'sv' || primary === 'da' || primary === 'fi' ? primary : 'en';
}

/** How the bench reads Samråd's cards: did an action do what was asked? */
export interface Judge {
  /** The "Who?" card after plan.who.add says the person was added. */
  added(card: unknown, caseworker: Person, name: string): boolean;
  /** The invitee's card after invite.answer confirms the answer (Samråd's thanks, in the invitee's language). */
  confirmed(card: unknown, invitee: Person, organizer: string): boolean;
  /** The participant's card after feedback.give thanks them (in their language). */
  thanked(card: unknown, person: Person): boolean;
  /** A notice's catalog key and its English text, when it can be found, so one reason reads the same in every language. */
  explain(notice: string): string;
}

/**
 * A Judge on Samråd's own catalog texts: `t(language, key, params)` and, when given, the
 * catalogs by language (bot/i18n's `t` and `CATALOGS`).
 */
export function judgeByCatalog(
  t: (language: string, key: string, params?: Record<string, string>) => string,
  catalogs: Record<string, unknown> = {},
): Judge {
  const templates: { key: string; pattern: RegExp; literal: number }[] = [];
  const walk = (node: unknown, path: string[]): void => {
    if (typeof node === 'string') {
      const parts = node.split(/\{\w+\}/);
      const literal = parts.join('').length;
      const pattern = parts.map((part) => part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')).join('.*');
      if (literal >= 8) templates.push({ key: path.join('.'), pattern: new RegExp(`^${pattern}$`, 's'), literal });
    } else if (typeof node === 'object' && node !== null) {
      for (const [k, v] of Object.entries(node)) walk(v, [...path, k]);
    }
  };
  for (const catalog of Object.values(catalogs)) walk(catalog, []);
  templates.sort((a, b) => b.literal - a.literal);
  return {
    added: (card, caseworker, name) => cardText(card).includes(t(languageOf(caseworker.locale), 'notice.added', { name })),
    confirmed: (card, invitee, organizer) => cardText(card).includes(t(languageOf(invitee.locale), 'invitation.thanks', { organizer })),
    thanked: (card, person) => cardText(card).includes(t(languageOf(person.locale), 'feedback.thanks')),
    explain: (notice) => {
      const key = templates.find((tpl) => tpl.pattern.test(notice))?.key;
      return key ? `${key} ("${t('en', key)}")` : `"${notice}"`;
    },
  };
}

/** A Judge on the notice colours alone, for when the catalogs cannot be loaded: Good and no Attention. */
export const judgeByColour: Judge = {
  added: (card) => goodOnly(card),
  confirmed: (card) => goodOnly(card),
  thanked: (card) => goodOnly(card),
  explain: (notice) => `"${notice}"`,
};

function goodOnly(card: unknown): boolean {
  const colours = cardColors(card);
  return colours.includes('Good') && !colours.includes('Attention');
}

/** A date some days ahead, as Input.Date sends it. */
export function daysAhead(days: number, zone = 'Europe/Stockholm'): string {
  return DateTime.now().setZone(zone).plus({ days }).toFormat('yyyy-MM-dd');
}

/** A meeting planned and sent through the planning cards. */
export interface SentMeeting {
  meetingId: string;
  /** The Teams invitees the draft accepted (the first ones asked for, up to Samråd's limit). */
  invitees: Person[];
  /** Date.now() right before plan.send was posted. */
  sendAt: number;
  /** The status card plan.send answered with. */
  statusCard: any;
}

/**
 * Plans a meeting the way a caseworker does, through plan.start, plan.when, plan.who.add (the
 * client, then each Teams invitee), plan.who.save, plan.why and plan.send, with the inputs the
 * end-to-end tests use. Invitees beyond what Samråd accepts are left out (see `invitees`).
 * `beforeSend` runs right before plan.send.
 */
export async function planAndSend(
  bot: BotEndpoint,
  judge: Judge,
  caseworker: Person,
  invitees: Person[],
  beforeSend: () => Promise<void> = async () => {},
): Promise<SentMeeting> {
  const replyToId = `plan-card-${caseworker.aadObjectId}-${randomUUID().slice(0, 8)}`;
  const press = (card: any, verb: string, inputs: Record<string, unknown> = {}) => bot.press(caseworker, verb, action(card, verb).data, inputs, replyToId);
  let card = await bot.press(caseworker, 'plan.start', { verb: 'plan.start' }, {}, replyToId);
  const meetingId = String(action(card, 'plan.when').data.meetingId);
  card = await press(card, 'plan.when', {
    date: daysAhead(10, caseworker.timeZone),
    time: '10:00',
    duration: '90',
    placeKind: 'room',
    placeDetails: 'Room 2',
  });
  card = await press(card, 'plan.who.add', {
    group: 'client',
    name: 'Alex',
    relation: '',
    contactKind: 'hand',
    teamsUser: '',
    contactDetail: '',
    language: languageOf(caseworker.locale),
  });
  const accepted: Person[] = [];
  for (const invitee of invitees) {
    const next = await press(card, 'plan.who.add', {
      group: 'professional',
      name: invitee.name,
      relation: 'school nurse',
      contactKind: 'teams',
      teamsUser: invitee.aadObjectId,
      contactDetail: '',
      language: languageOf(invitee.locale),
    });
    if (!judge.added(next, caseworker, invitee.name)) break;
    accepted.push(invitee);
    card = next;
  }
  if (accepted.length === 0) throw new Error('Samråd accepted no Teams invitee');
  card = await press(card, 'plan.who.save', { consent: 'true', chairId: '', secretaryId: '' });
  card = await press(card, 'plan.why', { purpose: 'A plan for school', topics: 'Mornings', form: '' });
  await beforeSend();
  const sendAt = Date.now();
  // The client gets a letter, and letters need the caseworker's contact details: given with the send (kept for the next letters).
  const statusCard = await press(card, 'plan.send', { contactName: caseworker.name, organisation: 'Socialtjänsten', phone: '+46 8 123 456', email: '' });
  return { meetingId, invitees: accepted, sendAt, statusCard };
}

/** What became of one answer: confirmed by the card, or why not (the card's first warning, or the HTTP status). */
export interface AnswerOutcome {
  confirmed: boolean;
  reason?: string;
}

/** A Teams invitee's answer on their invitation card, pressed on the card the connector received. */
export async function answer(
  bot: BotEndpoint,
  judge: Judge,
  invitee: Person,
  organizer: string,
  invitation: { data: Record<string, unknown>; activityId: string },
  reply: 'accepted' | 'maybe' | 'declined',
): Promise<AnswerOutcome> {
  const result = await bot.post(bot.invoke(invitee, 'invite.answer', { ...invitation.data, answer: reply }, { comment: '', topic: '' }, invitation.activityId));
  const card = invokeCard(result);
  if (!card) return { confirmed: false, reason: `HTTP ${result.status}` };
  if (judge.confirmed(card, invitee, organizer)) return { confirmed: true };
  const notice = noticeOf(card);
  return { confirmed: false, reason: notice ? judge.explain(notice) : 'a card without the thanks and without a notice' };
}

/** The first Attention or Warning text on a card (Samråd's notices), if any. */
export function noticeOf(card: unknown): string | undefined {
  let found: string | undefined;
  const visit = (node: unknown): void => {
    if (found || typeof node !== 'object' || node === null) return;
    if (Array.isArray(node)) return node.forEach(visit);
    const el = node as Record<string, unknown>;
    if (el.type === 'TextBlock' && (el.color === 'Attention' || el.color === 'Warning') && typeof el.text === 'string') found = el.text;
    Object.values(el).forEach(visit);
  };
  visit(card);
  return found;
}

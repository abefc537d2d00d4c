import { createHash } from 'node:crypto';
import { LIMITS, type Locale } from './meeting';
import { clean } from './text';
import { refuseIfAny, type Problem } from './problems';
import { isKnownZone } from './time';

/** Enough to write to a person in their 1:1 chat with the bot, without storing their name. */
export interface ConversationAddress {
  serviceUrl: string;
  conversationId: string;
  channelId: string;
  tenantId: string;
  botId: string;
  /** The user's id in the channel (in Teams `29:…`). */
  userId: string;
  /** A group chat (a meeting's chat is one) rather than a 1:1 chat. */
  group?: boolean;
}

/**
 * How a caseworker is reached about a meeting, as they entered it themselves on the settings
 * card (Samråd never guesses it): printed on every letter so the family can answer.
 */
export interface CaseworkerContact {
  name: string;
  organisation: string;
  phone: string;
  email: string;
}

/** What Samråd keeps about a Teams user: how to reach them, their language, their open draft. */
export interface UserRecord {
  /** The same as `userKey`: one record per user, in the user's own partition. */
  id: string;
  userKey: string;
  tenantId: string;
  locale: Locale;
  /**
   * The person's time zone (IANA), in which Samråd shows them times and will write to them at
   * working hours. Every record written since the settings card offers it has one; only records
   * stored before lack it (and get one on the person's next turn).
   */
  timeZone?: string;
  /** Where `timeZone` came from (see `zoneOf`); absent only on records stored before it was kept. */
  timeZoneSource?: ZoneSource;
  address?: ConversationAddress;
  draftMeetingId?: string;
  /** A caseworker's contact details for letters. */
  contact?: CaseworkerContact;
  updatedAt: string;
}

/**
 * Where a user's time zone came from: `teams` (their Teams client sent it), `default` (Teams has
 * sent none, so the organisation's configured zone, `DEFAULT_TIME_ZONE`), `chosen` (they chose it
 * on the settings card: it wins over what Teams sends until they choose "as Teams says" again).
 */
export type ZoneSource = 'teams' | 'default' | 'chosen';

/**
 * The zones a person can choose on the settings card, each with its name in the catalogs
 * (`settings.zoneName.*`): the Nordic countries, the neighbours colleagues most often work from,
 * and UTC. Finland's Åland keeps Finnish time, so it needs no zone of its own.
 */
export const ZONE_CHOICES = {
  'Europe/Stockholm': 'stockholm',
  'Europe/Copenhagen': 'copenhagen',
  'Europe/Helsinki': 'helsinki',
  'Europe/Oslo': 'oslo',
  'Atlantic/Reykjavik': 'reykjavik',
  'Europe/London': 'london',
  'Europe/Berlin': 'berlin',
  UTC: 'utc',
} as const;

/** A zone the settings card offers. */
export type ChoosableZone = keyof typeof ZONE_CHOICES;

/** True for a zone the settings card offers (exactly as it sends it). */
export function isChoosableZone(zone: string | undefined): zone is ChoosableZone {
  return typeof zone === 'string' && Object.prototype.hasOwnProperty.call(ZONE_CHOICES, zone);
}

/**
 * A user's time zone and where it came from, given their record (if any), the zone Teams sent
 * with this turn (if any) and the organisation's default: a zone they chose stays; otherwise what
 * Teams sends now, or what Teams sent before (a turn without one changes nothing), or else the
 * default, saying so.
 */
export function zoneOf(current: Pick<UserRecord, 'timeZone' | 'timeZoneSource'> | undefined, fromTeams: string | undefined, fallback: string): { timeZone: string; timeZoneSource: ZoneSource } {
  if (current?.timeZoneSource === 'chosen' && isKnownZone(current.timeZone)) return { timeZone: current.timeZone, timeZoneSource: 'chosen' };
  if (isKnownZone(fromTeams)) return { timeZone: fromTeams, timeZoneSource: 'teams' };
  if (current?.timeZoneSource === 'teams' && isKnownZone(current.timeZone)) return { timeZone: current.timeZone, timeZoneSource: 'teams' };
  return { timeZone: fallback, timeZoneSource: 'default' };
}

/**
 * The key of a user's record: their Entra object id when Teams sends it (the people picker
 * names people by it; GUIDs compare case-insensitively, so it is lower-cased), otherwise a
 * digest of their channel id, so two different channel ids never share a record.
 */
export function userKey(aadObjectId: string | undefined, channelUserId: string): string {
  if (aadObjectId) return `aad-${aadObjectId.toLowerCase()}`;
  return `ch-${createHash('sha256').update(channelUserId, 'utf8').digest('hex').slice(0, 40)}`;
}

/** What the caseworker typed on the contact details card. */
export interface ContactInput {
  name: string;
  organisation: string;
  phone: string;
  email: string;
}

/** The caseworker's contact details from the card: a name, and a phone number or an e-mail address the family can use. */
export function contactFrom(input: ContactInput): CaseworkerContact {
  const problems: Problem[] = [];
  const name = clean(input.name);
  const organisation = clean(input.organisation);
  const phone = clean(input.phone);
  const email = clean(input.email).toLowerCase();
  if (name === '') problems.push({ code: 'nameRequired' });
  if (name.length > LIMITS.name) problems.push({ code: 'textTooLong', params: { field: 'name', max: LIMITS.name } });
  if (organisation.length > LIMITS.organisation) problems.push({ code: 'textTooLong', params: { field: 'organisation', max: LIMITS.organisation } });
  if (phone !== '' && !/^\+?[0-9 ()-]{5,40}$/.test(phone)) problems.push({ code: 'phoneInvalid' });
  if (email !== '' && (!/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(email) || email.length > LIMITS.email)) problems.push({ code: 'emailInvalid' });
  if (phone === '' && email === '') problems.push({ code: 'contactRequired' });
  refuseIfAny(problems);
  return { name, organisation, phone, email };
}

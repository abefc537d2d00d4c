import type { DateTime } from 'luxon';
import type { Locale, PostedCard } from '../domain/meeting';
import type { MeetingDoc } from '../domain/meeting-docs';
import type { MeetingRef } from '../domain/meeting-ref';
import type { NudgeSettings } from '../domain/nudges';
import type { RetentionSettings } from '../domain/retention';
import type { MeetingSummary } from '../domain/overview';
import type { PersonRef } from '../domain/people';
import type { LinkPurpose, TokenCheck } from '../domain/page-link';
import type { ConversationAddress, UserRecord } from '../domain/user';
import type { JobRef, JobsDoc } from '../jobs/job';
import type { JobQueue } from '../jobs/queue';
import type { DocumentStore } from '../store/port';
import type { AdaptiveCard } from '../../cards/render';
import type { Reader } from '../../cards/format';
import type { Telemetry } from '../telemetry/port';
import type { Logger } from '../log';

/** The containers' documents, as the services see them. */
export interface Stores {
  /** Per meeting: the plan, each person's answer and delivery. */
  meetings: DocumentStore<MeetingDoc>;
  /** Per Teams user: how to reach them. */
  users: DocumentStore<UserRecord>;
  /** Per caseworker: the meetings in their list. */
  meetingIndex: DocumentStore<MeetingRef>;
  /** Work after an answer. */
  jobs: DocumentStore<JobsDoc>;
  /** Per tenant and month: one summary per meeting for the coordinators' overview (ids, dates, counts). */
  overview: DocumentStore<MeetingSummary>;
  /** Per person key (hashed): where each person appears, for the data-protection officer. */
  people: DocumentStore<PersonRef>;
}

/** The person behind an incoming activity, as the services need them. */
export interface Actor {
  /** Their user record's key. */
  userKey: string;
  /** Their Entra object id, or their channel id when Teams sends none; this is what contacts name. */
  userId: string;
  name: string;
  tenantId: string;
  /** Their language, and their time zone: the one they chose on the settings card, else Teams', else the organisation's default. */
  reader: Reader & { timeZone: string };
  /** The time zone Teams sent with this activity, if it sent one (what "as Teams says" on the settings card goes back to). */
  teamsTimeZone?: string;
  /** Their 1:1 conversation with the bot. */
  address: ConversationAddress;
  /** The message holding the card they acted on, if any. */
  cardActivityId?: string;
  /** Their open draft, as their user record had it when the turn began. */
  draftMeetingId?: string;
  /** When they act in a group chat (or a meeting's chat): who is in it, asked of Teams when needed. */
  chat?: { members(): Promise<ChatMember[]> };
}

/** Someone in a group chat: their Entra object id (lower-case) and their id in the channel (`29:…`, what a card's refresh names). */
export interface ChatMember {
  objectId: string;
  channelUserId: string;
}

/** The person could not be reached in Teams (the app is not installed for them, or they left). */
export class UnreachableError extends Error {
  constructor(readonly status: number) {
    super(`recipient unreachable (${status})`);
    this.name = 'UnreachableError';
  }
}

/** Proactive messages into Teams; the only way the services write to a chat. */
export interface Messenger {
  /** Opens the 1:1 chat between the bot and a Teams user, using the service and tenant of a known address. */
  openPersonalChat(via: ConversationAddress, userId: string): Promise<ConversationAddress>;
  /** Posts a card; `summary` is all a notification preview shows, so it never names the client. */
  sendCard(to: ConversationAddress, card: AdaptiveCard, summary: string): Promise<PostedCard>;
  /** Replaces a card posted earlier. */
  updateCard(to: ConversationAddress, activityId: string, card: AdaptiveCard): Promise<void>;
  /** Posts a short text. */
  sendText(to: ConversationAddress, text: string): Promise<void>;
}

/**
 * Installs Samråd for a Teams user who has not installed it yet (through Microsoft Graph, where
 * the tenant's administrator granted the permission), so that the bot can write to them.
 */
export interface AppInstaller {
  /**
   * `installed`: the app is installed for the user now (or was already);
   * `permissionMissing`: the tenant has not granted the permission (or none is configured);
   * `refused`: Graph refused the installation for this user.
   */
  installFor(tenantId: string, userId: string): Promise<'installed' | 'permissionMissing' | 'refused'>;
}

/**
 * Who the organisation's coordinators are (nätverkskoordinator / tovholder / superbruger): the
 * people who keep the network-meeting method alive and see the overview. Object ids are Entra
 * object ids, compared case-insensitively and answered in lower case.
 */
export interface Coordinators {
  /** Whether this person (their Entra object id) is a coordinator of this tenant now. */
  isCoordinator(tenantId: string, objectId: string): Promise<boolean>;
  /** The object ids of the tenant's coordinators (for sending them the overview). */
  coordinatorsOf(tenantId: string): Promise<string[]>;
}

/**
 * Who the data-protection officers are (dataskyddsombud / databeskyttelsesrådgiver /
 * tietosuojavastaava): the people who answer a person's request for their data or its erasure.
 * Object ids are Entra object ids, compared case-insensitively.
 */
export interface DataProtectionOfficers {
  /** Whether this person (their Entra object id) is a data-protection officer of this tenant now. */
  isDataProtectionOfficer(tenantId: string, objectId: string): Promise<boolean>;
}

/**
 * What a link to a person's data names: the key they were found by (`domain/people.ts`, hashed or
 * an object id), for a name the day, the tenant, the officer who asked (their user key, for the
 * audit trail) and the language of the readable document.
 */
export interface PersonExportRequest {
  tenantId: string;
  key: string;
  day?: string;
  by: string;
  locale: Locale;
}

/** What the services share: the stores, the clock, ids, the messenger, the link signer and the job queue. */
export interface Deps {
  stores: Stores;
  now: () => DateTime;
  newId: () => string;
  messenger: Messenger;
  /** The signed links the services draw and check (`LetterLinks` of `services/links.ts`; see `domain/page-link.ts`). */
  links: {
    /** A participant's printable letter and calendar file, for the caseworker's status card (14 days). */
    letterUrls(meetingId: string, participantId: string): { letterUrl: string; icsUrl: string };
    /** The read-only link to a meeting's live timer page, valid until a while after `plannedEnd`; absent where the page is not served. */
    liveUrl?(meetingId: string, plannedEnd: string): string;
    /** A person's own page, for this version of their link, until `expires`. */
    pageUrl(meetingId: string, participantId: string, version: number, expires: DateTime): string;
    /** Checks a token for one purpose: its claims, or why it is refused. */
    check(token: string, purpose: LinkPurpose): TokenCheck;
    /** The caseworker's journal text and JSON export of a meeting (24 hours). */
    exportUrls(meetingId: string): { journalUrl: string; jsonUrl: string };
    /** A participant's printable minutes (14 days). */
    minutesUrl(meetingId: string, participantId: string): string;
    /** A person's data for the data-protection officer who asked, as JSON and as a readable document (one hour). */
    personExportUrls?(request: PersonExportRequest): { jsonUrl: string; documentUrl: string };
  };
  log: Logger;
  /** Work to do after answering; stored before the answer is sent, so a crash loses none of it. */
  jobs: JobQueue;
  /** Installs the app for colleagues who have not (Microsoft Graph). */
  installer: AppInstaller;
  /** Who sees the coordinators' overview (configured ids, and Entra groups read through Microsoft Graph). */
  coordinators: Coordinators;
  /** Who finds, exports and erases a person's data (DATA_PROTECTION_OFFICERS). */
  dataProtection: DataProtectionOfficers;
  /** The organisation's time zone (`DEFAULT_TIME_ZONE`), for a person whose Teams sends none. */
  defaultTimeZone: string;
  /** How follow-up nudges are timed (`NUDGE_SUMMARY_DAYS`, `NUDGE_GRACE_DAYS`). */
  nudgeSettings: NudgeSettings;
  /** How long meetings are kept (`RETENTION_MONTHS`). */
  retention: RetentionSettings;
  /** Metrics and spans of how Samråd runs (route templates, kinds, counts: never personal data); none without a connection string. */
  telemetry: Telemetry;
}

/** What a card action answers with: the card that replaces the one acted on, and the jobs it enqueued. */
export interface CardReply {
  card: AdaptiveCard;
  /** Jobs to start as soon as the answer is out (the runner would find them anyway, a poll later). */
  jobs?: JobRef[];
}

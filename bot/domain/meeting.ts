/**
 * The network meeting as Samråd stores it: a plan (a draft while the caseworker plans it, then
 * an invited meeting) and one document per person for their answer and their invitation's
 * delivery. Plain data, no behaviour: the rules live in `planning.ts` and `invitation.ts`. It
 * imports nothing: every other document of a meeting, and the union of them all (`MeetingDoc`),
 * are in files that import this one (`meeting-docs.ts`).
 */

/** The languages every text exists in. */
export const LOCALES = ['sv', 'da', 'fi', 'en'] as const;
export type Locale = (typeof LOCALES)[number];

/** Where a participant sits in the network; also the fixed speaker order. */
export const GROUPS = ['client', 'network', 'professional'] as const;
export type Group = (typeof GROUPS)[number];

export const PLACE_KINDS = ['room', 'home', 'online'] as const;
export type PlaceKind = (typeof PLACE_KINDS)[number];

export const CONTACT_KINDS = ['teams', 'email', 'post', 'hand'] as const;
export type ContactKind = (typeof CONTACT_KINDS)[number];

/** How an invitation reaches a person: in Teams, or on paper / by e-mail from the caseworker. */
export type Contact =
  | { kind: 'teams'; userId: string }
  | { kind: 'email'; email: string }
  | { kind: 'post'; address: string }
  | { kind: 'hand' };

export const ANSWERS = ['accepted', 'declined', 'maybe'] as const;
export type Answer = (typeof ANSWERS)[number];

/** An invitee's answer, given on the card in Teams, told to the caseworker by phone, or on the person's own page. */
export interface Reply {
  answer: Answer;
  comment?: string;
  at: string;
  via: 'teams' | 'phone' | 'page';
}

/** Where a card Samråd posted sits in a chat, so it can be updated later. */
export interface PostedCard {
  conversationId: string;
  activityId: string;
}

/** A status card in someone's personal chat: where it is, and whose chat it is (the caseworker's when not named). */
export interface StatusCardRef extends PostedCard {
  userKey?: string;
}

/**
 * One person of the meeting as the plan names them. What each person does on their own (their
 * answer, the delivery of their invitation) lives in their own document, see `ReplyDoc` and
 * `DeliveryDoc`, so that people acting at once never write the same document.
 */
export interface Participant {
  id: string;
  name: string;
  group: Group;
  /** Their relation to the client, in the caseworker's words ("mother", "school nurse"). */
  relation: string;
  contact: Contact;
  /** The language of their invitation when the bot does not know their Teams locale. */
  language: Locale;
  isOrganizer?: boolean;
  /**
   * The plan revision whose invitations first named this person, when a change sent after the
   * first invitations added them: their first invitation is a first one, not a changed one.
   */
  invitedRev?: number;
  /**
   * Set when the data-protection officer erased this person's data from the meeting: a
   * placeholder (`ERASED_NAME`, no relation, no contact) that keeps the meeting's counts right.
   * No link of theirs works any more (letter, calendar file, page, printable minutes).
   */
  erased?: boolean;
}

/** The name an erased participant keeps: a redaction mark, the same in every language. */
export const ERASED_NAME = '[…]';

export interface When {
  /** Start as an ISO instant in UTC. */
  start: string;
  /** The IANA zone the caseworker planned in; times are shown in it unless the reader's is known. */
  timeZone: string;
  durationMinutes: number;
}

export interface Place {
  kind: PlaceKind;
  details: string;
}

/** The agenda as a contract: purpose (why), topics (what) and form (how). */
export interface Why {
  purpose: string;
  topics: string[];
  form: string;
}

/** The client's agreement on who is invited and that the purpose and topics are shared with them. */
export interface Consent {
  at: string;
  recordedBy: string;
}

export type PlanningStep = 'when' | 'who' | 'why' | 'summary';
export type MeetingStatus = 'draft' | 'invited' | 'cancelled';

/** Who may send invitations for a meeting from Teams: the bot's conversation with the caseworker. */
/** Why and by whom a meeting is kept one retention period longer (once). */
export interface RetentionExtension {
  at: string;
  /** A user key, never a name. */
  by: string;
  /** The caseworker's reason, as they wrote it. */
  reason: string;
}

export interface Organizer {
  userKey: string;
  name: string;
}

/**
 * The plan of a meeting: the draft while the caseworker plans it, then what the invitations
 * say. It is the document whose id is the meeting id, in the meeting's own partition.
 */
export interface Meeting {
  kind: 'plan';
  id: string;
  /** The partition every document of this meeting shares; the same as `id` for the plan. */
  meetingId: string;
  status: MeetingStatus;
  /**
   * Raised whenever something a card shows changes. Every card carries the revision it was
   * drawn from, so an action from an older card is recognised as stale.
   */
  rev: number;
  /** The revision the invitations were drawn from; an answer from an older invitation is stale. */
  planRev?: number;
  tenantId: string;
  organizer: Organizer;
  step: PlanningStep;
  when?: When;
  place?: Place;
  why?: Why;
  participants: Participant[];
  consent?: Consent;
  chairId?: string;
  secretaryId?: string;
  /** A colleague (a professional invited in Teams) who sees and acts on the meeting as the caseworker does. */
  coOrganizerId?: string;
  /**
   * A change of a sent meeting the caseworker is preparing with the planning cards: the plan's
   * fields above stay what the invitations say until the change is sent.
   */
  editing?: Edits;
  /** Answers given to invitations older than this plan revision no longer hold (the time changed). */
  answersFromRev?: number;
  /** What the last change sent changed, for the invitees' notice. */
  lastChange?: { rev: number; at: string; what: ChangeKind[] };
  /** People invited once and removed by a change: they are told they are no longer invited. */
  removed?: { participant: Participant; rev: number }[];
  /** User keys of colleagues a change took the co-organizer role from: their list entry is removed. */
  formerCoOrganizers?: string[];
  /**
   * The status card in front of the caseworker (or co-organizer, `userKey`): the card they last
   * sent the meeting, a change or a cancellation from. It is updated in place as answers arrive;
   * other copies are brought up to date by Teams through the card's refresh.
   */
  statusCard?: StatusCardRef;
  createdAt: string;
  updatedAt: string;
  sentAt?: string;
  /**
   * How many times what the invitations say was sent: 0 for the first invitations, raised by
   * every change sent and by the cancellation (a calendar file's SEQUENCE).
   */
  sequence?: number;
  /** The preparation checklist's items the caseworker has ticked (see `preparation.ts`). */
  prepared?: string[];
  /** Set when the caseworker cancelled the meeting. */
  cancelled?: { at: string; by: string; reason?: string };
  /** The meeting this one follows up (its draft was made from that meeting's plan). */
  followUpOf?: string;
  /** Kept longer than the retention period, once, with the caseworker's reason (`domain/retention.ts`). */
  retention?: { extended?: RetentionExtension };
  /** When the meeting's documents expire (stamped once it is sent; the store writes it as `ttl`). */
  expiresAt?: string;
  /**
   * Seconds the store keeps the document after its last write (Cosmos DB `ttl`): a draft left
   * unsent is erased after LIMITS.draftDays; a sent meeting has none here.
   */
  ttl?: number;
}

/** The fields of a plan that planning cards change; a change of a sent meeting keeps its own copy. */
export const EDITABLE = ['when', 'place', 'why', 'participants', 'consent', 'chairId', 'secretaryId', 'coOrganizerId', 'step'] as const;

/** A change being prepared: the editable fields as the caseworker has them now. */
export type Edits = Pick<Meeting, (typeof EDITABLE)[number]>;

/** What a change of a sent meeting changed. */
export const CHANGE_KINDS = ['time', 'place', 'people', 'agenda', 'roles'] as const;
export type ChangeKind = (typeof CHANGE_KINDS)[number];

/** An invitee's answer, in its own document: only they (or the caseworker recording a phone call) write it. */
export interface ReplyDoc extends Reply {
  kind: 'reply';
  /** `reply.<participant id>` */
  id: string;
  meetingId: string;
  participantId: string;
  /** A topic they want to raise at the meeting. */
  topic?: string;
  /** The plan revision of the invitation they answered. */
  planRev: number;
  /** Who wrote it: a user key, never a name. */
  by: string;
}

/** How one person's invitation went out, written by the delivery job while it holds its claim. */
export interface DeliveryDoc {
  kind: 'delivery';
  /** `delivery.<participant id>` */
  id: string;
  meetingId: string;
  participantId: string;
  /** The plan revision the delivered invitation was drawn from. */
  planRev: number;
  /** `teams`: the card is in their chat; `letter`: Teams could not reach them, the caseworker sends a letter. */
  via: 'teams' | 'letter';
  card?: PostedCard;
  /** Why Teams could not reach them: the app is not installed and could not be installed for them. */
  reason?: UnreachableReason;
  at: string;
}

/**
 * Why an invitation could not go out in Teams: the app is not installed for the person and the
 * tenant has not allowed Samråd to install it (`permissionMissing`), Microsoft Graph refused
 * to install it (`installRefused`), or Teams refused the message (`unreachable`).
 */
export type UnreachableReason = 'permissionMissing' | 'installRefused' | 'unreachable';

/**
 * How a card that follows the meeting reached one person (the feedback card, the minutes),
 * written by its fan-out: in Teams, or a printed copy (or page) from the caseworker.
 */
export interface SentDoc {
  kind: 'sent';
  /** `sent.<what>.<participant id>` */
  id: string;
  meetingId: string;
  participantId: string;
  what: 'feedback' | 'minutes';
  via: 'teams' | 'letter';
  card?: PostedCard;
  reason?: UnreachableReason;
  at: string;
}

/**
 * Where an invitation stands for the caseworker: `pending` until the bot has tried Teams,
 * `teams` when the card is in the invitee's chat, `letter` when the caseworker must send a
 * letter or e-mail, `organizer` for the caseworker who convenes.
 */
export type Delivery = 'pending' | 'teams' | 'letter' | 'organizer';

/** Limits that keep cards small and input sane. */
export const LIMITS = {
  name: 80,
  relation: 80,
  placeDetails: 200,
  purpose: 1000,
  topic: 200,
  topics: 12,
  form: 500,
  comment: 500,
  address: 300,
  email: 254,
  /** Everyone: up to 40 invitees besides the client and the caseworker who convenes. */
  participants: 42,
  minDuration: 15,
  maxDuration: 480,
  recommendedMaxDuration: 120,
  defaultDuration: 90,
  audit: 200,
  draftDays: 30,
  /** How far ahead a meeting may be planned. */
  yearsAhead: 2,
  cancelReason: 500,
  /** Topics on the agenda at the meeting: the invitation's, the proposed ones and those added there. */
  sessionTopics: 40,
  /** Breaks kept in a meeting's record (more are taken, the oldest forgotten). */
  breaks: 20,
  /** An action item's text. */
  actionText: 300,
  /** Action items of one meeting. */
  actions: 60,
  /** The secretary's free text in the minutes. */
  minutesNote: 3000,
  organisation: 120,
} as const;

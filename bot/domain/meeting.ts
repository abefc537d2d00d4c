/**
 * The network meeting as Samråd stores it: a draft while the caseworker plans it, then an
 * invited meeting whose participants answer. Plain data, no behaviour: the rules live in
 * `planning.ts` and `invitation.ts`.
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

/** An invitee's answer, given on the card in Teams or told to the caseworker by phone. */
export interface Reply {
  answer: Answer;
  comment?: string;
  at: string;
  via: 'teams' | 'phone';
}

/**
 * Where the invitation stands: `pending` until the bot has tried Teams, `teams` when the card
 * is in the invitee's chat, `letter` when the caseworker must send a letter or e-mail,
 * `organizer` for the caseworker who convenes.
 */
export type Delivery = 'pending' | 'teams' | 'letter' | 'organizer';

/** Where the invitation card sits in the invitee's chat, so it can be updated later. */
export interface PostedCard {
  conversationId: string;
  activityId: string;
}

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
  delivery: Delivery;
  invitation?: PostedCard;
  reply?: Reply;
}

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

export interface ProposedTopic {
  participantId: string;
  text: string;
  at: string;
}

export type PlanningStep = 'when' | 'who' | 'why' | 'summary';
export type MeetingStatus = 'draft' | 'invited';

export interface AuditEntry {
  at: string;
  /** A user key or `system`; never a name. */
  by: string;
  action: string;
}

/** Who may send invitations for a meeting from Teams: the bot's conversation with the caseworker. */
export interface Organizer {
  userKey: string;
  name: string;
}

export interface Meeting {
  id: string;
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
  proposedTopics: ProposedTopic[];
  /** The caseworker's status card, updated as answers arrive. */
  statusCard?: PostedCard;
  /** True while invitations wait to be delivered; a worker picks it up, also after a restart. */
  deliveryPending?: boolean;
  deliveryLease?: { owner: string; until: string };
  createdAt: string;
  updatedAt: string;
  sentAt?: string;
  audit: AuditEntry[];
  /**
   * Seconds the store keeps the document after its last write (Cosmos DB `ttl`): a draft left
   * unsent is erased after LIMITS.draftDays; a sent meeting has none here.
   */
  ttl?: number;
}

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
  participants: 30,
  minDuration: 15,
  maxDuration: 480,
  recommendedMaxDuration: 120,
  defaultDuration: 90,
  audit: 200,
  draftDays: 30,
} as const;

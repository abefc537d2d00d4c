/**
 * What Samråd's server and the live timer page say to each other: the JSON of the state
 * endpoints and the texts the page is served with. Shared by both sides, so it has no imports
 * and no DOM: the server's type check and the page's both read it.
 */

/** The meeting as the live timer page shows it: times as stored instants, names as the meeting-mode card shows them. */
export interface LiveState {
  /** Meeting mode has been started. */
  started: boolean;
  /** Meeting mode has ended. */
  ended: boolean;
  /** The meeting's time zone (IANA), for the clock times the page prints. */
  timeZone: string;
  /** The server's clock when it answered (ms since 1970): the page corrects its own by it. */
  serverTime: number;
  meeting: {
    /** When the meeting was planned to start (from the invitation), until meeting mode starts. */
    plannedStart?: string;
    /** When it should end: by the invitation before meeting mode starts, then by the phases' time budgets and the breaks taken (as the card says when the server answered). */
    plannedEnd: string;
    startedAt?: string;
    endedAt?: string;
  };
  phase?: {
    key: string;
    label: string;
    /** 1-based place among the phases. */
    number: number;
    count: number;
    startedAt: string;
    /** When the phase should have started by the plan (the phases before it run to budget), moved on by the breaks before it. */
    plannedStart: string;
    /** When the phase should end by its budget, from when it started, moved on by the breaks in it (as the card says when the server answered). */
    plannedEnd: string;
    minutes: number;
    /**
     * Minutes of breaks since the phase started, up to when the server answered (`serverTime`; a
     * break still running counts until then): the phase's working time is the time since it
     * started less these.
     */
    pausedMinutes: number;
  };
  /**
   * The break running now, if any: the clock stands still from its start. What the card moves on
   * by the break (the phase's end, the planned end) moves on with the time since `serverTime`.
   */
  break?: { since: string };
  /**
   * The agenda, only when the chair has turned it on for the big screen (`screenAgenda`) and the
   * meeting runs: each topic's text and whether it is covered, in the agenda's order. Absent
   * otherwise: nothing of the topics leaves the server.
   */
  agenda?: { text: string; covered: boolean }[];
  /** Minutes behind the plan (negative: ahead) when the server answered; the page recomputes it as time passes. */
  behindMinutes: number;
  round?: { kind: string; label: string; heard: number; total: number };
  /** Who speaks now, as the card names them ("Eva (grandmother)"). */
  speaker?: string;
  /** Who speaks next (a name only). */
  next?: string;
  /** The session's and the plan's revisions: what the ETag is made of. */
  rev: { session: number; plan: number };
}

/** A meeting the configuration page offers: its id and its date and time, nothing of the case. */
export interface MeetingChoice {
  meetingId: string;
  title: string;
}

/** The texts of the page (catalog section `live`), by key. */
export const LIVE_TEXT_KEYS = [
  'title',
  'loading',
  'phaseStep',
  'inPhase',
  'phaseBudget',
  'left',
  'over',
  'speaking',
  'next',
  'noRound',
  'notStarted',
  'ended',
  'gone',
  'notParticipant',
  'signInFailed',
  'offline',
  'notInTeams',
  'pickTitle',
  'pickNone',
  'pickHint',
  'tabName',
  'language',
  'break',
  'breakSince',
  'agenda',
  'topicCovered',
  'topicNow',
] as const;

/**
 * The languages the page can be switched to, each named in its own language (the same in every
 * catalog, so not in the catalogs). The order is the switch's order.
 */
export const LANGUAGE_NAMES = { sv: 'Svenska', da: 'Dansk', fi: 'Suomi', en: 'English' } as const;

/** Texts the page shares with the meeting-mode card (catalog section `session`). */
export const SESSION_TEXT_KEYS = ['onTime', 'behind', 'ahead', 'heard', 'roundOver', 'time'] as const;

/** Every text the page needs, in one language, with its {placeholders} left for the page to fill. */
export type LiveTexts = Record<(typeof LIVE_TEXT_KEYS)[number] | (typeof SESSION_TEXT_KEYS)[number], string>;

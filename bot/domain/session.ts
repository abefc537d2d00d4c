import { DateTime } from 'luxon';
import { organizes } from './change';
import { LIMITS, type Meeting, type Participant } from './meeting';
import { checkedOutcome, outcomeComplete, type Outcome } from './plan';
import { speakerOrder } from './planning';
import { clean } from './text';
import { Refusal } from './problems';

/**
 * Meeting mode: the network meeting as it is held, from the guides. Everyone is welcomed and
 * introduces themselves in a fixed order (the client first, then the private network, then the
 * professionals: 000); chair and secretary are chosen at the start (000); the meeting goes
 * through three phases, describe, reflect and agree (004), between the welcome and the summary
 * with feedback; the agenda can be renegotiated (001, 003); every round of speakers keeps the
 * fixed order (004: "the fixed speaking order" brings reluctant family members in). Pure: every
 * function takes the session as read and `now`, and returns the session to save or refuses.
 */

/** The phases of the meeting, in order. */
export const PHASES = ['welcome', 'describe', 'reflect', 'agree', 'summary'] as const;
export type Phase = (typeof PHASES)[number];

/** Share of the planned time each phase gets by default (welcome and introductions … summary and feedback). */
const SHARES: Record<Phase, number> = { welcome: 0.15, describe: 0.25, reflect: 0.25, agree: 0.25, summary: 0.1 };

/** The kinds of round: the introductions, a round of speakers within a phase, check-in and check-out (003). */
export const ROUNDS = ['introductions', 'speakers', 'checkIn', 'checkOut'] as const;
export type RoundKind = (typeof ROUNDS)[number];

/** A round of speakers in the fixed order. */
export interface Round {
  kind: RoundKind;
  /** Participant ids in speaking order. */
  order: string[];
  /** The index in `order` of who speaks now; `order.length` when the round is over. */
  current: number;
  heard: string[];
  skipped: string[];
  startedAt: string;
}

/** One topic of the agenda as the meeting holds it. */
export interface AgendaItem {
  id: string;
  text: string;
  covered: boolean;
  /** From the invitation, proposed by an invitee, or added at the meeting. */
  source: 'plan' | 'proposed' | 'added';
}

/**
 * Who is in the room. Until someone's presence is marked while the meeting runs they are
 * expected (`present` without `arrivedAt`): unticking them means they did not come. Once marked
 * present (`arrivedAt`), unticking them means they left, at `leftAt`.
 */
export interface Presence {
  present: boolean;
  arrivedAt?: string;
  leftAt?: string;
}

/** The states of meeting mode: opened and prepared, running, ended (an end can be undone for a while). */
export const SESSION_STATES = ['ready', 'running', 'ended'] as const;
export type SessionState = (typeof SESSION_STATES)[number];

/** How long after ending a meeting the end can be undone. */
export const UNDO_END_MINUTES = 10;

/** How far from the planned start a meeting starts without being asked whether that is right. */
export const START_LEEWAY_MINUTES = 30;

/** A break (004: at most two hours, with the possibility of a break): the clock and the phase budgets stand still. */
export interface Break {
  startedAt: string;
  endedAt?: string;
}

/** How the memo reaches everyone, as agreed at the start (000): the minutes are sent that way. */
export const MEMO_WAYS = ['teams', 'email', 'post', 'handout'] as const;
export type MemoWay = (typeof MEMO_WAYS)[number];

/** The meeting being held, as its own document in the meeting's partition. */
export interface Session {
  kind: 'session';
  /** Always `session`: one per meeting. */
  id: string;
  meetingId: string;
  /** Raised by every step; each card carries it, so a press from an older card is told apart. */
  rev: number;
  state: SessionState;
  /** When meeting mode was first opened (ready to start), and by whom. */
  openedAt: string;
  openedBy: string;
  /** Set when the meeting was started. */
  startedAt?: string;
  startedBy?: string;
  endedAt?: string;
  chairId?: string;
  secretaryId?: string;
  presence: Record<string, Presence>;
  phase: Phase;
  phaseStartedAt: string;
  /** Minutes planned for each phase; they add up to the planned duration unless adjusted. */
  budgets: Record<Phase, number>;
  agenda: AgendaItem[];
  round?: Round;
  /** The kinds of round held so far (check-in is offered at the start until one was held, check-out at the end). */
  held?: RoundKind[];
  /** Breaks, the last one running while it has no end. */
  breaks?: Break[];
  /** How the memo reaches everyone, as agreed after the introductions (000); the minutes use it. */
  memo?: { ways: MemoWay[] };
  /** The big screen shows the agenda and where the meeting is in it (off unless turned on: others may see the screen). */
  screenAgenda?: boolean;
  /** The client's responsible worker and the follow-up date, as agreed before closing (see `plan.ts`). */
  outcome?: Outcome;
  /** The last few steps, for an audit of who changed what (user keys, never names). */
  log: { at: string; by: string; step: string }[];
}

/** Everything a meeting-mode card may do; each is one verb. */
export type SessionStep =
  | { step: 'presence'; participantId: string; present: boolean }
  | { step: 'presentSet'; participantIds: string[] }
  | { step: 'coveredSet'; topicIds: string[] }
  | { step: 'budgets'; budgets: Record<Phase, number> }
  | { step: 'roles'; chairId: string; secretaryId: string }
  | { step: 'phase'; phase: Phase }
  | { step: 'round'; kind: RoundKind }
  | { step: 'next' }
  | { step: 'skip' }
  | { step: 'move'; participantId: string; by: -1 | 1 }
  | { step: 'topicAdd'; text: string; id: string }
  | { step: 'topicCovered'; topicId: string; covered: boolean }
  | { step: 'topicDrop'; topicId: string }
  | { step: 'topicMove'; topicId: string; by: -1 | 1 }
  | { step: 'begin' }
  | { step: 'end' }
  | { step: 'reopen' }
  | { step: 'breakStart' }
  | { step: 'breakEnd' }
  | { step: 'memo'; ways: MemoWay[] }
  | { step: 'screen'; agenda: boolean }
  | { step: 'outcome'; responsible: string; followUp: string };

/** The steps that prepare the meeting and may be taken before it starts; every other step needs it running. */
const PREPARING: ReadonlySet<SessionStep['step']> = new Set(['presence', 'presentSet', 'coveredSet', 'budgets', 'roles', 'topicAdd', 'topicCovered', 'topicDrop', 'topicMove', 'memo', 'screen', 'begin']);

/** The steps that move the meeting on: none of them during a break. */
const MOVING: ReadonlySet<SessionStep['step']> = new Set(['next', 'skip', 'move', 'round', 'phase', 'end', 'breakStart']);

/** The time budgets of a meeting of this length, in whole minutes, adding up to it. */
export function budgetsFor(durationMinutes: number): Record<Phase, number> {
  const budgets = Object.fromEntries(PHASES.map((p) => [p, Math.max(1, Math.round(durationMinutes * SHARES[p]))])) as Record<Phase, number>;
  const sum = PHASES.reduce((total, p) => total + budgets[p], 0);
  budgets.describe += durationMinutes - sum;
  return budgets;
}

/**
 * Opens meeting mode for a sent meeting, ready to start: everyone expected except those who said
 * they cannot come, the proposed chair and secretary taken over, the agenda from the invitation
 * and the topics invitees proposed, the phases with their times. Nothing runs until it is started.
 */
export function openSession(
  meeting: Meeting,
  proposed: { participantId: string; text: string }[],
  declined: ReadonlySet<string>,
  by: string,
  now: DateTime,
): Session {
  if (meeting.status === 'cancelled') throw new Refusal({ code: 'meetingCancelled' });
  if (meeting.status !== 'invited' || !meeting.when) throw new Refusal({ code: 'notInvited' });
  const at = iso(now);
  const presence = Object.fromEntries(meeting.participants.map((p) => [p.id, { present: !declined.has(p.id) }]));
  const agenda: AgendaItem[] = [
    ...(meeting.why?.topics ?? []).map((text, i): AgendaItem => ({ id: `plan-${i + 1}`, text, covered: false, source: 'plan' })),
    ...proposed.map((p, i): AgendaItem => ({ id: `proposed-${i + 1}`, text: p.text, covered: false, source: 'proposed' })),
  ].slice(0, LIMITS.sessionTopics);
  return {
    kind: 'session',
    id: 'session',
    meetingId: meeting.id,
    rev: 1,
    state: 'ready',
    openedAt: at,
    openedBy: by,
    ...(meeting.chairId ? { chairId: meeting.chairId } : {}),
    ...(meeting.secretaryId ? { secretaryId: meeting.secretaryId } : {}),
    presence,
    phase: 'welcome',
    phaseStartedAt: at,
    budgets: budgetsFor(meeting.when.durationMinutes),
    agenda,
    log: [{ at, by, step: 'open' }],
  };
}

/**
 * Whether starting now needs the caseworker to confirm it: `early` or `late` when now is more
 * than START_LEEWAY_MINUTES from the planned start, so a press days ahead starts nothing unasked.
 */
export function startNeedsConfirmation(meeting: Meeting, now: DateTime): 'early' | 'late' | undefined {
  if (!meeting.when) return undefined;
  const minutes = now.diff(DateTime.fromISO(meeting.when.start, { zone: 'utc' }), 'minutes').minutes;
  if (minutes < -START_LEEWAY_MINUTES) return 'early';
  if (minutes > START_LEEWAY_MINUTES) return 'late';
  return undefined;
}

/** True while an ended meeting's end can still be undone. */
export function mayUndoEnd(session: Session, now: DateTime): boolean {
  if (session.state !== 'ended' || !session.endedAt) return false;
  return now.diff(DateTime.fromISO(session.endedAt, { zone: 'utc' }), 'minutes').minutes <= UNDO_END_MINUTES;
}

/** May this user change the meeting's state: the chair, the secretary, or the caseworker who convenes (or co-organizes). */
export function mayRun(meeting: Meeting, session: Session, userKey: string, participantOf: (userKey: string) => Participant | undefined): boolean {
  if (organizes(meeting, userKey)) return true;
  const participant = participantOf(userKey);
  return !!participant && (participant.id === session.chairId || participant.id === session.secretaryId);
}

/**
 * Who may add and change action items: while the meeting is prepared or runs, whoever runs it
 * (the chair, the secretary, the caseworker); once it has ended, the caseworker alone.
 */
export function mayEditItems(meeting: Meeting, session: Session | undefined, userKey: string, runs: boolean): boolean {
  if (!session || session.state !== 'ended') return runs;
  return organizes(meeting, userKey);
}

/**
 * May meeting mode be shown in a chat with these members (Entra object ids)? Only when every
 * one of them is invited to the meeting in Teams, or convenes it: a chat with anyone else never
 * shows the case.
 */
export function chatMayShow(meeting: Meeting, memberIds: readonly string[]): boolean {
  const invited = new Set(meeting.participants.flatMap((p) => (p.contact.kind === 'teams' ? [p.contact.userId.toLowerCase()] : [])));
  return memberIds.length > 0 && memberIds.every((id) => invited.has(id.toLowerCase()));
}

/** Applies one step; refuses a step the state does not allow. A session that has ended changes no more. */
export function applyStep(meeting: Meeting, session: Session, step: SessionStep, by: string, now: DateTime): Session {
  if (session.state === 'ended' && !(step.step === 'reopen' && mayUndoEnd(session, now))) throw new Refusal({ code: 'sessionEnded' });
  if (session.state === 'ready' && !PREPARING.has(step.step)) throw new Refusal({ code: 'notStarted' });
  if (session.state !== 'ready' && step.step === 'begin') throw new Refusal({ code: 'alreadyStarted' });
  if (session.state !== 'ended' && step.step === 'reopen') throw new Refusal({ code: 'notEnded' });
  if (onBreak(session) && MOVING.has(step.step)) throw new Refusal({ code: 'onBreak' });
  if (!onBreak(session) && step.step === 'breakEnd') throw new Refusal({ code: 'notOnBreak' });
  const at = iso(now);
  const known = (id: string) => meeting.participants.some((p) => p.id === id);
  let next: Session;
  switch (step.step) {
    case 'presence': {
      if (!known(step.participantId)) throw new Refusal({ code: 'participantUnknown' });
      const before = session.presence[step.participantId] ?? { present: false };
      next = { ...session, presence: { ...session.presence, [step.participantId]: presenceAfter(session, before, step.present, at) } };
      // Someone who leaves early is skipped in the round; someone who arrives late joins its end.
      if (session.round) next = { ...next, round: reorderForPresence(meeting, next, session.round) };
      break;
    }
    case 'presentSet': {
      // Everyone ticked is here (marked present now, if the meeting runs); everyone else has left or did not come.
      let current = session;
      for (const p of meeting.participants) {
        const present = step.participantIds.includes(p.id);
        const before = current.presence[p.id] ?? { present: false };
        const after = presenceAfter(current, before, present, at);
        if (JSON.stringify(after) !== JSON.stringify(before)) current = applyStep(meeting, current, { step: 'presence', participantId: p.id, present }, by, now);
      }
      next = { ...current, rev: session.rev, log: session.log };
      break;
    }
    case 'coveredSet':
      next = { ...session, agenda: session.agenda.map((topic) => ({ ...topic, covered: step.topicIds.includes(topic.id) })) };
      break;
    case 'budgets': {
      for (const phase of PHASES) {
        const minutes = step.budgets[phase];
        if (!Number.isInteger(minutes) || minutes < 1 || minutes > LIMITS.maxDuration) {
          throw new Refusal({ code: 'durationInvalid', params: { min: 1, max: LIMITS.maxDuration } });
        }
      }
      next = { ...session, budgets: { ...step.budgets } };
      break;
    }
    case 'roles': {
      for (const id of [step.chairId, step.secretaryId]) if (id && !known(id)) throw new Refusal({ code: 'roleNotParticipant' });
      next = { ...session, chairId: step.chairId || undefined, secretaryId: step.secretaryId || undefined };
      break;
    }
    case 'phase': {
      if (step.phase === session.phase) return session;
      next = { ...session, phase: step.phase, phaseStartedAt: at, round: undefined };
      break;
    }
    case 'round':
      next = { ...session, round: newRound(meeting, session, step.kind, now), held: [...new Set([...(session.held ?? []), step.kind])] };
      break;
    case 'breakStart':
      next = { ...session, breaks: [...(session.breaks ?? []), { startedAt: at }].slice(-LIMITS.breaks) };
      break;
    case 'breakEnd': {
      const breaks = [...(session.breaks ?? [])];
      breaks[breaks.length - 1] = { ...breaks[breaks.length - 1], endedAt: at };
      next = { ...session, breaks };
      break;
    }
    case 'memo':
      if (step.ways.some((way) => !(MEMO_WAYS as readonly string[]).includes(way))) throw new Refusal({ code: 'unknownAction' });
      next = { ...session, memo: { ways: MEMO_WAYS.filter((way) => step.ways.includes(way)) } };
      break;
    case 'screen':
      next = { ...session, screenAgenda: step.agenda };
      break;
    case 'outcome':
      next = { ...session, outcome: checkedOutcome(meeting, step) };
      break;
    case 'next':
    case 'skip': {
      const round = session.round;
      if (!round || round.current >= round.order.length) throw new Refusal({ code: 'roundOver' });
      const speaker = round.order[round.current];
      const heard = step.step === 'next' ? [...round.heard, speaker] : round.heard;
      const skipped = step.step === 'skip' ? [...round.skipped, speaker] : round.skipped;
      next = { ...session, round: { ...round, heard, skipped, current: round.current + 1 } };
      break;
    }
    case 'move': {
      const round = session.round;
      if (!round) throw new Refusal({ code: 'roundOver' });
      const from = round.order.indexOf(step.participantId);
      const to = from + step.by;
      // Only people still to speak are moved, and never before the one speaking now.
      if (from < round.current || to < round.current || to >= round.order.length) throw new Refusal({ code: 'cannotMove' });
      const order = [...round.order];
      [order[from], order[to]] = [order[to], order[from]];
      next = { ...session, round: { ...round, order } };
      break;
    }
    case 'topicAdd': {
      const text = clean(step.text);
      if (text === '') throw new Refusal({ code: 'topicRequired' });
      if (text.length > LIMITS.topic) throw new Refusal({ code: 'textTooLong', params: { field: 'topic', max: LIMITS.topic } });
      if (session.agenda.length >= LIMITS.sessionTopics) throw new Refusal({ code: 'tooManyTopics', params: { max: LIMITS.sessionTopics } });
      next = { ...session, agenda: [...session.agenda, { id: step.id, text, covered: false, source: 'added' }] };
      break;
    }
    case 'topicCovered':
      if (!session.agenda.some((t) => t.id === step.topicId)) throw new Refusal({ code: 'topicUnknown' });
      next = { ...session, agenda: session.agenda.map((t) => (t.id === step.topicId ? { ...t, covered: step.covered } : t)) };
      break;
    case 'topicDrop':
      if (!session.agenda.some((t) => t.id === step.topicId)) throw new Refusal({ code: 'topicUnknown' });
      next = { ...session, agenda: session.agenda.filter((t) => t.id !== step.topicId) };
      break;
    case 'topicMove': {
      const from = session.agenda.findIndex((t) => t.id === step.topicId);
      const to = from + step.by;
      if (from < 0) throw new Refusal({ code: 'topicUnknown' });
      if (to < 0 || to >= session.agenda.length) throw new Refusal({ code: 'cannotMove' });
      const agenda = [...session.agenda];
      [agenda[from], agenda[to]] = [agenda[to], agenda[from]];
      next = { ...session, agenda };
      break;
    }
    case 'begin': {
      // The meeting starts: the welcome, and the introductions among those expected or present.
      const running: Session = { ...session, state: 'running', startedAt: at, startedBy: by, phase: 'welcome', phaseStartedAt: at };
      next = { ...running, round: newRound(meeting, running, 'introductions', now), held: ['introductions'] };
      break;
    }
    case 'end':
      // The responsible worker and the follow-up date are agreed before the meeting closes (000, 004), "not decided" included.
      if (!outcomeComplete(session.outcome)) throw new Refusal({ code: 'outcomeMissing' });
      next = { ...session, state: 'ended', endedAt: at };
      break;
    case 'reopen': {
      const { endedAt: _ended, ...rest } = session;
      next = { ...rest, state: 'running' };
      break;
    }
  }
  return { ...next, rev: session.rev + 1, log: [...session.log, { at, by, step: step.step }].slice(-LIMITS.audit) };
}

/**
 * A new round in the fixed order among the people present: the client first, then the
 * private network, then the professionals, each group in the order they were invited.
 */
function newRound(meeting: Meeting, session: Session, kind: RoundKind, now: DateTime): Round {
  const present = speakerOrder(meeting.participants).filter((p) => session.presence[p.id]?.present);
  return { kind, order: present.map((p) => p.id), current: 0, heard: [], skipped: [], startedAt: iso(now) };
}

/** The round after a change of presence: someone gone is taken out of those still to speak, someone arrived is added at the end. */
function reorderForPresence(meeting: Meeting, session: Session, round: Round): Round {
  const done = round.order.slice(0, round.current);
  const waiting = round.order.slice(round.current).filter((id) => session.presence[id]?.present);
  const arrived = speakerOrder(meeting.participants)
    .map((p) => p.id)
    .filter((id) => session.presence[id]?.present && !round.order.includes(id));
  return { ...round, order: [...done, ...waiting, ...arrived] };
}

/**
 * A person's presence after they were ticked (or unticked) on the list: before the meeting starts
 * only whether they are expected; while it runs, ticking marks them present from now on (someone
 * late arrives), and unticking someone marked present means they left now, while unticking
 * someone only expected means they did not come.
 */
function presenceAfter(session: Session, before: Presence, present: boolean, at: string): Presence {
  if (session.state === 'ready') return { present };
  if (present) return { present: true, arrivedAt: before.present && before.arrivedAt ? before.arrivedAt : at };
  if (!before.present) return before;
  return before.arrivedAt ? { present: false, arrivedAt: before.arrivedAt, leftAt: at } : { present: false };
}

/** How each absent person is described: left at a time (they were marked present), or did not come. */
export function absences(session: Session): { participantId: string; leftAt?: string }[] {
  if (session.state === 'ready') return [];
  return Object.entries(session.presence)
    .filter(([, p]) => !p.present)
    .map(([participantId, p]) => ({ participantId, ...(p.leftAt ? { leftAt: p.leftAt } : {}) }));
}

/** Who speaks now, or undefined between rounds. */
export function currentSpeaker(session: Session): string | undefined {
  const round = session.round;
  return round && round.current < round.order.length ? round.order[round.current] : undefined;
}

/** The clock of the meeting: when it started, when it should end, how the current phase stands, and how far ahead or behind it is. */
export interface Clock {
  startedAt: string;
  /** The planned end, moved on by the breaks taken. */
  plannedEnd: string;
  phaseStartedAt: string;
  /** When the current phase should end, by its budget from when it started (and the breaks since). */
  phaseEnd: string;
  /** Minutes behind the plan (negative: ahead), counting the phases done and the one running; breaks do not count. */
  behindMinutes: number;
  /** The break running now, if any: the clock stands still from its start. */
  breakSince?: string;
}

/** The break running now, if any. */
export function onBreak(session: Session): Break | undefined {
  const last = session.breaks?.at(-1);
  return last && !last.endedAt ? last : undefined;
}

/**
 * The meeting's clock at `now`: all of it derived from stored instants, so a restart loses
 * nothing. Time on a break does not count against any phase: the phase's end and the planned end
 * move on by the breaks, and how far behind the meeting is counts working time only.
 */
export function clockOf(session: Session, now: DateTime): Clock {
  // Before the start there is no clock: the times are those of a start now.
  const started = DateTime.fromISO(session.startedAt ?? iso(now), { zone: 'utc' });
  const total = PHASES.reduce((sum, p) => sum + session.budgets[p], 0);
  const index = PHASES.indexOf(session.phase);
  const plannedPhaseOffset = PHASES.slice(0, index).reduce((sum, p) => sum + session.budgets[p], 0);
  const phaseStarted = session.startedAt ? DateTime.fromISO(session.phaseStartedAt, { zone: 'utc' }) : started;
  const end = session.state === 'ended' && session.endedAt ? DateTime.fromISO(session.endedAt, { zone: 'utc' }) : now;
  const paused = (from: DateTime, to: DateTime) => pausedMinutes(session, from, to, end);
  const active = (from: DateTime, to: DateTime) => to.diff(from, 'minutes').minutes - paused(from, to);
  const phaseEnd = phaseStarted.plus({ minutes: session.budgets[session.phase] + paused(phaseStarted, end) });
  const lateStart = active(started, phaseStarted) - plannedPhaseOffset;
  const overrun = Math.max(0, active(phaseStarted, end) - session.budgets[session.phase]);
  const current = onBreak(session);
  return {
    startedAt: started.toUTC().toISO()!,
    plannedEnd: started.plus({ minutes: total + paused(started, end) }).toUTC().toISO()!,
    phaseStartedAt: phaseStarted.toUTC().toISO()!,
    phaseEnd: phaseEnd.toUTC().toISO()!,
    behindMinutes: Math.round(lateStart + overrun),
    ...(current ? { breakSince: current.startedAt } : {}),
  };
}

/** Minutes of breaks between `from` and `to` (a break still running counts until `until`). */
function pausedMinutes(session: Session, from: DateTime, to: DateTime, until: DateTime): number {
  let total = 0;
  for (const b of session.breaks ?? []) {
    const start = DateTime.max(DateTime.fromISO(b.startedAt, { zone: 'utc' }), from);
    const stop = DateTime.min(b.endedAt ? DateTime.fromISO(b.endedAt, { zone: 'utc' }) : until, to);
    if (stop > start) total += stop.diff(start, 'minutes').minutes;
  }
  return total;
}

/** The chair's prompt for the moment, from the guides. */
export type Prompt =
  | 'welcome'
  | 'introductions'
  | 'rolesAndMemo'
  | 'checkIn'
  | 'checkOut'
  | 'clientFirst'
  | 'checkWithClient'
  | 'agreedWithClient'
  | 'future'
  | 'agree'
  | 'keepTime'
  | 'summary'
  | 'onBreak';

/**
 * What the chair is reminded of now, the most pressing first: the break; the welcome (the
 * convener welcomes everyone and introduces themself), the introductions, then agreeing who
 * chairs, who writes the memo and how it reaches everyone (000); in the describe phase the client
 * and the family first (000, 004) and the check with the client; the future in the reflect phase;
 * the agreements and the check with the client ("are we agreed?") in the agree phase; the summary;
 * the round running (check-in, check-out); and keeping time for the summary.
 */
export function promptsFor(session: Session, now: DateTime): Prompt[] {
  if (onBreak(session)) return ['onBreak'];
  const prompts: Prompt[] = [];
  const round = session.round;
  const roundRunning = !!round && round.current < round.order.length;
  if (round?.kind === 'checkIn' && roundRunning) prompts.push('checkIn');
  if (round?.kind === 'checkOut' && roundRunning) prompts.push('checkOut');
  switch (session.phase) {
    case 'welcome':
      if (round?.kind === 'introductions' && roundRunning) prompts.push(round.current === 0 ? 'welcome' : 'introductions');
      else if (!session.memo) prompts.push('rolesAndMemo');
      else if (!roundRunning) prompts.push('welcome');
      break;
    case 'describe':
      prompts.push('clientFirst', 'checkWithClient');
      break;
    case 'reflect':
      prompts.push('future');
      break;
    case 'agree':
      prompts.push('agree', 'agreedWithClient');
      break;
    case 'summary':
      prompts.push('summary');
      break;
  }
  const clock = clockOf(session, now);
  const summaryStart = DateTime.fromISO(clock.plannedEnd, { zone: 'utc' }).minus({ minutes: session.budgets.summary });
  if (session.phase !== 'summary' && (now >= summaryStart.minus({ minutes: 5 }) || clock.behindMinutes >= 10)) prompts.push('keepTime');
  return prompts;
}

/**
 * The round the guides offer now, if it was not held yet: check-in at the start (the welcome
 * phase) and check-out at the end (the summary phase), always the first and last rounds (003).
 */
export function suggestedRound(session: Session): 'checkIn' | 'checkOut' | undefined {
  if (session.state !== 'running' || onBreak(session)) return undefined;
  const round = session.round;
  if (round && round.current < round.order.length) return undefined;
  const held = new Set(session.held ?? []);
  if (session.phase === 'welcome' && !held.has('checkIn')) return 'checkIn';
  if (session.phase === 'summary' && !held.has('checkOut')) return 'checkOut';
  return undefined;
}

function iso(now: DateTime): string {
  return now.toUTC().toISO()!;
}

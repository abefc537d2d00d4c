import type { LiveState } from './wire';

/**
 * The live timer's arithmetic, from the stored instants the state carries: nothing here asks
 * the server, so the clock runs between polls and across a lost connection. Pure (no DOM).
 */

const MINUTE = 60_000;

/** "7:05", "1:02:03": whole seconds, never negative. */
export function formatDuration(ms: number): string {
  const total = Math.max(0, Math.floor(ms / 1000));
  const h = Math.floor(total / 3600);
  const m = Math.floor((total % 3600) / 60);
  const s = total % 60;
  const two = (n: number) => String(n).padStart(2, '0');
  return h > 0 ? `${h}:${two(m)}:${two(s)}` : `${m}:${two(s)}`;
}

/** The clock of a started meeting at one moment: all in ms except `behind` (minutes). */
export interface ClockReading {
  /** Working time in the phase: breaks do not count. Stands still during a break. */
  inPhase: number;
  /** Time left to the planned end (negative: past it). Stands still during a break. */
  toEnd: number;
  /** Minutes behind the plan (negative: ahead), working time only. */
  behind: number;
  /** When the phase should end and the meeting should end (ms): moved on by the breaks, a running one too, as the card's clock moves them. */
  phaseEnd: number;
  plannedEnd: number;
  /** When the break running now started (ms), if one does. */
  breakSince?: number;
}

/**
 * The clock of a started meeting at `now` (server time, ms), as the card's clock (`clockOf`)
 * reads at that moment. The state's times are the card's when the server answered; between
 * answers nothing moves them, except a break: while one runs, the phase's end and the planned end
 * move on with the time, and the working clock (time in the phase, time left, behind) stands
 * still where the server answered, which is already on the break.
 */
export function clockAt(state: LiveState, now: number): ClockReading | undefined {
  const phase = state.phase;
  if (!state.started || !phase) return undefined;
  // An ended meeting's clock stops where it ended.
  const at = state.ended && state.meeting.endedAt ? Date.parse(state.meeting.endedAt) : now;
  // The working clock's time: during a break, when the server answered (the break's time since then counts as paused).
  const working = state.break ? state.serverTime : at;
  const moved = at - working;
  const inPhase = working - Date.parse(phase.startedAt) - phase.pausedMinutes * MINUTE;
  const lateStart = (Date.parse(phase.startedAt) - Date.parse(phase.plannedStart)) / MINUTE;
  const overrun = Math.max(0, inPhase / MINUTE - phase.minutes);
  const plannedEnd = Date.parse(state.meeting.plannedEnd) + moved;
  return {
    inPhase,
    toEnd: plannedEnd - at,
    behind: Math.round(lateStart + overrun),
    phaseEnd: Date.parse(phase.plannedEnd) + moved,
    plannedEnd,
    ...(state.break ? { breakSince: Date.parse(state.break.since) } : {}),
  };
}

/**
 * Where the meeting is in its agenda: the index of the first topic not yet covered (001: "where
 * we come from, where we are going"), or -1 when every topic is covered or there is none.
 */
export function agendaNow(agenda: readonly { covered: boolean }[]): number {
  return agenda.findIndex((topic) => !topic.covered);
}

/** Replaces each {name} with its value; unknown names stay visible. */
export function fill(text: string, params: Record<string, string | number>): string {
  return text.replace(/\{(\w+)\}/g, (whole, name: string) => (name in params ? String(params[name]) : whole));
}

/** Samråd's language for a locale tag such as `sv-SE` (English for any other). */
export function languageOf(tag: string | undefined): 'sv' | 'da' | 'fi' | 'en' {
  const primary = (tag ?? '').toLowerCase().split(/[-_]/)[0];
  return primary === 'sv' || primary === 'da' || primary === 'fi' ? primary : 'en';
}

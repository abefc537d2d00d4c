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

/** The clock of a started meeting at `now` (ms): time in the phase, time to the planned end, minutes behind (negative: ahead). */
export function clockAt(state: LiveState, now: number): { inPhase: number; toEnd: number; behind: number } | undefined {
  const phase = state.phase;
  if (!state.started || !phase) return undefined;
  // An ended meeting's clock stops where it ended.
  const at = state.ended && state.meeting.endedAt ? Date.parse(state.meeting.endedAt) : now;
  const lateStart = (Date.parse(phase.startedAt) - Date.parse(phase.plannedStart)) / MINUTE;
  const overrun = Math.max(0, at - Date.parse(phase.plannedEnd)) / MINUTE;
  return {
    inPhase: at - Date.parse(phase.startedAt),
    toEnd: Date.parse(state.meeting.plannedEnd) - at,
    behind: Math.round(lateStart + overrun),
  };
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

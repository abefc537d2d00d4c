import { agendaNow, clockAt, fill, formatDuration, type ClockReading } from './clock';
import type { LiveState, LiveTexts } from './wire';

/**
 * The live timer page, in the browser: a big clock computed from the stored instants (time in
 * the phase, time left to the planned end, ahead or behind), the phase, who speaks now and
 * next; a break, while one runs (the clock stands still); the agenda and where the meeting is
 * in it, when the chair has turned it on for the screen. It polls the state every few seconds
 * with If-None-Match (the server answers 304 while nothing changed) and never asks the server to
 * tick. Shared by the signed link and the Teams tab.
 */

/** One poll's answer. */
export interface Polled {
  status: number;
  etag?: string;
  state?: LiveState;
  /** The answer's Date header (ms), if any: seconds only, used to correct the clock when a 304 carries no body. */
  date?: number;
  /** Local clock when the request left and when the answer arrived (ms). */
  sentAt: number;
  receivedAt: number;
}

/** Fetches the state, sending the ETag of the one the page has. */
export type Poll = (etag: string | undefined) => Promise<Polled>;

export interface LiveOptions {
  /** The texts' key for an answer 404 (no such meeting, or not yours) and 410 (ended). */
  notFound: keyof LiveTexts;
  gone: keyof LiveTexts;
  /** Milliseconds between polls while the page is visible. */
  pollMs?: number;
}

/** Builds an element with a class and, optionally, its text. */
export function el<K extends keyof HTMLElementTagNameMap>(tag: K, className = '', text = ''): HTMLElementTagNameMap[K] {
  const node = document.createElement(tag);
  if (className) node.className = className;
  if (text) node.textContent = text;
  return node;
}

/** Sets a node's text only when it changed (the clock redraws four times a second). */
function put(node: HTMLElement, text: string): void {
  if (node.textContent !== text) node.textContent = text;
}

/** What the page controls once it runs. */
export interface LiveControl {
  /**
   * Shows the page in another language at once (its own texts now, the state's labels with the
   * next answer, asked for at once through `poll`, which asks for the state in that language).
   */
  switchTo(texts: LiveTexts, locale: string, poll: Poll): void;
}

/** Shows a single message instead of the timer (loading, ended, not yours, and so on). */
export function showMessage(root: HTMLElement, text: string): void {
  root.replaceChildren(el('p', 'message', text));
}

/** Runs the live timer in `root` until the meeting has ended or the page may not show it. */
export function runLive(root: HTMLElement, initialTexts: LiveTexts, initialLocale: string, initialPoll: Poll, options: LiveOptions): LiveControl {
  const pollMs = options.pollMs ?? 2500;
  let texts = initialTexts;
  let locale = initialLocale;
  let poll = initialPoll;
  const ui = {
    step: el('div', 'step'),
    phase: el('h1', 'phase'),
    inPhaseLabel: el('div', 'label', texts.inPhase),
    inPhase: el('div', 'big', '0:00'),
    budget: el('div', 'sub'),
    toEndLabel: el('div', 'label', texts.left),
    toEnd: el('div', 'big', '0:00'),
    pace: el('div', 'sub pace'),
    round: el('div', 'round'),
    speakingLabel: el('div', 'label', texts.speaking),
    speaker: el('div', 'speaker'),
    nextLabel: el('div', 'label', texts.next),
    next: el('div', 'next'),
    times: el('div', 'times'),
    notice: el('div', 'notice'),
    breakBox: el('section', 'break-box'),
    breakTitle: el('div', 'break-title'),
    breakSince: el('div', 'sub break-since'),
    agenda: el('section', 'agenda'),
    agendaTitle: el('h2', '', texts.agenda),
    topics: el('ol'),
  };
  ui.notice.hidden = true;
  ui.notice.setAttribute('role', 'status');
  // A break: said at once to screen readers too; the clock stands still meanwhile.
  ui.breakBox.setAttribute('role', 'status');
  ui.breakBox.append(ui.breakTitle, ui.breakSince);
  ui.breakBox.hidden = true;
  ui.agenda.append(ui.agendaTitle, ui.topics);
  ui.agenda.hidden = true;
  const clocks = el('section', 'clocks');
  const phaseClock = el('div', 'clock');
  phaseClock.append(ui.inPhaseLabel, ui.inPhase, ui.budget);
  const endClock = el('div', 'clock');
  endClock.append(ui.toEndLabel, ui.toEnd, ui.pace);
  clocks.append(phaseClock, endClock);
  const speakers = el('section', 'speakers');
  const nextBox = el('div', 'next-box');
  nextBox.append(ui.nextLabel, ui.next);
  speakers.append(ui.round, ui.speakingLabel, ui.speaker, nextBox);
  const header = el('header');
  header.append(ui.step, ui.phase);
  const timer = el('div', 'timer');
  timer.append(header, ui.breakBox, clocks, speakers, ui.agenda, ui.times);
  ui.inPhase.setAttribute('aria-live', 'off');

  /** The message shown instead of the timer, if one is: shown again in another language. */
  let message: keyof LiveTexts | undefined;
  const say = (key: keyof LiveTexts) => {
    message = key;
    showMessage(root, texts[key]);
  };
  say('loading');

  let state: LiveState | undefined;
  let etag: string | undefined;
  /** Server clock minus the local clock (ms). */
  let offset = 0;
  let stopped = false;
  let failures = 0;
  /** Raised by a change of language: an answer to a poll asked before it is dropped. */
  let generation = 0;
  let pending: ReturnType<typeof setTimeout> | undefined;
  let clockTime = new Intl.DateTimeFormat(locale, { hour: '2-digit', minute: '2-digit', hour12: false });
  let timeOf = clockTime;
  /** The agenda last drawn (its topics and the language), so the list is rebuilt only when it changed. */
  let agendaDrawn = '';

  const stop = (key: keyof LiveTexts) => {
    stopped = true;
    clearInterval(ticker);
    clearTimeout(pending);
    say(key);
  };

  /** Everything that changes only with the state. */
  const draw = (s: LiveState) => {
    if (!s.started) return say('notStarted');
    if (s.ended || !s.phase) return stop('ended');
    if (timer.parentNode !== root) {
      message = undefined;
      root.replaceChildren(timer, ui.notice);
    }
    try {
      timeOf = new Intl.DateTimeFormat(locale, { hour: '2-digit', minute: '2-digit', hour12: false, timeZone: s.timeZone });
    } catch {
      timeOf = clockTime;
    }
    put(ui.step, fill(texts.phaseStep, { number: s.phase.number, count: s.phase.count }));
    put(ui.phase, s.phase.label);
    put(ui.budget, fill(texts.phaseBudget, { minutes: s.phase.minutes }));
    put(ui.round, s.round ? `${s.round.label} · ${fill(texts.heard, { heard: s.round.heard, total: s.round.total })}` : texts.noRound);
    put(ui.speaker, s.speaker ?? (s.round ? texts.roundOver : '–'));
    ui.speakingLabel.hidden = !s.speaker;
    put(ui.next, s.next ?? '');
    nextBox.hidden = !s.next;
    // A break: since when, in the meeting's time zone; the clocks stand still (tick) until it ends.
    ui.breakBox.hidden = !s.break;
    clocks.classList.toggle('paused', !!s.break);
    put(ui.breakTitle, s.break ? texts.break : '');
    put(ui.breakSince, s.break ? fill(texts.breakSince, { time: timeOf.format(new Date(s.break.since)) }) : '');
    drawAgenda(s.agenda);
  };

  /** The agenda, when the state has it: covered topics marked, the first one not covered highlighted (where the meeting is). */
  const drawAgenda = (agenda: LiveState['agenda']) => {
    ui.agenda.hidden = !agenda || agenda.length === 0;
    const drawn = agenda ? JSON.stringify([locale, agenda]) : '';
    if (drawn === agendaDrawn) return;
    agendaDrawn = drawn;
    put(ui.agendaTitle, texts.agenda);
    const now = agenda ? agendaNow(agenda) : -1;
    ui.topics.replaceChildren(
      ...(agenda ?? []).map((topic, i) => {
        const item = el('li', topic.covered ? 'topic covered' : i === now ? 'topic now' : 'topic');
        const mark = el('span', 'mark', topic.covered ? '✓' : i === now ? '▶' : '○');
        mark.setAttribute('aria-hidden', 'true');
        item.append(mark, el('span', 'text', topic.text));
        if (topic.covered) item.append(el('span', 'sr', `, ${texts.topicCovered}`));
        if (i === now) {
          item.setAttribute('aria-current', 'step');
          item.append(el('span', 'badge', texts.topicNow));
        }
        return item;
      }),
    );
  };

  /** The start and the planned end: the end moves on during a break, as the card's does. */
  const putTimes = (s: LiveState, clock: ClockReading) => {
    const startedAt = s.meeting.startedAt ? timeOf.format(new Date(s.meeting.startedAt)) : '';
    put(ui.times, fill(texts.time, { start: startedAt, end: timeOf.format(new Date(clock.plannedEnd)) }));
  };

  /** Everything that changes with the clock. */
  const tick = () => {
    if (!state || stopped) return;
    const clock = clockAt(state, Date.now() + offset);
    if (!clock) return;
    put(ui.inPhase, formatDuration(clock.inPhase));
    const over = clock.toEnd < 0;
    put(ui.toEndLabel, over ? texts.over : texts.left);
    put(ui.toEnd, formatDuration(Math.abs(clock.toEnd)));
    ui.toEnd.classList.toggle('over', over);
    ui.inPhase.classList.toggle('over', clock.inPhase > state.phase!.minutes * 60_000);
    // On a break the card says nothing of the pace either: the break is what the room needs to know.
    const pace = clock.breakSince !== undefined ? '' : clock.behind > 0 ? fill(texts.behind, { minutes: clock.behind }) : clock.behind < 0 ? fill(texts.ahead, { minutes: -clock.behind }) : texts.onTime;
    put(ui.pace, pace);
    ui.pace.classList.toggle('behind', clock.behind > 0 && clock.breakSince === undefined);
    putTimes(state, clock);
  };

  const next = (ms: number) => {
    if (!stopped) pending = setTimeout(run, document.hidden ? Math.max(ms, 10_000) : ms);
  };
  const run = async () => {
    if (stopped) return;
    const asked = generation;
    let answer: Polled;
    try {
      answer = await poll(etag);
    } catch {
      answer = { status: 0, sentAt: 0, receivedAt: 0 };
    }
    // The language changed while this poll was out: the poll in the new language has taken over.
    if (asked !== generation || stopped) return;
    const midpoint = (answer.sentAt + answer.receivedAt) / 2;
    if (answer.status === 200 && answer.state) {
      failures = 0;
      ui.notice.hidden = true;
      state = answer.state;
      etag = answer.etag;
      offset = answer.state.serverTime - midpoint;
      draw(state);
      tick();
      return next(pollMs);
    }
    if (answer.status === 304) {
      failures = 0;
      ui.notice.hidden = true;
      // The Date header has whole seconds: taken only when the clock is off by more than that.
      if (answer.date !== undefined && Math.abs(answer.date - midpoint - offset) > 2000) offset = answer.date + 500 - midpoint;
      return next(pollMs);
    }
    if (answer.status === 404) return stop(options.notFound);
    if (answer.status === 410) return stop(options.gone);
    if (answer.status === 401) return stop('signInFailed');
    // No connection, or the server is busy: the clock keeps running, and the page tries again, less often.
    failures += 1;
    if (state) {
      ui.notice.textContent = texts.offline;
      ui.notice.hidden = false;
    }
    next(Math.min(15_000, pollMs * 2 ** Math.min(failures, 3)));
  };

  const ticker = setInterval(tick, 250);
  void run();

  return {
    switchTo(newTexts, newLocale, newPoll) {
      texts = newTexts;
      locale = newLocale;
      poll = newPoll;
      clockTime = new Intl.DateTimeFormat(locale, { hour: '2-digit', minute: '2-digit', hour12: false });
      timeOf = clockTime;
      put(ui.inPhaseLabel, texts.inPhase);
      put(ui.speakingLabel, texts.speaking);
      put(ui.nextLabel, texts.next);
      if (!ui.notice.hidden) ui.notice.textContent = texts.offline;
      if (message) showMessage(root, texts[message]);
      else if (state) draw(state);
      tick();
      if (stopped) return;
      // The state's labels (phase, round, the convener's role) come in the state: ask for it in the new language now.
      generation += 1;
      clearTimeout(pending);
      etag = undefined;
      void run();
    },
  };
}

/** A poll over fetch: the ETag as If-None-Match, nothing cached by the browser. */
export function fetchPoll(url: string, headers: () => Promise<Record<string, string>> = async () => ({})): Poll {
  return async (etag) => {
    const sentAt = Date.now();
    const res = await fetch(url, { headers: { Accept: 'application/json', ...(await headers()), ...(etag ? { 'If-None-Match': etag } : {}) }, cache: 'no-store', credentials: 'omit' });
    const receivedAt = Date.now();
    const date = Date.parse(res.headers.get('Date') ?? '');
    const answer: Polled = { status: res.status, etag: res.headers.get('ETag') ?? undefined, sentAt, receivedAt, ...(Number.isNaN(date) ? {} : { date }) };
    if (res.status === 200) answer.state = (await res.json()) as LiveState;
    return answer;
  };
}

/** The texts the page was served with (a JSON data block), by language. */
export function servedTexts(): Record<string, LiveTexts> {
  const block = document.getElementById('samrad-texts');
  return JSON.parse(block?.textContent ?? '{}') as Record<string, LiveTexts>;
}

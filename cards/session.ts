import { DateTime } from 'luxon';
import { LIMITS, type Meeting } from '../bot/domain/meeting';
import { actionId, type ActionItem } from '../bot/domain/plan';
import { speakerOrder } from '../bot/domain/planning';
import { absences, clockOf, currentSpeaker, MEMO_WAYS, PHASES, promptsFor, ROUNDS, suggestedRound, UNDO_END_MINUTES, type Session } from '../bot/domain/session';
import { t, type MessageKey } from '../bot/i18n';
import { choiceId, escapeMarkdown, formatWhen, personLabel, type Fact, type Reader } from './format';
import { base, render, type AdaptiveCard, type CardBase, type Notice } from './render';
import pickTemplate from './templates/meeting-pick.json';
import sessionTemplate from './templates/meeting-mode.json';

interface Choice {
  title: string;
  value: string;
}

/** The parts of the meeting-mode card behind a toggle; the one a press came from stays open. */
export const SECTIONS = ['plan', 'presence', 'roles', 'agenda', 'phases', 'rounds', 'guides'] as const;
export type Section = (typeof SECTIONS)[number];

/** The data of the meeting-mode card. */
export interface SessionData extends CardBase {
  meetingId: string;
  rev: number;
  state: Session['state'];
  ready: boolean;
  running: boolean;
  ended: boolean;
  /** This reader may change the meeting (chair, secretary, caseworker); everyone else sees it read-only. */
  controls: boolean;
  title: string;
  timeText: string;
  paceText: string;
  paceColor: 'Good' | 'Warning' | 'Attention' | 'Default';
  readyText: string;
  /** Starting now is far from the planned time: the question, and the confirming button. */
  confirmText: string;
  onBreak: boolean;
  breakText: string;
  /** The phase now, and until when. */
  nowText: string;
  /** The chair's prompt of the moment, on top; all of them in the guides' section. */
  prompt: string;
  prompts: { text: string }[];
  hasRound: boolean;
  roundTitle: string;
  roundHint: string;
  hasSpeaker: boolean;
  speakerText: string;
  nextSpeakerText: string;
  heardText: string;
  waitingText: string;
  movers: Choice[];
  moversId: string;
  firstMover: string;
  rounds: { title: string; kind: string }[];
  /** The round the guides offer now (check-in at the start, check-out at the end), or ''. */
  suggestedKind: string;
  suggestedTitle: string;
  phases: { text: string; weight: 'Bolder' | 'Default'; color: 'Accent' | 'Default' }[];
  nextPhase: string;
  nextPhaseTitle: string;
  budgets: { phase: string; label: string; minutes: number }[];
  agenda: { text: string; covered: boolean }[];
  topics: Choice[];
  coveredId: string;
  /** The topics shortened, for picking one to move or drop. */
  topicNames: Choice[];
  topicId: string;
  firstTopic: string;
  coveredValue: string;
  screenAgenda: string;
  people: Choice[];
  presentId: string;
  /** Names only, shortened: the choices of chair and secretary. */
  names: Choice[];
  chairInputId: string;
  secretaryInputId: string;
  presentValue: string;
  absent: { text: string }[];
  chairId: string;
  secretaryId: string;
  neutralChair: string;
  roleFacts: Fact[];
  memoChoices: Choice[];
  memoId: string;
  memoValue: string;
  liveUrl: string;
  undoEnd: boolean;
  undoText: string;
  /** Which part is open (one at a time), and the buttons that open or close each (two rows). */
  open: Record<Section, boolean>;
  /** The action items, each with its line, its details and the button that marks it done or not. */
  items: { itemId: string; text: string; detail: string; done: boolean; doneTitle: string; doneValue: string }[];
  itemsMax: boolean;
  /** The item form: adding one, or changing the one chosen. */
  itemChange: 'add' | 'edit';
  itemEditId: string;
  itemText: string;
  itemOwner: string;
  itemDue: string;
  itemWith: string;
  itemSave: string;
  ownerChoices: Choice[];
  ownerId: string;
  withId: string;
  itemTextId: string;
  itemDueId: string;
  /** The responsible worker and the follow-up date (asked for in the summary phase). */
  showOutcome: boolean;
  responsibleChoices: Choice[];
  responsibleId: string;
  responsible: string;
  followUp: string;
  followUpUndecided: string;
  outcomeFacts: Fact[];
  /** After the end, for the caseworker: feedback on this screen, the feedback overview, the minutes. */
  afterwards: boolean;
  /** After the end, for the secretary (and the caseworker): the minutes. */
  writesMinutes: boolean;
  /** The open part, kept open when Teams refreshes the card. */
  openSection: string;
  toggles: Toggle[];
  moreToggles: Toggle[];
  /** Who sees this card (channel ids): Teams asks for each one's own view (`refresh`). */
  viewers: string[];
}

/** How the meeting-mode card is drawn for one reader. */
export interface SessionView {
  /** The signed link to the live timer for a big screen, or ''. */
  liveUrl: string;
  /** The reader may change the meeting: the card has its controls. */
  controls: boolean;
  /** The end can still be undone (and the reader may). */
  undoEnd: boolean;
  /** The channel ids of the people who see this card, for its refresh (at most 60). */
  viewers: string[];
  /** Starting now is more than half an hour from the planned start: ask first. */
  confirmStart?: 'early' | 'late';
  /** The toggled part the press came from, kept open; else the reader's own default. */
  open?: Section;
  /** The reader is the secretary: the agenda is theirs to follow. */
  secretary?: boolean;
  /** The reader convenes the meeting (or co-organizes it): after the end, the action items and the outcome are still theirs. */
  organizer?: boolean;
  /** The action items of the meeting. */
  items?: readonly ActionItem[];
  /** The item whose form is open for changing it (its id without `action.`). */
  editItem?: string;
}

/** A button that opens a part of the card (`section`), or closes the open one (`section` empty). */
interface Toggle {
  title: string;
  section: string;
  style: 'positive' | 'default';
}

/** At most this many people are named in a card's refresh (Teams' limit). */
const MAX_REFRESH_USERS = 60;

/**
 * The meeting-mode card, in the reader's language. On top, what the chair needs every minute:
 * the phase and the clock, who speaks now and next, Next and Skip, the prompt of the moment, the
 * round the guides offer and a break; behind toggles, who is here, the roles and the memo, the
 * agenda, the phases and their times, the rounds, and the guides (so the card fits a meeting's
 * side panel). Before the start it prepares the meeting; once ended it shows what it was. The
 * controls are only on the view of those who may change the meeting. It shows times, never a
 * ticking clock (it changes only when someone presses a button); the live timer is on the tab
 * page (`liveUrl`). Inputs whose choices change get ids that change with them, so no client
 * carries an old value into a new card.
 */
export function meetingModeCard(meeting: Meeting, session: Session, reader: Reader, now: DateTime, notices: Notice[] = [], view: SessionView = { liveUrl: '', controls: true, undoEnd: false, viewers: [] }): AdaptiveCard {
  const { locale } = reader;
  const zone = reader.timeZone ?? meeting.when?.timeZone ?? 'UTC';
  const time = (iso: string) => DateTime.fromISO(iso, { zone: 'utc' }).setZone(zone).toFormat('HH:mm');
  const byId = new Map(meeting.participants.map((p) => [p.id, p]));
  const label = (id: string) => {
    const p = byId.get(id);
    return p ? escapeMarkdown(personLabel(p, locale)) : '';
  };
  // Where a name repeats in a list of choices it is shortened, so forty people and forty topics fit one card.
  const name = (id: string) => short(byId.get(id)?.name ?? '', 40);
  const clock = clockOf(session, now);
  const { state } = session;
  const ready = state === 'ready';
  const running = state === 'running';
  const ended = state === 'ended';
  const controls = view.controls && !ended;
  const paused = running && !!clock.breakSince;
  const round = running ? session.round : undefined;
  const speaker = round ? currentSpeaker(session) : undefined;
  const waiting = round ? round.order.slice(round.current + 1) : [];
  const phaseIndex = PHASES.indexOf(session.phase);
  const nextPhase = PHASES[phaseIndex + 1];
  const ordered = speakerOrder(meeting.participants);
  const people = ordered.map((p) => ({ title: personLabel(p, locale), value: p.id }));
  const names = ordered.map((p) => ({ title: name(p.id), value: p.id }));
  const movers = waiting.map((id) => ({ title: name(id), value: id }));
  const topics = session.agenda.map((topic) => ({ title: topic.text, value: topic.id }));
  const topicNames = session.agenda.map((topic) => ({ title: short(topic.text, 50), value: topic.id }));
  const memoChoices = MEMO_WAYS.map((way) => ({ title: t(locale, `session.memoWay.${way}`), value: way }));
  const chair = session.chairId ? byId.get(session.chairId) : undefined;
  const pace =
    clock.behindMinutes > 0
      ? { text: t(locale, 'session.behind', { minutes: clock.behindMinutes }), color: clock.behindMinutes >= 10 ? ('Attention' as const) : ('Warning' as const) }
      : clock.behindMinutes < 0
        ? { text: t(locale, 'session.ahead', { minutes: -clock.behindMinutes }), color: 'Good' as const }
        : { text: t(locale, 'session.onTime'), color: 'Good' as const };
  const planned = meeting.when ? formatWhen(meeting.when, reader) : '';
  const absent = absences(session)
    .map((a) => ({ a, p: byId.get(a.participantId) }))
    .filter(({ p }) => p)
    .sort((x, y) => ordered.indexOf(x.p!) - ordered.indexOf(y.p!))
    .map(({ a, p }) => ({
      text: a.leftAt
        ? t(locale, 'session.left', { name: escapeMarkdown(personLabel(p!, locale)), time: time(a.leftAt) })
        : t(locale, 'session.didNotCome', { name: escapeMarkdown(personLabel(p!, locale)) }),
    }));
  const roleFacts = [
    ...(session.chairId ? [{ title: t(locale, 'field.chair'), value: label(session.chairId) }] : []),
    ...(session.secretaryId ? [{ title: t(locale, 'field.secretary'), value: label(session.secretaryId) }] : []),
    ...(session.memo?.ways.length ? [{ title: t(locale, 'session.memoTitle'), value: session.memo.ways.map((way) => t(locale, `session.memoWay.${way}`)).join(', ') }] : []),
  ];
  const prompts = running ? promptsFor(session, now).map((prompt) => t(locale, `session.prompt.${prompt}`)) : [];
  const suggested = controls ? suggestedRound(session) : undefined;
  // The part the press came from stays open; otherwise before the start who is expected, and for the secretary the agenda.
  const opened = openSection(session, view);
  const items = view.items ?? [];
  const editing = view.editItem ? items.find((i) => i.id === actionId(view.editItem!)) : undefined;
  const date = (day: string) => DateTime.fromISO(day).setLocale(locale).toLocaleString(DateTime.DATE_MED);
  const professionals = ordered.filter((p) => p.group === 'professional');
  const outcome = session.outcome;
  return render<SessionData>(sessionTemplate, {
    ...base(locale, notices),
    meetingId: meeting.id,
    rev: session.rev,
    state,
    ready,
    running,
    ended,
    controls,
    title: t(locale, ready ? 'session.readyTitle' : ended ? 'session.endedTitle' : 'session.title'),
    timeText: ready
      ? t(locale, 'session.planned', { when: planned })
      : [t(locale, 'session.time', { start: time(clock.startedAt), end: time(clock.plannedEnd) }), ended && session.endedAt ? t(locale, 'session.endedAt', { time: time(session.endedAt) }) : '']
          .filter(Boolean)
          .join(' · '),
    paceText: running && !paused ? pace.text : '',
    paceColor: running ? pace.color : 'Default',
    readyText: ready ? t(locale, controls ? 'session.readyHint' : 'session.readyWait') : '',
    confirmText: view.confirmStart ? t(locale, view.confirmStart === 'early' ? 'session.confirmEarly' : 'session.confirmLate', { when: planned }) : '',
    onBreak: paused,
    breakText: paused ? t(locale, 'session.onBreak', { time: time(clock.breakSince!) }) : '',
    nowText: running ? t(locale, 'session.phaseNow', { phase: t(locale, `session.phaseShort.${session.phase}`), time: time(clock.phaseEnd) }) : '',
    prompt: prompts[0] ?? '',
    prompts: prompts.map((text) => ({ text })),
    hasRound: !!round,
    roundTitle: round ? t(locale, `session.round.${round.kind}`) : '',
    roundHint: round ? t(locale, `session.roundHint.${round.kind}`) : '',
    hasSpeaker: !!speaker,
    speakerText: speaker ? t(locale, 'session.speaking', { name: label(speaker) }) : round ? t(locale, 'session.roundOver') : '',
    nextSpeakerText: waiting[0] ? t(locale, 'session.nextSpeaker', { name: escapeMarkdown(name(waiting[0])) }) : '',
    heardText: round ? t(locale, 'session.heard', { heard: round.heard.length, total: round.order.length }) : '',
    waitingText: waiting.map((id, i) => `${i + 1}. ${escapeMarkdown(name(id))}`).join('\n'),
    movers,
    moversId: choiceId('speaker', movers),
    firstMover: waiting[0] ?? '',
    rounds: ROUNDS.map((kind) => ({ title: t(locale, 'session.startRound', { round: t(locale, `session.round.${kind}`) }), kind })),
    suggestedKind: suggested ?? '',
    suggestedTitle: suggested ? t(locale, 'session.startRound', { round: t(locale, `session.round.${suggested}`) }) : '',
    phases: PHASES.map((phase, i) => ({
      text: `${!ready && i < phaseIndex ? '✓ ' : running && i === phaseIndex ? '▶ ' : ''}${t(locale, 'session.phaseLine', { phase: t(locale, `session.phase.${phase}`), minutes: session.budgets[phase] })}`,
      weight: running && i === phaseIndex ? 'Bolder' : 'Default',
      color: running && i === phaseIndex ? 'Accent' : 'Default',
    })),
    nextPhase: running && !paused && nextPhase ? nextPhase : '',
    nextPhaseTitle: running && nextPhase ? t(locale, 'session.nextPhase', { phase: t(locale, `session.phaseShort.${nextPhase}`) }) : '',
    budgets: PHASES.map((phase) => ({ phase, label: t(locale, 'session.minutes', { phase: t(locale, `session.phaseShort.${phase}`) }), minutes: session.budgets[phase] })),
    agenda: session.agenda.map((topic) => ({ text: `${topic.covered ? '✓' : '○'} ${escapeMarkdown(topic.text)}`, covered: topic.covered })),
    topics,
    coveredId: choiceId('covered', topics),
    topicNames,
    topicId: choiceId('topicId', topicNames),
    firstTopic: session.agenda[0]?.id ?? '',
    coveredValue: session.agenda.filter((topic) => topic.covered).map((topic) => topic.id).join(','),
    screenAgenda: session.screenAgenda ? 'true' : 'false',
    people,
    presentId: choiceId('present', people),
    names,
    chairInputId: choiceId('chairId', names),
    secretaryInputId: choiceId('secretaryId', names),
    presentValue: ordered.filter((p) => session.presence[p.id]?.present).map((p) => p.id).join(','),
    absent,
    chairId: session.chairId ?? '',
    secretaryId: session.secretaryId ?? '',
    neutralChair: chair?.isOrganizer && !ended ? t(locale, 'session.neutralChair') : '',
    roleFacts,
    memoChoices,
    memoId: choiceId('memoWays', memoChoices),
    memoValue: (session.memo?.ways ?? []).join(','),
    liveUrl: view.liveUrl,
    undoEnd: ended && view.undoEnd,
    undoText: ended && view.undoEnd ? t(locale, 'session.undoHint', { minutes: UNDO_END_MINUTES }) : '',
    open: Object.fromEntries(SECTIONS.map((section) => [section, section === opened])) as Record<Section, boolean>,
    openSection: opened ?? '',
    ...toggles(locale, opened, running, !ready),
    items: items.map((item) => ({
      itemId: item.id.slice('action.'.length),
      text: `${item.done ? '✓' : '○'} ${escapeMarkdown(item.text)}`,
      detail: [
        t(locale, 'agreements.who', { name: label(item.ownerId) }),
        t(locale, 'agreements.by', { date: date(item.due) }),
        ...(item.withIds.length ? [t(locale, 'agreements.with', { names: item.withIds.map(label).filter(Boolean).join(', ') })] : []),
      ].join(' · '),
      done: !!item.done,
      doneTitle: t(locale, item.done ? 'agreements.undo' : 'agreements.markDone'),
      doneValue: item.done ? 'no' : 'yes',
    })),
    itemsMax: items.length >= LIMITS.actions,
    itemChange: editing ? 'edit' : 'add',
    itemEditId: editing ? editing.id.slice('action.'.length) : '',
    itemText: editing?.text ?? '',
    itemOwner: editing?.ownerId ?? '',
    itemDue: editing?.due ?? '',
    itemWith: editing?.withIds.join(',') ?? '',
    itemSave: t(locale, editing ? 'agreements.save' : 'agreements.add'),
    ownerChoices: people,
    // The form's inputs get ids that change with each item added or opened for changing, so no client keeps the last one's values.
    ...itemFormIds(people, editing?.id ?? `new-${items.length}`),
    showOutcome: !ready,
    responsibleChoices: [...professionals.map((p) => ({ title: personLabel(p, locale), value: p.id })), { title: t(locale, 'agreements.undecided'), value: 'undecided' }],
    responsibleId: choiceId('responsible', professionals.map((p) => ({ title: p.name, value: p.id }))),
    responsible: outcome?.responsible ?? '',
    followUp: outcome?.followUp && outcome.followUp !== 'undecided' ? outcome.followUp : '',
    followUpUndecided: outcome?.followUp === 'undecided' ? 'true' : 'false',
    outcomeFacts: [
      ...(outcome?.responsible ? [{ title: t(locale, 'agreements.responsible'), value: outcome.responsible === 'undecided' ? t(locale, 'agreements.undecided') : label(outcome.responsible) }] : []),
      ...(outcome?.followUp ? [{ title: t(locale, 'agreements.followUp'), value: outcome.followUp === 'undecided' ? t(locale, 'agreements.undecided') : date(outcome.followUp) }] : []),
    ],
    afterwards: ended && !!view.organizer,
    writesMinutes: ended && (!!view.organizer || !!view.secretary),
    viewers: view.viewers.slice(0, MAX_REFRESH_USERS),
  });
}

/**
 * The buttons to the parts of the card. Each asks Samråd for the card with that part open (the
 * open one's button closes it), so the card works the same in every client, Teams mobile's
 * Action.Submit included, and a part stays open across presses made in it.
 */
function toggles(locale: Reader['locale'], opened: Section | undefined, running: boolean, started: boolean): Pick<SessionData, 'toggles' | 'moreToggles'> {
  const KEYS = {
    plan: 'session.sectionPlan',
    rounds: 'session.sectionRounds',
    presence: 'session.sectionPresence',
    agenda: 'session.sectionAgenda',
    roles: 'session.sectionRoles',
    phases: 'session.sectionPhases',
    guides: 'session.sectionGuides',
  } as const satisfies Record<Section, MessageKey>;
  const toggle = (section: Section): Toggle => ({ title: t(locale, KEYS[section]), section: section === opened ? '' : section, style: section === opened ? 'positive' : 'default' });
  const first: Section[] = [...(started ? (['plan'] as Section[]) : []), ...(running ? (['rounds'] as Section[]) : []), 'agenda'];
  return { toggles: first.map(toggle), moreToggles: (['presence', 'roles', 'phases', 'guides'] as Section[]).map(toggle) };
}

/**
 * The part of the card that is open: the one the press came from; otherwise before the start who
 * is expected, in the agree and summary phases the action items (for those who run the meeting),
 * and for the secretary the agenda.
 */
export function openSection(session: Session, view: Pick<SessionView, 'open' | 'controls' | 'secretary'>): Section | undefined {
  if (view.open) return view.open;
  if (session.state === 'ready') return 'presence';
  if (session.state !== 'running') return undefined;
  if ((session.phase === 'agree' || session.phase === 'summary') && view.controls) return 'plan';
  return view.secretary ? 'agenda' : undefined;
}

/** The ids of the action item form's inputs, for the people to choose from and the item in the form. */
function itemFormIds(people: Choice[], formKey: string): Pick<SessionData, 'ownerId' | 'withId' | 'itemTextId' | 'itemDueId'> {
  const key = [...people, { title: formKey, value: formKey }];
  return { ownerId: choiceId('itemOwner', key), withId: choiceId('itemWith', key), itemTextId: choiceId('itemText', key), itemDueId: choiceId('itemDue', key) };
}

/** The text cut to `max` characters, with an ellipsis when cut. */
function short(text: string, max: number): string {
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}

/** The data of the card that brings meeting mode into a group chat or a meeting's chat. */
export interface PickData extends CardBase {
  text: string;
  /** The card offers to look for the meeting (the first card in a chat). */
  offer: boolean;
  meetings: { title: string; meetingId: string }[];
}

/**
 * The card in a chat: an offer to show meeting mode here, or the caseworker's meetings that
 * everyone in the chat is invited to, by date and time only (nothing of the case).
 */
export function meetingPickCard(
  reader: Reader,
  meetings: { meetingId: string; start: string; timeZone: string }[] | undefined,
  notices: Notice[] = [],
  offer = meetings === undefined,
): AdaptiveCard {
  const { locale } = reader;
  return render<PickData>(pickTemplate, {
    ...base(locale, notices),
    text: offer ? t(locale, 'session.offer') : meetings && meetings.length > 0 ? t(locale, 'session.pickMeeting') : meetings ? t(locale, 'session.noMeetingHere') : '',
    offer,
    meetings: (meetings ?? []).map((m) => {
      const start = DateTime.fromISO(m.start, { zone: 'utc' }).setZone(reader.timeZone ?? m.timeZone).setLocale(locale);
      return { meetingId: m.meetingId, title: `${start.toLocaleString({ weekday: 'short', day: 'numeric', month: 'short' })} ${start.toFormat('HH:mm')}` };
    }),
  });
}

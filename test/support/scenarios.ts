import { awaitingDelivery } from '../../bot/domain/invitation';
import { action, cardActions } from './cards';
import { daysAhead, type Harness, type Person } from './harness';

/** A professional invited in Teams. */
export const NURSE: Person = { aadObjectId: 'nurse-1', name: 'Noor Nurse', locale: 'en-US' };
/** A caseworker in Stockholm who writes in Swedish. */
export const CASEWORKER: Person = { aadObjectId: 'caseworker-1', name: 'Kim Lind', locale: 'sv-SE', timeZone: 'Europe/Stockholm' };

/** The caseworker's contact details, typed on the summary where letters go out and none are stored yet. */
export const CASEWORKER_CONTACT = { contactName: 'Kim Lind', organisation: 'Socialtjänsten', phone: '+46 8 123 456', email: '' };

/** Inputs for the "When?" card: ten days ahead, 90 minutes in a room. */
export function whenInputs(overrides: Record<string, string> = {}): Record<string, string> {
  return { date: daysAhead(10), time: '10:00', duration: '90', placeKind: 'room', placeDetails: 'Room 2', ...overrides };
}

/** Inputs for adding a participant on the "Who?" card. */
export function personInputs(overrides: Record<string, string> = {}): Record<string, string> {
  return { group: 'network', name: 'Eva', relation: 'grandmother', contactKind: 'post', teamsUser: '', contactDetail: 'Storgatan 1', language: 'sv', ...overrides };
}

/**
 * Plans a meeting up to the given point through the HTTP endpoint, as a caseworker would:
 * `when` (the "When?" card shown), `who` (when saved), `client` (the client and the nurse
 * added, no consent yet), `summary` (everything answered) or `sent`.
 */
export async function planUntil(
  h: Harness,
  stage: 'when' | 'who' | 'client' | 'summary' | 'sent',
  caseworker: Person = CASEWORKER,
  invitee: Person = NURSE,
): Promise<{ card: any; meetingId: string }> {
  let card = await h.press(caseworker, 'plan.start', { verb: 'plan.start' });
  const meetingId = String(action(card, 'plan.when').data.meetingId);
  if (stage === 'when') return { card, meetingId };
  card = await h.press(caseworker, 'plan.when', action(card, 'plan.when').data, whenInputs());
  if (stage === 'who') return { card, meetingId };
  card = await h.press(caseworker, 'plan.who.add', action(card, 'plan.who.add').data, personInputs({ group: 'client', name: 'Alex', contactKind: 'hand', relation: '' }));
  card = await h.press(
    caseworker,
    'plan.who.add',
    action(card, 'plan.who.add').data,
    personInputs({ group: 'professional', name: invitee.name, relation: 'school nurse', contactKind: 'teams', teamsUser: invitee.aadObjectId, language: 'en' }),
  );
  if (stage === 'client') return { card, meetingId };
  card = await h.press(caseworker, 'plan.who.save', action(card, 'plan.who.save').data, { consent: 'true', chairId: '', secretaryId: '' });
  card = await h.press(caseworker, 'plan.why', action(card, 'plan.why').data, { purpose: 'A plan for school', topics: 'Mornings', form: '' });
  if (stage === 'summary') return { card, meetingId };
  card = await h.press(caseworker, 'plan.send', action(card, 'plan.send').data, CASEWORKER_CONTACT, 'status-activity');
  await deliveryDone(h, meetingId);
  return { card, meetingId };
}

/** Waits until the bot has delivered a meeting's invitations and brought the status card up to date. */
export async function deliveryDone(h: Harness, meetingId: string, timeoutMs = 15_000): Promise<void> {
  const started = Date.now();
  for (;;) {
    await h.settled(timeoutMs);
    const view = await h.view(meetingId);
    if (view && awaitingDelivery(view).length === 0) return;
    if (Date.now() - started > timeoutMs) throw new Error('the invitations were never delivered');
    await new Promise((r) => setTimeout(r, 25));
  }
}

/** Teams colleagues to invite: `count` professionals with their own Entra ids, writing in the given language. */
export function colleagues(count: number, locale = 'da-DK'): Person[] {
  return Array.from({ length: count }, (_, i) => ({ aadObjectId: `0000${String(i).padStart(4, '0')}-aaaa-4bbb-8ccc-${String(i).padStart(12, '0')}`, name: `Kollega ${i + 1}`, locale }));
}

/**
 * Plans and sends a meeting with the client (in person) and these Teams invitees through the
 * HTTP endpoint (of the Harness's own Samråd, or of the one it targets), and returns its id.
 */
export async function planAndSend(h: Harness, invitees: Person[], caseworker: Person = CASEWORKER, language = 'da'): Promise<string> {
  let card = await h.press(caseworker, 'plan.start', { verb: 'plan.start' });
  const meetingId = String(action(card, 'plan.when').data.meetingId);
  card = await h.press(caseworker, 'plan.when', action(card, 'plan.when').data, whenInputs());
  card = await h.press(caseworker, 'plan.who.add', action(card, 'plan.who.add').data, personInputs({ group: 'client', name: 'Alex', contactKind: 'hand', relation: '' }));
  for (const p of invitees) {
    card = await h.press(caseworker, 'plan.who.add', action(card, 'plan.who.add').data, {
      group: 'professional', name: p.name, relation: 'teacher', contactKind: 'teams', teamsUser: p.aadObjectId, contactDetail: '', language,
    });
  }
  card = await h.press(caseworker, 'plan.who.save', action(card, 'plan.who.save').data, { consent: 'true', chairId: '', secretaryId: '' });
  card = await h.press(caseworker, 'plan.why', action(card, 'plan.why').data, { purpose: 'A plan', topics: '', form: '' });
  await h.press(caseworker, 'plan.send', action(card, 'plan.send').data, CASEWORKER_CONTACT, 'status-activity');
  return meetingId;
}

/** Plans and sends a meeting as `planAndSend` does, and waits until every invitation is delivered. */
export async function sentTo(h: Harness, invitees: Person[], caseworker: Person = CASEWORKER): Promise<{ meetingId: string; planRev: number }> {
  const meetingId = await planAndSend(h, invitees, caseworker);
  await deliveryDone(h, meetingId);
  return { meetingId, planRev: (await h.meeting(meetingId))!.planRev! };
}

/**
 * A sent meeting ready to be held: the nurse in Teams (the chair), the grandmother Eva by post,
 * the client Alex in person and the teacher in Teams, invited by the caseworker in that order.
 */
export async function meetingToHold(
  h: Harness,
  people: { nurse: Person; teacher: Person; caseworker?: Person },
  why = { purpose: 'A plan', topics: 'Sleep\nSchool' },
): Promise<string> {
  const caseworker = people.caseworker ?? CASEWORKER;
  let card = await h.press(caseworker, 'plan.start', { verb: 'plan.start' });
  const meetingId = String(action(card, 'plan.when').data.meetingId);
  card = await h.press(caseworker, 'plan.when', action(card, 'plan.when').data, whenInputs({ duration: '90' }));
  const add = async (inputs: Record<string, string>) => (card = await h.press(caseworker, 'plan.who.add', action(card, 'plan.who.add').data, inputs));
  await add(personInputs({ group: 'professional', name: people.nurse.name, relation: 'school nurse', contactKind: 'teams', teamsUser: people.nurse.aadObjectId, language: 'en' }));
  await add(personInputs({ name: 'Eva', relation: 'grandmother', contactKind: 'post', contactDetail: 'Storgatan 1' }));
  await add(personInputs({ group: 'client', name: 'Alex', contactKind: 'hand', relation: '' }));
  await add(personInputs({ group: 'professional', name: people.teacher.name, relation: 'teacher', contactKind: 'teams', teamsUser: people.teacher.aadObjectId, language: 'da' }));
  const nurseId = (await h.meeting(meetingId))!.participants.find((p) => p.name === people.nurse.name)!.id;
  card = await h.press(caseworker, 'plan.who.save', action(card, 'plan.who.save').data, { consent: 'true', chairId: nurseId, secretaryId: '', coOrganizerId: '' });
  card = await h.press(caseworker, 'plan.why', action(card, 'plan.why').data, { purpose: why.purpose, topics: why.topics, form: '' });
  await h.press(caseworker, 'plan.send', action(card, 'plan.send').data, CASEWORKER_CONTACT, 'status-activity');
  await deliveryDone(h, meetingId);
  return meetingId;
}

/**
 * Opens meeting mode from the status card and starts the meeting, as the caseworker (or
 * `person`) would: the meeting is days ahead, so Samråd asks first and the start is confirmed.
 * Returns the card of the running meeting.
 */
export async function startMeeting(h: Harness, meetingId: string, person: Person = CASEWORKER): Promise<any> {
  const status = await h.press(person, 'status.show', { meetingId });
  const opened = await h.press(person, 'session.start', action(status, 'session.start').data);
  let card = await h.press(person, 'session.begin', action(opened, 'session.begin').data);
  if (cardActions(card).some((a) => a.verb === 'session.begin' && a.data?.confirm === 'yes')) {
    card = await h.press(person, 'session.begin', action(card, 'session.begin', { confirm: 'yes' }).data);
  }
  return card;
}

/**
 * Agrees what the meeting must before it closes (the responsible worker and the follow-up date,
 * here both "not decided") on the meeting-mode card in front of `person`, and returns the card.
 */
export async function agreeOutcome(h: Harness, card: any, person: Person = CASEWORKER): Promise<any> {
  const drawn = cardActions(card).find((a) => a.data?.rev !== undefined && a.data?.meetingId)!.data!;
  return h.press(person, 'session.outcome', { meetingId: drawn.meetingId, rev: drawn.rev }, { responsible: 'undecided', followUpUndecided: 'true' });
}

/** Opens a part of the meeting-mode card (who is here, the agenda, the rounds, …) as its button does, and returns the card. */
export async function openPart(h: Harness, card: any, section: string, person: Person = CASEWORKER): Promise<any> {
  return h.press(person, 'session.show', action(card, 'session.show', { section }).data);
}

import { action } from './cards';
import { daysAhead, type Harness, type Person } from './harness';

/** A professional invited in Teams. */
export const NURSE: Person = { aadObjectId: 'nurse-1', name: 'Noor Nurse', locale: 'en-US' };
/** A caseworker in Stockholm who writes in Swedish. */
export const CASEWORKER: Person = { aadObjectId: 'caseworker-1', name: 'Kim Lind', locale: 'sv-SE', timeZone: 'Europe/Stockholm' };

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
  card = await h.press(caseworker, 'plan.send', action(card, 'plan.send').data, {}, 'status-activity');
  await deliveryDone(h, meetingId);
  return { card, meetingId };
}

/** Waits until the bot has finished delivering a meeting's invitations in the background. */
export async function deliveryDone(h: Harness, meetingId: string, timeoutMs = 8000): Promise<void> {
  const started = Date.now();
  for (;;) {
    const meeting = await h.meeting(meetingId);
    if (meeting && !meeting.deliveryPending && !meeting.deliveryLease && meeting.statusCard) return;
    if (Date.now() - started > timeoutMs) throw new Error('the invitations were never delivered');
    await new Promise((r) => setTimeout(r, 25));
  }
}

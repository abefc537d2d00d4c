import assert from 'node:assert/strict';
import { DateTime } from 'luxon';
import { LIMITS, LOCALES, type Locale, type Meeting, type Participant } from '../../bot/domain/meeting';
import type { MeetingDoc, MeetingView } from '../../bot/domain/meeting-docs';
import { deliveryDoc, planOnly, proposedTopics, replyDoc, replyOf, viewOf } from '../../bot/domain/invitation';
import { addParticipant, goTo, markSent, newDraft, setRoles, setWhen, setWhy, type ParticipantInput } from '../../bot/domain/planning';
import { problemText } from '../../bot/i18n';
import { LetterLinks } from '../../bot/services/links';
import { commentsCard, invitationCard, statusCard } from '../../cards/invitations';
import { meetingModeCard } from '../../cards/session';
import { nudgeCard } from '../../cards/nudges';
import { cardActions, validationErrors } from '../support/cards';
import type { Nudge } from '../../bot/domain/nudges';
import { newActionItem } from '../../bot/domain/plan';
import { applyStep, openSession, type Session, type SessionStep } from '../../bot/domain/session';
import { planningCard, welcomeCard } from '../../cards/planning';
import type { AdaptiveCard } from '../../cards/render';
import { escapeMarkdown } from '../../cards/format';
import type { Reader } from '../../cards/format';

// The UMD bundle: `lib/` is ES modules that Node cannot load from CommonJS.

const NOW = DateTime.fromISO('2026-11-23T09:00:00Z');
const ZONE = 'Europe/Stockholm';
const MAX_BYTES = 80 * 1024;
const links = new LetterLinks('s'.repeat(40), () => 'https://samrad.example.org', () => NOW);
const linksFor = (view: MeetingView) => (participantId: string) => links.letterUrls(view.plan.id, participantId);

/** An answer to record: the participant's index, the answer, comment, proposed topic and how it came. */
type Answered = [number, 'accepted' | 'declined' | 'maybe', string, string, 'teams' | 'phone'];

/** A meeting planned step by step through the domain rules, the way the bot builds it. */
class Plan {
  private n = 0;
  /** The plan with each person's answer and delivery, once sent. */
  view!: MeetingView;
  constructor(public m: Meeting) {}

  static start(id = 'b3f1c2d4-5e6f-4a7b-8c9d-0e1f2a3b4c5d'): Plan {
    const organizer = { userKey: 'aad-5c1d2e3f-4a5b-6c7d-8e9f-0a1b2c3d4e5f', name: 'Kim Lind' };
    return new Plan(newDraft({ id, organizer, organizerParticipantId: `${id}-org`, organizerUserId: 'kim-aad', organizerLanguage: 'sv', tenantId: 'tenant', now: NOW }));
  }

  when(duration = '90', placeDetails = 'Familjecentralen, rum 2'): this {
    this.m = setWhen(this.m, { date: '2026-12-07', time: '10:00', duration, placeKind: 'room', placeDetails }, ZONE, NOW);
    return this;
  }

  add(p: Partial<ParticipantInput> & { name: string }): this {
    const input = { group: 'network', relation: '', contactKind: 'hand', teamsUserId: '', email: '', address: '', language: 'sv', ...p };
    this.m = addParticipant(this.m, input, `${this.m.id}-p${String(++this.n).padStart(2, '0')}`, NOW);
    return this;
  }

  roles(chairId = '', secretaryId = ''): this {
    this.m = setRoles(this.m, { consent: true, chairId, secretaryId }, this.m.organizer.userKey, NOW);
    return this;
  }

  why(purpose: string, topics: string[], form = ''): this {
    this.m = setWhy(this.m, { purpose, topics: topics.join('\n'), form }, NOW);
    return this;
  }

  /** Sends, delivers every Teams invitation and records the given answers. */
  sent(replies: Answered[] = []): this {
    this.m = markSent(this.m, NOW);
    const docs: MeetingDoc[] = [this.m];
    for (const p of this.m.participants.filter((x) => x.contact.kind === 'teams' && !x.isOrganizer)) {
      docs.push(deliveryDoc(this.m, p.id, { via: 'teams', card: { conversationId: `a:${p.id}`, activityId: `act-${p.id}` } }, NOW));
    }
    for (const [index, answer, comment, topic, via] of replies) {
      docs.push(replyDoc(this.m, this.m.participants[index].id, { answer, comment, topic }, via, 'by', NOW.plus({ hours: index })));
    }
    this.view = viewOf(docs)!;
    return this;
  }
}

/** The client, a relative by letter, a nurse in Teams and a teacher by e-mail, with consent. */
const withPeople = () =>
  Plan.start()
    .when('150')
    .add({ name: 'Alex', group: 'client' })
    .add({ name: 'Eva Lind', relation: 'mormor', contactKind: 'post', address: 'Storgatan 1\n123 45 Småstad' })
    .add({ name: 'Noor Nurse', group: 'professional', relation: 'skolsköterska', contactKind: 'teams', teamsUserId: 'noor-aad', language: 'en' })
    .add({ name: 'Tove Berg', group: 'professional', relation: 'lärare', contactKind: 'email', email: 'tove@skola.example' });

const complete = () => withPeople().roles().why('En plan för skolmornarna', ['Morgnar', '- Fotboll på tisdagar'], 'Beskriva, reflektera, komma överens');

/**
 * 30 participants with 80-character names and relations, 12 topics of 200 characters, the
 * longest purpose, form and place; every `teamsEvery`th invitee is in Teams, the others get letters.
 */
function maximal(teamsEvery = 3): Plan {
  const plan = Plan.start().when('480', 'Ö'.repeat(LIMITS.placeDetails));
  for (let i = 1; i < LIMITS.participants; i++) {
    const name = `${i} Åsa-Märta [*${'ä'.repeat(10)}*] `.padEnd(LIMITS.name, 'ö');
    const contact = i % teamsEvery === 0 ? { contactKind: 'teams', teamsUserId: `aad-${i}-${'0'.repeat(30)}` } : { contactKind: 'post', address: 'Gatan 1' };
    plan.add({ name, group: i === 1 ? 'client' : i < 15 ? 'network' : 'professional', relation: `# relation ${i} `.padEnd(LIMITS.relation, '_'), ...contact });
  }
  const topics = Array.from({ length: LIMITS.topics }, (_, i) => `Ämne ${i} `.padEnd(LIMITS.topic, 'å'));
  return plan.roles(plan.m.participants[5].id, plan.m.participants[6].id).why('Syfte: '.padEnd(LIMITS.purpose, 'ä'), topics, 'Form '.padEnd(LIMITS.form, 'ö'));
}

/**
 * Everyone answers: Teams invitees with the longest comment and topic, the others by phone
 * (the caseworker records only the answer, as the status card allows).
 */
function maximalSent(teamsEvery = 3): Plan {
  const plan = maximal(teamsEvery);
  const replies = plan.m.participants.slice(1).map((p, i): Answered => {
    const answer = (['accepted', 'declined', 'maybe'] as const)[i % 3];
    if (p.contact.kind !== 'teams') return [i + 1, answer, '', '', 'phone'];
    return [i + 1, answer, `Kommentar ${i} `.padEnd(LIMITS.comment, 'ä'), `Förslag ${i} *`.padEnd(LIMITS.topic, 'ö'), 'teams'];
  });
  return plan.sent(replies);
}

interface Rendered {
  name: string;
  card: AdaptiveCard;
}

/** A session halfway: the welcome done, a round of speakers under way, someone gone, a topic covered. */
function midway(plan: Meeting): Session {
  let s = begun(plan, openSession(plan, [{ participantId: plan.participants[2].id, text: 'Läxor' }], new Set(), 'by', NOW));
  const step = (x: SessionStep, minutes: number) => (s = applyStep(plan, s, x, 'by', NOW.plus({ minutes })));
  step({ step: 'phase', phase: 'describe' }, 25);
  step({ step: 'round', kind: 'speakers' }, 26);
  step({ step: 'next' }, 30);
  step({ step: 'presence', participantId: plan.participants[3].id, present: false }, 40);
  step({ step: 'coveredSet', topicIds: ['plan-1'] }, 41);
  return s;
}

/** Meeting mode with every participant and the largest agenda, in a round of speakers. */
function maximalSession(view: MeetingView): Session {
  let s = begun(view.plan, openSession(view.plan, proposedTopics(view), new Set(), 'by', NOW));
  for (let i = s.agenda.length; i < LIMITS.sessionTopics; i++) s = applyStep(view.plan, s, { step: 'topicAdd', text: `Nytt ämne ${i} `.padEnd(LIMITS.topic, 'ä'), id: `added-${i}` }, 'by', NOW);
  return applyStep(view.plan, s, { step: 'round', kind: 'speakers' }, 'by', NOW);
}

/** The session started. */
function begun(plan: Meeting, s: Session): Session {
  return applyStep(plan, s, { step: 'begin' }, 'by', NOW);
}

/** Who sees a card in a group chat of the largest meeting: its refresh names them all. */
const VIEWERS = Array.from({ length: LIMITS.participants }, (_, i) => `29:1${'x'.repeat(60)}${i}`);
const LIVE = 'https://samrad.example.org/live/x';

/** Every card the bot can send, for one reader. */
function everyCard(reader: Reader): Rendered[] {
  const { locale } = reader;
  const refusal = [{ text: problemText(locale, { code: 'textTooLong', params: { field: 'purpose', max: 1000 } }), color: 'Attention' as const }];
  const sending = planOnly(markSent(complete().m, NOW));
  const delivered = complete().sent().view;
  const sent = complete().sent([
    [2, 'accepted', '', '', 'phone'],
    [3, 'maybe', 'Kan komma efter lunch', 'Sömn och skärmar', 'teams'],
  ]).view;
  const noor = (v: MeetingView) => v.plan.participants.find((p) => p.name === 'Noor Nurse')!;
  const invitation = (v: MeetingView, p: Participant, notices: typeof refusal = [], force = false) => invitationCard(v.plan, p, replyOf(v, p), reader, notices, force);
  const big = maximalSent().view;
  const allTeams = maximalSent(1).view;
  const bigUnanswered = maximal().sent().view;
  const cards: [string, () => AdaptiveCard][] = [
    ['welcome', () => welcomeCard(reader, undefined)],
    ['welcome with a draft waiting', () => welcomeCard(reader, 'draft-1', refusal)],
    ['When? of an empty draft', () => planningCard(Plan.start().m, reader, NOW, refusal)],
    ['Who? with only the caseworker', () => planningCard(Plan.start().when().m, reader, NOW)],
    ['Who? with four people', () => planningCard(withPeople().m, reader, NOW)],
    ['Why? empty', () => planningCard(withPeople().roles().m, reader, NOW)],
    ['summary of an empty draft', () => planningCard(goTo(Plan.start().m, 'summary', NOW), reader, NOW)],
    ['summary, complete with advice', () => planningCard(complete().m, reader, NOW)],
    ['When? revisited with everything answered', () => planningCard(goTo(complete().m, 'when', NOW), reader, NOW)],
    ['status while sending', () => statusCard(sending, reader, linksFor(sending))],
    ['status with Teams, letter and phone answers', () => statusCard(sent, reader, linksFor(sent), ['29:caseworker'], refusal)],
    ['comments of the invitees', () => commentsCard(sent, reader)],
    ['comments, none yet', () => commentsCard(delivered, reader)],
    ['invitation, unanswered', () => invitation(delivered, noor(delivered))],
    ['invitation, answered with a comment', () => invitation(sent, noor(sent))],
    ['invitation, reopened to change the answer', () => invitation(sent, noor(sent), [], true)],
    ['maximal Who?', () => planningCard(goTo(maximal().m, 'who', NOW), reader, NOW)],
    ['maximal Why?', () => planningCard(goTo(maximal().m, 'why', NOW), reader, NOW)],
    ['maximal summary', () => planningCard(maximal().m, reader, NOW, refusal)],
    ['maximal status, everyone answered', () => statusCard(big, reader, linksFor(big), ['29:caseworker'], refusal)],
    [`maximal status, ${LIMITS.participants - 1} Teams invitees answered with the longest comment and topic`, () => statusCard(allTeams, reader, linksFor(allTeams))],
    ['maximal status, nobody answered yet', () => statusCard(bigUnanswered, reader, linksFor(bigUnanswered))],
    ['maximal comments, every invitee with the longest comment', () => commentsCard(allTeams, reader)],
    ['meeting mode opened, ready to start', () => meetingModeCard(sent.plan, openSession(sent.plan, [], new Set(), 'by', NOW), reader, NOW, [], { liveUrl: '', controls: true, undoEnd: false, viewers: ['29:a'] })],
    ['meeting mode opened, asking before starting early', () => meetingModeCard(sent.plan, openSession(sent.plan, [], new Set(), 'by', NOW), reader, NOW, [], { liveUrl: '', controls: true, undoEnd: false, viewers: ['29:a'], confirmStart: 'early' })],
    ['meeting mode at the start', () => meetingModeCard(sent.plan, begun(sent.plan, openSession(sent.plan, [], new Set(), 'by', NOW)), reader, NOW, [], { liveUrl: LIVE, controls: true, undoEnd: false, viewers: ['29:a'] })],
    ['meeting mode in a round of speakers, behind the plan', () => meetingModeCard(sent.plan, midway(sent.plan), reader, NOW.plus({ minutes: 70 }), refusal)],
    ['meeting mode in a round of speakers, read-only', () => meetingModeCard(sent.plan, midway(sent.plan), reader, NOW.plus({ minutes: 70 }), [], { liveUrl: '', controls: false, undoEnd: false, viewers: VIEWERS })],
    ['meeting mode ended, the end can be undone', () => meetingModeCard(sent.plan, applyStep(sent.plan, applyStep(sent.plan, midway(sent.plan), { step: 'outcome', responsible: 'undecided', followUp: 'undecided' }, 'by', NOW.plus({ minutes: 94 })), { step: 'end' }, 'by', NOW.plus({ minutes: 95 })), reader, NOW.plus({ minutes: 96 }), [], { liveUrl: '', controls: true, undoEnd: true, viewers: ['29:a'] })],
    ['maximal meeting mode: everyone, 40 topics of 200 characters', () => meetingModeCard(big.plan, maximalSession(big), reader, NOW.plus({ minutes: 30 }), refusal, { liveUrl: LIVE, controls: true, undoEnd: false, viewers: VIEWERS })],
    ['maximal invitation, unanswered', () => invitation(bigUnanswered, bigUnanswered.plan.participants[3])],
    ['maximal invitation, answered with the longest comment', () => invitation(big, big.plan.participants[3], refusal)],
    ...nudgeCards(big, reader),
  ];
  return cards.map(([name, draw]) => ({ name, card: draw() }));
}

/** A nudge of every rule, to each kind of recipient, about the biggest meeting (40 action items of the longest text). */
function nudgeCards(view: MeetingView, reader: Reader): [string, () => AdaptiveCard][] {
  const owner = view.plan.participants.find((p) => p.contact.kind === 'teams' && !p.isOrganizer)!;
  const actions = Array.from({ length: 40 }, (_, i) => newActionItem(view.plan, { text: 'Å'.repeat(LIMITS.actionText), ownerId: owner.id, due: '2026-12-20', withIds: [] }, `0000000${i}-0000-4000-8000-000000000000`.slice(-36), 'by', NOW));
  const at = NOW.toUTC().toISO()!;
  const nudgeView = { plan: view.plan, actions, followUp: '2027-01-15', minutesSent: false, secretaryId: view.plan.secretaryId };
  const to = { participant: { kind: 'participant' as const, id: owner.id }, caseworker: { kind: 'caseworker' as const }, coordinator: { kind: 'coordinator' as const } };
  const itemId = actions[0].id;
  const nudges: [string, Nudge][] = [
    ['due soon, to its owner', { key: 'item.x.soon', rule: 'itemSoon', to: to.participant, at, itemId }],
    ['overdue, to the caseworker', { key: 'item.x.overdue.caseworker', rule: 'itemOverdue', to: to.caseworker, at, itemId }],
    ['overdue, to a coordinator', { key: 'item.x.overdue.coordinator', rule: 'itemOverdue', to: to.coordinator, at, itemId }],
    ['minutes late, to a coordinator', { key: 'minutes.coordinator', rule: 'minutesLate', to: to.coordinator, at }],
    ['unanswered, to the caseworker', { key: 'unanswered.2026-12-10', rule: 'unanswered', to: to.caseworker, at, count: 29 }],
    ['the follow-up draft, to the caseworker', { key: 'followUp.draft', rule: 'followUpDraft', to: to.caseworker, at }],
    ['the summary of 40 items, to a participant', { key: `summary.${owner.id}`, rule: 'summary', to: to.participant, at, count: 40 }],
    ['the summary of 40 items, to the caseworker', { key: 'summary.kim', rule: 'summary', to: to.caseworker, at, count: 20 }],
  ];
  return nudges.map(([name, nudge]): [string, () => AdaptiveCard] => [`nudge: ${name}`, () => nudgeCard(nudge, nudgeView, reader)]);
}

/** Every object in the card, depth first. */
function objects(node: unknown, out: Record<string, any>[] = []): Record<string, any>[] {
  if (Array.isArray(node)) node.forEach((n) => objects(n, out));
  else if (typeof node === 'object' && node !== null) {
    out.push(node as Record<string, any>);
    Object.values(node).forEach((n) => objects(n, out));
  }
  return out;
}

/** Every string value in the card. */
const strings = (card: unknown): string[] => objects(card).flatMap((o) => Object.values(o).filter((v): v is string => typeof v === 'string'));

describe('every card the bot sends (cards/*.ts)', () => {
  describe('the validation used below', () => {
    it('reports an unknown element, a bad property value and a duplicate input id', () => {
      const broken = {
        type: 'AdaptiveCard',
        version: '1.5',
        body: [{ type: 'Fancy' }, { type: 'TextBlock', text: 'x', size: 'Enormous' }, { type: 'Input.Text', id: 'a' }, { type: 'Input.Text', id: 'a' }],
      };
      const errors = validationErrors(broken);
      assert.ok(errors.some((e) => e.startsWith('Parse/UnknownElementType')), errors.join('\n'));
      assert.ok(errors.some((e) => e.startsWith('Parse/InvalidPropertyValue')), errors.join('\n'));
      assert.ok(errors.some((e) => e.startsWith('Validation/DuplicateId')), errors.join('\n'));
    });

    it('tolerates the Teams people picker only under its own id', () => {
      const picker = { type: 'Input.ChoiceSet', choices: [], 'choices.data': { type: 'Data.Query', dataset: 'graph.microsoft.com/users' } };
      const card = (id: string) => ({ type: 'AdaptiveCard', version: '1.5', msteams: { width: 'Full' }, body: [{ ...picker, id }] });
      assert.deepEqual(validationErrors(card('teamsUser')), []);
      assert.equal(validationErrors(card('someOtherPicker')).length, 2);
    });
  });

  it('builds the scenarios it claims: a full maximal meeting, and invitations with and without an answer', () => {
    const view = maximalSent(1).view;
    assert.equal(view.plan.participants.length, LIMITS.participants);
    assert.equal(view.plan.why!.topics.length, LIMITS.topics);
    assert.equal(proposedTopics(view).length, LIMITS.participants - 1);
    assert.equal([...view.replies.values()].filter((r) => r.comment?.length === LIMITS.comment).length, LIMITS.participants - 1);
    const verbs = (name: string) => objects(everyCard({ locale: 'en' }).find((c) => c.name === name)!.card).map((o) => o.verb);
    assert.ok(verbs('invitation, unanswered').includes('invite.answer'));
    assert.ok(verbs('invitation, answered with a comment').includes('invite.change'));
    assert.ok(verbs('invitation, reopened to change the answer').includes('invite.answer'));
  });

  for (const locale of LOCALES) {
    const reader: Reader = locale === 'fi' ? { locale, timeZone: 'Europe/Helsinki' } : { locale };
    describe(`in ${locale}`, () => {
      for (const { name, card } of everyCard(reader)) {
        describe(name, () => {
          it('parses as an Adaptive Card 1.5 without errors', () => {
            assert.equal(card.type, 'AdaptiveCard');
            assert.equal(card.version, '1.5');
            assert.deepEqual(validationErrors(card), []);
          });

          it(`stays under ${MAX_BYTES / 1024} KB`, () => {
            const bytes = Buffer.byteLength(JSON.stringify(card));
            assert.ok(bytes < MAX_BYTES, `${bytes} bytes`);
          });

          it('has every template expression expanded', () => {
            assert.deepEqual(
              strings(card).filter((s) => s.includes('${')),
              [],
            );
          });

          it('has a verb on every Action.Execute, repeated in its data, and unique input ids', () => {
            const executes = objects(card).filter((o) => o.type === 'Action.Execute');
            assert.ok(executes.length > 0, 'every card has at least one button');
            for (const action of executes) {
              assert.ok(typeof action.verb === 'string' && action.verb !== '', `"${action.title}" has no verb`);
              assert.equal(action.data?.verb, action.verb, `"${action.title}"`);
            }
            const ids = objects(card)
              .filter((o) => typeof o.type === 'string' && o.type.startsWith('Input.'))
              .map((o) => o.id);
            assert.ok(ids.every((id) => typeof id === 'string' && id !== ''), 'every input has an id');
            assert.deepEqual(
              ids.filter((id, i) => ids.indexOf(id) !== i),
              [],
            );
          });
        });
      }
    });
  }

  describe('text people type is shown as typed, never evaluated as a template', () => {
    const purpose = 'Vi ses på ${t.app.name} och $root.rev ${$root.meetingId} {{x}}';
    const name = '${$root.t.app.name}';
    const topic = '${rev} och $root';
    const plan = Plan.start()
      .when()
      .add({ name: 'Alex', group: 'client' })
      .add({ name, relation: '${t.who.title}' })
      .roles()
      .why(purpose, [topic]);
    const draft = plan.m;
    const sent = plan.sent([[2, 'maybe', '${comment}', '${text} $root', 'teams']]).view;
    const invitee = sent.plan.participants[2];
    const reader: Reader = { locale: 'en' };
    const values = (card: unknown) => objects(card).flatMap((o) => [o.text, o.value].filter((v) => typeof v === 'string'));

    it('keeps a purpose, a name, a relation and a topic literally on the summary', () => {
      const all = values(planningCard(draft, reader, NOW));
      assert.ok(all.includes(purpose), all.join('\n'));
      assert.ok(all.some((v) => v.includes(`${name} (\${t.who.title})`)), all.join('\n'));
      assert.ok(all.some((v) => v.includes(topic)), all.join('\n'));
      assert.ok(!all.some((v) => v.includes(draft.id)), 'no expression inside typed text was evaluated');
    });

    it('prefills the "Why?" form with the typed text', () => {
      const all = values(planningCard(goTo(draft, 'why', NOW), reader, NOW));
      assert.ok(all.includes(purpose));
      assert.ok(all.includes(topic));
    });

    it('shows the typed texts literally on the invitation and on the status card, with the proposed topic', () => {
      const invitation = values(invitationCard(sent.plan, invitee, replyOf(sent, invitee), reader));
      assert.ok(invitation.includes(purpose));
      assert.ok(invitation.includes('${comment}'));
      const comments = values(commentsCard(sent, reader));
      assert.ok(comments.includes('${comment}'), comments.join('\n'));
      const status = values(statusCard(sent, reader, linksFor(sent)));
      assert.ok(status.includes(purpose));
      assert.ok(
        status.some((v) => v.includes('${text} $root')),
        status.join('\n'),
      );
    });
  });
});

describe('names and topics on cards are not read as markdown', () => {
  it('escapes emphasis, links and list markers, and leaves ordinary punctuation alone', () => {
    assert.equal(escapeMarkdown('*Eva* [phone](http://x.example)'), '\\*Eva\\* \\[phone\\](http://x.example)');
    assert.equal(escapeMarkdown('- not a list'), '\\- not a list');
    assert.equal(escapeMarkdown('16. jan. 2027: not a list either'), '16\\. jan. 2027: not a list either', 'a Danish date at the start of a line');
    assert.equal(escapeMarkdown('Anna (mother), 3. class'), 'Anna (mother), 3. class');
  });
});

describe('the nudge card (cards/nudges.ts)', () => {
  const view = complete().sent().view;
  const nurse = view.plan.participants.find((p) => p.name === 'Noor Nurse')!;
  const item = newActionItem(view.plan, { text: 'Ringa skolan om Alex', ownerId: nurse.id, due: '2026-12-20', withIds: [] }, '11111111-0000-4000-8000-000000000000', 'by', NOW);
  const at = NOW.toUTC().toISO()!;
  const reader: Reader = { locale: 'sv', timeZone: 'Europe/Stockholm' };
  const verbs = (card: AdaptiveCard) => cardActions(card).map((a) => a.verb);

  it('opens meeting mode for a participant before the minutes are sent, and their copy of the minutes after', () => {
    const nudge: Nudge = { key: 'item.x.soon', rule: 'itemSoon', to: { kind: 'participant', id: nurse.id }, at, itemId: item.id };
    assert.ok(verbs(nudgeCard(nudge, { plan: view.plan, actions: [item], minutesSent: false }, reader)).includes('session.show'));
    assert.ok(verbs(nudgeCard(nudge, { plan: view.plan, actions: [item], minutesSent: true }, reader)).includes('minutes.show'));
    assert.ok(verbs(nudgeCard(nudge, { plan: view.plan, actions: [item], minutesSent: false, secretaryId: nurse.id }, reader)).includes('minutes.show'), 'the secretary writes them');
  });

  it('shows a coordinator the meeting by its short id and caseworker, never the client or the item', () => {
    const nudge: Nudge = { key: 'item.x.overdue.coordinator', rule: 'itemOverdue', to: { kind: 'coordinator' }, at, itemId: item.id };
    const card = nudgeCard(nudge, { plan: view.plan, actions: [item], minutesSent: true }, reader);
    const text = JSON.stringify(card);
    for (const detail of ['Alex', 'Ringa skolan', 'Noor Nurse', 'Eva Lind']) assert.ok(!text.includes(detail), detail);
    assert.ok(verbs(card).includes('overview.show'));
  });
});

import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ROUTES, VERBS } from '../../bot/services/actions';
import {
  parseAddParticipant,
  parseAnswer,
  parseCardRef,
  parseGoto,
  parseMeetingRef,
  parsePhoneAnswer,
  parseRemoveParticipant,
  parseRoles,
} from '../../bot/services/action-data';

const TEMPLATES = join(__dirname, '..', '..', 'cards', 'templates');

/** Every verb a card template sends, with the template it is in. */
function templateVerbs(): Map<string, string[]> {
  const found = new Map<string, string[]>();
  for (const file of readdirSync(TEMPLATES).filter((f) => f.endsWith('.json'))) {
    const visit = (node: unknown): void => {
      if (Array.isArray(node)) return node.forEach(visit);
      if (typeof node !== 'object' || node === null) return;
      const el = node as Record<string, unknown>;
      if (el.type === 'Action.Execute' || el.type === 'Action.Submit') {
        const verb = String(el.verb ?? (el.data as Record<string, unknown> | undefined)?.verb);
        found.set(verb, [...(found.get(verb) ?? []), file]);
      }
      Object.values(el).forEach(visit);
    };
    visit(JSON.parse(readFileSync(join(TEMPLATES, file), 'utf8')));
  }
  return found;
}

const ID = '0d1f7c2e-5b7a-4c3e-9a61-2f4b8e9d0c11';
const OTHER = 'a3c5e7f9-1b2d-4f6a-8c0e-2a4b6c8d0e1f';

describe('the verb table (bot/services/actions.ts)', () => {
  it('has a handler for every verb a card template sends', () => {
    const missing = [...templateVerbs()].filter(([verb]) => !VERBS.includes(verb as never));
    assert.deepEqual(missing, []);
  });

  it('has a card that sends every verb it handles', () => {
    const sent = templateVerbs();
    assert.deepEqual(
      VERBS.filter((verb) => !sent.has(verb)),
      [],
    );
  });

  it('refuses a press that carries none of its data with a reason, before any service runs; only the verbs that name nothing take it', () => {
    const takesNothing = ['plan.start', 'plan.resume', 'meetings.list', 'settings.show', 'overview.show', 'session.pick', 'privacy.show'];
    // Empty settings are an answer: the contact details cleared; a zone the card does not offer is refused on the card itself.
    assert.deepEqual(ROUTES['settings.save'].parse({}), { name: '', organisation: '', phone: '', email: '' });
    assert.deepEqual(ROUTES['settings.zone'].parse({}), { unknown: true });
    for (const verb of VERBS.filter((v) => v !== 'settings.save' && v !== 'settings.zone')) {
      // A refusal is `bad` (answered with a message card) or, on the officer's card, `invalid` (shown on it).
      const parsed = ROUTES[verb].parse({}) as { bad?: string; invalid?: string };
      const reason = parsed.bad ?? parsed.invalid;
      if (takesNothing.includes(verb)) assert.equal(reason, undefined, verb);
      else assert.equal(typeof reason, 'string', `${verb} refuses an empty press`);
    }
  });
});

describe('card data is read at the edge (bot/services/action-data.ts)', () => {
  const hostileIds = ['a/b', 'a#b', '../x', ' ', '', 'x?y', 'a\\b', `${ID}/x`, `${ID} `, 'not-a-uuid', '0'.repeat(300)];

  it('answers a meeting id of any shape Samråd never issues with "not found"', () => {
    for (const meetingId of hostileIds) {
      assert.deepEqual(parseMeetingRef({ meetingId }), { bad: 'meetingNotFound' }, JSON.stringify(meetingId));
      assert.deepEqual(parseCardRef({ meetingId, rev: '3' }), { bad: 'meetingNotFound' }, JSON.stringify(meetingId));
    }
    assert.deepEqual(parseMeetingRef({}), { bad: 'meetingNotFound' });
  });

  it('reads an issued id in any case as the same id', () => {
    assert.deepEqual(parseMeetingRef({ meetingId: ID.toUpperCase() }), { meetingId: ID });
  });

  it('answers a revision that is not a whole decimal number with "out of date"', () => {
    for (const rev of ['', '-1', '1.5', '0x10', '1e3', ' 3', 'three', '9'.repeat(12)]) {
      assert.deepEqual(parseCardRef({ meetingId: ID, rev }), { bad: 'staleCard' }, JSON.stringify(rev));
    }
    assert.deepEqual(parseCardRef({ meetingId: ID, rev: '12' }), { meetingId: ID, rev: 12 });
  });

  it('refuses participant and role ids Samråd never issued', () => {
    for (const participantId of hostileIds) {
      assert.deepEqual(parseRemoveParticipant({ meetingId: ID, rev: '2', participantId }), { bad: 'participantUnknown' });
      assert.deepEqual(parsePhoneAnswer({ meetingId: ID, participantId, [`answer_${participantId}`]: 'accepted' }), { bad: 'participantUnknown' });
    }
    assert.deepEqual(parseRoles({ meetingId: ID, rev: '2', chairId: 'a/b', secretaryId: '' }), { bad: 'roleNotParticipant' });
    assert.deepEqual(parseRoles({ meetingId: ID, rev: '2', chairId: '', secretaryId: OTHER, consent: 'true' }), {
      meetingId: ID,
      rev: 2,
      consent: true,
      chairId: '',
      secretaryId: OTHER,
      coOrganizerId: '',
    });
    assert.deepEqual(parseRoles({ meetingId: ID, rev: '2', coOrganizerId: '../x' }), { bad: 'coOrganizerInvalid' });
  });

  it('accepts only the answers and steps the cards offer', () => {
    assert.deepEqual(parseAnswer({ meetingId: ID, rev: '4', answer: 'perhaps' }), { bad: 'answerInvalid' });
    assert.deepEqual(parseGoto({ meetingId: ID, rev: '4', step: 'elsewhere' }), { bad: 'unknownAction' });
    assert.deepEqual(parsePhoneAnswer({ meetingId: ID, participantId: OTHER, [`answer_${OTHER}`]: 'yes' }), { bad: 'answerInvalid' });
    assert.deepEqual(parsePhoneAnswer({ meetingId: ID, participantId: OTHER, [`answer_${OTHER}`]: 'maybe' }), { meetingId: ID, participantId: OTHER, answer: 'maybe' });
  });

  it('passes free text on as typed, cut at a length no card input allows', () => {
    const parsed = parseAddParticipant({ meetingId: ID, rev: '1', name: 'x'.repeat(9000), contactDetail: 'Storgatan 1' });
    assert.ok(!('bad' in parsed));
    if ('bad' in parsed) return;
    assert.equal(parsed.input.name.length, 5000);
    assert.equal(parsed.input.address, 'Storgatan 1');
    assert.equal(parsed.input.email, 'Storgatan 1');
  });
});

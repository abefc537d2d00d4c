import assert from 'node:assert/strict';
import { t } from '../../bot/i18n';
import { ROUTES, VERBS } from '../../bot/services/actions';
import type { Logger } from '../../bot/log';
import { action, attachedCard, cardActions, cardText } from '../support/cards';
import { perStep } from '../support/budget';
import { Harness, type Person } from '../support/harness';
import { CASEWORKER, NURSE, planUntil, whenInputs } from '../support/scenarios';
import { sv } from '../support/text';

/** Ids of every shape Samråd never issues: separators Cosmos DB refuses, paths, blanks, and the look-alikes. */
const HOSTILE_IDS = ['a/b', 'a#b', '../x', ' ', 'x?y', 'a\\b', '%2F', '..', 'plan', 'reply.x', '0'.repeat(300), '\u0000', '🙂'];
const HOSTILE_REVS = ['-1', '1.5', '0x2', '1e3', ' ', '99999999999999', 'NaN'];

describe('hostile input at the edge', () => {
  let h: Harness;
  let lines: { level: string; event: string; fields?: Record<string, unknown> }[];
  const log: Logger = {
    info: (event, fields) => lines.push({ level: 'info', event, fields }),
    warn: (event, fields) => lines.push({ level: 'warn', event, fields }),
    error: (event, fields) => lines.push({ level: 'error', event, fields }),
  };

  beforeEach(async () => {
    lines = [];
    h = new Harness();
    await h.start({}, log);
  });
  afterEach(async () => h.stop());

  it('ids and revisions of shapes Samråd never issues, on every verb, get "out of date" or "not found" and change nothing', async function () {
    // The meeting planned, then over 500 probes one after another: each step has its own budget, however busy the machine.
    const step = perStep(this, 30_000);
    const { meetingId } = await planUntil(h, 'sent');
    step();
    const before = await h.view(meetingId);
    const notFound = sv('problem.meetingNotFound');
    const stale = sv('problem.staleCard');
    let probes = 0;
    // Every verb whose card names a meeting (its parser refuses data without one).
    const meetingVerbs = VERBS.filter((v) => 'bad' in (ROUTES[v].parse({}) as object));
    assert.ok(meetingVerbs.length >= 15);
    for (const verb of meetingVerbs) {
      const variants: Record<string, unknown>[] = [
        ...HOSTILE_IDS.map((id) => ({ meetingId: id, rev: '2' })),
        ...HOSTILE_IDS.map((id) => ({ meetingId, rev: '2', participantId: id, chairId: id, [`answer_${id}`]: 'accepted' })),
        ...HOSTILE_REVS.map((rev) => ({ meetingId, rev })),
        { meetingId: 42, rev: { nested: true } },
      ];
      for (const data of variants) {
        step();
        probes += 1;
        const answer = await h.execute(CASEWORKER, verb, { verb, answer: 'accepted', step: 'who', ...data });
        assert.equal(answer.status, 200, `${verb} ${JSON.stringify(data)}`);
        assert.equal(answer.body?.type, 'application/vnd.microsoft.card.adaptive', `${verb} ${JSON.stringify(data)}`);
        const text = cardText(answer.body.value);
        assert.ok(!text.includes(sv('notice.error')), `${verb} ${JSON.stringify(data)} was answered "something went wrong"`);
        if (typeof data.meetingId !== 'string' || data.meetingId !== meetingId) assert.ok(text.includes(notFound), `${verb} ${JSON.stringify(data)}: ${text.slice(0, 200)}`);
      }
    }
    assert.ok(probes > 300);
    // Opening meeting mode for the real meeting (session.start names only the meeting) is a legitimate press: its document aside, nothing changed.
    const { session: _opened, ...after } = (await h.view(meetingId))!;
    assert.deepEqual(after, before, 'the stored meeting is unchanged');
    assert.deepEqual(lines.filter((l) => l.event === 'turn.failed'), []);
    // A stale revision on a planning verb is "out of date".
    const answer = await h.press(CASEWORKER, 'plan.when', { meetingId, rev: '1.5' }, whenInputs());
    assert.ok(cardText(answer).includes(stale));
  });

  it('a signed letter link naming an id Samråd never issued is a 404 page, never a 503', async () => {
    h.connector.unreachable.add(NURSE.aadObjectId);
    const { meetingId } = await planUntil(h, 'sent');
    const status = await h.press(CASEWORKER, 'status.show', { meetingId });
    const url = cardActions(status).find((a) => a.type === 'Action.OpenUrl')!.url!;
    const links = h.app.deps.links;
    for (const bad of ['a/b', '../x', 'a#b']) {
      for (const forged of [links.letterUrls(bad, 'p').letterUrl, links.letterUrls(meetingId, bad).letterUrl, links.letterUrls(bad, bad).icsUrl]) {
        const res = await fetch(forged);
        assert.equal(res.status, 404, forged);
      }
    }
    assert.equal((await fetch(url)).status, 200, 'a genuine link still works');
    assert.deepEqual(lines.filter((l) => l.event === 'letter.failed'), []);
  });

  it('wrongly typed activity fields are a 400, not a failed turn', async () => {
    const valid = h.activity(CASEWORKER, { type: 'message', text: 'hej' });
    const bodies = [
      { ...valid, from: { ...(valid.from as object), name: 42 } },
      { ...valid, from: { ...(valid.from as object), name: { first: 'x' } } },
      { ...valid, from: { ...(valid.from as object), aadObjectId: 'a/b' } },
      { ...valid, from: { ...(valid.from as object), aadObjectId: 7 } },
      { ...valid, recipient: { id: '28:bot', name: ['x'] } },
      { ...valid, conversation: { ...(valid.conversation as object), conversationType: 3 } },
      { ...valid, conversation: { ...(valid.conversation as object), tenantId: {} } },
      { ...valid, channelData: { tenant: { id: 5 } } },
    ];
    for (const body of bodies) {
      const answer = await h.postRaw(body);
      assert.equal(answer.status, 400, JSON.stringify(body).slice(0, 120));
    }
    assert.deepEqual(lines.filter((l) => l.event === 'turn.failed'), []);
  });

  it('people without an Entra object id whose channel ids differ only by ":" and "_" are two people', async () => {
    const person = (id: string): Record<string, unknown> => {
      const activity = h.activity(CASEWORKER, { type: 'invoke', name: 'adaptiveCard/action', value: { action: { type: 'Action.Execute', verb: 'plan.start', data: { verb: 'plan.start' } } } });
      return { ...activity, from: { id, name: 'Kim' }, conversation: { id: `a:${id}`, conversationType: 'personal', tenantId: h.tenantId } };
    };
    const first = await h.postRaw(person('29:alice'));
    const second = await h.postRaw(person('29_alice'));
    const firstId = action(first.body.value, 'plan.when').data.meetingId;
    const secondId = action(second.body.value, 'plan.when').data.meetingId;
    assert.notEqual(firstId, secondId);
    // Each still has their own draft: the first one's was not discarded by the second one's start.
    assert.equal((await h.meeting(String(firstId)))?.status, 'draft');
    assert.equal((await h.meeting(String(secondId)))?.status, 'draft');
  });

  it('an Entra object id in upper case is the same person', async () => {
    const { meetingId } = await planUntil(h, 'sent');
    const invitation = attachedCard((await h.connector.waitFor((r) => r.method === 'POST' && r.path.includes('conv-') && !!attachedCard(r.body))).body);
    const shouting: Person = { ...NURSE, aadObjectId: NURSE.aadObjectId.toUpperCase() };
    const card = await h.press(shouting, 'invite.answer', action(invitation, 'invite.answer', { answer: 'accepted' }).data, { comment: '', topic: '' });
    assert.ok(cardText(card).includes(t('en', 'invitation.yourAnswer', { answer: t('en', 'status.accepted') })));
    assert.equal((await h.person(meetingId, NURSE.name)).reply?.answer, 'accepted');
    const caseworker: Person = { ...CASEWORKER, aadObjectId: CASEWORKER.aadObjectId.toUpperCase() };
    const status = await h.press(caseworker, 'status.show', { meetingId });
    assert.ok(cardText(status).includes(sv('status.title')), 'the caseworker is known in upper case too');
  });

  it('a meeting more than two years ahead, a duration that is not decimal minutes, and names of invisible characters are refused', async () => {
    const { card, meetingId } = await planUntil(h, 'who');
    const refusals: [string, Record<string, string>, Record<string, string>, string][] = [];
    const when = await h.press(CASEWORKER, 'plan.goto', { ...action(card, 'plan.goto', { step: 'when' }).data });
    const whenData = action(when, 'plan.when').data;
    for (const [inputs, message] of [
      [whenInputs({ date: '9999-12-31' }), sv('problem.dateTooFar', { years: 2 })],
      [whenInputs({ date: '2031-01-01' }), sv('problem.dateTooFar', { years: 2 })],
      [whenInputs({ duration: '0x5A' }), sv('problem.durationInvalid', { min: 15, max: 480 })],
      [whenInputs({ duration: '9e1' }), sv('problem.durationInvalid', { min: 15, max: 480 })],
      [whenInputs({ duration: '90.0' }), sv('problem.durationInvalid', { min: 15, max: 480 })],
      [whenInputs({ placeDetails: '\u200b\u200b' }), sv('problem.placeDetailsRequired')],
    ] as const) {
      refusals.push(['plan.when', whenData as Record<string, string>, inputs, message]);
    }
    const stored = await h.meeting(meetingId);
    for (const [verb, data, inputs, message] of refusals) {
      const answer = await h.press(CASEWORKER, verb, data, inputs);
      assert.ok(cardText(answer).includes(message), `${JSON.stringify(inputs)} → ${message}`);
    }
    assert.deepEqual(await h.meeting(meetingId), stored);
    const who = await h.press(CASEWORKER, 'plan.goto', { ...whenData, verb: 'plan.goto', step: 'who' });
    const whoData = action(who, 'plan.who.add').data;
    const before = await h.meeting(meetingId);
    for (const name of ['\u200b', '\u2800\u3164', '\u202e\u200d', '\ufeff ']) {
      const answer = await h.press(CASEWORKER, 'plan.who.add', whoData, { group: 'network', name, relation: '', contactKind: 'hand', teamsUser: '', contactDetail: '', language: 'sv' });
      assert.ok(cardText(answer).includes(sv('problem.nameRequired')), JSON.stringify(name));
    }
    assert.deepEqual(await h.meeting(meetingId), before);
  });
});

import assert from 'node:assert/strict';
import { action, attachedCard, cardActions } from '../support/cards';
import { Harness, type Person } from '../support/harness';
import { IngestionStandIn, type MetricPoint } from '../support/ingestion';
import { deliveryDone, whenInputs } from '../support/scenarios';
import { METRICS } from '../../bot/telemetry/azure-monitor';
import { startTelemetry } from '../../bot/telemetry';

/** Seeded personal data: none of it may reach Application Insights. */
const CASEWORKER: Person = { aadObjectId: '7e1f0c2a-5b3d-4c8e-9a6f-1d2e3f4a5b6c', name: 'Ingrid Wästberg', locale: 'sv-SE', timeZone: 'Europe/Stockholm' };
const NURSE: Person = { aadObjectId: '2c9d8e7f-6a5b-4c3d-8e2f-0a1b2c3d4e5f', name: 'Noor Haddad', locale: 'en-US' };
const TEACHER: Person = { aadObjectId: '9f8e7d6c-5b4a-4392-8d1e-2f3a4b5c6d7e', name: 'Tove Sjöberg', locale: 'sv-SE' };
const SEEDED = {
  client: 'Ylva Östberg',
  grandmother: 'Greta Lindholm',
  grandmotherAddress: 'Klövervägen 17\n123 45 Ystad',
  uncle: 'Bo Bergström',
  uncleEmail: 'bo.bergstrom@example.se',
  home: 'Lärkvägen 12, Göteborg',
  purpose: 'Sömnproblem och skolfrånvaro hos Ylva',
  topics: 'Morgonrutiner på Ekbackeskolan',
  comment: 'Jag kommer efter mötet med Ylvas mamma',
  contact: { contactName: 'Ingrid Wästberg', organisation: 'Socialtjänsten Ystad', phone: '+46 70 555 01 99', email: 'ingrid.wastberg@example.se' },
};

/** The attributes Samråd gives telemetry, and the one the SDK adds (the resource's service name): nothing else may appear. */
const ALLOWED_PROPERTIES = new Set([
  'http.route',
  'http.request.method',
  'http.response.status_code',
  'samrad.verb',
  'samrad.job.kind',
  'samrad.job.outcome',
  'samrad.teams.operation',
  'samrad.store.container',
  'samrad.store.operation',
  'service.name',
]);

describe('telemetry: metrics and spans to Application Insights (a local ingestion stand-in), and no personal data in them', function () {
  this.timeout(90_000);
  let h: Harness;
  let ingestion: IngestionStandIn;

  before(async () => {
    h = new Harness();
    ingestion = await h.exportTelemetry();
    await h.start();
  });
  // Stops Samråd (sending what is left) and searches every payload for the stored names and addresses too (harness.ts).
  after(async () => h?.stop());

  it('sends requests per route template and verb, job outcomes per kind, Teams 429s and 403s and store charges as metrics and spans, and nothing personal', async () => {
    const flush = () => h.app.deps.telemetry.flush();
    // The teacher has not installed Samråd (Teams answers 403 to opening the chat); Teams throttles the
    // nurse's invitation four times, which outlasts the connector client's three retries: the job is tried again.
    h.connector.unreachable.add(TEACHER.aadObjectId);

    let card = await h.press(CASEWORKER, 'plan.start', { verb: 'plan.start' });
    const meetingId = String(action(card, 'plan.when').data.meetingId);
    card = await h.press(CASEWORKER, 'plan.when', action(card, 'plan.when').data, whenInputs({ placeKind: 'home', placeDetails: SEEDED.home }));
    const add = async (inputs: Record<string, string>) => (card = await h.press(CASEWORKER, 'plan.who.add', action(card, 'plan.who.add').data, { teamsUser: '', contactDetail: '', language: 'sv', relation: '', ...inputs }));
    await add({ group: 'client', name: SEEDED.client, contactKind: 'hand' });
    await add({ group: 'network', name: SEEDED.grandmother, relation: 'mormor', contactKind: 'post', contactDetail: SEEDED.grandmotherAddress });
    await add({ group: 'network', name: SEEDED.uncle, relation: 'morbror', contactKind: 'email', contactDetail: SEEDED.uncleEmail });
    await add({ group: 'professional', name: NURSE.name, relation: 'skolsköterska', contactKind: 'teams', teamsUser: NURSE.aadObjectId, language: 'en' });
    await add({ group: 'professional', name: TEACHER.name, relation: 'lärare', contactKind: 'teams', teamsUser: TEACHER.aadObjectId });
    card = await h.press(CASEWORKER, 'plan.who.save', action(card, 'plan.who.save').data, { consent: 'true', chairId: '', secretaryId: '', coOrganizerId: '' });
    card = await h.press(CASEWORKER, 'plan.why', action(card, 'plan.why').data, { purpose: SEEDED.purpose, topics: SEEDED.topics, form: '' });
    h.connector.throttleNext = 4;
    await h.press(CASEWORKER, 'plan.send', action(card, 'plan.send').data, SEEDED.contact, 'status-activity');
    await deliveryDone(h, meetingId, 30_000);
    const throttled = h.connector.requests.filter((r) => r.status === 429);
    assert.equal(throttled.length, 4, 'Teams answered 429 four times');

    // The nurse answers with a comment; the caseworker opens the status card and a letter; someone asks for a page that is not there.
    const invitation = attachedCard((await h.connector.waitFor((r) => r.method === 'POST' && r.status === 200 && r.path.includes('conv-') && !!attachedCard(r.body))).body);
    await h.press(NURSE, 'invite.answer', action(invitation, 'invite.answer', { answer: 'accepted' }).data, { comment: SEEDED.comment, topic: '' });
    const status = await h.press(CASEWORKER, 'status.show', { meetingId });
    const urls = cardActions(status).filter((a) => a.type === 'Action.OpenUrl' && a.url).map((a) => a.url!);
    const letterUrl = urls.find((u) => /\/letters\/[^/]+$/.test(u));
    assert.ok(letterUrl, 'the status card links a letter');
    assert.equal((await fetch(letterUrl)).status, 200);
    assert.equal((await fetch(`${h.app.url}/letters/${letterUrl.split('/letters/')[1]}/nothing-here`)).status, 404);
    await h.settled();

    // --- Requests: a histogram per route template, method, verb and status; a span each.
    const points = (name: string, where: Record<string, string | number>) =>
      ingestion.metrics(name).filter((m) => Object.entries(where).every(([k, v]) => String(m.properties[k]) === String(v)));
    const count = (ms: MetricPoint[]) => ms.reduce((n, m) => n + (m.count ?? 1), 0);
    const total = (ms: MetricPoint[]) => ms.reduce((n, m) => n + m.value, 0);
    const requestArrived = (route: string, method: string, status: number, verb?: string) => () =>
      count(points(METRICS.request, { 'http.route': route, 'http.request.method': method, 'http.response.status_code': status, ...(verb ? { 'samrad.verb': verb } : {}) })) > 0;
    await ingestion.waitFor('the request metric of plan.send', requestArrived('/api/messages', 'POST', 200, 'plan.send'), flush);
    await ingestion.waitFor('the request metric of invite.answer', requestArrived('/api/messages', 'POST', 200, 'invite.answer'), flush);
    await ingestion.waitFor('the request metric of a letter, by its route template', requestArrived('/letters/:token', 'GET', 200), flush);
    await ingestion.waitFor('the request metric of a path no route takes', requestArrived('unmatched', 'GET', 404), flush);
    assert.equal(count(points(METRICS.request, { 'http.route': '/api/messages', 'samrad.verb': 'plan.who.add' })), 5, 'one per press');
    await ingestion.waitFor('the spans of requests', () => ['POST /api/messages', 'GET /letters/:token'].every((name) => ingestion.requests().some((r) => r.name === name && r.responseCode === '200')), flush);

    // --- Jobs: due, claimed, done and retried per kind, and a span per run.
    const jobs = (outcome: string) => total(points(METRICS.jobs, { 'samrad.job.kind': 'invitations', 'samrad.job.outcome': outcome }));
    await ingestion.waitFor('the invitations job retried and done', () => jobs('retried') >= 1 && jobs('done') >= 1, flush);
    assert.ok(jobs('due') >= 2 && jobs('claimed') >= 2, `tried twice (due ${jobs('due')}, claimed ${jobs('claimed')})`);
    assert.ok(total(points(METRICS.jobs, { 'samrad.job.kind': 'status-card', 'samrad.job.outcome': 'done' })) >= 1, 'the status card job, done');
    await ingestion.waitFor('the spans of job runs', () => ingestion.requests().some((r) => r.name === 'job invitations' && r.success === false) && ingestion.requests().some((r) => r.name === 'job invitations' && r.success === true), flush);

    // --- Teams: every answer of the connector, each retry of its client included.
    // A proactive message is, on the wire, a reply to the conversation's continuation (POST …/activities/{id}).
    const teams = (status: number, ...operations: string[]) => operations.reduce((n, operation) => n + total(points(METRICS.teams, { 'http.response.status_code': status, 'samrad.teams.operation': operation })), 0);
    const post = ['sendToConversation', 'replyToActivity'];
    await ingestion.waitFor('the four 429s and the 403', () => teams(429, ...post) === 4 && teams(403, 'createConversation') === 1, flush);
    assert.ok(teams(200, ...post) >= 2 && teams(201, 'createConversation') >= 1 && teams(200, 'updateActivity') >= 1, 'and the answers that went through');
    assert.ok(ingestion.dependencies().some((d) => /^teams (sendToConversation|replyToActivity)$/.test(d.name) && d.resultCode === '429' && d.success === false), 'a 429 as a failed dependency');

    // --- The store: request charge (the embedded store reports 1 RU a request) and duration per container and operation.
    await ingestion.waitFor('store charges and durations', () => total(points(METRICS.storeCharge, { 'samrad.store.container': 'meetings', 'samrad.store.operation': 'query' })) > 0 && count(points(METRICS.storeDuration, { 'samrad.store.container': 'jobs', 'samrad.store.operation': 'replace' })) > 0, flush);

    // --- Nothing personal, no id, no token, no URL: in any payload, in any attribute.
    const plan = (await h.meeting(meetingId))!;
    const tokens = urls.flatMap((u) => u.split('/').filter((part) => part.length >= 40));
    assert.ok(tokens.length >= 2, 'the links carry tokens to look for');
    const secrets: [string, string][] = [
      ...[CASEWORKER, NURSE, TEACHER].flatMap((p) => [[p.name, 'a name'], [p.aadObjectId, 'an Entra object id'], [`personal-${p.aadObjectId}`, 'a conversation id']] as [string, string][]),
      [SEEDED.client, 'the client\'s name'],
      [SEEDED.grandmother, 'a relative\'s name'],
      ...SEEDED.grandmotherAddress.split('\n').map((line) => [line, 'a postal address'] as [string, string]),
      [SEEDED.uncle, 'a relative\'s name'],
      [SEEDED.uncleEmail, 'an e-mail address'],
      [SEEDED.home, 'the home address'],
      [SEEDED.purpose, 'the purpose'],
      [SEEDED.topics, 'the topics'],
      [SEEDED.comment, 'an invitee\'s comment'],
      [SEEDED.contact.phone, 'a phone number'],
      [SEEDED.contact.email, 'an e-mail address'],
      [SEEDED.contact.organisation, 'the caseworker\'s organisation'],
      ['Wästberg', 'a surname'],
      [meetingId, 'the meeting id'],
      ...plan.participants.map((p) => [p.id, 'a participant id'] as [string, string]),
      ...tokens.map((t) => [t, 'a link token'] as [string, string]),
      [h.tenantId, 'the tenant id'],
      ['conv-', 'a conversation id'],
      ['activity-', 'an activity id'],
      ['://', 'a URL'],
    ];
    assert.ok(ingestion.payloads.length > 0);
    const found: string[] = [];
    ingestion.payloads.forEach((payload, i) => {
      for (const [value, what] of secrets) if (payload.includes(value)) found.push(`payload ${i + 1} holds ${what} ("${value}")`);
    });
    assert.deepEqual(found, [], 'no personal data, id, token or URL in what was exported');
    // Every attribute is one Samråd gives, with a value from its vocabulary.
    for (const e of ingestion.envelopes()) {
      for (const [key, value] of Object.entries((e.data.baseData.properties ?? {}) as Record<string, unknown>)) {
        assert.ok(ALLOWED_PROPERTIES.has(key), `an attribute Samråd does not give: ${key}`);
        assert.match(String(value), /^(\/[\w/:.-]*|unmatched|[\w.\/-]{1,40}|\d{1,3})$/, `${key} = ${String(value)}`);
      }
      if (e.data.baseType === 'RequestData') assert.equal(e.data.baseData.url ?? '', '', 'no request URL');
      if (e.data.baseType === 'RemoteDependencyData') assert.equal(e.data.baseData.data ?? '', '', 'no dependency URL or command');
    }
    // The seeded names were stored (so the search above and the harness's at stop look for real values).
    assert.ok(plan.participants.some((p) => p.name === SEEDED.client) && plan.why?.purpose === SEEDED.purpose);
  });

  it('gives each Samråd in a process providers of its own: one stopping leaves the other exporting', async () => {
    const standIn = new IngestionStandIn();
    await standIn.start();
    const settings = { connectionString: standIn.connectionString };
    const options = { ca: standIn.ca, offlineStorage: false };
    const one = startTelemetry(settings, options);
    const two = startTelemetry(settings, options);
    try {
      one.request('/healthz', 'GET', undefined, 200, 1);
      two.job('digest', 'done', 5);
      await one.shutdown();
      one.request('/healthz', 'GET', undefined, 200, 1); // after its stop: recorded nowhere, and no error
      two.request('/p/:token', 'GET', undefined, 200, 2);
      const requests = (route: string) => standIn.metrics(METRICS.request).filter((m) => m.properties['http.route'] === route).reduce((n, m) => n + (m.count ?? 0), 0);
      await standIn.waitFor('both instances\' metrics', () => requests('/healthz') === 1 && requests('/p/:token') === 1 && standIn.metrics(METRICS.jobs).some((m) => m.properties['samrad.job.kind'] === 'digest'), () => two.flush());
    } finally {
      await one.shutdown();
      await two.shutdown();
      await standIn.stop();
    }
  });
});

/**
 * Samråd in local mode, in a process of its own, is killed with SIGKILL at random moments
 * while several caseworkers add participants to their drafts. A participant is acknowledged
 * when the card answering `plan.who.add` shows them; after every restart, each caseworker's
 * draft must list every participant acknowledged to them. Only the HTTP endpoint is used:
 * activities posted to /api/messages, cards in the answers.
 */
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DateTime } from 'luxon';
import { action, cardActions, cardText } from '../support/cards';
import { CaptureConnector } from '../support/connector';
import { freePort, samradProcess } from '../support/processes';

const KILLS = 20;
const CASEWORKERS = 4;
/** A draft holds at most 42 people, the organizer among them. */
const MAX_ADDED = 36;

interface Caseworker {
  id: string;
  name: string;
  meetingId?: string;
  acknowledged: string[];
  tried: number;
}

/** Talks to Samråd as Teams would: invokes to /api/messages, the connector captures the rest. */
class TeamsClient {
  constructor(
    private readonly samradUrl: string,
    private readonly serviceUrl: string,
  ) {}

  /** Presses an Action.Execute button; the card that replaces it, or an error (the process may be gone). */
  async press(person: Caseworker, verb: string, data: Record<string, unknown>, inputs: Record<string, unknown> = {}): Promise<any> {
    const activity = {
      id: randomUUID(),
      type: 'invoke',
      name: 'adaptiveCard/action',
      channelId: 'msteams',
      serviceUrl: this.serviceUrl,
      timestamp: new Date().toISOString(),
      from: { id: `29:${person.id}`, name: person.name, aadObjectId: person.id },
      recipient: { id: '28:samrad-bot', name: 'Samråd' },
      conversation: { id: `a:personal-${person.id}`, conversationType: 'personal', tenantId: 'tenant-crash' },
      channelData: { tenant: { id: 'tenant-crash' } },
      locale: 'en-US',
      localTimezone: 'Europe/Stockholm',
      replyToId: 'card-activity',
      value: { action: { type: 'Action.Execute', verb, data: { ...data, ...inputs } }, trigger: 'manual' },
    };
    const res = await fetch(`${this.samradUrl}/api/messages`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(activity),
      signal: AbortSignal.timeout(10_000),
    });
    const body: any = await res.json().catch(() => undefined);
    if (res.status !== 200 || body?.type !== 'application/vnd.microsoft.card.adaptive') throw new Error(`${verb} answered ${res.status}`);
    return body.value;
  }
}

function participantName(round: number, worker: number, n: number): string {
  return `Eva R${String(round).padStart(2, '0')}W${worker}N${String(n).padStart(3, '0')}`;
}

/** One caseworker's work until the process dies (or they reach the draft's limit). */
async function work(client: TeamsClient, person: Caseworker, round: number, worker: number, acknowledged: () => void): Promise<void> {
  try {
    let card = await client.press(person, 'plan.start', { verb: 'plan.start' });
    person.meetingId = String(action(card, 'plan.when').data.meetingId);
    const date = DateTime.now().setZone('Europe/Stockholm').plus({ days: 10 }).toFormat('yyyy-MM-dd');
    card = await client.press(person, 'plan.when', action(card, 'plan.when').data, {
      date,
      time: '10:00',
      duration: '90',
      placeKind: 'room',
      placeDetails: 'Room 2',
    });
    while (person.tried < MAX_ADDED) {
      const name = participantName(round, worker, person.tried++);
      card = await client.press(person, 'plan.who.add', action(card, 'plan.who.add').data, {
        group: 'network',
        name,
        relation: 'friend',
        contactKind: 'post',
        teamsUser: '',
        contactDetail: 'Storgatan 1',
        language: 'en',
      });
      // The answer is the acknowledgement: the card shows the participant added.
      if (cardText(card).includes(name)) {
        person.acknowledged.push(name);
        acknowledged();
      }
    }
  } catch {
    /* the process was killed under this request: it was not acknowledged */
  }
}

/** The caseworker's draft as Samråd shows it now: resumed, or opened at the "who" step. */
async function draftText(client: TeamsClient, person: Caseworker): Promise<string> {
  const resumed = await client.press(person, 'plan.resume', { verb: 'plan.resume', meetingId: person.meetingId });
  let text = cardText(resumed);
  if (person.acknowledged.every((name) => text.includes(name))) return text;
  const goto = cardActions(resumed).find((a) => a.verb === 'plan.goto' && a.data?.step === 'who');
  if (goto) text += `\n${cardText(await client.press(person, 'plan.goto', goto.data!))}`;
  return text;
}

/** Every acknowledged participant of these caseworkers is in their draft (four caseworkers at a time). */
async function verify(client: TeamsClient, people: Caseworker[], when: string): Promise<void> {
  const withWork = people.filter((p) => p.acknowledged.length > 0);
  for (let i = 0; i < withWork.length; i += 4) {
    await Promise.all(
      withWork.slice(i, i + 4).map(async (person) => {
        const text = await draftText(client, person);
        const missing = person.acknowledged.filter((name) => !text.includes(name));
        assert.deepEqual(missing, [], `${when}, ${person.name}'s draft lacks participants acknowledged to them`);
      }),
    );
  }
}

function log(line: string): void {
  if (process.env.SAMRAD_TEST_LOG) process.stderr.write(`      ${line}\n`);
}

describe('Samråd killed with SIGKILL under load keeps every acknowledged change', function () {
  this.timeout(150_000);
  const connector = new CaptureConnector();
  let dataDir = '';
  let samrad: ReturnType<typeof samradProcess> | undefined;

  before(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'samrad-crash-'));
  });
  after(async () => {
    await samrad?.stop().catch(() => {});
    await connector.stop();
    await rm(dataDir, { recursive: true, force: true });
  });

  it(`${KILLS} kills at random moments: after each restart, every caseworker's draft lists every participant acknowledged to them`, async () => {
    const serviceUrl = await connector.start();
    samrad = samradProcess(await freePort(), { SAMRAD_DATA_DIR: dataDir });
    const client = new TeamsClient(samrad.url, serviceUrl);
    const everyone: Caseworker[] = [];
    await samrad.start();
    for (let round = 1; round <= KILLS; round++) {
      const people = Array.from({ length: CASEWORKERS }, (_, i): Caseworker => ({
        id: `cw-${round}-${i}-${randomUUID().slice(0, 8)}`,
        name: `Caseworker ${round}.${i}`,
        acknowledged: [],
        tried: 0,
      }));
      everyone.push(...people);
      let firstAck!: () => void;
      const acked = new Promise<void>((resolve) => (firstAck = resolve));
      const load = Promise.all(people.map((person, i) => work(client, person, round, i, firstAck)));
      // Killed at a random moment once the load is on: some requests are always in flight.
      await Promise.race([acked, new Promise((resolve) => setTimeout(resolve, 5000))]);
      const delay = Math.round(Math.random() * 700);
      await new Promise((resolve) => setTimeout(resolve, delay));
      await samrad.kill();
      await load;
      await samrad.start();
      await verify(client, people, `after kill ${round} (${delay} ms into the load)`);
      log(`kill ${round} at +${delay} ms: ${people.map((p) => `${p.acknowledged.length}/${p.tried}`).join(' ')} acknowledged/tried, all there`);
    }
    // Every earlier draft too, after all the restarts (and whatever compaction ran meanwhile).
    await verify(client, everyone, 'after the last restart');
    const total = everyone.reduce((sum, p) => sum + p.acknowledged.length, 0);
    assert.ok(total >= KILLS * CASEWORKERS, `the load got through (${total} participants acknowledged)`);
    log(`${total} participants acknowledged in all; ${samrad.events('store.compacted').length} compactions seen`);
    await samrad.stop();
    const files = await readdir(dataDir);
    assert.ok(!files.includes('store.lock'), 'a clean stop releases the data folder');
  });
});

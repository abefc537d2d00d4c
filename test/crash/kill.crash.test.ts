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
import { perStep } from '../support/budget';
import { action, cardActions, cardText } from '../support/cards';
import { Harness, type Person } from '../support/harness';
import { freePort, samradProcess } from '../support/processes';
import { personInputs, whenInputs } from '../support/scenarios';
import { useSeed } from '../support/seed';

const KILLS = 20;
const CASEWORKERS = 4;
/** A draft holds at most 42 people, the organizer among them. */
const MAX_ADDED = 36;

/** The longest one round (a restart, the load, the kill, the check) may take, and the check at the end. */
const ROUND_MS = 90_000;

interface Caseworker extends Person {
  meetingId?: string;
  acknowledged: string[];
  tried: number;
}

function participantName(round: number, worker: number, n: number): string {
  return `Eva R${String(round).padStart(2, '0')}W${worker}N${String(n).padStart(3, '0')}`;
}

/** One caseworker's work until the process dies (or they reach the draft's limit). */
async function work(client: Harness, person: Caseworker, round: number, worker: number, acknowledged: () => void): Promise<void> {
  try {
    let card = await client.press(person, 'plan.start', { verb: 'plan.start' });
    person.meetingId = String(action(card, 'plan.when').data.meetingId);
    card = await client.press(person, 'plan.when', action(card, 'plan.when').data, whenInputs());
    while (person.tried < MAX_ADDED) {
      const name = participantName(round, worker, person.tried++);
      card = await client.press(person, 'plan.who.add', action(card, 'plan.who.add').data, personInputs({ name, relation: 'friend', language: 'en' }));
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
async function draftText(client: Harness, person: Caseworker): Promise<string> {
  const resumed = await client.press(person, 'plan.resume', { verb: 'plan.resume', meetingId: person.meetingId });
  let text = cardText(resumed);
  if (person.acknowledged.every((name) => text.includes(name))) return text;
  const goto = cardActions(resumed).find((a) => a.verb === 'plan.goto' && a.data?.step === 'who');
  if (goto) text += `\n${cardText(await client.press(person, 'plan.goto', goto.data!))}`;
  return text;
}

/** Every acknowledged participant of these caseworkers is in their draft (four caseworkers at a time, each four a `step`). */
async function verify(client: Harness, people: Caseworker[], when: string, step?: () => void): Promise<void> {
  const withWork = people.filter((p) => p.acknowledged.length > 0);
  for (let i = 0; i < withWork.length; i += 4) {
    step?.();
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

describe('Samråd killed with SIGKILL under load keeps every acknowledged change', () => {
  /** What the test is doing now, named when it fails. */
  let phase = 'starting';
  // Where each kill falls: replayed with SAMRAD_TEST_SEED (printed when the test fails, with the phase).
  const random = useSeed(() => phase);
  const client = new Harness();
  // A request to a process killed under it fails at once; one that hangs is given up after this long.
  client.requestTimeoutMs = 30_000;
  let dataDir = '';
  let samrad: ReturnType<typeof samradProcess> | undefined;

  before(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'samrad-crash-'));
  });
  after(async () => {
    await samrad?.stop().catch(() => {});
    await client.connector.stop();
    await rm(dataDir, { recursive: true, force: true });
  });

  it(`${KILLS} kills at random moments: after each restart, every caseworker's draft lists every participant acknowledged to them`, async function () {
    // Each round has its own budget: a busy machine makes the test longer, a round that hangs fails it.
    const nextRound = perStep(this, ROUND_MS);
    await client.startConnector();
    samrad = samradProcess(await freePort(), { SAMRAD_DATA_DIR: dataDir });
    client.target = samrad.url;
    const everyone: Caseworker[] = [];
    await samrad.start();
    for (let round = 1; round <= KILLS; round++) {
      nextRound();
      phase = `kill ${round}: the load`;
      const people = Array.from({ length: CASEWORKERS }, (_, i): Caseworker => ({
        aadObjectId: `cw-${round}-${i}-${randomUUID().slice(0, 8)}`,
        name: `Caseworker ${round}.${i}`,
        locale: 'en-US',
        acknowledged: [],
        tried: 0,
      }));
      everyone.push(...people);
      let firstAck!: () => void;
      const acked = new Promise<void>((resolve) => (firstAck = resolve));
      const load = Promise.all(people.map((person, i) => work(client, person, round, i, firstAck)));
      // Killed at a random moment once the load is on (a first participant acknowledged): some requests are always in flight.
      await Promise.race([acked, load]);
      const delay = random().upTo(700);
      phase = `kill ${round}: ${delay} ms into the load`;
      await new Promise((resolve) => setTimeout(resolve, delay));
      await samrad.kill();
      phase = `kill ${round}: the requests in flight at the kill`;
      await load;
      phase = `kill ${round}: the restart`;
      await samrad.start();
      phase = `kill ${round}: the drafts after the restart`;
      await verify(client, people, `after kill ${round} (${delay} ms into the load)`);
      log(`kill ${round} at +${delay} ms: ${people.map((p) => `${p.acknowledged.length}/${p.tried}`).join(' ')} acknowledged/tried, all there`);
    }
    // Every earlier draft too, after all the restarts (and whatever compaction ran meanwhile).
    phase = 'every draft after the last restart';
    await verify(client, everyone, 'after the last restart', nextRound);
    const total = everyone.reduce((sum, p) => sum + p.acknowledged.length, 0);
    assert.ok(total >= KILLS * CASEWORKERS, `the load got through (${total} participants acknowledged)`);
    log(`${total} participants acknowledged in all; ${samrad.events('store.compacted').length} compactions seen`);
    await samrad.stop();
    const files = await readdir(dataDir);
    assert.ok(!files.includes('store.lock'), 'a clean stop releases the data folder');
  });
});

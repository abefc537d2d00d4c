import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Harness } from './support/harness';
import { storeProcess } from './support/processes';
import { colleagues, sentTo } from './support/scenarios';

async function main() {
  const dir = await mkdtemp(join(tmpdir(), 'mem-'));
  const store = storeProcess(join(dir, 'store'));
  await store.start();
  const h = new Harness();
  await h.start({ COSMOS_ENDPOINT: String(store.ready.endpoint), COSMOS_KEY: String(store.ready.key) });
  const gc = (globalThis as any).gc as () => void;
  const mb = () => { gc(); gc(); return Math.round(process.memoryUsage().heapUsed / 1e6); };
  console.log('start heap', mb(), 'rss', Math.round(process.memoryUsage().rss / 1e6));
  const invitee = colleagues(1);
  for (let round = 0; round < 4; round++) {
    for (let i = 0; i < 50; i++) {
      const cw = { aadObjectId: `0000aaaa-0000-4000-8000-${String(round * 100 + i).padStart(12, '0')}`, name: 'Kim', locale: 'sv-SE', timeZone: 'Europe/Stockholm' };
      const { meetingId, planRev } = await sentTo(h, invitee, cw);
      await h.press(invitee[0], 'invite.answer', { meetingId, rev: planRev, answer: 'accepted' }, { comment: '', topic: '' });
    }
    await h.settled();
    console.log('after', (round + 1) * 50, 'meetings: heap', mb(), 'rss', Math.round(process.memoryUsage().rss / 1e6));
  }
  await h.stop();
  await store.stop();
  process.exit(0);
}
void main();

import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Harness } from './harness';
import { freePort, samradProcess, storeProcess, type ChildProgram } from './processes';

/**
 * The crash tests' setting: the embedded store as a process of its own, a capture connector, and
 * the Samråd processes a test starts on that store, all stopped and removed after each test (or
 * after the suite, with `per: 'suite'`). Call it inside `describe`: it registers the hooks.
 */
export class SharedStore {
  dataDir = '';
  store!: ChildProgram;
  client!: Harness;
  readonly running: ChildProgram[] = [];

  constructor(prefix: string, per: 'test' | 'suite' = 'test') {
    (per === 'test' ? beforeEach : before)(async () => {
      this.dataDir = await mkdtemp(join(tmpdir(), prefix));
      this.store = storeProcess(join(this.dataDir, 'store'));
      await this.store.start();
      this.client = new Harness();
      await this.client.startConnector();
    });
    (per === 'test' ? afterEach : after)(async () => {
      await Promise.all(this.running.splice(0).map((p) => p.stop()));
      await this.store.stop();
      await this.client.connector.stop();
      await rm(this.dataDir, { recursive: true, force: true });
    });
  }

  /** The settings that put a Samråd process on the store. */
  env(): Record<string, string> {
    return { COSMOS_ENDPOINT: String(this.store.ready.endpoint), COSMOS_KEY: String(this.store.ready.key), SAMRAD_DATA_DIR: join(this.dataDir, 'unused') };
  }

  /** Starts `n` Samråd processes on the store at once (stopped after the test). */
  async instances(n: number, port?: number): Promise<(ChildProgram & { url: string })[]> {
    const started = await Promise.all(Array.from({ length: n }, async () => samradProcess(port ?? (await freePort()), this.env())));
    await Promise.all(started.map((p) => p.start()));
    this.running.push(...started);
    return started;
  }

  /** Starts one Samråd process on the store, on `port` when given. */
  async instance(port?: number): Promise<ChildProgram & { url: string }> {
    return (await this.instances(1, port))[0];
  }
}

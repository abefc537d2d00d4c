import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { createHttpServer } from '@vercel/cosmosdb-server';
import type { Container } from '@azure/cosmos';
import type { ContainerName } from './containers';

/** The key the embedded server is reached with; it checks none, and it never leaves loopback. */
export const EMBEDDED_KEY = 'C2y6yDjf5/R+ob0N8A7Cgv30VRDJIWEHLM+4QDU5DE2nQ9nDuVTqobD4b8mGGyPMbIZnqyMsEcaGQy67XIw/Jw==';

/** A running embedded Cosmos-compatible server. */
export interface EmbeddedCosmos {
  endpoint: string;
  key: string;
  close(): Promise<void>;
}

/** Starts @vercel/cosmosdb-server on loopback on the given port (0: any free port). */
export async function startEmbeddedCosmos(port = 0): Promise<EmbeddedCosmos> {
  const server = createHttpServer();
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => resolve());
  });
  const { port: actual } = server.address() as AddressInfo;
  return {
    endpoint: `http://127.0.0.1:${actual}`,
    key: EMBEDDED_KEY,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections?.();
        server.close(() => resolve());
      }),
  };
}

type Snapshot = Partial<Record<ContainerName, Record<string, unknown>[]>>;
const SYSTEM_FIELDS = ['_rid', '_self', '_etag', '_attachments', '_ts'];

/**
 * Keeps the embedded server's data across restarts: restores a snapshot file at start and
 * writes a new one, through the Cosmos SDK, shortly after writes and when stopped.
 */
export class SnapshotFile {
  private timer: NodeJS.Timeout | undefined;
  private writing: Promise<void> = Promise.resolve();
  private stopped = false;

  constructor(
    private readonly dataDir: string,
    private readonly containers: Record<ContainerName, Container>,
    private readonly delayMs = 1000,
  ) {}

  private get file(): string {
    return join(this.dataDir, 'cosmos-snapshot.json');
  }

  /** Loads the last snapshot into the containers; returns how many documents it held. */
  async restore(): Promise<number> {
    let snapshot: Snapshot;
    try {
      snapshot = JSON.parse(await readFile(this.file, 'utf8')) as Snapshot;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return 0;
      throw err;
    }
    let count = 0;
    for (const [name, docs] of Object.entries(snapshot) as [ContainerName, Record<string, unknown>[]][]) {
      const container = this.containers[name];
      if (!container) continue;
      for (const doc of docs) {
        await container.items.upsert(doc);
        count += 1;
      }
    }
    return count;
  }

  /** Schedules a snapshot shortly after a write; many writes make one snapshot. */
  changed(): void {
    if (this.timer || this.stopped) return;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      void this.save().catch((err: Error) => console.error(`[samrad] snapshot failed: ${err.message}`));
    }, this.delayMs);
    this.timer.unref();
  }

  /** Writes a last snapshot and schedules no more: the server is about to stop. */
  async close(): Promise<void> {
    await this.save();
    this.stopped = true;
  }

  /** Writes the snapshot now (also waits for one already being written). */
  async save(): Promise<void> {
    if (this.timer) {
      clearTimeout(this.timer);
      this.timer = undefined;
    }
    this.writing = this.writing.then(() => this.write());
    return this.writing;
  }

  private async write(): Promise<void> {
    const snapshot: Snapshot = {};
    for (const [name, container] of Object.entries(this.containers) as [ContainerName, Container][]) {
      const { resources } = await container.items.readAll<Record<string, unknown>>().fetchAll();
      snapshot[name] = resources.map((doc) => {
        const copy = { ...doc };
        for (const field of SYSTEM_FIELDS) delete copy[field];
        return copy;
      });
    }
    await mkdir(this.dataDir, { recursive: true });
    const temp = `${this.file}.tmp`;
    await writeFile(temp, JSON.stringify(snapshot), { mode: 0o600 });
    await rename(temp, this.file);
  }
}

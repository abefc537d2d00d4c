import type { Logger } from '../log';
import { ConcurrencyError, upsert, type DocumentStore, type NamedQuery } from './port';

/**
 * Which Samråd instances are running on this store, so that they can share Teams' rate limits
 * (`bot/teams/pacing.ts` divides them by the count).
 *
 * Each instance writes a heartbeat every `periodMs` (2 s) into the jobs container, in a partition
 * of their own (`instances`), and then counts the heartbeats newer than three periods with one
 * single-partition query. An instance that stops cleanly removes its heartbeat, so the others
 * count it out at their next beat; one that dies is counted out once its heartbeat is three
 * periods old, and Cosmos DB removes the document after its `ttl`.
 *
 * The count always includes this instance and is at least one, so it only ever makes an instance
 * slower than a lone one, never faster. When the store cannot be reached, the last count is kept.
 * A newcomer is counted by the others from their next beat on (within one period); it counts
 * them before it starts sending. Liveness compares each instance's clock with the writer's, so it
 * assumes clocks agree to well within a period (as NTP-synchronised hosts do).
 */

/** The jobs container's partition that holds the heartbeats. */
export const INSTANCES_BUCKET = 'instances';

/** One instance's heartbeat. */
export interface InstanceBeat {
  type: 'instance';
  /** The instance's id (a new one each time a process starts). */
  id: string;
  bucket: typeof INSTANCES_BUCKET;
  /** When it last wrote its heartbeat (ISO 8601, UTC). */
  seenAt: string;
  /** Seconds after its last write that Cosmos DB removes it. */
  ttl: number;
}

export interface RegistryOptions {
  /** How often to write the heartbeat and count (ms); 2 s by default. */
  periodMs?: number;
  /** Wall-clock time in ms (Date.now). */
  clock?: () => number;
  log: Logger;
}

/** This instance's heartbeat, and the count of live instances it reads with each beat. */
export class InstanceRegistry {
  private count = 1;
  private etag: string | undefined;
  private timer: NodeJS.Timeout | undefined;
  private beating: Promise<number> | undefined;
  private stopped = false;
  private readonly periodMs: number;
  private readonly clock: () => number;
  private readonly log: Logger;

  constructor(
    /** The jobs container, as far as the registry reads and writes it: the heartbeats' partition. */
    private readonly store: DocumentStore<InstanceBeat>,
    readonly instanceId: string,
    options: RegistryOptions,
  ) {
    this.periodMs = options.periodMs ?? 2000;
    this.clock = options.clock ?? Date.now;
    this.log = options.log;
  }

  /** How many instances are live, this one included: at least one. */
  live(): number {
    return this.count;
  }

  /** Writes the first heartbeat and counts the others (before this instance sends anything), then beats every period. */
  async start(): Promise<void> {
    this.stopped = false;
    await this.beat();
    this.timer = setInterval(() => {
      // A beat still waiting for a slow store is not stacked with another.
      if (!this.beating && !this.stopped) this.beat();
    }, this.periodMs);
    this.timer.unref();
  }

  /** Writes this instance's heartbeat and counts the live ones; on a store error it keeps the last count. Resolves to the count. */
  beat(): Promise<number> {
    if (this.beating) return this.beating;
    this.beating = this.beatOnce().finally(() => (this.beating = undefined));
    return this.beating;
  }

  /** Stops beating and removes this instance's heartbeat, so the others count it out at their next beat. */
  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearInterval(this.timer);
    await this.beating;
    if (!this.etag) return;
    try {
      await this.store.delete(INSTANCES_BUCKET, this.instanceId, this.etag);
    } catch (err) {
      this.log.warn('instances.leaveFailed', { error: (err as Error).name });
    }
    this.etag = undefined;
  }

  private async beatOnce(): Promise<number> {
    try {
      const now = this.clock();
      await this.write({
        type: 'instance',
        id: this.instanceId,
        bucket: INSTANCES_BUCKET,
        seenAt: new Date(now).toISOString(),
        ttl: Math.max(60, Math.ceil((6 * this.periodMs) / 1000)),
      });
      const since = new Date(now - 3 * this.periodMs).toISOString();
      const rows = await this.store.query(liveInstances(INSTANCES_BUCKET, since));
      const ids = new Set([this.instanceId]);
      for (const { doc } of rows) if (doc.type === 'instance' && doc.seenAt > since) ids.add(doc.id);
      if (ids.size !== this.count) this.log.info('instances.live', { count: ids.size, instance: this.instanceId });
      this.count = ids.size;
    } catch (err) {
      this.log.warn('instances.beatFailed', { error: (err as Error).name, keeping: this.count });
    }
    return this.count;
  }

  /** Replaces the heartbeat under the ETag of its last write (one request); creates it when it is not there. */
  private async write(beat: InstanceBeat): Promise<void> {
    if (this.etag) {
      try {
        this.etag = (await this.store.replace(beat, this.etag)).etag;
        return;
      } catch (err) {
        if (!(err instanceof ConcurrencyError)) throw err;
      }
    }
    this.etag = (await upsert<InstanceBeat>(this.store, INSTANCES_BUCKET, this.instanceId, () => beat))?.etag;
  }
}

/**
 * The instances whose heartbeat is newer than `since` (the query every beat runs; `store/queries.ts` has the others). One partition (the
 * instances' own); the cost grows with the live instances, and with dead ones until their ttl
 * removes them. Each running instance asks it once per heartbeat.
 */
function liveInstances(bucket: string, sinceIso: string): NamedQuery<InstanceBeat> {
  return {
    name: 'instances.live',
    partition: bucket,
    sql: "SELECT * FROM c WHERE c.bucket = @bucket AND c.type = 'instance' AND c.seenAt > @since",
    parameters: { bucket, since: sinceIso },
  };
}

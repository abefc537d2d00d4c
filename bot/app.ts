import { randomUUID } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { DateTime } from 'luxon';
import type { Config } from './config';
import { httpServer } from './http/server';
import { resumePendingDeliveries } from './services/invitations';
import { LetterLinks } from './services/links';
import type { Deps, Logger } from './services/ports';
import { cosmosClient, openContainers, storesOn } from './store/cosmos';
import { SnapshotFile, startEmbeddedCosmos, type EmbeddedCosmos } from './store/embedded';
import { teamsEndpoint } from './teams/endpoint';

/** A running Samråd. */
export interface Samrad {
  /** The address it listens on, e.g. http://127.0.0.1:3978. */
  url: string;
  deps: Deps;
  close(): Promise<void>;
}

/** How often waiting invitations are looked for (after a restart, or one another instance left). */
const SWEEP_MS = 60_000;

/** Composition root: config → store → Teams endpoint → services → HTTP server, listening. */
export async function startSamrad(config: Config, log: Logger, now: () => DateTime = () => DateTime.utc()): Promise<Samrad> {
  let embedded: EmbeddedCosmos | undefined;
  let target = config.cosmos;
  if (!target) {
    embedded = await startEmbeddedCosmos();
    target = { endpoint: embedded.endpoint, key: embedded.key, database: config.database };
    log.warn('store.embedded', { note: 'embedded Cosmos DB server for local use only', dataDir: config.dataDir });
  }
  const containers = await openContainers(cosmosClient(target), target.database);
  const snapshot = embedded ? new SnapshotFile(config.dataDir, containers) : undefined;
  if (snapshot) log.info('store.restored', { documents: await snapshot.restore() });
  const stores = storesOn(containers, snapshot ? () => snapshot.changed() : undefined);

  const teams = teamsEndpoint(config, log);
  let listeningAt = '';
  const links = new LetterLinks(config.linkSecret, () => config.publicBaseUrl ?? listeningAt, now);
  const deps: Deps = {
    stores,
    now,
    newId: () => randomUUID(),
    messenger: teams.messenger,
    links,
    log,
    instanceId: randomUUID(),
  };
  teams.attach(deps);

  const server = httpServer(teams, deps, links);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(config.port, config.host, () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  const host = config.host.includes(':') ? `[${config.host}]` : config.host;
  listeningAt = `http://${host}:${port}`;
  const sweep = () => void resumePendingDeliveries(deps).catch((err: Error) => log.error('sweep.failed', { error: err.name }));
  const timer = setInterval(sweep, SWEEP_MS);
  timer.unref();
  sweep();
  log.info('samrad.listening', { url: `http://${host}:${port}`, local: config.local, authenticated: !!config.bot.appId });

  return {
    url: `http://${host}:${port}`,
    deps,
    async close() {
      clearInterval(timer);
      await new Promise<void>((resolve) => server.close(() => resolve()));
      if (snapshot) await snapshot.close();
      if (embedded) await embedded.close();
    },
  };
}

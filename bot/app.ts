import { randomUUID } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { DateTime } from 'luxon';
import type { Config } from './config';
import { appCoordinators } from './graph/coordinators';
import { appInstaller } from './graph/installer';
import type { TokenSource } from './graph/token';
import { httpServer } from './http/server';
import { TabSso } from './http/sso';
import { JobRunner } from './jobs/runner';
import { feedbackFanout, minutesFanout } from './services/after-delivery';
import { deliveryJob } from './services/delivery';
import { LetterLinks } from './services/links';
import type { Logger } from './log';
import type { Deps, Stores } from './services/ports';
import { nudgeJob, trackJob } from './services/nudges';
import { eraseMeetingJob, erasePersonJob } from './services/erasure';
import { appOfficers } from './services/officers';
import { peopleJob } from './services/people';
import { digestJob } from './services/overview';
import { meetingOfferJob } from './services/session';
import { statusCardJob } from './services/status';
import { CosmosDocumentStore, cosmosClient, openContainers, type StoreMeter, type StoreObserver } from './store/cosmos-store';
import type { EmbeddedCosmos } from './store/embedded';
import { loadEmbeddedStore } from './store/embedded-loader';
import { storeScope } from './store/scope';
import { InstanceRegistry, type InstanceBeat } from './store/instances';
import { messagesEndpoint, teamsAdapter } from './teams/endpoint';
import { startTelemetry, type TelemetryOptions } from './telemetry';
import { noTelemetry } from './telemetry/port';

/** A running Samråd. */
export interface Samrad {
  /** The address it listens on, e.g. http://127.0.0.1:3978. */
  url: string;
  deps: Deps;
  /** This instance's job runner (tests wait on it). */
  jobs: JobRunner;
  close(): Promise<void>;
}

/** What a test or the benchmark may add to a start. */
export interface StartOptions {
  now?: () => DateTime;
  /** Hears of every store request (the benchmark counts them). */
  observeStore?: StoreObserver;
  /** Microsoft Graph tokens instead of the bot's own credentials (tests: a token for a local Graph stand-in). */
  graphTokens?: TokenSource;
  /** How telemetry is exported when a connection string is configured (tests: trust the local ingestion stand-in). */
  telemetry?: TelemetryOptions;
}

/** Composition root: config → store → Teams adapter → services and jobs → HTTP server, listening. */
export async function startSamrad(config: Config, log: Logger, options: StartOptions = {}): Promise<Samrad> {
  const now = options.now ?? (() => DateTime.utc());
  let embedded: EmbeddedCosmos | undefined;
  let target = config.cosmos;
  if (!target) {
    // Loaded only in local mode without a store of its own: the embedded server costs about 35 MB of
    // memory, and a production package has none (EmbeddedStoreMissing names the cause and the fix).
    const { startEmbeddedCosmos } = loadEmbeddedStore();
    embedded = await startEmbeddedCosmos({ dataDir: config.dataDir, log, now: () => now().toMillis() });
    target = { endpoint: embedded.endpoint, key: embedded.key, database: config.database };
    log.warn('store.embedded', { note: 'embedded Cosmos DB server for local use only', dataDir: config.dataDir });
  }
  // The embedded store is in this process: its requests are handed to it in memory, not through a socket.
  const containers = await openContainers(cosmosClient(target, embedded?.httpClient), target.database);
  const storeRequests: Record<string, number> = {};
  // Local mode also counts them by what they were made for (a turn, a job's run by its kind, a poll: `store/scope.ts`), for the benchmark's requests per verb.
  const byScope: Record<string, Record<string, number>> = {};
  const observe: StoreObserver = (container, operation) => {
    const key = `${container}.${operation}`;
    storeRequests[key] = (storeRequests[key] ?? 0) + 1;
    if (config.local) {
      const counts = (byScope[storeScope() ?? 'other'] ??= {});
      counts[key] = (counts[key] ?? 0) + 1;
    }
    options.observeStore?.(container, operation);
  };
  // Nothing is exported (nor loaded) without APPLICATIONINSIGHTS_CONNECTION_STRING.
  const telemetry = startTelemetry(config.telemetry, options.telemetry);
  // Without telemetry the store, the connector client and the HTTP server get no hooks at all (nothing to time or count).
  const telemetryOn = telemetry !== noTelemetry;
  const meter: StoreMeter | undefined = telemetryOn ? (container, operation, requestCharge, ms) => telemetry.store(container, operation, requestCharge, ms) : undefined;
  const clock = () => now().toMillis();
  const stores: Stores = {
    meetings: new CosmosDocumentStore(containers.meetings, 'meetings', observe, clock, meter),
    users: new CosmosDocumentStore(containers.users, 'users', observe, clock, meter),
    meetingIndex: new CosmosDocumentStore(containers.meetingIndex, 'meetingIndex', observe, clock, meter),
    jobs: new CosmosDocumentStore(containers.jobs, 'jobs', observe, clock, meter),
    overview: new CosmosDocumentStore(containers.overview, 'overview', observe, clock, meter),
    people: new CosmosDocumentStore(containers.people, 'people', observe, clock, meter),
  };

  // Teams' rate limits are the app's in the tenant, not this process's: the instances on this store
  // count each other through heartbeats in the jobs container, and the Pacer divides the limits by the count.
  const instanceId = randomUUID();
  const instances = new InstanceRegistry(new CosmosDocumentStore<InstanceBeat>(containers.jobs, 'jobs', observe, undefined, meter), instanceId, { log });
  await instances.start();
  const teams = teamsAdapter(config, log, () => instances.live(), telemetryOn ? telemetry : undefined);
  let listeningAt = '';
  const links = new LetterLinks(config.linkSecret, () => config.publicBaseUrl ?? listeningAt, now);
  const jobs = new JobRunner(stores.jobs, instanceId, now, log, { telemetry });
  const deps: Deps = { stores, now, newId: () => randomUUID(), messenger: teams.messenger, links, log, jobs, installer: appInstaller(config, log, options.graphTokens), coordinators: appCoordinators(config, log, options.graphTokens), dataProtection: appOfficers(config, log), defaultTimeZone: config.defaultTimeZone, nudgeSettings: config.nudges, retention: config.retention, telemetry };

  // The live timer tab's sign-on; `links.liveUrl` (on the meeting-mode card) is the signed link for a big screen.
  const sso = new TabSso({ ...config.sso, tenantId: config.bot.tenantId || undefined }, now);
  const server = httpServer(messagesEndpoint(teams, deps, config), deps, links, config.local ? { storeRequests: () => ({ ...storeRequests }), storeRequestsByScope: () => structuredClone(byScope) } : undefined, sso, { retentionMonths: config.retention.months });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(config.port, config.host, () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  const host = config.host.includes(':') ? `[${config.host}]` : config.host;
  listeningAt = `http://${host}:${port}`;
  jobs.start([deliveryJob(deps), statusCardJob(deps), meetingOfferJob(deps), feedbackFanout(deps).job, minutesFanout(deps).job, trackJob(deps), nudgeJob(deps), digestJob(deps), peopleJob(deps), erasePersonJob(deps), eraseMeetingJob(deps)]);
  log.info('samrad.listening', { url: listeningAt, local: config.local, authenticated: !!config.bot.appId, instance: instanceId });

  return {
    url: listeningAt,
    deps,
    jobs,
    async close() {
      await jobs.stop();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await instances.stop();
      // The metrics and spans still recorded are sent now (the jobs and the server have stopped recording).
      await telemetry.shutdown();
      if (embedded) await embedded.close();
    },
  };
}

/**
 * What Samråd tells about itself while it runs: how requests are served, how jobs end, how Teams
 * and the store answer. A port: the HTTP server, the job runner, the Teams adapter and the store
 * report here, and know nothing of where it goes (`azure-monitor.ts`: Application Insights, loaded
 * only when a connection string is configured; otherwise `noTelemetry`).
 *
 * Every value is from a fixed vocabulary or a number: a route template (`GET /p/:token`, never the
 * path asked for, which carries a signed token), a verb or activity kind (`vocabulary.ts`), a job
 * kind, an outcome, a status code, a container and operation name, a charge, a duration. Never a
 * name, an e-mail or postal address, free text, a token, a meeting id or any other id.
 */

/** How a job's turn ended, or where it is: found due here and tried, claimed, finished, tried again later, given up, taken over by another instance. */
export type JobOutcome = 'due' | 'claimed' | 'done' | 'retried' | 'dead' | 'lost';

/** A request to the Bot Framework connector, by the REST operation it is (`vocabulary.ts`: `teamsOperation`). */
export type TeamsOperation = 'createConversation' | 'sendToConversation' | 'replyToActivity' | 'updateActivity' | 'deleteActivity' | 'getMembers' | 'other';

export interface Telemetry {
  /** An HTTP request answered: the route template (`/p/:token`, `unmatched`), the method, the verb for /api/messages, the status and how long it took. */
  request(route: string, method: string, verb: string | undefined, status: number, ms: number): void;
  /** A job of this declared kind reached this point; `ms` is the run's length for the outcomes that end a run. */
  job(kind: string, outcome: JobOutcome, ms?: number): void;
  /** The connector answered one attempt with this status (0: no answer), after `ms`; the connector client's own retries are attempts of their own. */
  teams(status: number, operation: TeamsOperation, ms: number): void;
  /** One store request: its container, operation, request charge (RU) and how long it took. */
  store(container: string, operation: string, requestCharge: number, ms: number): void;
  /** Sends what is recorded so far (tests; a stop). */
  flush(): Promise<void>;
  /** Sends what is left and stops. */
  shutdown(): Promise<void>;
}

/** Without a connection string: nothing is recorded, nothing leaves the process. */
export const noTelemetry: Telemetry = {
  request: () => {},
  job: () => {},
  teams: () => {},
  store: () => {},
  flush: async () => {},
  shutdown: async () => {},
};

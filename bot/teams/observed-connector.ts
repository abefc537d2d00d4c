import type { ConfigurationBotFrameworkAuthentication } from 'botbuilder';
import type { Telemetry } from '../telemetry/port';
import { teamsOperation } from '../telemetry/vocabulary';

type ConnectorFactory = ReturnType<ConfigurationBotFrameworkAuthentication['createConnectorFactory']>;
type ConnectorClient = Awaited<ReturnType<ConnectorFactory['create']>>;

/** The parts of an @azure/core-rest-pipeline pipeline this file uses. */
interface PipelineLike {
  addPolicy(
    policy: { name: string; sendRequest(request: { method: string; url: string }, next: (request: any) => Promise<{ status: number }>): Promise<{ status: number }> },
    options?: { afterPhase?: 'Serialize' | 'Retry' | 'Sign' },
  ): void;
  getOrderedPolicies(): { name: string }[];
}

const POLICY = 'samradTeamsTelemetry';

/**
 * A connector factory whose clients report every answer of the Bot Framework connector: its
 * status and the REST operation (never the URL, whose path holds conversation and activity ids).
 *
 * The connector client's HTTP pipeline (@azure/core-rest-pipeline, inside botframework-connector)
 * retries a 429 after its Retry-After and a 5xx after a growing wait, so Samråd's own code sees
 * only what is left once those retries give up. To count each 429 and 403 Teams answers, a policy
 * is placed after the pipeline's retry phase: it sees every attempt as it goes out and comes back.
 * The pipeline is the client's own (`client.pipeline` of the compat ServiceClientContext of
 * botbuilder 4.23); a client without one is left as it is, and the telemetry test notices.
 */
export function observedConnectorFactory(inner: ConnectorFactory, report: Telemetry['teams']): ConnectorFactory {
  return {
    async create(serviceUrl: string, audience?: string): Promise<ConnectorClient> {
      const client = await inner.create(serviceUrl, audience);
      observe(client, report);
      return client;
    },
  };
}

function observe(client: ConnectorClient, report: Telemetry['teams']): void {
  const pipeline = (client as unknown as { client?: { pipeline?: PipelineLike } }).client?.pipeline;
  if (!pipeline || typeof pipeline.addPolicy !== 'function' || pipeline.getOrderedPolicies().some((p) => p.name === POLICY)) return;
  pipeline.addPolicy(
    {
      name: POLICY,
      async sendRequest(request, next) {
        const operation = teamsOperation(request.method, request.url);
        const started = performance.now();
        try {
          const response = await next(request);
          report(response.status, operation, performance.now() - started);
          return response;
        } catch (err) {
          // No answer (a refused or reset connection): status 0.
          const status = (err as { statusCode?: unknown }).statusCode;
          report(typeof status === 'number' ? status : 0, operation, performance.now() - started);
          throw err;
        }
      },
    },
    { afterPhase: 'Retry' },
  );
}

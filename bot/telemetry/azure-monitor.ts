import type * as Api from '@opentelemetry/api';
import type * as Exporter from '@azure/monitor-opentelemetry-exporter';
import type * as Metrics from '@opentelemetry/sdk-metrics';
import type * as Resources from '@opentelemetry/resources';
import type * as Traces from '@opentelemetry/sdk-trace-base';
import type { JobOutcome, Telemetry, TeamsOperation } from './port';

/** What a test (or an unusual deployment) may change about the export. */
export interface TelemetryOptions {
  /** A certificate authority (PEM) to trust for the ingestion endpoint besides the system's: the tests' local stand-in. */
  ca?: string;
  /** How often the metrics are sent (default 60 s). Spans go in batches every 5 s. */
  exportIntervalMs?: number;
  /** Keep what could not be sent on local disk and send it later (the exporter's offline storage; default on). */
  offlineStorage?: boolean;
}

/** The metric names, as Application Insights shows them (customMetrics). */
export const METRICS = {
  request: 'samrad.request.duration',
  jobs: 'samrad.jobs',
  teams: 'samrad.teams.responses',
  storeCharge: 'samrad.store.request_charge',
  storeDuration: 'samrad.store.duration',
} as const;

const METHOD_OF: Record<TeamsOperation, string> = {
  createConversation: 'POST',
  sendToConversation: 'POST',
  replyToActivity: 'POST',
  updateActivity: 'PUT',
  deleteActivity: 'DELETE',
  getMembers: 'GET',
  other: '_OTHER',
};

/**
 * Telemetry to Application Insights through OpenTelemetry: a MeterProvider and a TracerProvider
 * of this Samråd's own (never the process-wide globals, so several instances in one process each
 * have theirs and stop theirs) with the Azure Monitor exporters, and nothing else: no automatic
 * instrumentation of HTTP, of the Azure SDKs or of the console, so no URL, query string, header,
 * body or log line is ever collected. Every value recorded is given by `Telemetry`'s callers,
 * from a fixed vocabulary (see `port.ts`).
 *
 * Loaded only when a connection string is configured: the Azure Monitor exporter and the
 * OpenTelemetry SDK parts it needs are declared dependencies of their own (not the
 * `@azure/monitor-opentelemetry` distro, whose automatic instrumentations Samråd would switch off
 * and whose 16,000 files would only grow the deployed package); without a connection string none
 * of it is loaded.
 */
export function azureMonitorTelemetry(connectionString: string, options: TelemetryOptions = {}): Telemetry {
  // The SDK's statsbeat reports the exporter's own use to Microsoft's resource, not this one: off,
  // unless the environment says otherwise. Samråd's telemetry goes to its own resource only.
  process.env.APPLICATION_INSIGHTS_NO_STATSBEAT ??= 'true';
  const api = require('@opentelemetry/api') as typeof Api;
  const { AzureMonitorMetricExporter, AzureMonitorTraceExporter } = require('@azure/monitor-opentelemetry-exporter') as typeof Exporter;
  const { MeterProvider, PeriodicExportingMetricReader } = require('@opentelemetry/sdk-metrics') as typeof Metrics;
  const { BasicTracerProvider, BatchSpanProcessor } = require('@opentelemetry/sdk-trace-base') as typeof Traces;
  const { resourceFromAttributes } = require('@opentelemetry/resources') as typeof Resources;

  const exporterOptions: Exporter.AzureMonitorExporterOptions = {
    connectionString,
    disableOfflineStorage: options.offlineStorage === false,
    ...(options.ca ? { tlsOptions: { ca: options.ca } } : {}),
  };
  // The service's name only: no host, process or command-line attributes (App Service's instance name is added by the exporter).
  const resource = resourceFromAttributes({ 'service.name': 'samrad' });
  const meterProvider = new MeterProvider({
    resource,
    readers: [new PeriodicExportingMetricReader({ exporter: new AzureMonitorMetricExporter(exporterOptions), exportIntervalMillis: options.exportIntervalMs ?? 60_000 })],
  });
  const tracerProvider = new BasicTracerProvider({ resource, spanProcessors: [new BatchSpanProcessor(new AzureMonitorTraceExporter(exporterOptions))] });
  const meter = meterProvider.getMeter('samrad');
  const tracer = tracerProvider.getTracer('samrad');

  const requestDuration = meter.createHistogram(METRICS.request, { unit: 'ms', description: 'HTTP requests answered, per route template, method, verb and status' });
  const jobs = meter.createCounter(METRICS.jobs, { description: 'Jobs per kind and outcome: due, claimed, done, retried, dead, lost' });
  const teamsResponses = meter.createCounter(METRICS.teams, { description: 'Answers of the Bot Framework connector, per operation and status (each attempt, 429 included)' });
  const storeCharge = meter.createHistogram(METRICS.storeCharge, { unit: 'RU', description: 'Request charge of each store request, per container and operation' });
  const storeDuration = meter.createHistogram(METRICS.storeDuration, { unit: 'ms', description: 'Duration of each store request, per container and operation' });

  /** A span for what has just ended, `ms` long. */
  const span = (name: string, kind: Api.SpanKind, ms: number, attributes: Api.Attributes, failed: boolean) => {
    const end = Date.now();
    const s = tracer.startSpan(name, { kind, startTime: end - Math.max(0, ms), attributes });
    s.setStatus({ code: failed ? api.SpanStatusCode.ERROR : api.SpanStatusCode.OK });
    s.end(end);
  };
  let stopped: Promise<void> | undefined;

  return {
    request(route, method, verb, status, ms) {
      const attributes = { 'http.route': route, 'http.request.method': method, 'http.response.status_code': status, ...(verb ? { 'samrad.verb': verb } : {}) };
      requestDuration.record(ms, attributes);
      span(`${method} ${route}`, api.SpanKind.SERVER, ms, attributes, status >= 500);
    },
    job(kind, outcome: JobOutcome, ms) {
      const attributes = { 'samrad.job.kind': kind, 'samrad.job.outcome': outcome };
      jobs.add(1, attributes);
      // A run that ended: one span (an operation of its own in Application Insights, named after the kind).
      if (ms !== undefined) span(`job ${kind}`, api.SpanKind.CONSUMER, ms, { ...attributes, 'ai.operation.name': `job ${kind}` }, outcome !== 'done');
    },
    teams(status, operation, ms) {
      teamsResponses.add(1, { 'samrad.teams.operation': operation, 'http.response.status_code': status });
      span(`teams ${operation}`, api.SpanKind.CLIENT, ms, { 'samrad.teams.operation': operation, 'http.request.method': METHOD_OF[operation], 'http.response.status_code': status }, status === 0 || status >= 400);
    },
    store(container, operation, requestCharge, ms) {
      const attributes = { 'samrad.store.container': container, 'samrad.store.operation': operation };
      storeCharge.record(requestCharge, attributes);
      storeDuration.record(ms, attributes);
    },
    async flush() {
      await Promise.all([meterProvider.forceFlush(), tracerProvider.forceFlush()]);
    },
    shutdown() {
      stopped ??= Promise.allSettled([meterProvider.shutdown(), tracerProvider.shutdown()]).then(() => undefined);
      return stopped;
    },
  };
}

import { createServer, type Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import { gunzipSync } from 'node:zlib';
import { STAND_IN_CERT, STAND_IN_KEY } from './ingestion-cert';
import { closeServer } from './http';

/** The instrumentation key of the tests' connection strings: a fixed GUID of no Application Insights resource. */
export const TEST_INSTRUMENTATION_KEY = '5a3e7c1d-0b2f-4e6a-9c8d-7f1e2d3c4b5a';

/** One telemetry item as the exporter sends it (Application Insights' "Breeze" envelope). */
export interface Envelope {
  name: string;
  iKey: string;
  time: string;
  tags: Record<string, string>;
  data: { baseType: string; baseData: Record<string, any> };
}

/** A metric data point of a MetricData envelope, with its dimensions. */
export interface MetricPoint {
  name: string;
  value: number;
  count?: number;
  min?: number;
  max?: number;
  properties: Record<string, string | number>;
}

/**
 * A local stand-in for Application Insights' ingestion endpoint: an https server on 127.0.0.1
 * that takes what the Azure Monitor exporter POSTs to `/v2.1/track` (a JSON array of envelopes,
 * or one per line; gzip when the exporter compresses it), answers as the service does (200 with
 * the items accepted) and keeps every payload exactly as it arrived, decompressed, whatever the
 * path: the tests read metrics and spans from them and search them for personal data.
 */
export class IngestionStandIn {
  /** Every request body received, decompressed, in arrival order. */
  readonly payloads: string[] = [];
  /** The path of each request, in the same order. */
  readonly paths: string[] = [];
  private server?: Server;
  private port = 0;

  async start(): Promise<void> {
    this.server = createServer({ cert: STAND_IN_CERT, key: STAND_IN_KEY }, (req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (chunk: Buffer) => chunks.push(chunk));
      req.on('end', () => {
        let body = Buffer.concat(chunks);
        if (String(req.headers['content-encoding'] ?? '').toLowerCase() === 'gzip') body = gunzipSync(body);
        const text = body.toString('utf8');
        this.payloads.push(text);
        this.paths.push(req.url ?? '');
        if (req.method !== 'POST' || !(req.url ?? '').startsWith('/v2.1/track')) {
          res.writeHead(404, { 'content-type': 'application/json' });
          return void res.end('{}');
        }
        const items = parseEnvelopes(text).length;
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ itemsReceived: items, itemsAccepted: items, errors: [] }));
      });
    });
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', () => resolve()));
    this.port = (this.server.address() as AddressInfo).port;
  }

  /** The connection string that sends to this stand-in. */
  get connectionString(): string {
    return `InstrumentationKey=${TEST_INSTRUMENTATION_KEY};IngestionEndpoint=https://127.0.0.1:${this.port}/`;
  }

  /** The certificate Samråd must trust to send here. */
  get ca(): string {
    return STAND_IN_CERT;
  }

  /** Every envelope received so far. */
  envelopes(): Envelope[] {
    return this.payloads.flatMap(parseEnvelopes);
  }

  /** Every metric data point received so far (of this name, if given). */
  metrics(name?: string): MetricPoint[] {
    return this.envelopes()
      .filter((e) => e.data?.baseType === 'MetricData')
      .flatMap((e) => (e.data.baseData.metrics as Omit<MetricPoint, 'properties'>[]).map((m) => ({ ...m, properties: e.data.baseData.properties ?? {} })))
      .filter((m) => name === undefined || m.name === name);
  }

  /** The spans received so far as Application Insights requests (server and consumer spans). */
  requests(): Record<string, any>[] {
    return this.envelopes().filter((e) => e.data?.baseType === 'RequestData').map((e) => ({ ...e.data.baseData, tags: e.tags }));
  }

  /** The spans received so far as Application Insights dependencies (client spans). */
  dependencies(): Record<string, any>[] {
    return this.envelopes().filter((e) => e.data?.baseType === 'RemoteDependencyData').map((e) => ({ ...e.data.baseData, tags: e.tags }));
  }

  /** Waits until `found` holds of what arrived (asking `flush` to send first, each round), or fails naming `what`. */
  async waitFor(what: string, found: () => boolean, flush: () => Promise<void> = async () => {}, timeoutMs = 30_000): Promise<void> {
    const started = Date.now();
    for (;;) {
      await flush();
      if (found()) return;
      if (Date.now() - started > timeoutMs) throw new Error(`the ingestion stand-in never received ${what} (${this.payloads.length} payloads)`);
      await new Promise((r) => setTimeout(r, 50));
    }
  }

  async stop(): Promise<void> {
    await closeServer(this.server);
  }
}

/** The envelopes of one payload: a JSON array, or one JSON object per line. */
function parseEnvelopes(text: string): Envelope[] {
  const trimmed = text.trim();
  if (!trimmed) return [];
  try {
    const parsed = JSON.parse(trimmed) as unknown;
    return (Array.isArray(parsed) ? parsed : [parsed]) as Envelope[];
  } catch {
    return trimmed.split('\n').filter((line) => line.trim()).map((line) => JSON.parse(line) as Envelope);
  }
}

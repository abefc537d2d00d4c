/**
 * Load generation, in the bench's own process (the servers run in other processes, so they
 * never share an event loop with it): a keep-alive HTTP client, an open-loop generator at a
 * fixed rate, and a closed loop through autocannon.
 */
import { Agent, request } from 'node:http';
import autocannon from 'autocannon';

const agent = new Agent({ keepAlive: true, maxSockets: 512, keepAliveMsecs: 10_000 });

/** An HTTP answer with its body parsed as JSON when it is JSON. */
export interface HttpAnswer {
  status: number;
  body: any;
}

/**
 * One HTTP request on the shared keep-alive agent. A request that fails with ECONNRESET on a
 * reused socket is sent once more: the server closed that idle socket as the request left, so it
 * never saw it (the race Node's documentation describes for keep-alive clients).
 */
export async function http(method: string, url: string, body?: unknown, timeoutMs = 30_000): Promise<HttpAnswer> {
  try {
    return await once(method, url, body, timeoutMs);
  } catch (err) {
    if ((err as { reusedSocket?: boolean }).reusedSocket && (err as NodeJS.ErrnoException).code === 'ECONNRESET') return once(method, url, body, timeoutMs);
    throw err;
  }
}

function once(method: string, url: string, body: unknown, timeoutMs: number): Promise<HttpAnswer> {
  return new Promise((resolve, reject) => {
    const payload = body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body);
    const req = request(
      url,
      {
        method,
        agent,
        headers: payload === undefined ? {} : { 'content-type': 'application/json', 'content-length': Buffer.byteLength(payload) },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          let parsed: any = text;
          try {
            parsed = text ? JSON.parse(text) : undefined;
          } catch {
            /* keep the text */
          }
          resolve({ status: res.statusCode ?? 0, body: parsed });
        });
        res.on('error', reject);
      },
    );
    req.setTimeout(timeoutMs, () => req.destroy(new Error(`${method} ${url} timed out after ${timeoutMs} ms`)));
    req.on('error', (err) => reject(Object.assign(err, { reusedSocket: req.reusedSocket })));
    req.end(payload);
  });
}

/** The value at percentile p (0–100) of the samples, by nearest rank; NaN when there are none. */
export function percentile(samples: number[], p: number): number {
  if (samples.length === 0) return NaN;
  const sorted = [...samples].sort((a, b) => a - b);
  const rank = Math.max(1, Math.ceil((p / 100) * sorted.length));
  return sorted[Math.min(sorted.length, rank) - 1];
}

/** What an open-loop run measured. */
export interface OpenLoopResult {
  sent: number;
  /** Requests whose answer `send` judged right. */
  ok: number;
  /** Requests answered but judged wrong (a refused answer, a non-200). */
  wrong: number;
  /** Requests that failed at the HTTP level (connection error, timeout). */
  errors: number;
  /** Milliseconds from each request's scheduled time to its answer (coordinated omission corrected). */
  latencies: number[];
  /** Requests per second actually started. */
  rate: number;
}

/**
 * Sends `rate` requests a second for `durationMs`, each at its scheduled time whether or not
 * earlier ones were answered (an open loop, as real users press buttons). `send(i)` makes
 * request i and says whether its answer was the right one.
 */
export async function openLoop(rate: number, durationMs: number, send: (i: number) => Promise<boolean>): Promise<OpenLoopResult> {
  const total = Math.round((rate * durationMs) / 1000);
  const interval = 1000 / rate;
  const result: OpenLoopResult = { sent: 0, ok: 0, wrong: 0, errors: 0, latencies: [], rate: 0 };
  const pending: Promise<void>[] = [];
  const start = performance.now() + 5;
  let firstAt = 0;
  let lastAt = 0;
  for (let i = 0; i < total; i++) {
    const due = start + i * interval;
    const wait = due - performance.now();
    if (wait > 1) await new Promise((r) => setTimeout(r, wait));
    lastAt = performance.now();
    if (i === 0) firstAt = lastAt;
    result.sent += 1;
    pending.push(
      send(i).then(
        (ok) => {
          result.latencies.push(performance.now() - due);
          if (ok) result.ok += 1;
          else result.wrong += 1;
        },
        () => {
          result.errors += 1;
        },
      ),
    );
  }
  await Promise.all(pending);
  result.rate = total > 1 ? ((total - 1) / Math.max(lastAt - firstAt, 1)) * 1000 : rate;
  return result;
}

/** A closed loop: `connections` clients each sending the next request as soon as the last is answered. */
export async function closedLoop(options: {
  url: string;
  connections: number;
  durationS: number;
  body: () => string;
}): Promise<{ rps: number; p50: number; p99: number; non2xx: number; errors: number; total: number }> {
  const result = await autocannon({
    url: options.url,
    connections: options.connections,
    duration: options.durationS,
    timeout: 30,
    requests: [
      {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        setupRequest: (req) => ({ ...req, body: options.body() }),
      },
    ],
  });
  return {
    rps: result.requests.average,
    p50: result.latency.p50,
    p99: result.latency.p99,
    non2xx: result.non2xx,
    errors: result.errors + result.timeouts,
    total: result.requests.total,
  };
}

import type { TokenSource } from './token';

/**
 * Microsoft Graph over HTTP, as Samråd needs it: a few JSON requests, each bounded in time.
 * It retries nothing itself except one wait for a 429's Retry-After; whatever else fails is
 * thrown as GraphUnavailableError, and the job that asked tries again later.
 */

/** How long one Graph request may take, token included. */
export const GRAPH_TIMEOUT_MS = 10_000;
/** The longest Retry-After waited for; a longer one is left to the job's next attempt. */
export const MAX_RETRY_AFTER_MS = 15_000;

/** Graph could not be asked right now: no token, no connection, a timeout, throttling or a 5xx. */
export class GraphUnavailableError extends Error {
  constructor(
    readonly reason: 'token' | 'network' | 'timeout' | 'throttled' | 'status',
    readonly status = 0,
  ) {
    super(`Microsoft Graph unavailable (${reason}${status ? ` ${status}` : ''})`);
    this.name = 'GraphUnavailableError';
  }
}

/** A Graph answer that was not an outage: its status, its JSON body (if any) and Graph's error code. */
export interface GraphAnswer {
  status: number;
  body: unknown;
  /** `error.code` of an error answer, a short word for the log (never its message). */
  code?: string;
}

export interface GraphClientOptions {
  /** e.g. https://graph.microsoft.com/v1.0, without a trailing slash. */
  baseUrl: string;
  tokens: TokenSource;
  timeoutMs?: number;
  maxRetryAfterMs?: number;
  sleep?: (ms: number) => Promise<void>;
}

export class GraphClient {
  readonly baseUrl: string;
  private readonly timeoutMs: number;
  private readonly maxRetryAfterMs: number;
  private readonly sleep: (ms: number) => Promise<void>;

  constructor(private readonly options: GraphClientOptions) {
    this.baseUrl = options.baseUrl.replace(/\/+$/, '');
    this.timeoutMs = options.timeoutMs ?? GRAPH_TIMEOUT_MS;
    this.maxRetryAfterMs = options.maxRetryAfterMs ?? MAX_RETRY_AFTER_MS;
    this.sleep = options.sleep ?? ((ms) => new Promise((resolve) => setTimeout(resolve, ms)));
  }

  /**
   * Sends one request to `path` (below the base address, starting with `/`). Answers every status
   * below 500 but 408 and 429; a 429 is sent once more after its Retry-After (when it asks for at
   * most `maxRetryAfterMs`); anything else is thrown as GraphUnavailableError.
   */
  async send(method: 'GET' | 'POST', path: string, body?: unknown): Promise<GraphAnswer> {
    for (let attempt = 1; ; attempt++) {
      const { status, headers, json } = await this.once(method, path, body);
      if (status === 429) {
        const wait = retryAfterMs(headers.get('retry-after'), Date.now());
        if (attempt === 1 && wait !== undefined && wait <= this.maxRetryAfterMs) {
          await this.sleep(wait);
          continue;
        }
        throw new GraphUnavailableError('throttled', status);
      }
      if (status >= 500 || status === 408) throw new GraphUnavailableError('status', status);
      return { status, body: json, code: errorCode(json) };
    }
  }

  private async once(method: string, path: string, body: unknown): Promise<{ status: number; headers: Headers; json: unknown }> {
    const signal = AbortSignal.timeout(this.timeoutMs);
    let token: string;
    try {
      token = await this.options.tokens.token(signal);
    } catch {
      // The credential's own error may name the tenant and app; the caller needs only the kind.
      throw new GraphUnavailableError(signal.aborted ? 'timeout' : 'token');
    }
    try {
      const res = await fetch(`${this.baseUrl}${path}`, {
        method,
        headers: {
          authorization: `Bearer ${token}`,
          accept: 'application/json',
          ...(body === undefined ? {} : { 'content-type': 'application/json' }),
        },
        body: body === undefined ? undefined : JSON.stringify(body),
        signal,
        redirect: 'error',
      });
      const text = await res.text();
      let json: unknown;
      try {
        json = text ? JSON.parse(text) : undefined;
      } catch {
        json = undefined;
      }
      return { status: res.status, headers: res.headers, json };
    } catch {
      throw new GraphUnavailableError(signal.aborted ? 'timeout' : 'network');
    }
  }
}

/** Milliseconds a Retry-After header asks for (seconds or an HTTP date), or undefined when it says nothing usable. */
export function retryAfterMs(header: string | null, now: number): number | undefined {
  const value = header?.trim();
  if (!value) return undefined;
  if (/^\d+$/.test(value)) return Number(value) * 1000;
  // An HTTP date (IMF-fixdate) ends in GMT; Date.parse alone would take "-1" or "1.5" for dates.
  const at = /\sGMT$/.test(value) ? Date.parse(value) : NaN;
  return Number.isNaN(at) ? undefined : Math.max(0, at - now);
}

function errorCode(json: unknown): string | undefined {
  const code = (json as { error?: { code?: unknown } } | undefined)?.error?.code;
  return typeof code === 'string' ? code.replace(/[^A-Za-z0-9_.-]/g, '').slice(0, 60) || undefined : undefined;
}

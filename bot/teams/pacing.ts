/**
 * Teams' rate limits for a bot: per conversation 7 messages a second and 60 in 30 seconds,
 * per app and tenant 50 requests a second. The Pacer spaces sends to stay inside them; what
 * the service still refuses with 429 is retried after its Retry-After.
 */
export class Pacer {
  private readonly last = new Map<string, number[]>();
  private globalNext = 0;

  constructor(
    private readonly perConversation = { count: 7, windowMs: 1000, longCount: 60, longWindowMs: 30_000 },
    private readonly globalSpacingMs = 25,
    private readonly clock: () => number = Date.now,
    private readonly sleep: (ms: number) => Promise<void> = (ms) => new Promise((r) => setTimeout(r, ms)),
  ) {}

  /** Waits until one more request to this conversation fits the limits, and books it. */
  async wait(conversation: string): Promise<void> {
    for (;;) {
      const now = this.clock();
      const times = (this.last.get(conversation) ?? []).filter((t) => now - t < this.perConversation.longWindowMs);
      const inSecond = times.filter((t) => now - t < this.perConversation.windowMs);
      let delay = Math.max(0, this.globalNext - now);
      if (inSecond.length >= this.perConversation.count) delay = Math.max(delay, inSecond[0] + this.perConversation.windowMs - now);
      if (times.length >= this.perConversation.longCount) delay = Math.max(delay, times[0] + this.perConversation.longWindowMs - now);
      if (delay <= 0) {
        times.push(now);
        this.last.set(conversation, times);
        this.globalNext = now + this.globalSpacingMs;
        if (this.last.size > 10_000) this.last.delete(this.last.keys().next().value as string);
        return;
      }
      await this.sleep(delay);
    }
  }
}

const RETRIED = new Set([412, 429, 502, 503, 504]);

/**
 * Runs a connector call, retrying the statuses Teams asks bots to retry: 429 after its
 * Retry-After, the others with a growing wait. Gives up after `attempts`.
 */
export async function retrying<T>(
  fn: () => Promise<T>,
  onRetry: (attempt: number, status: number, waitMs: number) => void = () => {},
  attempts = 4,
  sleep: (ms: number) => Promise<void> = (ms) => new Promise((r) => setTimeout(r, ms)),
): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await fn();
    } catch (err) {
      const status = statusCode(err);
      if (status === undefined || !RETRIED.has(status) || attempt >= attempts) throw err;
      const waitMs = retryAfterMs(err) ?? Math.min(8000, 500 * 2 ** (attempt - 1));
      onRetry(attempt, status, waitMs);
      await sleep(waitMs);
    }
  }
}

/** The HTTP status of a connector error, if it has one. */
export function statusCode(err: unknown): number | undefined {
  const e = err as { statusCode?: unknown; status?: unknown; response?: { status?: unknown } };
  for (const value of [e?.statusCode, e?.status, e?.response?.status]) if (typeof value === 'number') return value;
  return undefined;
}

/** The Retry-After of an error's response, in milliseconds (seconds or an HTTP date), capped at a minute. */
export function retryAfterMs(err: unknown): number | undefined {
  const headers = (err as { response?: { headers?: { get?: (n: string) => string | undefined } | Record<string, string> } })?.response?.headers;
  const raw = typeof headers?.get === 'function' ? headers.get('retry-after') : (headers as Record<string, string> | undefined)?.['retry-after'];
  if (!raw) return undefined;
  const seconds = Number(raw);
  const ms = Number.isFinite(seconds) ? seconds * 1000 : Date.parse(raw) - Date.now();
  return Number.isFinite(ms) ? Math.min(60_000, Math.max(0, ms)) : undefined;
}

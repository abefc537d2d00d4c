/**
 * Teams' rate limits for a bot: per conversation 7 messages a second and 60 in 30 seconds,
 * per app and tenant 50 requests a second. The Pacer spaces sends to stay inside them; what
 * the service still refuses with 429 the connector client retries after its Retry-After.
 *
 * Per conversation it keeps Teams' windows (opening a 1:1 chat counts against that chat's own
 * thread, keyed by the user: see `messenger.ts`); across conversations it spaces every request
 * of this instance by `globalSpacingMs` (25 ms: at most 40 a second, under the 50 per app and
 * tenant), however many are waiting at once: a fan-out sending to eight people at once is held
 * by this spacing, not by the per-conversation limits.
 *
 * The budget is shared by every live instance: `share` says how many there are (see
 * `bot/store/instances.ts`), and each instance spaces its requests by `globalSpacingMs × share`
 * and allows each conversation `count / share` and `longCount / share` (rounded down, at least
 * one), so all of them together stay inside the limits. A share below one counts as one: an
 * instance is never faster than a lone one.
 */
export class Pacer {
  private readonly last = new Map<string, number[]>();
  /** When this instance last sent anything. */
  private globalLast = Number.NEGATIVE_INFINITY;

  constructor(
    private readonly perConversation = { count: 7, windowMs: 1000, longCount: 60, longWindowMs: 30_000 },
    private readonly globalSpacingMs = 25,
    private readonly clock: () => number = Date.now,
    private readonly sleep: (ms: number) => Promise<void> = (ms) => new Promise((r) => setTimeout(r, ms)),
    /** How many instances share the budget now (read at every wait). */
    private readonly share: () => number = () => 1,
  ) {}

  /** Waits until one more request to this conversation fits the limits, and books it. */
  async wait(conversation: string): Promise<void> {
    for (;;) {
      const now = this.clock();
      const shared = Math.max(1, Math.floor(this.share()) || 1);
      const count = Math.max(1, Math.floor(this.perConversation.count / shared));
      const longCount = Math.max(1, Math.floor(this.perConversation.longCount / shared));
      const times = (this.last.get(conversation) ?? []).filter((t) => now - t < this.perConversation.longWindowMs);
      const inSecond = times.filter((t) => now - t < this.perConversation.windowMs);
      let delay = Math.max(0, this.globalLast + this.globalSpacingMs * shared - now);
      // When the share has just grown, a window may hold more than it now allows: wait until enough have left it.
      if (inSecond.length >= count) delay = Math.max(delay, inSecond[inSecond.length - count] + this.perConversation.windowMs - now);
      if (times.length >= longCount) delay = Math.max(delay, times[times.length - longCount] + this.perConversation.longWindowMs - now);
      if (delay <= 0) {
        times.push(now);
        this.last.set(conversation, times);
        this.globalLast = now;
        if (this.last.size > 10_000) this.last.delete(this.last.keys().next().value as string);
        return;
      }
      await this.sleep(delay);
    }
  }
}

/** The HTTP status of a connector error, if it has one. */
export function statusCode(err: unknown): number | undefined {
  const e = err as { statusCode?: unknown; status?: unknown; response?: { status?: unknown } };
  for (const value of [e?.statusCode, e?.status, e?.response?.status]) if (typeof value === 'number') return value;
  return undefined;
}

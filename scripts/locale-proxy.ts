/**
 * An HTTP proxy between the Microsoft 365 Agents Playground and the bot that sets the locale
 * (and time zone) a Teams client would send: the Playground always says en-US. Used by
 * `npm run dev` (PLAYGROUND_LOCALE=sv-SE) and by the Playground test.
 */
import * as http from 'node:http';

export interface ActivityProxyOptions {
  /** The real bot endpoint, e.g. http://127.0.0.1:3978/api/messages */
  target: string;
  /** Listen port (default 0 = random). */
  port?: number;
  /** If set, overrides activity.locale and clientInfo.locale/country on every activity (the Playground hard-codes en-US). */
  locale?: string;
  /** If set, overrides localTimezone, clientInfo.timezone and the localTimestamp offset. Prefer startPlayground({timezone}). */
  timezone?: string;
  /** Custom rewrite applied after locale/timezone. Return the (possibly new) activity. */
  rewrite?: (activity: any) => any;
}

export interface ActivityProxy {
  /** Pass this as botEndpoint to startPlayground. */
  url: string;
  port: number;
  /** Every activity forwarded to the bot (after rewriting), in order. */
  activities: any[];
  setLocale(locale: string | undefined): void;
  setTimezone(timezone: string | undefined): void;
  stop(): Promise<void>;
}

function offsetFor(date: Date, timeZone: string): string {
  const part = new Intl.DateTimeFormat('en-US', { timeZone, timeZoneName: 'longOffset' })
    .formatToParts(date)
    .find((p) => p.type === 'timeZoneName')?.value ?? 'GMT';
  const m = /GMT([+-]\d{2}):?(\d{2})?/.exec(part);
  return m ? `${m[1]}:${m[2] ?? '00'}` : '+00:00';
}

/** ISO local timestamp like the Playground's ("2026-11-23T11:15:11.596+01:00"). */
export function localTimestamp(date: Date, timeZone: string): string {
  const off = offsetFor(date, timeZone);
  const sign = off[0] === '-' ? -1 : 1;
  const minutes = sign * (Number(off.slice(1, 3)) * 60 + Number(off.slice(4, 6)));
  const local = new Date(date.getTime() + minutes * 60000);
  return local.toISOString().replace('Z', off);
}

/** Applies a locale/timezone override to an activity exactly where the Playground puts them. */
export function applyLocale(activity: any, locale?: string, timezone?: string): any {
  if (!activity || typeof activity !== 'object') return activity;
  if (locale) {
    if ('locale' in activity || activity.type === 'message' || activity.type === 'invoke') activity.locale = locale;
    for (const e of activity.entities ?? []) {
      if (e?.type === 'clientInfo') {
        e.locale = locale;
        const region = locale.split('-')[1];
        if ('country' in e && region) e.country = region.toUpperCase();
      }
    }
  }
  if (timezone) {
    if ('localTimezone' in activity) activity.localTimezone = timezone;
    if (activity.localTimestamp) activity.localTimestamp = localTimestamp(new Date(activity.timestamp ?? Date.now()), timezone);
    for (const e of activity.entities ?? []) if (e?.type === 'clientInfo' && 'timezone' in e) e.timezone = timezone;
  }
  return activity;
}

/**
 * HTTP proxy between the Playground and the bot. Rewrites JSON activities (locale etc.) and
 * passes the bot's response (including invoke response bodies) back unchanged.
 */
export async function startActivityProxy(opts: ActivityProxyOptions): Promise<ActivityProxy> {
  const target = new URL(opts.target);
  let locale = opts.locale;
  let timezone = opts.timezone;
  const activities: any[] = [];
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      let body = Buffer.concat(chunks);
      if (body.length && /json/i.test(String(req.headers['content-type'] ?? ''))) {
        try {
          let activity = JSON.parse(body.toString('utf8'));
          activity = applyLocale(activity, locale, timezone);
          if (opts.rewrite) activity = opts.rewrite(activity) ?? activity;
          activities.push(activity);
          body = Buffer.from(JSON.stringify(activity));
        } catch {
          /* forward untouched */
        }
      }
      const headers: http.OutgoingHttpHeaders = { ...req.headers, host: target.host };
      delete headers['content-length'];
      delete headers['transfer-encoding'];
      if (body.length) headers['content-length'] = body.length;
      const upstream = http.request(
        { hostname: target.hostname, port: target.port, path: target.pathname + target.search, method: req.method, headers },
        (up) => {
          res.writeHead(up.statusCode ?? 502, up.headers);
          up.pipe(res);
        },
      );
      upstream.on('error', (e) => {
        if (!res.headersSent) res.writeHead(502, { 'content-type': 'text/plain' });
        res.end(String(e));
      });
      if (body.length) upstream.write(body);
      upstream.end();
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port ?? 0, '127.0.0.1', () => resolve());
  });
  const port = (server.address() as { port: number }).port;
  return {
    url: `http://127.0.0.1:${port}${target.pathname}`,
    port,
    activities,
    setLocale: (l) => { locale = l; },
    setTimezone: (t) => { timezone = t; },
    stop: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections?.();
        server.close(() => resolve());
      }),
  };
}

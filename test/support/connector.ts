import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { closeServer, readBody } from './http';

/** One request the bot made to the connector. */
export interface Captured {
  method: string;
  path: string;
  body: any;
  /** When it arrived (ms since the epoch). */
  at: number;
  /** When it arrived by the bot's clock (`clock`; the same as `at` unless a test runs Samråd on a clock of its own). */
  clockAt: number;
  /** The status the connector answered with. */
  status?: number;
}

/**
 * A local stand-in for the Bot Framework connector: it records every request the bot makes
 * and answers as the Teams connector does. It can refuse a user (403, as when the app is not
 * installed for them, or when they blocked the bot: then every post to their 1:1 chat is refused)
 * or throttle (429 with Retry-After).
 */
export class CaptureConnector {
  readonly requests: Captured[] = [];
  /** Users whose 1:1 chat cannot be created. */
  readonly unreachable = new Set<string>();
  /** Users (Entra object ids) who blocked the bot: a post to their 1:1 chat answers 403. */
  readonly blocked = new Set<string>();
  /** The bot's clock, for `Captured.clockAt` (a test that runs Samråd on a clock of its own sets it). */
  clock: () => number = () => Date.now();
  /** How many of the next activity posts answer 429. */
  throttleNext = 0;
  /** How long each activity post takes to answer (a slow connection to Teams). */
  delayMs = 0;
  /** How long creating a 1:1 conversation takes to answer. */
  createDelayMs = 0;
  /** The member of each 1:1 conversation the bot opened, by conversation id. */
  readonly members = new Map<string, string>();
  /** The members (Entra object ids) of group chats, by conversation id, as Teams lists them. */
  readonly groupMembers = new Map<string, string[]>();
  private server?: Server;
  private counter = 0;

  async start(): Promise<string> {
    this.server = createServer((req, res) => {
      void readBody(req).then((body) => {
        const path = decodeURIComponent(req.url ?? '');
        const captured: Captured = { method: req.method ?? '', path, body, at: Date.now(), clockAt: this.clock() };
        this.requests.push(captured);
        const json = (status: number, value: unknown, headers: Record<string, string> = {}) => {
          captured.status = status;
          res.writeHead(status, { 'content-type': 'application/json', ...headers });
          res.end(JSON.stringify(value));
        };
        if (req.method === 'POST' && /^\/v3\/conversations\/?$/.test(path)) {
          const member = body?.members?.[0]?.id;
          const create = () => {
            if (this.unreachable.has(member)) return json(403, { error: { code: 'BotNotInConversationRoster', message: 'not installed' } });
            const id = `a:conv-${++this.counter}`;
            this.members.set(id, member);
            return json(201, { id, activityId: '' });
          };
          if (this.createDelayMs > 0) return void setTimeout(create, this.createDelayMs);
          return create();
        }
        const posted = /^\/v3\/conversations\/([^/]+)\/activities/.exec(path);
        if (req.method === 'POST' && posted) {
          if (this.blocked.has(this.memberOf(posted[1]) ?? '')) return json(403, { error: { code: 'ConversationBlockedByUser', message: 'blocked' } });
          if (this.delayMs > 0) return void setTimeout(() => json(200, { id: `activity-${++this.counter}` }), this.delayMs);
          if (this.throttleNext > 0) {
            this.throttleNext -= 1;
            return json(429, { error: { code: 'Throttled' } }, { 'retry-after': '1' });
          }
          return json(200, { id: `activity-${++this.counter}` });
        }
        const paged = /^\/v3\/conversations\/([^/]+)\/pagedmembers/.exec(path);
        if (req.method === 'GET' && paged && this.groupMembers.has(paged[1])) {
          return json(200, { members: this.groupMembers.get(paged[1])!.map((id) => ({ id: `29:${id}`, aadObjectId: id, name: id })) });
        }
        if (req.method === 'PUT' && /^\/v3\/conversations\/[^/]+\/activities\/[^/]+/.test(path)) {
          return json(200, { id: path.split('/').pop() });
        }
        return json(404, { error: { code: 'NotFound' } });
      });
    });
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', () => resolve()));
    return `http://127.0.0.1:${(this.server!.address() as AddressInfo).port}`;
  }

  async stop(): Promise<void> {
    await closeServer(this.server);
  }

  /** The user of a 1:1 chat: the one the bot opened it with, or the one who wrote from it (`a:personal-<id>`). */
  memberOf(conversationId: string): string | undefined {
    return this.members.get(conversationId) ?? /^a:personal-(.+)$/.exec(conversationId)?.[1];
  }

  /** The activities the bot posted, newest last. */
  posted(): Captured[] {
    return this.requests.filter((r) => r.method === 'POST' && r.path.includes('/activities'));
  }

  /** Waits until a captured request matches, or fails after the timeout. */
  async waitFor(match: (r: Captured) => boolean, timeoutMs = 8000): Promise<Captured> {
    const started = Date.now();
    for (;;) {
      const found = this.requests.find(match);
      if (found) return found;
      if (Date.now() - started > timeoutMs) throw new Error('the connector never received the expected request');
      await new Promise((r) => setTimeout(r, 25));
    }
  }
}

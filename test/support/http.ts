import { Agent, request, type IncomingMessage, type Server } from 'node:http';
import type { Server as TlsServer } from 'node:https';

/** A request's body: parsed when it is JSON, the text as it came otherwise, undefined when empty. */
export function readBody(req: IncomingMessage): Promise<any> {
  return new Promise((resolve) => {
    let data = '';
    req.on('data', (chunk) => (data += chunk));
    req.on('end', () => {
      try {
        resolve(data ? JSON.parse(data) : undefined);
      } catch {
        resolve(data);
      }
    });
  });
}

/** Stops a stand-in's server: its open connections closed at once, then the server (when it listens). */
export async function closeServer(server: Server | TlsServer | undefined): Promise<void> {
  if (!server) return;
  server.closeAllConnections();
  if (server.listening) await new Promise<void>((resolve) => server.close(() => resolve()));
}

/** Connections kept open between the requests of a test (as Teams' own client keeps them). */
const agent = new Agent({ keepAlive: true });

/**
 * Posts a body with node:http (the thousands of requests a run makes cost about a fifth less CPU
 * than through fetch); answers the status and the text. `timeoutMs`: given up when no byte came for
 * that long (a process killed under it fails at once anyway).
 */
export function post(url: string, body: string, headers: Record<string, string>, timeoutMs?: number): Promise<{ status: number; text: string }> {
  return new Promise((resolve, reject) => {
    const req = request(url, { method: 'POST', agent, headers: { ...headers, 'content-length': String(Buffer.byteLength(body)) } }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, text: Buffer.concat(chunks).toString('utf8') }));
      res.on('error', reject);
    });
    // An answer given before the whole body was read (413) counts; the error of the body cut short after it does not.
    req.on('error', reject);
    if (timeoutMs) req.setTimeout(timeoutMs, () => req.destroy(new Error(`no answer within ${timeoutMs} ms`)));
    req.end(body);
  });
}

import type { IncomingMessage, Server } from 'node:http';
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

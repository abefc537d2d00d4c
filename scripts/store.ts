/**
 * `npm run store -- --port 8081 --data .samrad-store`: the embedded Cosmos-compatible store as
 * a process of its own, so that several Samråd processes can share it:
 *
 *   SAMRAD_LOCAL=true COSMOS_ENDPOINT=http://127.0.0.1:8081 COSMOS_KEY=<key> npm run dev
 *
 * When it is ready it prints exactly one line on stdout,
 *   {"event":"store.listening","endpoint":"http://127.0.0.1:<port>","key":"<key>"}
 * and its log lines go to stderr. `--port 0` takes any free port. SIGTERM or SIGINT makes the
 * journal durable and stops it. Loopback only; it checks no key.
 */
import { startEmbeddedCosmos } from '../bot/store/embedded';
import { jsonLogger } from '../bot/log';

const USAGE = 'usage: tsx scripts/store.ts --port <n> --data <folder>   (--port 0: any free port)';

function parseArgs(argv: string[]): { port: number; dataDir: string } {
  const values = new Map<string, string>();
  for (let i = 0; i < argv.length; i++) {
    const [flag, inline] = argv[i].split('=', 2);
    if (flag !== '--port' && flag !== '--data') throw new Error(`unknown argument ${argv[i]}`);
    const value = inline ?? argv[++i];
    if (value === undefined) throw new Error(`${flag} needs a value`);
    values.set(flag, value);
  }
  const port = Number(values.get('--port') ?? '0');
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new Error(`--port must be a port number, not "${values.get('--port')}"`);
  const dataDir = values.get('--data')?.trim();
  if (!dataDir) throw new Error('--data <folder> is required: the store keeps its journal and snapshots there');
  return { port, dataDir };
}

async function main(): Promise<void> {
  let args;
  try {
    args = parseArgs(process.argv.slice(2));
  } catch (err) {
    process.stderr.write(`${(err as Error).message}\n${USAGE}\n`);
    process.exit(2);
  }
  const log = jsonLogger((line) => process.stderr.write(`${line}\n`));
  const store = await startEmbeddedCosmos({ port: args.port, dataDir: args.dataDir, log });
  process.stdout.write(`${JSON.stringify({ event: 'store.listening', endpoint: store.endpoint, key: store.key })}\n`);
  let stopping = false;
  const stop = () => {
    if (stopping) return;
    stopping = true;
    store.close().then(
      () => process.exit(0),
      (err: Error) => {
        process.stderr.write(`store did not stop cleanly: ${err.message}\n`);
        process.exit(1);
      },
    );
  };
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
}

void main().catch((err: Error) => {
  process.stderr.write(`store stopped: ${err.message}\n`);
  process.exit(1);
});

/**
 * `npm run dev`: Samråd in local mode (no authentication, loopback only, embedded Cosmos DB
 * with its data under .samrad-data/) together with the Microsoft 365 Agents Playground, a
 * Teams-like chat in the browser. Ctrl-C stops both. The Playground always sends the locale
 * en-US; `PLAYGROUND_LOCALE=sv-SE npm run dev` (or da-DK, fi-FI) puts a proxy between them
 * that sends the chosen one instead, and runs the Playground in the time zone that goes with it
 * (Europe/Stockholm, Europe/Copenhagen, Europe/Helsinki), unless TZ is set.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { startActivityProxy } from './locale-proxy';

const BOT_PORT = Number(process.env.PORT ?? 3978);
const PLAYGROUND_PORT = Number(process.env.PLAYGROUND_PORT ?? 56150);
const root = join(__dirname, '..');
const bin = (name: string) => join(root, 'node_modules', '.bin', name);
const children: ChildProcess[] = [];

function start(command: string, args: string[], env: Record<string, string>): ChildProcess {
  const child = spawn(command, args, { cwd: root, env: { ...process.env, ...env }, stdio: 'inherit' });
  children.push(child);
  child.on('exit', (code) => {
    if (!stopping) {
      console.error(`[dev] ${command.split('/').pop()} stopped (${code}); stopping everything.`);
      stop(code ?? 1);
    }
  });
  return child;
}

let stopping = false;
function stop(code = 0): void {
  stopping = true;
  for (const child of children) child.kill('SIGTERM');
  setTimeout(() => process.exit(code), 1500).unref();
}
process.on('SIGINT', () => stop(0));
process.on('SIGTERM', () => stop(0));

async function waitForBot(): Promise<void> {
  for (let i = 0; i < 100; i++) {
    try {
      if ((await fetch(`http://127.0.0.1:${BOT_PORT}/healthz`)).ok) return;
    } catch {
      /* not up yet */
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error('Samråd did not start');
}

/** The time zone a caseworker writing this language most likely works in. */
function zoneOf(locale: string | undefined): string | undefined {
  const language = (locale ?? '').toLowerCase().split(/[-_]/)[0];
  return { sv: 'Europe/Stockholm', da: 'Europe/Copenhagen', fi: 'Europe/Helsinki' }[language];
}

async function main(): Promise<void> {
  start(bin('tsx'), ['bot/index.ts'], { SAMRAD_LOCAL: 'true', PORT: String(BOT_PORT), HOST: '127.0.0.1' });
  await waitForBot();
  let endpoint = `http://127.0.0.1:${BOT_PORT}/api/messages`;
  const locale = process.env.PLAYGROUND_LOCALE?.trim();
  if (locale) {
    const proxy = await startActivityProxy({ target: endpoint, locale });
    endpoint = proxy.url;
    console.log(`[dev] The Playground's activities reach the bot with the locale ${locale}.`);
  }
  // The Playground sends the time zone of its own process: the one that goes with the language.
  const zone = process.env.TZ ?? zoneOf(locale);
  start(bin('agentsplayground'), ['-p', String(PLAYGROUND_PORT), '-e', endpoint, '-c', 'msteams', '--disable-telemetry'], zone ? { TZ: zone } : {});
  if (zone) console.log(`[dev] The Playground runs in the time zone ${zone}.`);
  console.log(`\n[dev] Samråd: http://127.0.0.1:${BOT_PORT}/api/messages (local mode)`);
  console.log(`[dev] Open the Agents Playground at http://localhost:${PLAYGROUND_PORT} and write "new" (or ny / uusi) in the chat.\n`);
}

void main().catch((err: Error) => {
  console.error(`[dev] ${err.message}`);
  stop(1);
});

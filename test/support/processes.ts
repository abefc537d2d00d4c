import { spawn, type ChildProcess } from 'node:child_process';
import { readdir, readFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const ROOT = join(__dirname, '..', '..');
/**
 * Node's cache of compiled modules, shared by every process a test starts (Node 22.1 and later): a
 * restart after SIGKILL loads Samråd's dependencies from it instead of compiling them again.
 */
export const COMPILE_CACHE = process.env.NODE_COMPILE_CACHE || join(tmpdir(), 'samrad-test-compile-cache');

/**
 * A program of Samråd's (the bot, the store) run as a process of its own (Node with tsx's loader),
 * in a process group of its own so that one SIGKILL takes it and whatever it started. It is ready
 * when it prints a JSON line with the given event on stdout.
 */
export class ChildProgram {
  child!: ChildProcess;
  /** The JSON line that said it was ready. */
  ready: Record<string, unknown> = {};
  /** Every JSON line it printed on stdout. */
  readonly lines: Record<string, unknown>[] = [];
  private output = '';

  constructor(
    private readonly args: string[],
    private readonly env: Record<string, string>,
    private readonly readyEvent: string,
  ) {}

  async start(): Promise<void> {
    this.output = '';
    // This Node with tsx's loader, in one process (the tsx command would start a second one).
    this.child = spawn(process.execPath, ['--import', 'tsx', ...this.args], {
      cwd: ROOT,
      detached: true,
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, NODE_NO_WARNINGS: '1', NODE_COMPILE_CACHE: COMPILE_CACHE, ...this.env },
    });
    this.child.stderr!.on('data', (chunk: Buffer) => (this.output += chunk.toString()));
    await new Promise<void>((resolve, reject) => {
      let buffered = '';
      const timer = setTimeout(() => reject(new Error(`${this.args[0]} did not start within 20 s:\n${this.output.slice(-2000)}`)), 20_000);
      this.child.stdout!.on('data', (chunk: Buffer) => {
        buffered += chunk.toString();
        this.output += chunk.toString();
        for (const line of buffered.split('\n').slice(0, -1)) {
          let parsed: Record<string, unknown> | undefined;
          try {
            parsed = JSON.parse(line) as Record<string, unknown>;
          } catch {
            continue;
          }
          this.lines.push(parsed);
          if (parsed.event === this.readyEvent) {
            clearTimeout(timer);
            this.ready = parsed;
            resolve();
          }
        }
        buffered = buffered.slice(buffered.lastIndexOf('\n') + 1);
      });
      this.child.once('exit', (code, signal) => {
        clearTimeout(timer);
        reject(new Error(`${this.args[0]} exited (${code ?? signal}) before it was ready:\n${this.output.slice(-2000)}`));
      });
    });
  }

  /** True while it runs. */
  get running(): boolean {
    return !!this.child && this.child.exitCode === null && this.child.signalCode === null;
  }

  /** SIGKILL to the whole group, then waits until none of it is left. */
  async kill(): Promise<void> {
    if (!this.running) return;
    const exited = new Promise((resolve) => this.child.once('exit', resolve));
    process.kill(-this.child.pid!, 'SIGKILL');
    await exited;
    await this.groupGone();
  }

  /** SIGTERM, and SIGKILL after five seconds. */
  async stop(): Promise<void> {
    if (!this.running) return;
    const exited = new Promise((resolve) => this.child.once('exit', resolve));
    process.kill(-this.child.pid!, 'SIGTERM');
    await Promise.race([exited, new Promise((resolve) => setTimeout(resolve, 5000))]);
    try {
      process.kill(-this.child.pid!, 'SIGKILL');
    } catch {
      /* already gone */
    }
    await this.groupGone();
  }

  /** The JSON lines with this event it printed on stdout, over all its runs. */
  events(event: string): Record<string, unknown>[] {
    return this.lines.filter((line) => line.event === event);
  }

  /** What it wrote to stderr and stdout lately, for a failing test's message. */
  tail(): string {
    return this.output.slice(-3000);
  }

  /** Until no process of the group is left running (a killed one may linger unreaped, holding nothing). */
  private async groupGone(): Promise<void> {
    for (let i = 0; i < 250; i++) {
      if (!(await groupRunning(this.child.pid!))) return;
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    throw new Error('the killed process group did not go away');
  }
}

/** Samråd in local mode (`tsx bot/index.ts`) on a port of its own; `env` adds to or overrides its settings. */
export function samradProcess(port: number, env: Record<string, string>): ChildProgram & { url: string } {
  const program = new ChildProgram(['bot/index.ts'], { SAMRAD_LOCAL: 'true', HOST: '127.0.0.1', PORT: String(port), ...env }, 'samrad.listening');
  return Object.assign(program, { url: `http://127.0.0.1:${port}` });
}

/** The embedded store as a process of its own (`tsx scripts/store.ts`), keeping its data in `dataDir`. */
export function storeProcess(dataDir: string): ChildProgram {
  return new ChildProgram(['scripts/store.ts', '--port', '0', '--data', dataDir], {}, 'store.listening');
}

/** A TCP port nobody listens on right now. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

/** Whether a process of this group is still running (zombies, killed but not yet reaped, do not count). */
async function groupRunning(pgid: number): Promise<boolean> {
  let entries: string[];
  try {
    entries = (await readdir('/proc')).filter((e) => /^\d+$/.test(e));
  } catch {
    try {
      process.kill(-pgid, 0);
      return true;
    } catch {
      return false;
    }
  }
  for (const pid of entries) {
    const stat = await readFile(`/proc/${pid}/stat`, 'utf8').catch(() => '');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    if (Number(fields[2]) === pgid && fields[0] !== 'Z' && fields[0] !== 'X') return true;
  }
  return false;
}

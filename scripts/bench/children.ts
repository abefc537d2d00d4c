/**
 * The processes the bench starts: each is preloaded with guard.cjs (it stops when the bench
 * is gone, so nothing outlives the bench, even a killed one), logs to a file, and is stopped
 * on exit, on Ctrl-C, on SIGTERM and on any error.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { closeSync, createWriteStream, openSync, readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';

/** A process the bench started. */
export interface Child {
  name: string;
  process: ChildProcess;
  pid: number;
  /** Date.now() right before it was spawned. */
  spawnedAt: number;
  /** Where its stdout and stderr go. */
  logFile: string;
  exited: Promise<number | null>;
  /** Stops it: SIGTERM, then SIGKILL after `graceMs`. */
  stop(graceMs?: number): Promise<void>;
}

const GUARD = join(__dirname, 'guard.cjs');
const running = new Set<Child>();
let stopping = false;

/** True once the bench is stopping because of a signal or an uncaught error. */
export function isStopping(): boolean {
  return stopping;
}

/**
 * Starts `node [nodeArgs] script [args]` with the guard preloaded. When `untilLine` is given,
 * waits for the first stdout line it accepts (and returns its parsed JSON) before returning.
 */
export async function startNode(options: {
  name: string;
  script: string;
  nodeArgs?: string[];
  args?: string[];
  env: NodeJS.ProcessEnv;
  cwd: string;
  logFile: string;
  untilLine?: (json: any) => boolean;
  timeoutMs?: number;
}): Promise<{ child: Child; line?: any }> {
  // The child writes its log straight to the file, so a busy bench never slows it down; only a
  // child whose ready line is awaited has its stdout read here, and then copied to the file.
  const fd = openSync(options.logFile, 'a');
  const spawnedAt = Date.now();
  const proc = spawn(process.execPath, ['--require', GUARD, ...(options.nodeArgs ?? []), options.script, ...(options.args ?? [])], {
    cwd: options.cwd,
    env: options.env,
    stdio: ['ignore', options.untilLine ? 'pipe' : fd, fd],
  });
  closeSync(fd);
  const exited = new Promise<number | null>((resolve) => proc.once('exit', (code, signal) => resolve(code ?? (signal ? -1 : null))));
  const child: Child = {
    name: options.name,
    process: proc,
    pid: proc.pid ?? -1,
    spawnedAt,
    logFile: options.logFile,
    exited,
    stop: (graceMs = 5000) => stopChild(child, graceMs),
  };
  running.add(child);
  void exited.then(() => running.delete(child));
  if (!options.untilLine) return { child };
  const log = createWriteStream(options.logFile, { flags: 'a' });
  void exited.then(() => log.end());
  const accept = options.untilLine;
  return new Promise((resolve, reject) => {
    let buffered = '';
    let done = false;
    const finish = (error?: Error, line?: any) => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      proc.stdout!.off('data', onData);
      proc.stdout!.pipe(log, { end: false });
      if (error) {
        void child.stop(1000).then(() => reject(error));
      } else resolve({ child, line });
    };
    const onData = (chunk: Buffer) => {
      log.write(chunk);
      buffered += chunk.toString('utf8');
      let newline: number;
      while ((newline = buffered.indexOf('\n')) >= 0) {
        const text = buffered.slice(0, newline).trim();
        buffered = buffered.slice(newline + 1);
        try {
          const parsed = JSON.parse(text);
          if (accept(parsed)) return finish(undefined, parsed);
        } catch {
          /* not a JSON line */
        }
      }
    };
    proc.stdout!.on('data', onData);
    const timer = setTimeout(() => finish(new Error(`${options.name} did not report ready within ${options.timeoutMs ?? 30000} ms (log: ${options.logFile})`)), options.timeoutMs ?? 30000);
    void exited.then((code) => finish(new Error(`${options.name} exited (${code}) before it was ready: ${tail(options.logFile)}`)));
  });
}

async function stopChild(child: Child, graceMs: number): Promise<void> {
  if (!running.has(child)) return;
  child.process.kill('SIGTERM');
  const killer = setTimeout(() => child.process.kill('SIGKILL'), graceMs);
  await child.exited;
  clearTimeout(killer);
}

/** Stops every process still running, gracefully first. */
export async function stopAll(graceMs = 3000): Promise<void> {
  await Promise.all([...running].map((c) => c.stop(graceMs)));
}

/** Makes sure no child outlives the bench: on exit, Ctrl-C, SIGTERM and uncaught errors. */
export function stopChildrenOnExit(): void {
  process.on('exit', () => {
    for (const child of running) child.process.kill('SIGKILL');
  });
  const bail = (code: number, message?: string) => {
    if (stopping) return;
    stopping = true;
    if (message) process.stderr.write(`${message}\n`);
    void stopAll(1500).finally(() => process.exit(code));
  };
  process.once('SIGINT', () => bail(130, '\n[bench] interrupted; stopping every process it started'));
  process.once('SIGTERM', () => bail(143));
  process.on('uncaughtException', (err) => bail(1, `[bench] ${err.stack ?? err.message}`));
  process.on('unhandledRejection', (err) => bail(1, `[bench] ${(err as Error)?.stack ?? String(err)}`));
}

/** A free TCP port on loopback. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

/** Resident memory of a process in MB (VmRSS), or undefined when it cannot be read. */
export function rssMb(pid: number): number | undefined {
  try {
    const match = /VmRSS:\s+(\d+)\s+kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return match ? Number(match[1]) / 1024 : undefined;
  } catch {
    return undefined;
  }
}

/** CPU time a process has used so far (user + system), in ms, or undefined when it cannot be read. */
export function cpuMs(pid: number): number | undefined {
  try {
    // Fields after the command name (which may hold spaces): utime and stime are the 12th and 13th of them, in clock ticks (100 a second).
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
    return ((Number(fields[11]) + Number(fields[12])) * 1000) / 100;
  } catch {
    return undefined;
  }
}

/** Waits until GET url answers 200; returns Date.now() at that moment. */
export async function waitForHttp(url: string, child: Child, timeoutMs = 60_000): Promise<number> {
  const started = Date.now();
  let exited = false;
  void child.exited.then(() => (exited = true));
  for (;;) {
    if (exited) throw new Error(`${child.name} exited before it answered: ${tail(child.logFile)}`);
    try {
      const res = await fetch(url);
      await res.arrayBuffer();
      if (res.ok) return Date.now();
    } catch {
      /* not listening yet */
    }
    if (Date.now() - started > timeoutMs) throw new Error(`${child.name} did not answer ${url} within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 5));
  }
}

/** The last lines of a log file, on one line, for an error message. */
export function tail(file: string, lines = 6): string {
  try {
    return readFileSync(file, 'utf8').trim().split('\n').slice(-lines).join(' | ').slice(0, 1200);
  } catch {
    return '(no log)';
  }
}

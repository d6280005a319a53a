/**
 * A replay target: an http(s) URL that is already running, or a shell
 * command that is started here with a free port in `PORT`, awaited until that
 * port answers, watched for an early exit, and stopped at the end. A
 * command's output goes to a log file kept in the out dir.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { openSync, closeSync, readFileSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { createConnection, createServer } from 'node:net';
import { join } from 'node:path';
import { debuglog } from 'node:util';
import { VerifyErrors } from './errors.js';

const debug = debuglog('expressway:verify');

export type TargetSide = 'baseline' | 'secondary' | 'candidate';

export interface Target {
  side: TargetSide;
  /** What the user gave: URL or command. */
  spec: string;
  /** Origin to send requests to, e.g. `http://127.0.0.1:40123`. */
  origin: string;
  /** Log file of a command target. */
  log?: string;
  /** Set once the target is known to be gone: why. */
  readonly deathReason: string | undefined;
  /** Called once when the target dies during the run. */
  onDeath(listener: (reason: string) => void): void;
  /** Probes the port; marks the target dead when it does not answer. Resolves true when alive. */
  checkAlive(): Promise<boolean>;
  stop(): Promise<void>;
}

export interface StartTargetOptions {
  side: TargetSide;
  /** Where a command target's log goes (`<side>.log`). Default: current directory. */
  outDir?: string;
  /** How long a command may take to open its port. Default 30 s. */
  startTimeoutMs?: number;
  /** Extra environment for a command target. */
  env?: NodeJS.ProcessEnv;
}

export function isUrlTarget(spec: string): boolean {
  return /^https?:\/\//i.test(spec.trim());
}

export async function startTarget(spec: string, options: StartTargetOptions): Promise<Target> {
  const trimmed = spec.trim();
  if (trimmed === '') throw VerifyErrors.EXW_ERR_VERIFY_TARGET_INVALID(options.side, spec);
  return isUrlTarget(trimmed) ? startUrlTarget(trimmed, options) : startCommandTarget(trimmed, options);
}

/** A free TCP port on 127.0.0.1, as the OS hands it out. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as { port: number };
      srv.close(() => resolve(port));
    });
  });
}

export function portAnswers(host: string, port: number, timeoutMs = 1000): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = createConnection({ host, port });
    const done = (ok: boolean) => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(timeoutMs, () => done(false));
    socket.once('connect', () => done(true));
    socket.once('error', () => done(false));
  });
}

function hostPort(origin: URL): { host: string; port: number } {
  const port = origin.port ? Number(origin.port) : origin.protocol === 'https:' ? 443 : 80;
  return { host: origin.hostname.replace(/^\[|\]$/g, ''), port };
}

class BaseTarget {
  deathReason: string | undefined;
  private listeners: Array<(reason: string) => void> = [];

  constructor(
    readonly side: TargetSide,
    readonly spec: string,
    readonly origin: string,
  ) {}

  onDeath(listener: (reason: string) => void): void {
    if (this.deathReason !== undefined) listener(this.deathReason);
    else this.listeners.push(listener);
  }

  protected die(reason: string): void {
    if (this.deathReason !== undefined) return;
    this.deathReason = reason;
    debug('%s target died: %s', this.side, reason);
    for (const l of this.listeners.splice(0)) l(reason);
  }

  async checkAlive(): Promise<boolean> {
    if (this.deathReason !== undefined) return false;
    const { host, port } = hostPort(new URL(this.origin));
    const ok = await portAnswers(host, port);
    if (!ok) this.die(`its port ${port} stopped answering`);
    return ok;
  }
}

async function startUrlTarget(spec: string, options: StartTargetOptions): Promise<Target> {
  let url: URL;
  try {
    url = new URL(spec);
  } catch {
    throw VerifyErrors.EXW_ERR_VERIFY_TARGET_INVALID(options.side, spec);
  }
  const { host, port } = hostPort(url);
  if (!(await portAnswers(host, port, 3000))) {
    throw VerifyErrors.EXW_ERR_VERIFY_TARGET_START(options.side, `nothing answers at ${url.origin}`);
  }
  const target = new (class extends BaseTarget {
    async stop(): Promise<void> {}
  })(options.side, spec, url.origin);
  return target;
}

/** Command targets still running: killed if this process exits without stopping them (a crash, process.exit). */
const running = new Set<CommandTarget>();
let exitHookInstalled = false;
function killLeftovers(): void {
  for (const t of running) t.killNow();
}

class CommandTarget extends BaseTarget {
  private stopping = false;
  readonly exited: Promise<void>;

  constructor(
    side: TargetSide,
    spec: string,
    origin: string,
    readonly log: string,
    private readonly child: ChildProcess,
  ) {
    super(side, spec, origin);
    running.add(this);
    if (!exitHookInstalled) {
      exitHookInstalled = true;
      process.once('exit', killLeftovers);
    }
    this.exited = new Promise((resolve) => {
      child.once('exit', (code, signal) => {
        running.delete(this);
        if (!this.stopping) this.die(`exit ${signal ? `by signal ${signal}` : `code ${code}`}; log: ${log}`);
        resolve();
      });
      child.once('error', (err) => {
        running.delete(this);
        if (!this.stopping) this.die(`${err.message}; log: ${log}`);
        resolve();
      });
    });
  }

  async stop(): Promise<void> {
    this.stopping = true;
    if (this.child.exitCode !== null || this.child.signalCode !== null) return;
    this.signalGroup('SIGTERM');
    const timer = setTimeout(() => this.signalGroup('SIGKILL'), 5000);
    await this.exited;
    clearTimeout(timer);
    // The shell may be gone while the server it started still runs: finish the group.
    this.signalGroup('SIGKILL');
  }

  /** Synchronous last resort, for the process 'exit' hook. */
  killNow(): void {
    this.stopping = true;
    this.signalGroup('SIGKILL');
  }

  private signalGroup(signal: NodeJS.Signals): void {
    try {
      // Negative pid: the whole process group started for this target (the shell and the server under it).
      process.kill(-this.child.pid!, signal);
    } catch {
      // Already gone.
    }
  }
}

/** Starts a command target, again on a fresh port when the one chosen was taken before the app could bind it. */
async function startCommandTarget(spec: string, options: StartTargetOptions): Promise<Target> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await startCommandOnce(spec, options);
    } catch (err) {
      // freePort() releases the port before the app binds it: another process may take it in between.
      if (attempt >= PORT_ATTEMPTS || !(err instanceof PortTaken)) throw err instanceof PortTaken ? err.failure : err;
    }
  }
}

const PORT_ATTEMPTS = 3;

/** The app exited with EADDRINUSE on the port chosen for it. */
class PortTaken extends Error {
  constructor(readonly failure: Error) {
    super(failure.message);
  }
}

async function startCommandOnce(spec: string, options: StartTargetOptions): Promise<Target> {
  const outDir = options.outDir ?? process.cwd();
  await mkdir(outDir, { recursive: true });
  const log = join(outDir, `${options.side}.log`);
  const port = await freePort();
  const fd = openSync(log, 'w');
  let child: ChildProcess;
  try {
    child = spawn(spec, {
      shell: true,
      detached: true, // its own process group, so stop() reaches every process it starts
      stdio: ['ignore', fd, fd],
      env: { ...process.env, ...options.env, PORT: String(port), HOST: '127.0.0.1' },
    });
  } finally {
    closeSync(fd);
  }
  const target = new CommandTarget(options.side, spec, `http://127.0.0.1:${port}`, log, child);
  const deadline = Date.now() + (options.startTimeoutMs ?? 30_000);
  while (Date.now() < deadline) {
    if (target.deathReason !== undefined) {
      const failure = VerifyErrors.EXW_ERR_VERIFY_TARGET_START(options.side, `"${spec}" exited before its port ${port} answered (${target.deathReason})${logTail(log)}`);
      throw portTakenIn(log) ? new PortTaken(failure) : failure;
    }
    if (await portAnswers('127.0.0.1', port, 500)) return target;
    await new Promise((r) => setTimeout(r, 50));
  }
  await target.stop();
  throw VerifyErrors.EXW_ERR_VERIFY_TARGET_START(
    options.side,
    `"${spec}" did not answer on PORT=${port} within ${options.startTimeoutMs ?? 30_000} ms (does it listen on process.env.PORT?); log: ${log}${logTail(log)}`,
  );
}

function portTakenIn(log: string): boolean {
  try {
    return readFileSync(log, 'utf8').includes('EADDRINUSE');
  } catch {
    return false;
  }
}

function logTail(log: string): string {
  try {
    const text = readFileSync(log, 'utf8').trim();
    if (!text) return '';
    const lines = text.split('\n').slice(-5).join('\n  ');
    return `\n  ${lines}`;
  } catch {
    return '';
  }
}

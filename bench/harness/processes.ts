/**
 * Pinning and spawning. Each peer server runs in its own child process under
 * `taskset -c 0`; the harness (the load generator) pins itself to core 1, so
 * the server and the load never share a core. Peers talk to the harness over
 * the IPC channel (bench/peers/peer-ipc.ts): port when listening, RSS on
 * request.
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { cpus } from 'node:os';
import { extname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { benchErrors } from './errors.js';
import type { PeerId } from './scenarios.js';

export const SERVER_CORE = 0;
export const LOAD_CORE = 1;

export interface PeerProcess {
  readonly id: PeerId;
  readonly port: number;
  readonly child: ChildProcess;
  /** Resident set size of the peer, after a GC when it runs with --expose-gc. */
  rss(): Promise<number>;
  /** CPU time (user + system, µs) the peer has used so far. */
  cpu(): Promise<number>;
  stop(): Promise<void>;
}

let tasksetAvailable: boolean | undefined;

/** Pinning needs taskset and at least two cores; without them the bench still runs, unpinned, and says so. */
export function canPin(): boolean {
  if (tasksetAvailable === undefined) {
    try {
      execFileSync('taskset', ['-p', String(process.pid)], { stdio: 'ignore' });
      tasksetAvailable = cpus().length >= 2;
    } catch {
      tasksetAvailable = false;
    }
  }
  return tasksetAvailable;
}

/** Pins every thread of a process to one core. */
function pinProcess(pid: number, core: number): void {
  try {
    execFileSync('taskset', ['-a', '-p', '-c', String(core), String(pid)], { stdio: 'ignore' });
  } catch (err) {
    throw benchErrors.EXW_ERR_BENCH_PIN(pid, core, (err as Error).message);
  }
}

/** Pins the load generator (this process). */
export function pinSelf(core: number): void {
  pinProcess(process.pid, core);
}

/** The peer's source next to this file: .ts under tsx (tests), .js in dist/. */
function peerFile(id: PeerId): string {
  const ext = extname(fileURLToPath(import.meta.url));
  return fileURLToPath(new URL(`../peers/${id}${ext}`, import.meta.url));
}

const START_TIMEOUT_MS = 60_000;

export async function startPeer(id: PeerId, opts: { exposeGc?: boolean; profileDir?: string } = {}): Promise<PeerProcess> {
  // The same execArgv as the harness, so a harness run under tsx loads .ts peers.
  const profile = opts.profileDir === undefined ? [] : ['--cpu-prof', `--cpu-prof-dir=${join(resolve(opts.profileDir), id)}`];
  const nodeArgs = [...process.execArgv, ...(opts.exposeGc ? ['--expose-gc'] : []), ...profile, peerFile(id)];
  const stdio: ['ignore', 'ignore', 'pipe', 'ipc'] = ['ignore', 'ignore', 'pipe', 'ipc'];
  // The harness is pinned to the load core and children inherit that mask, so
  // start them on every core (taskset execs node in place: the IPC channel passes through).
  const child = canPin()
    ? spawn('taskset', ['-c', `0-${cpus().length - 1}`, process.execPath, ...nodeArgs], { stdio })
    : spawn(process.execPath, nodeArgs, { stdio });
  let stderr = '';
  child.stderr!.on('data', (chunk: Buffer) => {
    stderr = (stderr + chunk.toString('utf8')).slice(-2_000);
  });
  const port = await waitForPort(id, child, () => stderr);
  // Pinned once listening, not from the start: several peers loading their
  // modules at once on one core start slowly; the measured part is all pinned.
  // -a pins every thread that exists; threads made later inherit the mask.
  if (canPin()) pinProcess(child.pid!, SERVER_CORE);
  return makeHandle(id, port, child);
}

function waitForPort(id: PeerId, child: ChildProcess, stderr: () => string): Promise<number> {
  return new Promise((resolve, reject) => {
    const fail = (why: string): void => {
      cleanup();
      child.kill('SIGKILL');
      reject(benchErrors.EXW_ERR_BENCH_PEER_START(id, `${why}${stderr() ? `\n${stderr()}` : ''}`));
    };
    const onMessage = (message: { type?: string; port?: number }): void => {
      if (message?.type !== 'ready' || typeof message.port !== 'number') return;
      cleanup();
      resolve(message.port);
    };
    const onExit = (code: number | null, signal: string | null): void => fail(`exited early (code ${code}, signal ${signal})`);
    const onError = (err: Error): void => fail(err.message);
    const timer = setTimeout(() => fail(`no port reported within ${START_TIMEOUT_MS / 1000} s`), START_TIMEOUT_MS);
    function cleanup(): void {
      clearTimeout(timer);
      child.off('message', onMessage);
      child.off('exit', onExit);
      child.off('error', onError);
    }
    child.on('message', onMessage);
    child.on('exit', onExit);
    child.on('error', onError);
  });
}

function makeHandle(id: PeerId, port: number, child: ChildProcess): PeerProcess {
  let nextId = 0;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const ask = (type: 'rss' | 'cpu'): Promise<number> =>
    new Promise((resolve, reject) => {
      const query = ++nextId;
      const onMessage = (message: { type?: string; id?: number; value?: number }): void => {
        if (message?.type !== type || message.id !== query) return;
        child.off('message', onMessage);
        resolve(message.value!);
      };
      child.on('message', onMessage);
      child.send({ type, id: query }, (err) => err && reject(err));
    });
  return {
    id,
    port,
    child,
    rss: () => ask('rss'),
    cpu: () => ask('cpu'),
    stop: async () => {
      if (child.exitCode !== null || child.signalCode !== null) return;
      if (child.connected) child.send({ type: 'stop' });
      const timer = setTimeout(() => child.kill('SIGKILL'), 3_000);
      await exited;
      clearTimeout(timer);
    },
  };
}

/**
 * listen({ workers: n }) through node:cluster. The primary forks n workers
 * running the same script; each worker builds the same Server, calls
 * listen() again and serves on the shared port. close() on the primary asks
 * every worker to drain gracefully (RunningServer.close) and waits for them
 * to exit, killing any that outlive the deadline. A worker that crashes
 * while serving is replaced.
 */
import cluster, { type Worker } from 'node:cluster';
import { debuglog } from 'node:util';
import { runtimeErrors } from './codes.js';
import { listen, type CloseOptions, type ListenOptions, type RunningServer } from './listen.js';
import type { Server } from './server.js';

const debug = debuglog('expressway:cluster');
const SHUTDOWN = 'expressway:shutdown';
/** Extra time a worker gets past the drain deadline to exit by itself before it is killed. */
const EXIT_GRACE_MS = 2_000;

export interface ClusterHandle {
  readonly url: string;
  readonly port: number;
  readonly host: string;
  /** Live workers. */
  readonly workers: readonly Worker[];
  /** Drains every worker gracefully, then resolves once all have exited. */
  close(options?: CloseOptions): Promise<void>;
}

interface ShutdownMessage {
  type: typeof SHUTDOWN;
  timeout: number;
}

function isShutdown(msg: unknown): msg is ShutdownMessage {
  return typeof msg === 'object' && msg !== null && (msg as { type?: unknown }).type === SHUTDOWN;
}

export async function listenCluster(server: Server<any>, options: ListenOptions): Promise<ClusterHandle | RunningServer> {
  const count = options.workers!;
  if (!Number.isInteger(count) || count < 1) throw runtimeErrors.EXW_ERR_CONFIG_INVALID('workers', `expected a positive integer, got ${String(count)}`);
  if (cluster.isWorker) return listenInWorker(server, options);
  return startPrimary(server, options, count);
}

async function listenInWorker(server: Server<any>, options: ListenOptions): Promise<RunningServer> {
  const running = await listen(server, { ...options, workers: undefined });
  process.on('message', (msg: unknown) => {
    if (!isShutdown(msg)) return;
    void running.close({ timeout: msg.timeout }).finally(() => process.exit(0));
  });
  return running;
}

async function startPrimary(server: Server<any>, options: ListenOptions, count: number): Promise<ClusterHandle> {
  if (options.exec !== undefined) cluster.setupPrimary({ exec: options.exec });
  const workers = new Set<Worker>();
  let shuttingDown = false;
  let address: { port: number; address: string } | undefined;

  const fork = (): Promise<Worker> =>
    new Promise((resolve, reject) => {
      const worker = cluster.fork();
      workers.add(worker);
      let listening = false;
      worker.once('listening', (addr) => {
        listening = true;
        address ??= { port: addr.port, address: addr.address ?? '127.0.0.1' };
        resolve(worker);
      });
      worker.once('exit', (code, signal) => {
        workers.delete(worker);
        if (!listening) {
          reject(runtimeErrors.EXW_ERR_CLUSTER_WORKER_FAILED(worker.id, signal ?? `exit code ${code}`));
          return;
        }
        if (!shuttingDown) {
          debug('worker %d died (%s), starting a replacement', worker.id, signal ?? code);
          fork().catch((err: Error) => debug('replacement failed: %s', err.message));
        }
      });
    });

  // Workers run the same script and call listen() with the same options; in
  // a cluster, port 0 gives them all one shared random port.
  try {
    await Promise.all(Array.from({ length: count }, fork));
  } catch (err) {
    shuttingDown = true;
    for (const worker of workers) worker.kill('SIGKILL');
    throw err;
  }
  const addr = address!;
  const host = addr.address === '' || addr.address === '::' || addr.address === '0.0.0.0' ? '127.0.0.1' : addr.address;
  let closing: Promise<void> | undefined;

  return {
    url: `http://${host.includes(':') ? `[${host}]` : host}:${addr.port}`,
    port: addr.port,
    host,
    get workers() {
      return [...workers];
    },
    close(closeOptions: CloseOptions = {}): Promise<void> {
      shuttingDown = true;
      const timeout = closeOptions.timeout ?? server.config.shutdownTimeout;
      closing ??= Promise.all([...workers].map((worker) => stopWorker(worker, timeout))).then(() => undefined);
      return closing;
    },
  };
}

function stopWorker(worker: Worker, timeout: number): Promise<void> {
  return new Promise((resolve) => {
    if (worker.isDead()) {
      resolve();
      return;
    }
    const killer = setTimeout(() => worker.process.kill('SIGKILL'), timeout + EXIT_GRACE_MS);
    worker.once('exit', () => {
      clearTimeout(killer);
      resolve();
    });
    const msg: ShutdownMessage = { type: SHUTDOWN, timeout };
    worker.send(msg);
  });
}

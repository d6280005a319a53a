/**
 * Starts target-process.ts in a child process and watches it: a run asserts
 * the child never exits on its own (0 crashes). Under vitest the sources
 * are TypeScript, so the child runs through tsx; from dist/ it is plain node.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { extname } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { ServerOptions } from '../../runtime/index.js';
import type { TargetStats } from './target-process.js';

export interface TargetProcess {
  readonly port: number;
  readonly child: ChildProcess;
  /** True while the child has not exited. */
  alive(): boolean;
  /** Exit code or signal if it exited, for the report. */
  exitReason(): string | null;
  /** Last lines the child wrote to stderr (a crash leaves its stack here). */
  stderr(): string;
  stats(): Promise<TargetStats>;
  /** Graceful close inside the child (running.close()); resolves with its duration in ms. */
  close(timeout?: number): Promise<number>;
  stop(): Promise<void>;
}

const START_TIMEOUT_MS = 60_000;

function childArgs(options: ServerOptions, nodeFlags: string[]): string[] {
  const here = fileURLToPath(import.meta.url);
  const ext = extname(here);
  const entry = fileURLToPath(new URL(`./target-process${ext}`, import.meta.url));
  return [...nodeFlags, ...(ext === '.ts' ? ['--import', 'tsx'] : []), entry, JSON.stringify(options)];
}

export async function startTarget(options: ServerOptions = {}, nodeFlags: string[] = ['--expose-gc']): Promise<TargetProcess> {
  const child = spawn(process.execPath, childArgs(options, nodeFlags), { stdio: ['ignore', 'ignore', 'pipe', 'ipc'] });
  let stderr = '';
  child.stderr!.on('data', (chunk: Buffer) => {
    stderr = (stderr + chunk.toString('utf8')).slice(-4_000);
  });
  let exit: string | null = null;
  child.on('exit', (code, signal) => {
    exit = `code ${code}, signal ${signal}`;
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const port = await new Promise<number>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`target did not start within ${START_TIMEOUT_MS} ms: ${stderr}`)), START_TIMEOUT_MS);
    child.on('message', (m: { type?: string; port?: number }) => {
      if (m?.type === 'ready' && typeof m.port === 'number') {
        clearTimeout(timer);
        resolve(m.port);
      }
    });
    child.once('exit', () => {
      clearTimeout(timer);
      reject(new Error(`target exited before listening (${exit}): ${stderr}`));
    });
  });
  let nextId = 0;
  const request = <T>(message: object, reply: string, pick: (m: any) => T, match: (m: any) => boolean = () => true): Promise<T> =>
    new Promise((resolve, reject) => {
      const onMessage = (m: any): void => {
        if (m?.type !== reply || !match(m)) return;
        child.off('message', onMessage);
        resolve(pick(m));
      };
      child.on('message', onMessage);
      child.send(message, (err) => err && reject(err));
    });
  return {
    port,
    child,
    alive: () => exit === null,
    exitReason: () => exit,
    stderr: () => stderr,
    stats: () => {
      const id = ++nextId;
      return request({ type: 'stats', id }, 'stats', (m) => m.stats as TargetStats, (m) => m.id === id);
    },
    close: (timeout) => request({ type: 'close', timeout }, 'closed', (m) => m.ms as number),
    stop: async () => {
      if (exit !== null) return;
      if (child.connected) child.send({ type: 'stop' });
      const timer = setTimeout(() => child.kill('SIGKILL'), 3_000);
      await exited;
      clearTimeout(timer);
    },
  };
}

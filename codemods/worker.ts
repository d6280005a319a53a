/**
 * The worker_threads pool that runs the transform. Parsing dominates the
 * cost of a codemod run, so files are handed out one at a time to whichever
 * worker is free; each worker loads the transform module once. With one CPU,
 * or a transform given as a function (functions cannot cross threads), the
 * same code runs inline on the main thread.
 *
 * This file is both the pool (main thread) and the worker entry point.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { Worker, isMainThread, parentPort, workerData } from 'node:worker_threads';
import { loadTransform, type TransformCallOptions, type TransformFn, type TransformResult } from './transform-api.js';
import { runnerErrors } from './runner-errors.js';

export interface Task {
  source: string;
  options: TransformCallOptions;
}

export interface TaskError {
  code?: string;
  message: string;
  line?: number;
  column?: number;
}

export type TaskOutcome = { ok: true; result: TransformResult } | { ok: false; error: TaskError };

export interface Pool {
  run(task: Task): Promise<TaskOutcome>;
  close(): Promise<void>;
}

interface WorkerInit {
  expresswayCodemodWorker: true;
  transformUrl: string;
}

export async function runTask(transform: TransformFn, task: Task): Promise<TaskOutcome> {
  try {
    const result = await transform(task.source, task.options);
    if (result === null || typeof result !== 'object' || (result.output !== null && typeof result.output !== 'string')) {
      const got = result === null || typeof result !== 'object' ? String(result) : typeof result.output;
      throw runnerErrors.EXW_ERR_CODEMOD_RUNNER_OUTPUT(task.options.path, got);
    }
    const out: TransformResult = { output: result.output, entries: result.entries ?? [], handlers: result.handlers ?? { native: 0, compat: 0 } };
    if (result.importedHandlers) out.importedHandlers = result.importedHandlers;
    return { ok: true, result: out };
  } catch (err) {
    return { ok: false, error: describeError(err) };
  }
}

/** Message, code and source position of whatever a parser or transform threw. */
export function describeError(err: unknown): TaskError {
  const e = (err ?? {}) as { code?: unknown; message?: unknown; loc?: { line?: number; column?: number }; lineNumber?: number; line?: number; column?: number };
  const message = typeof e.message === 'string' ? e.message.split('\n')[0] : String(err);
  const out: TaskError = { message };
  if (typeof e.code === 'string') out.code = e.code;
  const fromMessage = /\((\d+):(\d+)\)/.exec(message) ?? /:(\d+):(\d+)?/.exec(message);
  const line = e.loc?.line ?? e.lineNumber ?? e.line ?? (fromMessage ? Number(fromMessage[1]) : undefined);
  const column = e.loc?.column ?? e.column ?? (fromMessage?.[2] ? Number(fromMessage[2]) : undefined);
  if (typeof line === 'number' && Number.isFinite(line)) out.line = line;
  if (typeof column === 'number' && Number.isFinite(column)) out.column = column;
  return out;
}

export function createInlinePool(load: () => Promise<TransformFn>): Pool {
  let transform: Promise<TransformFn> | null = null;
  return {
    async run(task) {
      transform ??= load();
      return runTask(await transform, task);
    },
    async close() {},
  };
}

export function createWorkerPool(size: number, transformUrl: string): Pool {
  const entry = workerEntry(new URL(import.meta.url));
  const idle: Worker[] = [];
  const waiting: Array<(w: Worker) => void> = [];
  const all: Worker[] = [];
  const spawn = (): Worker => {
    const init: WorkerInit = { expresswayCodemodWorker: true, transformUrl };
    const worker = new Worker(entry.script, { workerData: init, eval: entry.eval });
    worker.unref();
    all.push(worker);
    return worker;
  };
  for (let i = 0; i < size; i++) idle.push(spawn());
  const acquire = (): Promise<Worker> => {
    const free = idle.pop();
    return free ? Promise.resolve(free) : new Promise((resolve) => waiting.push(resolve));
  };
  const release = (worker: Worker): void => {
    const next = waiting.shift();
    if (next) next(worker);
    else idle.push(worker);
  };
  return {
    async run(task) {
      const worker = await acquire();
      const { outcome, crashed } = await exchange(worker, task);
      // A worker that died (out of memory, native crash) is replaced, not reused.
      release(crashed ? spawn() : worker);
      return outcome;
    },
    async close() {
      await Promise.all(all.map((w) => w.terminate()));
    },
  };
}

/**
 * What a worker runs: this module, or, when it is the .ts source (vitest,
 * tsx), a bootstrap that registers tsx's loader before importing it. A
 * worker given `--import tsx` in execArgv loads its entry before the hooks
 * are in place ("Unknown file extension .ts"); registering first, then
 * importing, orders the two.
 */
function workerEntry(self: URL): { script: URL | string; eval: boolean } {
  if (!/\.[mc]?ts$/.test(self.pathname)) return { script: self, eval: false };
  const api = tsxEsmApi(self);
  return { script: `import(${JSON.stringify(api)}).then((tsx) => { tsx.register(); return import(${JSON.stringify(self.href)}); });\n`, eval: true };
}

/** tsx's ESM register API as a file URL (require.resolve would give its CommonJS build). */
function tsxEsmApi(from: URL): string {
  const manifest = createRequire(from).resolve('tsx/package.json');
  const exports = (JSON.parse(readFileSync(manifest, 'utf8')) as { exports: Record<string, { import: { default: string } }> }).exports;
  return pathToFileURL(join(dirname(manifest), exports['./esm/api']!.import.default)).href;
}

function exchange(worker: Worker, task: Task): Promise<{ outcome: TaskOutcome; crashed: boolean }> {
  return new Promise((resolve) => {
    const onMessage = (outcome: TaskOutcome): void => { cleanup(); resolve({ outcome, crashed: false }); };
    const onError = (err: Error): void => {
      cleanup();
      const error = runnerErrors.EXW_ERR_CODEMOD_RUNNER_WORKER(task.options.path, err.message);
      resolve({ outcome: { ok: false, error: { code: error.code, message: error.message } }, crashed: true });
    };
    const cleanup = (): void => { worker.off('message', onMessage); worker.off('error', onError); };
    worker.on('message', onMessage);
    worker.on('error', onError);
    worker.postMessage(task);
  });
}

async function workerMain(init: WorkerInit): Promise<void> {
  let transform: TransformFn | null = null;
  let loadError: TaskError | null = null;
  try {
    transform = await loadTransform(init.transformUrl);
  } catch (err) {
    loadError = describeError(err);
  }
  parentPort!.on('message', async (task: Task) => {
    const outcome: TaskOutcome = transform ? await runTask(transform, task) : { ok: false, error: loadError! };
    parentPort!.postMessage(outcome);
  });
}

if (!isMainThread && (workerData as WorkerInit | undefined)?.expresswayCodemodWorker) {
  void workerMain(workerData as WorkerInit);
}

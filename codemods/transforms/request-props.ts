/**
 * Custom request properties kept on the raw request (`req.id = x` ->
 * `ctx.req.id = x`, every read `ctx.req.id`). Express stores them on the very
 * IncomingMessage object the runtime hands over as ctx.req, and every compat
 * bridge gives Express code that object as req: written and read there, the
 * value is where every reader, migrated or not, looks for it, whoever set it.
 *
 * Used for what middleware registered with use() (app- or router-level,
 * from another module) sets: unlike route middleware, its readers are
 * anywhere in the app, so ctx.state (which only migrated code after it sees)
 * cannot carry it. The runner (codemods/imported-handlers.ts) learns the
 * names from the defining module and hands them to every file of the run;
 * then every migrated file reads and writes them on ctx.req.
 *
 * The per-file transform is synchronous, so one file's set is current at a
 * time (per worker thread).
 */
import type { FileContext } from './context.js';

/** Bridged into ctx.state by compat (state-bridge.ts) and written there by migrated code: never moved. */
const STATE_BRIDGED = new Set(['user', 'session']);

interface Current {
  path: string;
  /** Names the run keeps on the raw request. */
  names: Set<string>;
  /** Set while a use()-registered definition converts: its writes go to the raw request and are collected. */
  collect: Set<string> | null;
}

let current: Current | null = null;

/** Runs one file's transform with the names the run keeps on the raw request. */
export function withRequestProps<T>(path: string, names: readonly string[], run: () => T): T {
  const previous = current;
  current = { path, names: new Set(names), collect: null };
  try {
    return run();
  } finally {
    current = previous;
  }
}

/**
 * Converts one function registered with use() in other modules: the custom
 * properties it writes stay on the raw request (returned, for the runner),
 * and so do its own later reads of them.
 */
export function collectingRequestWrites<T>(path: string, run: () => T): { value: T; writes: string[] } {
  const previous = current;
  const collect = new Set<string>();
  current = { path, names: new Set(previous?.path === path ? previous.names : []), collect };
  try {
    return { value: run(), writes: [...collect].sort() };
  } finally {
    current = previous;
  }
}

/** Whether `req.<name>` in this file is read or written as `ctx.req.<name>`; records a write when collecting. */
export function onRawRequest(fc: FileContext, name: string, isWrite: boolean): boolean {
  if (!current || current.path !== fc.options.path || STATE_BRIDGED.has(name) || name.startsWith('_')) return false;
  if (current.names.has(name)) return true;
  if (!isWrite || !current.collect) return false;
  current.collect.add(name);
  current.names.add(name);
  return true;
}

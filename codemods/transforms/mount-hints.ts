/**
 * The project pass's 'router' hints for the file being transformed: where
 * each router of the file is mounted, and whether a route of it that hands
 * its request on (ctx.fallThrough()) meets there what Express meets
 * (project/mount-fall-through.ts). Set around one file's transform by the
 * runner's per-file entry (migrate-project-file.ts), as imported-refs.ts
 * does for imported handlers; a transform run without the project pass sees none.
 */
import type { HandlerHint } from '../project/hints.js';
import type { FileContext } from './context.js';

let current: { path: string; mounts: HandlerHint[] } | null = null;

export function withMountHints<T>(path: string, hints: readonly HandlerHint[] | undefined, run: () => T): T {
  const mounts = (hints ?? []).filter((h) => h.kind === 'router');
  if (mounts.length === 0) return run();
  const previous = current;
  current = { path, mounts };
  try {
    return run();
  } finally {
    current = previous;
  }
}

/** The mounts of the router named `name` in this file (empty when the project pass saw none). */
export function mountsOf(fc: FileContext, name: string): HandlerHint[] {
  if (!current || current.path !== fc.options.path) return [];
  return current.mounts.filter((h) => h.name === name);
}

/**
 * A router module can only become a runtime Router when whoever mounts it
 * can take one. Express's `use()` cannot: `legacyApp.use('/accounts',
 * require('./routes/accounts'))` throws at start-up ("Router.use() requires a
 * middleware function") if ./routes/accounts was migrated.
 *
 * The per-file transforms cannot see that, so after every file has been
 * transformed (and before anything is written) this pass looks at the
 * project pass's 'router' hints: when the file that mounts a router keeps
 * that mount on Express, the router's file is left as it was, and reported
 * as staying on Express with the reason. Reverting one file can keep its own
 * mounts on Express, so the check repeats until nothing changes. A router
 * mounted at a path with params stays on Express too when it would not see
 * the same req.params on the runtime (project/param-mount.ts).
 */
import { relative } from 'node:path';
import type { HandlerHint } from './project/hints.js';
import type { TransformResult as TransformedFile } from './transform-api.js';

/** Rules with which a transform says a whole app or router in the file stays on Express. */
const STAYS_WHOLE = new Set(['app-stays-express', 'router-stays-express']);

export const MOUNTED_BY_EXPRESS_RULE = 'mounted-by-express';

export function keepRoutersMountedByExpress(
  outcomes: Map<string, TransformedFile>,
  hintsByFile: Map<string, HandlerHint[]>,
  cwd: string,
): void {
  const mounts = routerMounts(hintsByFile);
  let changed = true;
  while (changed) {
    changed = false;
    for (const { router, mounter, line, paramMount } of mounts) {
      const routerOutcome = outcomes.get(router);
      if (!routerOutcome || routerOutcome.output === null) continue;
      if (paramMount?.blocker) {
        // The mounter hands an Express router to Express below the path either way (registrations.ts planUse).
        revert(routerOutcome, router, `mounted at "${paramMount.path}" by ${relative(cwd, mounter)}:${line}, but ${paramMount.blocker}`);
        changed = true;
        continue;
      }
      if (!keepsMountOnExpress(outcomes.get(mounter), line)) continue;
      revert(routerOutcome, router, `mounted by ${relative(cwd, mounter)}:${line}, which stays on Express (Express's use() cannot take a runtime Router)`);
      changed = true;
    }
  }
}

function routerMounts(hintsByFile: Map<string, HandlerHint[]>): Array<{ router: string; mounter: string; line: number; paramMount?: HandlerHint['paramMount'] }> {
  const mounts = [];
  for (const [file, hints] of hintsByFile) {
    for (const hint of hints) {
      if (hint.kind === 'router') mounts.push({ router: file, mounter: hint.from.file, line: hint.from.line, paramMount: hint.paramMount });
    }
  }
  return mounts;
}

/**
 * The mount stays on Express when the mounting file was not rewritten at all
 * (or was reverted here), when a whole app or router in it stays on Express,
 * or when the mount statement itself was moved to the legacy Express app.
 */
function keepsMountOnExpress(mounter: TransformedFile | undefined, line: number): boolean {
  if (!mounter || mounter.output === null) return true;
  return mounter.entries.some((e) => STAYS_WHOLE.has(e.rule) || (e.kind === 'compat' && e.line === line && e.rule === 'legacy-express-app'));
}

function revert(outcome: TransformedFile, file: string, reason: string): void {
  const handlers = outcome.handlers.native + outcome.handlers.compat;
  outcome.output = null;
  outcome.handlers = { native: 0, compat: handlers };
  outcome.entries = [{ file, line: 1, kind: 'compat', rule: MOUNTED_BY_EXPRESS_RULE, reason }];
}

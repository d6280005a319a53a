/**
 * `router.use('/:projectId/tasks', tasks)` (also `app.use`) with `tasks` a
 * router module of the app: the mount path keeps its params on the runtime
 * (`mount('/{projectId}/tasks', tasks)`), whose request middleware then see
 * the mount's captures also for a request no route matches
 * (runtime/prefix-params.ts), as a `mergeParams` router's middleware does in
 * Express. Whether the module itself can take the params that way is decided
 * in its own file (project/param-mount.ts, mounted-by-express.ts); if it
 * stays an Express router, the runtime mounts it through
 * mountExpressRouter, which applies the same path in Express syntax.
 */
import type { ASTPath } from 'jscodeshift';
import { mountPathParams } from '../project/param-mount.js';
import { parseStatement } from './ast-utils.js';
import type { FileContext } from './context.js';
import type { ExpressBinding } from './express-binding.js';

/** `/:projectId/tasks` -> `/{projectId}/tasks` when each segment is literal text or a whole `:name` (same in Express 4 and 5); null otherwise. */
export function runtimeMountPath(prefix: string): string | null {
  const params = mountPathParams(prefix);
  if (params === null || params.length === 0) return null;
  return prefix.replace(/\/:([A-Za-z_][A-Za-z0-9_]*)/g, '/{$1}');
}

/** `new Router()` cannot be written at `at`: `Router` is bound there to something other than express.Router (which becomes the runtime's). */
export function routerNameTaken(at: ASTPath<any>, b: ExpressBinding): boolean {
  return at.scope?.lookup('Router') != null && !b.routerFactories.has('Router');
}

/**
 * The mount of a router module under a path with params: natively when the module migrated (it exports a
 * runtime Router), through mountExpressRouter in a Router of its own when it stayed an Express router.
 */
export function paramMountStatement(fc: FileContext, receiver: string, path: string, moduleRef: string): any {
  return parseStatement(fc.j, `if (typeof ${moduleRef} === 'function') ${receiver}.mount('${path}', new Router().requestMiddlewareAtMount(mountExpressRouter(${moduleRef})));\nelse ${receiver}.mount('${path}', ${moduleRef});`);
}

/** The names paramMountStatement uses, added when it is applied. */
export function addParamMountImports(fc: FileContext): void {
  fc.compatNames.add('mountExpressRouter');
  fc.runtimeNames.add('Router');
}

/**
 * toExpress(server): runtime routes inside an existing Express app, for
 * teams keeping Express as the outer shell until cutover:
 *
 *   expressApp.use(express.json(), passport.session());
 *   expressApp.use(toExpress(server));   // migrated routes
 *   expressApp.use(legacyRouter);        // everything else, as before
 *
 * A request is served by the runtime only when one of its routes matches
 * (method and path); anything else goes to Express's next middleware. The
 * runtime adopts what Express already did: the body body-parser read,
 * res.locals as ctx.state, req.user and req.session.
 *
 * Paths: Express matched its prefixes (`app.use('/admin', auth)`) on the raw
 * path, the runtime routes on the normalised one. So that `//admin`,
 * `/%61dmin` or `/admin/.` can never reach a runtime route past an Express
 * prefix, the runtime only serves canonical targets; others fall through to
 * Express, whose routing sees them as the different paths they are.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Context, Server } from '../runtime/index.js';
import { normalizePath } from '../runtime/index.js';
import { RouteTree } from '../runtime/router.js';
import { adoptExpressBody } from './body-ownership.js';
import { isCanonical } from './canonical-path.js';
import { compatErrors } from './errors.js';
import type { ExpressMiddleware } from './express-module.js';
import { adoptState, DEFAULT_STATE_KEYS } from './state-bridge.js';
import { kAdopterInstalled, kOuterNext } from './symbols.js';

export interface ToExpressOptions {
  /**
   * Where errors of runtime routes go: 'runtime' (default) to the server's
   * panic hooks, which answer as the runtime alone would; 'express' to
   * Express's error middleware (`next(err)`), after the runtime's own panic
   * hooks registered before toExpress() observed them.
   */
  errors?: 'runtime' | 'express';
  /** req keys that read and write ctx.state.<key>. Default ['user', 'session']. */
  stateKeys?: readonly string[];
}

type OuterNext = (err?: unknown) => void;
type WithNext = IncomingMessage & { [kOuterNext]?: OuterNext; app?: { get(name: string): unknown } };

export function toExpress(server: Server<any>, opts: ToExpressOptions = {}): ExpressMiddleware {
  if (server === null || typeof server !== 'object' || typeof (server as Server).handler !== 'function') {
    throw compatErrors.EXW_ERR_COMPAT_NOT_MIDDLEWARE('toExpress()', 'a runtime Server', server === null ? 'null' : typeof server);
  }
  const errors = opts.errors ?? 'runtime';
  if (errors !== 'runtime' && errors !== 'express') {
    throw compatErrors.EXW_ERR_COMPAT_INVALID_OPTION('toExpress()', 'errors', `must be 'runtime' or 'express', got ${String(errors)}`);
  }
  installAdopter(server, opts.stateKeys ?? DEFAULT_STATE_KEYS);
  if (errors === 'express') server.panicHook(forwardToExpress);
  let tree: RouteTree<true> | null = null;
  let caseChecked = false;

  return function runtimeRoutes(req: IncomingMessage, res: ServerResponse, next: OuterNext): void {
    tree ??= buildTree(server);
    const url = req.url ?? '/';
    if (!isCanonical(url)) return next();
    const q = url.indexOf('?');
    if (tree.find(req.method ?? 'GET', normalizePath(q === -1 ? url : url.slice(0, q))).kind !== 'found') return next();
    if (!caseChecked) {
      const expressSensitive = (req as WithNext).app?.get('case sensitive routing') === true;
      if (expressSensitive && !server.config.caseSensitive) {
        return next(compatErrors.EXW_ERR_COMPAT_CASE_MISMATCH('toExpress()', "Express app ('case sensitive routing' on)", 'runtime (caseSensitive: false)'));
      }
      caseChecked = true;
    }
    (req as WithNext)[kOuterNext] = next;
    server.handler(req, res);
  };
}

/** The runtime's own route table, rebuilt from server.routes() on first use (routes added later are not seen). */
function buildTree(server: Server<any>): RouteTree<true> {
  const tree = new RouteTree<true>({ caseSensitive: server.config.caseSensitive, ignoreTrailingSlash: server.config.ignoreTrailingSlash });
  for (const { method, pattern } of server.routes()) tree.add(method, pattern, true);
  return tree;
}

/** A first request middleware on the server: Express's body, res.locals, req.user/session become the runtime's. */
function installAdopter(server: Server<any>, keys: readonly string[]): void {
  const marked = server as unknown as Record<symbol, boolean>;
  if (marked[kAdopterInstalled]) return;
  marked[kAdopterInstalled] = true;
  let orderChecked = false;
  const adopter = function adoptExpressRequest(ctx: Context<any, any>): void {
    if (!orderChecked) {
      orderChecked = true;
      if (ctx._plan!.steps[0] !== adopter) {
        process.emitWarning('toExpress(server) was called after request middleware were registered on the server; those run before the Express body and state are adopted. Call toExpress(server) first.', {
          code: 'EXW_WARN_COMPAT_ADOPT_ORDER',
        });
      }
    }
    const req = ctx.req as WithNext;
    if (req[kOuterNext] === undefined) return;
    adoptExpressBody(ctx, req);
    adoptState(ctx, req, ctx.res, keys);
  };
  server.requestMiddleware(adopter);
}

/** errors: 'express': Express's error middleware answer; the runtime waits until they did, then writes nothing. */
function forwardToExpress(ctx: Context<any, any>, error: unknown): Promise<void> | undefined {
  const req = ctx.req as WithNext;
  const next = req[kOuterNext];
  if (next === undefined || ctx._res === null) return undefined;
  req[kOuterNext] = undefined;
  const res = ctx.res;
  if (res.headersSent) return undefined;
  return new Promise<void>((resolve) => {
    res.once('close', () => resolve());
    next(error);
  });
}

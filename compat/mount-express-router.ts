/**
 * mountExpressRouter(router): the routes of a runtime Router that stay on
 * Express, kept in an Express router that answers where they were
 * registered:
 *
 *   const router = new Router({ middlewareOrder: 'registration' });
 *   const legacyRouter = express.Router();
 *   legacyRouter.get('/:name', expressHandler);
 *   router.requestMiddlewareAtMount(mountExpressRouter(legacyRouter));
 *
 * Under middlewareOrder 'registration' it runs for the requests no runtime
 * route matched and for the runtime routes registered after it (anywhere in
 * the app: Express tried the router's routes before those), not for the
 * routes registered before it; a route it does not answer runs as usual.
 *
 * A router module does not know where the app mounts it; Express's
 * app.use(path, router) strips that path from req.url and sets req.baseUrl.
 * requestMiddlewareAtMount hands the mount path over when the router
 * reaches the server, and fromExpress does the stripping. Whatever the
 * Express router does not answer (its next(), a path it has no route for)
 * continues through the runtime pipeline, as it continued through the
 * Express app.
 */
import type { Context, Handler } from '../runtime/index.js';
import { compatErrors } from './errors.js';
import { fromExpress, type FromExpressOptions } from './from-express.js';
import type { ExpressMiddleware } from './express-module.js';

export type MountExpressRouterOptions = Omit<FromExpressOptions, 'path' | 'app'>;

export function mountExpressRouter<S extends object = any>(router: ExpressMiddleware, opts: MountExpressRouterOptions = {}): (mountPath: string) => Handler<S> {
  if (typeof router !== 'function') throw compatErrors.EXW_ERR_COMPAT_NOT_MIDDLEWARE('mountExpressRouter()', 'an Express router (express.Router())', router === null ? 'null' : typeof router);
  return (mountPath: string) => {
    const legacy = fromExpress<S>(router, { ...opts, path: expressPath(mountPath) });
    return function legacyExpressRouter(ctx: Context<any, any>): Promise<void> | undefined {
      if (ctx._res === null) return undefined; // a WebSocket upgrade: no Express response to give it
      // Set by the runtime for its 405: the Express router answers on its own terms, the header returns if it does not.
      const allow = ctx.getHeader('allow');
      if (allow === undefined) return legacy(ctx) as Promise<void>;
      ctx.removeHeader('allow');
      return (legacy(ctx) as Promise<void>).then(() => {
        if (!ctx.aborted) ctx.setHeader('allow', allow);
      });
    } as Handler<S>;
  };
}

/** The runtime's mount path in Express syntax: `{id}` -> `:id`; a `{name:regex}` segment has no portable Express form. */
function expressPath(mountPath: string): string {
  return mountPath.replace(/\{([A-Za-z_$][\w$]*)(:[^}]*)?\}/g, (_all, name: string, regex: string | undefined) => {
    if (regex !== undefined) throw compatErrors.EXW_ERR_COMPAT_INVALID_OPTION('mountExpressRouter()', 'mount path', `"${mountPath}" has a regex segment; mount the router under a plain or {param} path`);
    return `:${name}`;
  });
}

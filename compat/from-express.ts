/**
 * fromExpress(mw): any Connect/Express middleware as runtime request
 * middleware. `next()` continues the pipeline, `next(err)` goes to the
 * panic hooks, a middleware that responds aborts the pipeline (response
 * middleware still run, on Express's status and headers).
 */
import type { IncomingMessage } from 'node:http';
import type { Context, Handler } from '../runtime/index.js';
import { adoptExpressBody, shareRuntimeBody } from './body-ownership.js';
import { callExpress, defaultLogger, type CompatLogger, type Outcome } from './call-express.js';
import { compatErrors } from './errors.js';
import { makeApp, resolveExpress, type ExpressApp, type ExpressMiddleware, type ExpressModule } from './express-module.js';
import { literalMount, matchMount } from './mount-path.js';
import { prepareRequest } from './prepare.js';
import { DEFAULT_STATE_KEYS } from './state-bridge.js';

export interface FromExpressOptions {
  /** The express module to take prototypes from (default: `express` resolved from your project). */
  express?: ExpressModule;
  /** The app `req.app` is (its settings apply: 'json spaces', 'trust proxy', ...). Default: a private app, created on first use. */
  app?: ExpressApp;
  /** Mount path, as `app.use(path, mw)`: the middleware sees req.url below it and req.baseUrl. */
  path?: string;
  /** Milliseconds before a middleware that neither calls next() nor responds gets a 503. Default 30000; 0 disables. */
  timeout?: number;
  /** Where hung middleware is reported. Default util.debuglog('expressway:compat') (NODE_DEBUG=expressway:compat). */
  logger?: CompatLogger;
  /** req keys that read and write ctx.state.<key>. Default ['user', 'session']. */
  stateKeys?: readonly string[];
}

export function fromExpress<S extends object = any>(mw: ExpressMiddleware | ExpressMiddleware[], opts: FromExpressOptions = {}): Handler<S> {
  const list = (Array.isArray(mw) ? mw.flat(Infinity) : [mw]) as unknown[];
  if (list.length === 0) throw compatErrors.EXW_ERR_COMPAT_NOT_MIDDLEWARE('fromExpress()', 'a middleware function (req, res, next) or an array of them', 'an empty array');
  for (const fn of list) {
    if (typeof fn !== 'function') throw compatErrors.EXW_ERR_COMPAT_NOT_MIDDLEWARE('fromExpress()', 'a middleware function (req, res, next)', fn === null ? 'null' : typeof fn);
    if (fn.length === 4) throw compatErrors.EXW_ERR_COMPAT_NOT_MIDDLEWARE('fromExpress()', 'request middleware (req, res, next); error middleware (err, req, res, next) becomes a panic hook', 'a function of 4 arguments');
  }
  const timeout = checkTimeout('fromExpress()', opts.timeout, 30_000);
  if (opts.path !== undefined && (typeof opts.path !== 'string' || !opts.path.startsWith('/'))) {
    throw compatErrors.EXW_ERR_COMPAT_INVALID_OPTION('fromExpress()', 'path', "must be a string starting with '/'");
  }
  const names = list.map((fn) => (fn as { name?: string }).name || 'anonymous');
  const logger = opts.logger ?? defaultLogger;
  const stateKeys = opts.stateKeys ?? DEFAULT_STATE_KEYS;
  let app = opts.app;
  let fns = list as ExpressMiddleware[];
  let ready = false;
  // A literal mount path is applied here (mount-path.ts); one with parameters by Express's Router.
  const mount = opts.path === undefined ? null : literalMount(opts.path);

  const setup = (ctx: Context<any, any>) => {
    ready = true;
    const routed = opts.path !== undefined && mount === null;
    const express = opts.app === undefined || routed ? resolveExpress(opts.express) : undefined;
    app ??= makeApp(express!, ctx._core.options.trust);
    if (routed) {
      // Express's own Router strips the mount path and restores it, exactly as app.use(path, mw).
      const router = express!.Router();
      router.use(opts.path, ...fns);
      fns = [router];
    }
  };

  return async function expressMiddleware(ctx: Context<any, any>): Promise<void> {
    if (!ready) setup(ctx);
    const bridge = prepareRequest(ctx, { app: app!, capture: true, stateKeys });
    const req = ctx.req as MountedRequest;
    const res = ctx.res;
    // app.use(path) state, restored when the pipeline moves on (as Express's router restores it on next()).
    let removed = '';
    let slashAdded = false;
    let parentUrl = '';
    let parentParams: unknown;
    if (mount !== null) {
      const at = matchMount(req.url!, mount);
      if (at < 0) return; // not under the mount path: Express's router would call next()
      parentUrl = req.baseUrl;
      parentParams = req.params;
      req.params = {};
      if (at > 0) {
        removed = req.url!.slice(0, at);
        req.url = req.url!.slice(at);
        if (req.url[0] !== '/') {
          req.url = '/' + req.url;
          slashAdded = true;
        }
        req.baseUrl = parentUrl + removed;
      }
    }
    try {
      for (let i = 0; i < fns.length; i++) {
        const sharing = shareRuntimeBody(ctx, req);
        if (sharing !== undefined) await sharing;
        const outcome: Outcome = await callExpress(bridge, fns[i]!, req, res, { name: names[i] ?? 'router', timeout, logger });
        if (outcome === 'responded') {
          ctx.abort();
          return; // Express keeps the mounted url while it answers
        }
        adoptExpressBody(ctx, req);
      }
    } catch (err) {
      if (mount !== null) leaveMount(req, removed, slashAdded, parentUrl, parentParams);
      throw err;
    }
    if (mount !== null) leaveMount(req, removed, slashAdded, parentUrl, parentParams);
  } as Handler<S>;
}

type MountedRequest = IncomingMessage & { baseUrl: string; params: unknown };

/** Express's router on next(): the removed prefix goes back on whatever url the middleware left. */
function leaveMount(req: MountedRequest, removed: string, slashAdded: boolean, parentUrl: string, parentParams: unknown): void {
  if (removed !== '') {
    if (slashAdded) req.url = req.url!.slice(1);
    req.url = removed + req.url!;
    req.baseUrl = parentUrl;
  }
  req.params = parentParams;
}

export function checkTimeout(where: string, value: unknown, fallback: number): number {
  if (value === undefined) return fallback;
  if (typeof value !== 'number' || !Number.isFinite(value) || value < 0) {
    throw compatErrors.EXW_ERR_COMPAT_INVALID_OPTION(where, 'timeout', `must be a non-negative number of milliseconds, got ${String(value)}`);
  }
  return value;
}

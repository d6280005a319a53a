/**
 * fromExpress(mw): any Connect/Express middleware as runtime request
 * middleware. `next()` continues the pipeline, `next(err)` goes to the
 * panic hooks, a middleware that responds aborts the pipeline (response
 * middleware still run, on Express's status and headers).
 */
import type { Context, Handler } from '../runtime/index.js';
import { adoptExpressBody, shareRuntimeBody } from './body-ownership.js';
import { callExpress, defaultLogger, type CompatLogger, type Outcome } from './call-express.js';
import { compatErrors } from './errors.js';
import { makeApp, resolveExpress, type ExpressApp, type ExpressMiddleware, type ExpressModule } from './express-module.js';
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

  const setup = (ctx: Context<any, any>) => {
    ready = true;
    const express = opts.app === undefined || opts.path !== undefined ? resolveExpress(opts.express) : undefined;
    app ??= makeApp(express!, ctx._core.options.trust);
    if (opts.path !== undefined) {
      // Express's own Router strips the mount path and restores it, exactly as app.use(path, mw).
      const router = express!.Router();
      router.use(opts.path, ...fns);
      fns = [router];
    }
  };

  return async function expressMiddleware(ctx: Context<any, any>): Promise<void> {
    if (!ready) setup(ctx);
    const bridge = prepareRequest(ctx, { app: app!, capture: true, stateKeys });
    const req = ctx.req;
    const res = ctx.res;
    for (let i = 0; i < fns.length; i++) {
      const sharing = shareRuntimeBody(ctx, req);
      if (sharing !== undefined) await sharing;
      const outcome: Outcome = await callExpress(bridge, fns[i]!, req, res, { name: names[i] ?? 'router', timeout, logger });
      if (outcome === 'responded') {
        ctx.abort();
        return;
      }
      adoptExpressBody(ctx, req);
    }
  } as Handler<S>;
}

export function checkTimeout(where: string, value: unknown, fallback: number): number {
  if (value === undefined) return fallback;
  if (typeof value !== 'number' || !Number.isFinite(value) || value < 0) {
    throw compatErrors.EXW_ERR_COMPAT_INVALID_OPTION(where, 'timeout', `must be a non-negative number of milliseconds, got ${String(value)}`);
  }
  return value;
}

/**
 * fromExpressErrorHandler(mw): an Express error middleware
 * `(err, req, res, next)` (errorhandler, a legacy app's JSON error writer)
 * as a runtime panic hook. What it writes is the answer (response
 * middleware apply); `next(err)` leaves the answer to the hooks after it
 * and the runtime's default.
 */
import type { Context, ErrorHook } from '../runtime/index.js';
import { callExpress, defaultLogger, type CompatLogger } from './call-express.js';
import { compatErrors } from './errors.js';
import { makeApp, resolveExpress, type ExpressApp, type ExpressModule } from './express-module.js';
import { checkTimeout } from './from-express.js';
import { prepareRequest } from './prepare.js';
import { DEFAULT_STATE_KEYS } from './state-bridge.js';

export type ExpressErrorMiddleware = (err: any, req: any, res: any, next: (err?: unknown) => void) => unknown;

export interface FromExpressErrorOptions {
  express?: ExpressModule;
  app?: ExpressApp;
  timeout?: number;
  logger?: CompatLogger;
  stateKeys?: readonly string[];
}

export function fromExpressErrorHandler<S extends object = any>(mw: ExpressErrorMiddleware, opts: FromExpressErrorOptions = {}): ErrorHook<S> {
  if (typeof mw !== 'function' || mw.length !== 4) {
    throw compatErrors.EXW_ERR_COMPAT_NOT_MIDDLEWARE('fromExpressErrorHandler()', 'an error middleware (err, req, res, next)', typeof mw === 'function' ? `a function of ${mw.length} arguments` : typeof mw);
  }
  const timeout = checkTimeout('fromExpressErrorHandler()', opts.timeout, 30_000);
  const logger = opts.logger ?? defaultLogger;
  const stateKeys = opts.stateKeys ?? DEFAULT_STATE_KEYS;
  const name = mw.name || 'error handler';
  let app = opts.app;

  return async function expressErrorHandler(ctx: Context<any, any>, error: unknown): Promise<void> {
    if (ctx._res === null || ctx.res.headersSent) return;
    app ??= makeApp(resolveExpress(opts.express), ctx._core.options.trust);
    const bridge = prepareRequest(ctx, { app, capture: true, stateKeys });
    const asMiddleware = (req: unknown, res: unknown, next: (err?: unknown) => void) => mw(error, req, res, next);
    try {
      await callExpress(bridge, asMiddleware, ctx.req, ctx.res, { name, timeout, logger });
    } catch {
      // next(err): the error stays the one being handled; later hooks and the default answer decide.
    }
  } as ErrorHook<S>;
}

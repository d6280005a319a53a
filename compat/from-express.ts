/**
 * fromExpress(mw): any Connect/Express middleware as runtime request
 * middleware. `next()` continues the pipeline, `next(err)` goes to the
 * panic hooks, a middleware that responds aborts the pipeline (response
 * middleware still run, on Express's status and headers).
 */
import type { IncomingMessage } from 'node:http';
import type { Context, Handler } from '../runtime/index.js';
import { adoptExpressBody, shareRuntimeBody } from './body-ownership.js';
import { callExpress, defaultLogger, type CallOptions, type CompatLogger, type Outcome } from './call-express.js';
import { compatErrors } from './errors.js';
import { makeApp, resolveExpress, type ExpressApp, type ExpressMiddleware, type ExpressModule } from './express-module.js';
import { literalMount, matchMount } from './mount-path.js';
import { prepareRequest } from './prepare.js';
import type { RequestBridge } from './response-capture.js';
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

  let calls: CallOptions[] = [];

  // Synchronous while the middleware are (helmet, morgan, compression, cors call next() before
  // returning): no promise, so the runtime pipeline carries on in the same tick (pipeline.ts);
  // from the first middleware that answers later, the rest of the chain runs in runLater().
  return function expressMiddleware(ctx: Context<any, any>): void | Promise<void> {
    if (!ready) {
      setup(ctx);
      calls = fns.map((_, i) => ({ name: names[i] ?? 'router', timeout, logger }));
    }
    const bridge = prepareRequest(ctx, { app: app!, capture: true, stateKeys });
    const req = ctx.req as MountedRequest;
    let mounted: MountState | null = null;
    if (mount !== null) {
      mounted = enterMount(req, matchMount(req.url!, mount));
      if (mounted === null) return; // not under the mount path: Express's router would call next()
    }
    try {
      for (let i = 0; i < fns.length; i++) {
        const sharing = shareRuntimeBody(ctx, req);
        if (sharing !== undefined) return runLater({ ctx, bridge, req, fns, calls, mounted }, i, sharing, false);
        const outcome = callExpress(bridge, fns[i]!, req, ctx.res, calls[i]!);
        if (typeof outcome !== 'string') return runLater({ ctx, bridge, req, fns, calls, mounted }, i, outcome, true);
        if (outcome === 'responded') {
          ctx.abort();
          return; // Express keeps the mounted url while it answers
        }
        adoptExpressBody(ctx, req);
      }
    } catch (err) {
      if (mounted !== null) leaveMount(req, mounted);
      throw err;
    }
    if (mounted !== null) leaveMount(req, mounted);
  } as Handler<S>;
}

/** One request's run through a fromExpress chain. */
interface Chain {
  ctx: Context<any, any>;
  bridge: RequestBridge;
  req: MountedRequest;
  fns: ExpressMiddleware[];
  calls: CallOptions[];
  mounted: MountState | null;
}

/**
 * The chain from middleware `i` on, once something is pending: the body the
 * runtime is still reading (`isOutcome` false: then middleware `i` runs), or
 * middleware `i`'s own outcome.
 */
async function runLater(chain: Chain, i: number, pending: Promise<unknown>, isOutcome: boolean): Promise<void> {
  const { ctx, bridge, req, fns, calls, mounted } = chain;
  try {
    for (; i < fns.length; i++) {
      let outcome: Outcome;
      if (isOutcome) {
        outcome = (await pending) as Outcome;
        isOutcome = false;
      } else {
        const sharing = shareRuntimeBody(ctx, req);
        if (sharing !== undefined) await sharing;
        outcome = await callExpress(bridge, fns[i]!, req, ctx.res, calls[i]!);
      }
      if (outcome === 'responded') {
        ctx.abort();
        return;
      }
      adoptExpressBody(ctx, req);
    }
  } catch (err) {
    if (mounted !== null) leaveMount(req, mounted);
    throw err;
  }
  if (mounted !== null) leaveMount(req, mounted);
}

/** app.use(path) state, restored when the pipeline moves on (as Express's router restores it on next()). */
interface MountState {
  removed: string;
  slashAdded: boolean;
  parentUrl: string;
  parentParams: unknown;
}

/** Express's router entering a layer mounted `at` characters into req.url; null when the path is not under it (at < 0). */
function enterMount(req: MountedRequest, at: number): MountState | null {
  if (at < 0) return null;
  const state: MountState = { removed: '', slashAdded: false, parentUrl: req.baseUrl, parentParams: req.params };
  req.params = {};
  if (at > 0) {
    state.removed = req.url!.slice(0, at);
    req.url = req.url!.slice(at);
    if (req.url[0] !== '/') {
      req.url = '/' + req.url;
      state.slashAdded = true;
    }
    req.baseUrl = state.parentUrl + state.removed;
  }
  return state;
}

type MountedRequest = IncomingMessage & { baseUrl: string; params: unknown };

/** Express's router on next(): the removed prefix goes back on whatever url the middleware left. */
function leaveMount(req: MountedRequest, state: MountState): void {
  if (state.removed !== '') {
    if (state.slashAdded) req.url = req.url!.slice(1);
    req.url = state.removed + req.url!;
    req.baseUrl = state.parentUrl;
  }
  req.params = state.parentParams;
}

export function checkTimeout(where: string, value: unknown, fallback: number): number {
  if (value === undefined) return fallback;
  if (typeof value !== 'number' || !Number.isFinite(value) || value < 0) {
    throw compatErrors.EXW_ERR_COMPAT_INVALID_OPTION(where, 'timeout', `must be a non-negative number of milliseconds, got ${String(value)}`);
  }
  return value;
}

/**
 * express-rate-limit without the Express surface on every request.
 *
 * limitRequests(rateLimit, options) is what the codemod puts in place of
 * `rateLimit(options)`: it returns the REAL middleware (code that still
 * runs on Express keeps it, with the same store and counts), made with a
 * store both paths share (options.store, or a MemoryStore made here), and
 * carrying the configuration its runtime counterpart applies.
 *
 * rateLimited(limiter, opts) registers it on the runtime: the native
 * counterpart (rate-limit-native.ts) when the limiter came from
 * limitRequests with options it reproduces, fromExpress(limiter, opts)
 * otherwise, with the reason logged once. Either way the same store counts
 * every request, whichever path it took.
 */
import type { Handler } from '../runtime/index.js';
import { defaultLogger } from './call-express.js';
import type { ExpressMiddleware } from './express-module.js';
import { fromExpress, type FromExpressOptions } from './from-express.js';
import { literalMount } from './mount-path.js';
import { kReply, nativeRateLimit } from './rate-limit-native.js';
import { parseRateLimitOptions, type ParsedOptions, type RateLimitConfig, type RateLimitStore } from './rate-limit-options.js';
import { DEFAULT_STATE_KEYS } from './state-bridge.js';

/** express-rate-limit's default export (its CommonJS export also carries MemoryStore). */
export type RateLimitFactory = ((options?: Record<string, unknown>) => ExpressMiddleware) & { MemoryStore?: new () => RateLimitStore };

const kRateLimit = Symbol.for('expressway.compat.rateLimit');

type Limited = ExpressMiddleware & { [kRateLimit]?: ParsedOptions };

/**
 * `rateLimit(options)` with a store both paths share. `MemoryStore` is the
 * library's class, needed when options.store is absent and `rateLimit` is
 * the ES module's export (only the CommonJS export carries it).
 */
export function limitRequests(rateLimit: RateLimitFactory, options?: Record<string, unknown> | null, MemoryStore?: new () => RateLimitStore): ExpressMiddleware {
  const given = options ?? {};
  const Store = MemoryStore ?? rateLimit.MemoryStore;
  const store = (given.store as RateLimitStore | undefined) ?? (typeof Store === 'function' ? new Store() : undefined);
  if (store === undefined) {
    const mw = rateLimit(options ?? undefined) as Limited;
    mw[kRateLimit] = { unsupported: 'no MemoryStore to share: pass express-rate-limit\'s MemoryStore to limitRequests' };
    return mw;
  }
  const mw = rateLimit(given.store === undefined ? { ...given, store } : given) as Limited;
  mw[kRateLimit] = parseRateLimitOptions(given, store);
  return mw;
}

/** The limiter as runtime request middleware: natively when it can be, else through fromExpress(limiter, opts). */
export function rateLimited<S extends object = any>(limiter: ExpressMiddleware, opts: FromExpressOptions = {}): Handler<S> {
  // Built first: it checks the middleware and options exactly as fromExpress does, and it is the way back.
  const viaExpress = fromExpress<S>(limiter, opts);
  const logger = opts.logger ?? defaultLogger;
  const parsed = (limiter as Limited)[kRateLimit];
  const mount = opts.path === undefined ? '' : literalMount(opts.path);
  const fallBack = (why: string) => {
    logger(`expressway:compat: rateLimited(${(limiter as { name?: string }).name || 'anonymous'}) runs through fromExpress: ${why}`);
    return viaExpress;
  };
  if (parsed === undefined) return fallBack('it was not made by limitRequests()');
  if ('unsupported' in parsed) return fallBack(parsed.unsupported);
  if (mount === null) return fallBack(`the mount path ${opts.path} has parameters or patterns`);
  const cfg = parsed.config;
  // fromExpress strips the mount path from req.url while the limiter runs; its functions would see the full url here.
  if (mount !== '' && readsRequestUrl(cfg)) return fallBack(`option functions under the mount path ${opts.path}`);
  const stateKeys = opts.stateKeys ?? DEFAULT_STATE_KEYS;
  const sendThroughExpress = fromExpress<S>(function rateLimitReply(req: any, res: any) {
    const { status, message } = req[kReply] as { status: number; message: unknown };
    res.status(status);
    res.send(message);
  }, { app: opts.app, express: opts.express, stateKeys, logger });
  return nativeRateLimit(cfg, { mount, app: opts.app, express: opts.express, stateKeys, sendThroughExpress }) as Handler<S>;
}

/** Option functions called while the limiter runs, when fromExpress has the mount path stripped from req.url. */
function readsRequestUrl(cfg: RateLimitConfig): boolean {
  return cfg.skip !== null || cfg.keyGenerator !== null || typeof cfg.limit === 'function' || typeof cfg.message === 'function' || typeof cfg.identifier === 'function';
}

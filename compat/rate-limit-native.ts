/**
 * The runtime counterpart of one express-rate-limit 7.5 limiter: the
 * library's middleware step by step (skip, key, store.increment, limit,
 * req.<requestPropertyName>, headers, skipSuccessful/FailedRequests, 429)
 * on the same store and configuration, without Express's req/res on every
 * request. Option functions (skip, keyGenerator, limit, message,
 * requestWasSuccessful, identifier) still get Express's req and res, the
 * ones fromExpress would give them, prepared only for limiters that have
 * such functions. The default answer is written as Express's
 * res.status(code).send(message) writes it: a string as text/html, an
 * object as JSON (the Server's jsonSpaces); any other message value, or a
 * Content-Type already set, goes through Express's res.send itself.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Context, Handler } from '../runtime/index.js';
import { canonicalUrl } from './canonical-path.js';
import { FirstRequestChecks } from './rate-limit-checks.js';
import { setDraft6Headers, setDraft7Headers, setDraft8Headers, setLegacyHeaders, setRetryAfterHeader, type RateLimitInfo } from './rate-limit-headers.js';
import { defaultIdentifier, type RateLimitConfig, type StoreHit } from './rate-limit-options.js';
import { makeApp, resolveExpress, type ExpressApp, type ExpressModule } from './express-module.js';
import { matchMount } from './mount-path.js';
import { prepareRequest } from './prepare.js';
import { bridgeOf } from './response-capture.js';

export interface NativeSetup {
  /** '' for none; a literal mount path otherwise. */
  mount: string;
  app: ExpressApp | undefined;
  express: ExpressModule | undefined;
  stateKeys: readonly string[];
  /** fromExpress(res.status(code).send(message)) for messages the runtime does not write as Express does. */
  sendThroughExpress: Handler<any>;
}

/** The pending answer sendThroughExpress writes, on the raw request. */
export const kReply = Symbol('expressway.compat.rateLimitReply');

interface Limiter {
  cfg: RateLimitConfig;
  setup: NativeSetup;
  checks: FirstRequestChecks;
  /** An option function reads Express's req/res: prepare them for it. */
  needsExpress: boolean;
  app: ExpressApp | undefined;
}

export function nativeRateLimit(cfg: RateLimitConfig, setup: NativeSetup): Handler<any> {
  const limiter: Limiter = {
    cfg,
    setup,
    checks: new FirstRequestChecks(cfg.validate),
    needsExpress: cfg.skip !== null || cfg.keyGenerator !== null || typeof cfg.limit === 'function' || typeof cfg.message === 'function'
      || cfg.requestWasSuccessful !== null || (cfg.standardHeaders === 'draft-8' && typeof cfg.identifier === 'function'),
    app: setup.app,
  };
  return function rateLimitMiddleware(ctx: Context<any, any>): Promise<void> | void {
    // First, as fromExpress does: a WebSocket upgrade has no response and throws here the same way.
    const res: ServerResponse = ctx.res;
    if (setup.mount !== '' && !underMount(ctx, res, setup.mount)) return;
    return limitRequest(limiter, ctx, res);
  } as Handler<any>;
}

async function limitRequest(limiter: Limiter, ctx: Context<any, any>, res: ServerResponse): Promise<void> {
  const { cfg, checks } = limiter;
  const req = limiter.needsExpress ? expressRequest(limiter, ctx) : (ctx.req as IncomingMessage);
  if (cfg.skip !== null && (await cfg.skip(req, res))) return;
  const key = cfg.keyGenerator !== null ? await cfg.keyGenerator(req, res) : defaultKey(limiter, ctx);
  let hit: StoreHit;
  try {
    hit = await cfg.store.increment(key);
  } catch (err) {
    if (!cfg.passOnStoreError) throw err;
    console.error('express-rate-limit: error from store, allowing request without rate-limiting.', err);
    return;
  }
  const totalHits = hit.totalHits;
  checks.positiveHits(totalHits);
  checks.singleCount(ctx.req, cfg.store, key);
  const limit = typeof cfg.limit === 'function' ? await cfg.limit(req, res) : cfg.limit;
  checks.limit(limit);
  const info: RateLimitInfo = { limit, used: totalHits, remaining: Math.max(limit - totalHits, 0), resetTime: hit.resetTime };
  Object.defineProperty(info, 'current', { configurable: false, enumerable: false, value: totalHits });
  // Where the library puts it: on the request object, which is ctx.req (migrated code reads custom request properties there).
  (ctx.req as unknown as Record<string, unknown>)[cfg.requestPropertyName] = info;
  if (cfg.legacyHeaders && !res.headersSent) setLegacyHeaders(res, info);
  if (cfg.standardHeaders && !res.headersSent) await setStandardHeaders(limiter, req, res, info, key);
  if (cfg.skipFailedRequests || cfg.skipSuccessfulRequests) uncountWhenSkipped(cfg, req, res, key);
  checks.finish();
  if (totalHits > limit) {
    if (cfg.legacyHeaders || cfg.standardHeaders) setRetryAfterHeader(res, info, cfg.windowMs);
    return reply(limiter, ctx, req, res);
  }
}

/** The default keyGenerator: req.ip (the runtime's ctx.ip, under the same trust rules), with its checks. */
function defaultKey(limiter: Limiter, ctx: Context<any, any>): string {
  // Express's req.ip: the socket peer (undefined once the socket is gone) when no proxy is trusted.
  const ip: string | undefined = ctx._core.options.trust === null ? ctx.req.socket.remoteAddress : ctx.ip;
  limiter.checks.ip(ip);
  limiter.checks.xForwardedForHeader(ctx.req.headers['x-forwarded-for'], ctx._core.options.trust !== null);
  return ip as string;
}

async function setStandardHeaders(limiter: Limiter, req: IncomingMessage, res: ServerResponse, info: RateLimitInfo, key: string): Promise<void> {
  const { cfg, checks } = limiter;
  switch (cfg.standardHeaders) {
    case 'draft-6':
      setDraft6Headers(res, info, cfg.windowMs);
      break;
    case 'draft-7':
      checks.headersResetTime(info.resetTime);
      setDraft7Headers(res, info, cfg.windowMs);
      break;
    case 'draft-8': {
      const id = cfg.identifier;
      const name = id === null ? defaultIdentifier(info.limit, cfg.windowMs) : typeof id === 'function' ? await id(req, res) : id;
      checks.headersResetTime(info.resetTime);
      setDraft8Headers(res, info, cfg.windowMs, name, key);
      break;
    }
    default:
      checks.headersDraftVersion(cfg.standardHeaders);
  }
}

/** skipFailedRequests / skipSuccessfulRequests: the hit is taken back once the response shows which it was. */
function uncountWhenSkipped(cfg: RateLimitConfig, req: IncomingMessage, res: ServerResponse, key: string): void {
  let decremented = false;
  const decrementKey = async () => {
    if (!decremented) {
      await cfg.store.decrement(key);
      decremented = true;
    }
  };
  const succeeded = (): boolean | Promise<boolean> => (cfg.requestWasSuccessful === null ? res.statusCode < 400 : cfg.requestWasSuccessful(req, res));
  if (cfg.skipFailedRequests) {
    res.on('finish', async () => {
      if (!(await succeeded())) await decrementKey();
    });
    res.on('close', async () => {
      if (!res.writableEnded) await decrementKey();
    });
    res.on('error', async () => {
      await decrementKey();
    });
  }
  if (cfg.skipSuccessfulRequests) {
    res.on('finish', async () => {
      if (await succeeded()) await decrementKey();
    });
  }
}

/** The library's default handler: res.status(statusCode).send(message). */
async function reply(limiter: Limiter, ctx: Context<any, any>, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const { cfg } = limiter;
  let message = cfg.message;
  if (typeof message === 'function') {
    // The library's res.status(statusCode) comes first: the function sees the status it answers with.
    res.statusCode = cfg.statusCode;
    message = await message(req, res);
  }
  ctx.abort();
  // A message function that answered itself: the library does not send.
  if (res.writableEnded) return;
  const typed = res.getHeader('content-type') !== undefined || ctx.getHeader('content-type') !== undefined;
  if (!typed && typeof message === 'string') ctx.html(message, cfg.statusCode);
  else if (!typed && typeof message === 'object' && message !== null && !Buffer.isBuffer(message)) ctx.json(message, cfg.statusCode);
  else {
    (ctx.req as unknown as Record<symbol, unknown>)[kReply] = { status: cfg.statusCode, message };
    await limiter.setup.sendThroughExpress(ctx);
  }
}

/** The request as Express code gets it through fromExpress: prototypes, canonical url, shared state. */
function expressRequest(limiter: Limiter, ctx: Context<any, any>): IncomingMessage {
  limiter.app ??= makeApp(resolveExpress(limiter.setup.express), ctx._core.options.trust);
  prepareRequest(ctx, { app: limiter.app, capture: true, stateKeys: limiter.setup.stateKeys });
  return ctx.req;
}

/** The request as fromExpress({ path }) matches it: on req.url once a bridge made it canonical, else on the canonical url. */
function underMount(ctx: Context<any, any>, res: ServerResponse, mount: string): boolean {
  const url = bridgeOf(res) === undefined ? canonicalUrl(ctx.url, ctx.path) : ctx.req.url!;
  return matchMount(url, mount) >= 0;
}

/**
 * corsPolicy(cors, options, opts): the app's cors middleware as runtime
 * request middleware, without the Express surface and the bridge that
 * fromExpress puts on every request for it.
 *
 * cors only reads req.method and the Origin header and only sets response
 * headers (res.setHeader, and the vary module for Vary) before calling
 * next(). corsPolicy makes the same decisions, per request, from the same
 * options object (copied over cors's defaults on every request, as cors
 * does, so later changes to it count), and makes the same setHeader and
 * vary calls, in the same order, on the same raw response: names,
 * spelling, values, order and merging with a Vary set earlier are
 * unchanged. The Vary merge is done by the vary module cors itself loads.
 * An origin function is called as cors calls it; its callback may come
 * later (the pipeline waits, as Express does), and an error passed to it
 * goes to the runtime's error hooks, where fromExpress sends next(err).
 *
 * Through fromExpress(cors(options), opts), exactly as before:
 * - OPTIONS requests: a preflight is answered by cors ending the response
 *   itself (status, Content-Length: 0), which the bridge writes as Express
 *   would (head hook, response capture, compression handover). Browsers
 *   cache preflights (maxAge), so these are few.
 * - options given as a function (cors's per-request delegate): it gets
 *   Express's req and may read any of it (req.path, req.get(), req.ip).
 * - a cors module other than 2.8.x, or one whose version cannot be read:
 *   this file reproduces 2.8.x only.
 * - a mount path with parameters or patterns (Express's router applies it).
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import type { Context, Handler } from '../runtime/index.js';
import { defaultLogger } from './call-express.js';
import { canonicalUrl } from './canonical-path.js';
import { compatErrors, WARN_NEXT_TWICE } from './errors.js';
import type { ExpressMiddleware } from './express-module.js';
import { fromExpress, type FromExpressOptions } from './from-express.js';
import { loadedModuleWhere } from './loaded-modules.js';
import { literalMount, matchMount } from './mount-path.js';
import { bridgeOf } from './response-capture.js';

/** The cors module (`require('cors')`): a factory of Express middleware. */
export type CorsModule = (options?: any) => ExpressMiddleware;

/** cors's options, as cors reads them (@types/cors's CorsOptions fits). */
export interface CorsOptions {
  /** Any other value counts by truthiness, as in cors. */
  origin?: boolean | string | RegExp | ReadonlyArray<boolean | string | RegExp> | ((requestOrigin: string | undefined, callback: (err: any, origin?: any) => void) => void);
  methods?: string | readonly string[];
  allowedHeaders?: string | readonly string[];
  headers?: string | readonly string[];
  exposedHeaders?: string | readonly string[];
  credentials?: boolean;
  maxAge?: number | string;
  preflightContinue?: boolean;
  optionsSuccessStatus?: number;
}

/** cors's per-request options delegate: it receives Express's req (corsPolicy leaves it to fromExpress). */
export type CorsOptionsDelegate = (req: any, callback: (err: unknown, options?: CorsOptions) => void) => void;

export type CorsPolicyOptions = FromExpressOptions;

type Vary = (res: ServerResponse, field: string) => void;
type OriginCallback = (err: unknown, origin?: unknown) => void;
type OriginFunction = (origin: string | undefined, callback: OriginCallback) => unknown;

/** cors 2.8's defaults, under the options of every request. */
const DEFAULTS = Object.freeze({
  origin: '*',
  methods: 'GET,HEAD,PUT,PATCH,POST,DELETE',
  preflightContinue: false,
  optionsSuccessStatus: 204,
});

export function corsPolicy<S extends object = any>(cors: CorsModule, options?: CorsOptions | CorsOptionsDelegate, opts: CorsPolicyOptions = {}): Handler<S> {
  if (typeof cors !== 'function') throw compatErrors.EXW_ERR_COMPAT_INVALID_OPTION('corsPolicy()', 'cors', "must be the cors module (require('cors'))");
  // Built first: fromExpress checks opts as it always did, and it is the way back.
  const viaExpress = fromExpress<S>(cors(options), opts);
  const logger = opts.logger ?? defaultLogger;
  const fallBack = (why: string) => logger(`expressway:compat: corsPolicy runs cors through fromExpress: ${why}`);
  if (typeof options === 'function') {
    fallBack('the options are a per-request function, which reads the Express request');
    return viaExpress;
  }
  const module = corsModuleInfo(cors);
  if (typeof module === 'string') {
    fallBack(module);
    return viaExpress;
  }
  const mount = opts.path === undefined ? '' : literalMount(opts.path);
  if (mount === null) {
    fallBack(`the mount path ${opts.path} has parameters or patterns`);
    return viaExpress;
  }
  const vary = module.vary;
  return function corsPolicyMiddleware(ctx: Context<any, any>): void | Promise<void> {
    // First, as fromExpress does: a WebSocket upgrade has no response and throws here the same way.
    const res: ServerResponse = ctx.res;
    if (mount !== '' && !underMount(ctx, res, mount)) return;
    const req: IncomingMessage = ctx.req;
    if (upperMethod(req) === 'OPTIONS') return viaExpress(ctx) as void | Promise<void>;
    const corsOptions: CorsOptions = Object.assign({}, DEFAULTS, options);
    const origin = corsOptions.origin;
    if (!origin) return; // cors calls next() and sets nothing
    if (typeof origin !== 'function') {
      setActualHeaders(vary, corsOptions, req, res);
      return;
    }
    return callOriginFunction(vary, origin as OriginFunction, corsOptions, req, res);
  } as Handler<S>;
}

/** cors's own test of the method (it tolerates a missing or odd req.method). */
function upperMethod(req: IncomingMessage): unknown {
  const method = req.method as any;
  return method && method.toUpperCase && method.toUpperCase();
}

/**
 * cors's origin callback: a falsy origin or an error ends cors (next(err)),
 * else the headers for that origin. Synchronous when the callback is: the
 * pipeline goes on in the same tick, and a throw while setting headers
 * travels back through the app's function as it does in cors.
 */
function callOriginFunction(vary: Vary, fn: OriginFunction, corsOptions: CorsOptions, req: IncomingMessage, res: ServerResponse): void | Promise<void> {
  let calls = 0;
  let sync = true;
  let done: { err: unknown } | null = null;
  let settle: ((err: unknown) => void) | null = null;
  const callback: OriginCallback = (err, origin) => {
    if (++calls > 1) {
      process.emitWarning(`cors origin callback called ${calls} times on ${req.method} ${req.url}; only the first call counts`, { code: WARN_NEXT_TWICE });
      return;
    }
    if (err || !origin) {
      finish(err);
      return;
    }
    corsOptions.origin = origin as CorsOptions['origin'];
    setActualHeaders(vary, corsOptions, req, res);
    finish(undefined);
  };
  function finish(err: unknown): void {
    // Express's router: a falsy value, 'route' and 'router' (as fromExpress reads them) are no error.
    const failure = err && err !== 'route' && err !== 'router' ? err : undefined;
    if (sync) done = { err: failure };
    else settle!(failure);
  }
  fn(req.headers.origin, callback);
  sync = false;
  if (done !== null) {
    if ((done as { err: unknown }).err !== undefined) throw (done as { err: unknown }).err;
    return;
  }
  return new Promise<void>((resolve, reject) => {
    settle = (err) => (err === undefined ? resolve() : reject(err));
  });
}

/** cors's actual-request headers (not a preflight): computed first, then set in cors's order. */
function setActualHeaders(vary: Vary, options: CorsOptions, req: IncomingMessage, res: ServerResponse): void {
  const allowOrigin = allowOriginOf(options, req);
  const credentials = options.credentials === true ? 'true' : null;
  const exposed = exposedHeadersOf(options);
  if (allowOrigin.value) res.setHeader('Access-Control-Allow-Origin', allowOrigin.value as string);
  if (allowOrigin.varies) vary(res, 'Origin');
  if (credentials !== null) res.setHeader('Access-Control-Allow-Credentials', credentials);
  if (exposed !== null) res.setHeader('Access-Control-Expose-Headers', exposed as string);
}

const ANY_ORIGIN = { value: '*', varies: false };

/** Access-Control-Allow-Origin as cors configures it, and whether cors adds Vary: Origin. */
function allowOriginOf(options: CorsOptions, req: IncomingMessage): { value: unknown; varies: boolean } {
  const origin = options.origin;
  if (!origin || origin === '*') return ANY_ORIGIN;
  if (isString(origin)) return { value: origin, varies: true };
  const requestOrigin = req.headers.origin;
  return { value: isOriginAllowed(requestOrigin, origin) ? requestOrigin : false, varies: true };
}

function isString(s: unknown): boolean {
  return typeof s === 'string' || s instanceof String;
}

/** cors's match of the request's Origin against a string, RegExp, array of those, or any other value by truthiness. */
function isOriginAllowed(origin: string | undefined, allowed: unknown): boolean {
  if (Array.isArray(allowed)) {
    for (let i = 0; i < allowed.length; ++i) {
      if (isOriginAllowed(origin, allowed[i])) return true;
    }
    return false;
  }
  if (isString(allowed)) return origin === allowed;
  if (allowed instanceof RegExp) return allowed.test(origin as string);
  return !!allowed;
}

/** Access-Control-Expose-Headers as cors configures it (an array is joined with ','), or null. */
function exposedHeadersOf(options: CorsOptions): unknown {
  let headers = options.exposedHeaders as any;
  if (!headers) return null;
  if (headers.join) headers = headers.join(',');
  return headers && headers.length ? headers : null;
}

/** The request as fromExpress({ path }) matches it: on req.url once a bridge made it canonical, else on the canonical url. */
function underMount(ctx: Context<any, any>, res: ServerResponse, mount: string): boolean {
  const req: IncomingMessage = ctx.req;
  const url = bridgeOf(res) === undefined ? canonicalUrl(ctx.url, ctx.path) : req.url!;
  return matchMount(url, mount) >= 0;
}

interface CorsModuleInfo {
  /** The vary module cors itself requires. */
  vary: Vary;
}

const infoOf = new WeakMap<CorsModule, CorsModuleInfo | string>();

/** The loaded cors package behind `cors` (2.8.x) and its vary, or why it cannot be used. */
function corsModuleInfo(cors: CorsModule): CorsModuleInfo | string {
  let info = infoOf.get(cors);
  if (info === undefined) {
    info = readCorsModule(cors);
    infoOf.set(cors, info);
  }
  return info;
}

function readCorsModule(cors: CorsModule): CorsModuleInfo | string {
  const loaded = loadedModuleWhere((exports) => exports === cors);
  if (loaded === undefined) return 'the cors function given is not a loaded cors module';
  const pkg = packageJsonOf(loaded.filename);
  if (pkg === null) return `no package.json of cors found above ${loaded.filename}`;
  if (typeof pkg.version !== 'string' || !pkg.version.startsWith('2.8.')) return `corsPolicy reproduces cors 2.8.x; this one is ${String(pkg.version)}`;
  try {
    const vary = createRequire(loaded.filename)('vary') as unknown;
    if (typeof vary !== 'function') return "the vary module cors loads is not a function";
    return { vary: vary as Vary };
  } catch (err) {
    return `the vary module cors loads could not be loaded: ${(err as Error).message}`;
  }
}

/** The nearest package.json named cors above a file of it. */
function packageJsonOf(file: string): { version?: unknown } | null {
  for (let dir = dirname(file); dirname(dir) !== dir; dir = dirname(dir)) {
    try {
      const pkg = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as { name?: unknown; version?: unknown };
      if (pkg.name === 'cors') return pkg;
    } catch {
      // no (readable) package.json here: look further up
    }
  }
  return null;
}

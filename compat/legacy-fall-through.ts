/**
 * mountExpress's shortcut for a request nothing on the legacy app can match.
 *
 * Why: with finalHandler 'runtime', every request the runtime has no route
 * for (every 404) crosses the whole legacy Express app before the runtime's
 * notFound answers: the router walks its stack, runs its built-in `query`
 * and `expressInit` layers and tests every layer's path. CPU profiles of
 * fixtures/hard-cases /missing put that crossing at 3-7% of the request.
 *
 * When it is provable that Express would only fall through, this does what
 * that fall-through leaves behind, with Express's own functions, and skips
 * the walk. Provable means, on an Express 4 app (Express 5's router is not
 * looked into: it always crosses):
 * - the router's stack starts with Express's built-in `query` and
 *   `expressInit` layers (they match every path; both run here, for real);
 * - no other layer (route, app.use middleware, mounted router or app, error
 *   handler) matches the path: each layer's own regexp, as Express's
 *   Layer.match tests it (case sensitivity and strict routing are compiled
 *   into it), finds nothing in the same pathname (parseurl) Express uses.
 *   A regexp with the g or y flag (exec would move its lastIndex), or one
 *   of Express's match-everything fast paths, is never skipped;
 * - so no app.param callback, no route and no OPTIONS answer can run.
 *
 * What the fall-through leaves, and so what this leaves: `req.query`
 * (Express's query parser), everything expressInit sets (X-Powered-By when
 * enabled, req.res / res.req, Express's prototypes, res.locals),
 * `req.originalUrl`, and `req.baseUrl` / `req.params` put back as they were
 * (router.handle's restore). A query parser that throws is thrown, as
 * Express's next(err) would reach the runtime's panic hooks (no error
 * handler matches the path either). Left out: `req.next` stays what it was,
 * where the crossing leaves compat's spent next() on it (calling it again
 * only logs a warning).
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { parseurl } from './helpers.js';
import type { ExpressApp } from './express-module.js';

interface Express4Regexp extends RegExp {
  fast_slash?: boolean;
  fast_star?: boolean;
}

interface Express4Layer {
  handle: ((...args: any[]) => unknown) & { name: string };
  regexp: Express4Regexp;
  route?: unknown;
  handle_request(req: unknown, res: unknown, next: (err?: unknown) => void): void;
}

interface Express4App extends ExpressApp {
  lazyrouter(): void;
  _router?: { stack: Express4Layer[] };
}

interface ExpressRequest extends IncomingMessage {
  baseUrl?: string;
  originalUrl?: string;
  params?: unknown;
}

/**
 * Leaves the request as Express's fall-through would and returns true, or
 * returns false when Express must be asked, having changed nothing but
 * parseurl's memo of the URL (req._parsedUrl), which Express's router makes
 * first thing itself.
 */
export function fallThroughWithoutExpress(app: ExpressApp, req: IncomingMessage, res: ServerResponse): boolean {
  if (!isExpress4(app)) return false;
  const router = app._router;
  // app.handle without a router calls its final callback at once, touching nothing.
  if (router === undefined || router === null) return true;
  const stack = router.stack;
  if (!Array.isArray(stack) || stack.length < 2 || !isBuiltIn(stack[0], 'query') || !isBuiltIn(stack[1], 'expressInit')) return false;
  const path = pathnameOf(req);
  if (path === undefined || path === null) return false;
  for (let i = 2; i < stack.length; i++) if (mayMatch(stack[i], path)) return false;
  runBuiltIns(stack[0], stack[1], req as ExpressRequest, res);
  return true;
}

function isExpress4(app: ExpressApp): app is Express4App {
  return typeof (app as Partial<Express4App>).lazyrouter === 'function';
}

/** One of the two layers lazyrouter() puts first: a path-less middleware with Express's own function. */
function isBuiltIn(layer: Express4Layer | undefined, name: string): boolean {
  return (
    layer !== undefined &&
    layer.route === undefined &&
    isRegExp(layer.regexp) &&
    layer.regexp.fast_slash === true &&
    typeof layer.handle === 'function' &&
    layer.handle.name === name &&
    layer.handle.length === 3 &&
    typeof layer.handle_request === 'function'
  );
}

/** Whether Layer.match could say yes (or throw) for this path; true when it cannot be told safely. */
function mayMatch(layer: Express4Layer, path: string): boolean {
  const re = layer?.regexp;
  if (!isRegExp(re) || re.global || re.sticky || re.fast_slash || re.fast_star) return true;
  return re.exec(path) !== null;
}

/** A plain RegExp whose exec is RegExp's own, so testing it has no effect of its own. */
function isRegExp(value: unknown): value is Express4Regexp {
  return value instanceof RegExp && !Object.prototype.hasOwnProperty.call(value, 'exec') && Object.getPrototypeOf(value) === RegExp.prototype;
}

/** The router's getPathname: parseurl's pathname, undefined when parsing throws. */
function pathnameOf(req: IncomingMessage): string | null | undefined {
  try {
    return parseurl(req)?.pathname;
  } catch {
    return undefined;
  }
}

/**
 * router.handle for a stack where only the built-ins match: set baseUrl and
 * originalUrl, run query then expressInit through Layer.handle_request (a
 * query parser error skips expressInit, whose arity makes it no error
 * handler), put baseUrl / next / params back, and report the error.
 */
function runBuiltIns(query: Express4Layer, init: Express4Layer, req: ExpressRequest, res: ServerResponse): void {
  const saved = { baseUrl: req.baseUrl, next: (req as { next?: unknown }).next, params: req.params };
  req.baseUrl = saved.baseUrl || '';
  req.originalUrl = req.originalUrl || req.url;
  let failure: unknown;
  query.handle_request(req, res, (err?: unknown) => {
    failure = err;
  });
  const passed = failure === undefined || failure === null || failure === 'route';
  if (passed) init.handle_request(req, res, ignoreNext);
  req.baseUrl = saved.baseUrl;
  (req as { next?: unknown }).next = saved.next;
  req.params = saved.params;
  // next('router') leaves the router without an error (built-in query never calls it).
  if (!passed && failure !== 'router') throw failure;
}

function ignoreNext(): void {}

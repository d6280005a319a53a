/**
 * renderView(app, ctx, view, locals): Express's res.render for a native
 * handler. The handler runs on the runtime; only the template goes through
 * Express's view system, by calling the app's own app.render (its 'views',
 * 'view engine', engines, view cache and app.locals), never its router.
 * The HTML is then answered as Express's res.send answers a string.
 *
 * res.locals is ctx.state on the runtime (compat/state-bridge.ts), so the
 * view sees app.locals < ctx.state < the call's locals, Express's merge
 * order. A render error rejects: awaited in a handler it takes the path
 * next(err) took in Express, to the app's error handler (a panic hook).
 * In the app's last error handler, next(err) reached Express's final
 * handler instead: `{ finalHandler: true }` answers the error with it.
 */
import { createRequire } from 'node:module';
import type { ServerResponse } from 'node:http';
import { basename, dirname } from 'node:path';
import type { Context } from '../runtime/index.js';
import { handOverCompression } from './compression-handover.js';
import { withEjsCompileCache } from './ejs-compile-cache.js';
import { requireWhereExpressIs, type ExpressApp } from './express-module.js';
import { loadedModuleWhere } from './loaded-modules.js';

/** What renderView uses of an Express app: app.render, and req.fresh from its request prototype. */
export interface ViewApp extends ExpressApp {
  render(view: string, options: object, callback: (err: Error | null, html?: string) => void): void;
  /** Express's registered engines by extension (app.engine). */
  engines?: Record<string, unknown>;
}

export interface RenderViewOptions {
  /**
   * The caller is the app's last error handler: a render error is answered
   * by Express's final handler (the page, status and log line Express's
   * next(err) gave there), not passed on.
   */
  finalHandler?: boolean;
}

type ETagFn = (body: Buffer, encoding?: string) => string | undefined;
type FinalHandler = (req: unknown, res: unknown, options: { env: unknown; onerror: (err: any) => void }) => (err: unknown) => void;

export async function renderView(app: ViewApp, ctx: Context<any, any>, view: string, locals?: object | null, opts: RenderViewOptions = {}): Promise<void> {
  try {
    await render(app, ctx, view, locals);
  } catch (err) {
    if (opts.finalHandler !== true || ctx._res === null) throw err;
    await answerWithFinalHandler(app, ctx, err);
  }
}

function render(app: ViewApp, ctx: Context<any, any>, view: string, locals?: object | null): Promise<void> {
  // As res.render: the call's own object (or a new one) carries res.locals as `_locals` to app.render, which merges.
  const options = (locals || {}) as Record<string, unknown>;
  options._locals = ctx.state;
  return new Promise<void>((resolve, reject) => {
    let settled = false;
    const rendered = (err: Error | null, html?: string) => {
      if (settled) return;
      settled = true;
      if (err) return reject(err);
      try {
        sendRendered(app, ctx, html);
        resolve();
      } catch (sendErr) {
        reject(sendErr);
      }
    };
    if (app.engines === undefined) app.render(view, options, rendered);
    else withEjsCompileCache(app.engines, () => app.render(view, options, rendered));
  });
}

/**
 * Express's res.send(html): text/html unless a Content-Type is set (then
 * with charset=utf-8), an ETag from the app's 'etag' setting, 304 when the
 * request is fresh. HEAD and the 204/304 body rules are the runtime's
 * writer's, the same as Express's.
 */
function sendRendered(app: ViewApp, ctx: Context<any, any>, html: string | undefined): void {
  if (typeof html !== 'string') {
    // An engine that calls back without a string: res.send(undefined) ends the response without a body.
    ctx.body = null;
    return;
  }
  // res.send: res.type('html') when no (or an empty) type is set, then setCharset on a string type.
  const type = ctx.getHeader('content-type');
  if (!type) ctx.setHeader('Content-Type', 'text/html; charset=utf-8');
  else if (typeof type === 'string') ctx.setHeader('Content-Type', expressPartsOf(app).setCharset(type));
  const etagFn = app.get('etag fn') as ETagFn | undefined;
  if (typeof etagFn === 'function' && !ctx.hasHeader('etag')) {
    const etag = etagFn(Buffer.from(html, 'utf8'), undefined);
    if (etag) ctx.setHeader('ETag', etag);
  }
  if (isFresh(app, ctx)) ctx.status = 304;
  // Express 4.17+ answers 205 with an empty body and Content-Length 0.
  ctx.body = ctx.status === 205 ? '' : html;
}

/**
 * Express's own req.fresh getter (from the app's request prototype), read
 * against what it looks at: method, request headers, and the response's
 * status, ETag and Last-Modified as they stand now on the Context.
 */
function isFresh(app: ViewApp, ctx: Context<any, any>): boolean {
  const getter = getterOf(app.request, 'fresh');
  if (getter === undefined) return false;
  const res = { statusCode: ctx.status, get: (name: string) => ctx.getHeader(name) };
  return Boolean(getter.call({ method: ctx.method, headers: ctx.req.headers, res }));
}

function getterOf(proto: object | null, name: string): (() => unknown) | undefined {
  for (let o = proto; o !== null; o = Object.getPrototypeOf(o)) {
    const d = Object.getOwnPropertyDescriptor(o, name);
    if (d) return d.get;
  }
  return undefined;
}

/**
 * The parts of the very Express that made `app` (Express 4 and 5 ship
 * different majors of finalhandler and content-type): found through the
 * loaded express module whose request prototype the app's extends, else
 * the Express compat resolves (resolveExpress's order).
 */
interface ExpressParts {
  finalhandler: FinalHandler;
  /** Express's utils.setCharset(type, 'utf-8'), as res.send calls it, its answers kept (a pure function of the type). */
  setCharset: (type: string) => string;
}

type SetCharset = (type: string, charset: string) => string;

const partsByProto = new WeakMap<object, ExpressParts>();
let resolvedParts: ExpressParts | undefined;

function expressPartsOf(app: ViewApp): ExpressParts {
  const proto = Object.getPrototypeOf(app.request) as object;
  let found = partsByProto.get(proto);
  if (found !== undefined) return found;
  const own = loadedModuleWhere((exports: { request?: unknown }) => exports.request === proto);
  found = own ? partsAt(own.filename) : (resolvedParts ??= requireWhereExpressIs((require) => partsAt(require.resolve('express'))));
  partsByProto.set(proto, found);
  return found;
}

/** `file` is the express package's index.js or its lib/express.js; finalhandler is resolved next to it (Express's own copy). */
function partsAt(file: string): ExpressParts {
  const require = createRequire(file);
  const inLib = basename(file) === 'express.js' && basename(dirname(file)) === 'lib';
  const utils = require(inLib ? './utils.js' : './lib/utils.js') as { setCharset: SetCharset };
  return { finalhandler: require('finalhandler') as FinalHandler, setCharset: keptAnswers(utils.setCharset) };
}

const MAX_KEPT_TYPES = 64;

function keptAnswers(setCharset: SetCharset): (type: string) => string {
  const kept = new Map<string, string>();
  return (type) => {
    let answer = kept.get(type);
    if (answer === undefined) {
      // A type content-type cannot parse throws here, as res.send threw.
      answer = setCharset(type, 'utf-8');
      if (kept.size >= MAX_KEPT_TYPES) kept.clear();
      kept.set(type, answer);
    }
    return answer;
  };
}

/**
 * What Express did with next(err) after its last error middleware: its
 * final handler writes the error page on the response as it stands (the
 * headers and status set so far, here the Context's), and the app logs the
 * error unless its env is 'test'.
 */
function answerWithFinalHandler(app: ViewApp, ctx: Context<any, any>, err: unknown): Promise<void> {
  const res: ServerResponse = ctx.res;
  const done = new Promise<void>((resolve) => {
    res.once('finish', resolve);
    res.once('close', resolve);
  });
  if (!res.headersSent) {
    for (const [name, value] of Object.entries(ctx.responseHeaders)) res.setHeader(name, value as string | number | readonly string[]);
    res.statusCode = ctx.status;
  }
  const onerror = (e: any) => {
    if (app.get('env') !== 'test') console.error(e?.stack || String(e));
  };
  // Express code writes the page: under compress() it gets compression's treatment, as every Express answer did.
  handOverCompression(ctx.req, res);
  expressPartsOf(app).finalhandler(ctx.req, res, { env: app.get('env'), onerror })(err);
  return done;
}

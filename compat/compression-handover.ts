/**
 * Answers written by Express code inside a bridge (fromExpress middleware
 * answering itself, a mounted legacy app, Express error handlers) were
 * compressed by compression in the original app. When compress() (runtime/
 * compress.ts) marked the response and was given the app's compression
 * module, callExpress hands the response over here before Express code gets
 * it, once per request. The real compression middleware is installed when
 * Express code first writes (see handOverCompression), and from then on the
 * runtime's own encoding stands down for that response: compression treats
 * whatever is written, by Express or afterwards by the runtime, exactly as
 * before. If Express code only calls next(), the runtime answers and
 * encodes natively, and compression costs nothing.
 *
 * compression decides on the headers set on the raw response; headers a
 * runtime middleware put in the Context's builder join Express's when the
 * head is written (response-capture.ts: Express's win). Its filter is
 * wrapped so that, just before it decides, the builder's values of the
 * headers the decision reads join the response the same way, e.g. a
 * builder `Vary: Origin` then becomes `Vary: Origin, Accept-Encoding`.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { compressPlanOf, delegateCompression, type CompressPlan } from '../runtime/compress.js';
import type { Context } from '../runtime/index.js';
import { bridgeOf } from './response-capture.js';

type Middleware = (req: IncomingMessage, res: ServerResponse, next: (err?: unknown) => void) => void;

/** Headers compression's decision reads (besides Content-Type, which also has the builder's default). Not Content-Length: the builder's stays in the head, and compression would remove only the response's. */
const DECISION_HEADERS = ['cache-control', 'vary', 'content-encoding'];

const middlewares = new WeakMap<CompressPlan, Middleware>();

type Method = (this: ServerResponse, ...args: any[]) => any;

interface Methods {
  writeHead: Method;
  write: Method;
  end: Method;
  on: Method;
}

const NAMES = ['writeHead', 'write', 'end', 'on'] as const;

/** A response handed to Express code before compression is needed: what to install it over. */
interface Lazy {
  ctx: Context<any, any>;
  plan: CompressPlan;
  req: IncomingMessage;
  /** The methods as they were at the hand-over: what compression wraps. */
  inner: Methods;
  /** compression's wrappers, once installed. */
  installed: Methods | null;
}

const kLazy = Symbol('expressway.compression.lazy');
type Handed = ServerResponse & { [kLazy]?: Lazy };

/**
 * Hands the response to the app's compression when compress() marked it;
 * no-op otherwise. Most Express middleware only sets headers and calls
 * next() (cors, rate limiters under their limit), and the runtime answers:
 * then compression is never installed and the runtime encodes as usual.
 * So compression is installed when Express code first writes (writeHead,
 * write, end, or on('drain'), which it wraps), and at the place in the
 * chain of res wrappers it had in the Express app: over the methods as
 * they were at the hand-over, under whatever Express middleware wrapped
 * since (express-session's res.end stays outside compression's).
 */
export function handOverCompression(req: IncomingMessage, res: ServerResponse): void {
  const plan = compressPlanOf(res);
  if (plan === undefined || (res as Handed)[kLazy] !== undefined) return;
  const ctx = bridgeOf(res)?.ctx;
  if (res.headersSent || res.writableEnded || plan.original === undefined || ctx === undefined) {
    // Nothing to wait for (or no bridge to tell Express writes from the runtime's): decide now.
    delegateCompression(res);
    if (!res.headersSent && !res.writableEnded && plan.original !== undefined) expressCompressionFor(plan)(req, res, ignoreNext);
    return;
  }
  (res as Handed)[kLazy] = { ctx, plan, req, inner: { writeHead: res.writeHead, write: res.write, end: res.end, on: res.on }, installed: null };
  res.writeHead = lazyWriteHead as ServerResponse['writeHead'];
  res.write = lazyWrite as ServerResponse['write'];
  res.end = lazyEnd as ServerResponse['end'];
  res.on = lazyOn as ServerResponse['on'];
}

const LAZY: Methods = { writeHead: lazyWriteHead, write: lazyWrite, end: lazyEnd, on: lazyOn };

function lazyWriteHead(this: Handed, ...args: unknown[]): unknown {
  return methodFor(this, 'writeHead').apply(this, args);
}

function lazyWrite(this: Handed, ...args: unknown[]): unknown {
  return methodFor(this, 'write').apply(this, args);
}

function lazyEnd(this: Handed, ...args: unknown[]): unknown {
  return methodFor(this, 'end').apply(this, args);
}

function lazyOn(this: Handed, type: string | symbol, listener: (...a: any[]) => void): unknown {
  const lazy = this[kLazy]!;
  // compression intercepts only 'drain' listeners; the rest never needs it.
  if (lazy.installed === null && type !== 'drain') return lazy.inner.on.call(this, type, listener);
  return methodFor(this, 'on').call(this, type, listener);
}

/**
 * compression's method once it is installed; the method as it was when the
 * runtime writes (its response middleware ran: compress() encodes that
 * answer itself); else Express code is writing: install compression now.
 */
function methodFor(res: Handed, name: keyof Methods): Method {
  const lazy = res[kLazy]!;
  if (lazy.installed !== null) return lazy.installed[name];
  if (lazy.ctx._responseRan) return lazy.inner[name];
  install(res, lazy);
  return lazy.installed![name];
}

function install(res: Handed, lazy: Lazy): void {
  const self = res as unknown as Record<keyof Methods, Method>;
  const outer = { writeHead: self.writeHead, write: self.write, end: self.end, on: self.on };
  for (const name of NAMES) self[name] = lazy.inner[name];
  delegateCompression(res);
  expressCompressionFor(lazy.plan)(lazy.req, res, ignoreNext);
  lazy.installed = { writeHead: self.writeHead, write: self.write, end: self.end, on: self.on };
  // Wrappers Express middleware put over ours stay outermost; where ours was outermost, compression's is.
  for (const name of NAMES) self[name] = outer[name] === LAZY[name] ? lazy.installed[name] : outer[name];
}

function ignoreNext(): void {}

function expressCompressionFor(plan: CompressPlan): Middleware {
  let mw = middlewares.get(plan);
  if (mw === undefined) {
    const original = plan.original!;
    const defaultFilter = original.filter;
    const options = typeof defaultFilter === 'function'
      ? { ...plan.options, filter: (req: IncomingMessage, res: ServerResponse) => { joinBuilderHeaders(res); return defaultFilter(req, res); } }
      : plan.options;
    mw = original(options) as Middleware;
    middlewares.set(plan, mw);
  }
  return mw;
}

/** The builder's decision headers, where the raw response has none, as the head will carry them. */
function joinBuilderHeaders(res: ServerResponse): void {
  const ctx = bridgeOf(res)?.ctx;
  if (ctx === undefined || res.headersSent) return;
  const headers = ctx._headers;
  if (!res.hasHeader('content-type')) {
    const type = headers?.['content-type'] ?? ctx._type ?? undefined;
    if (type !== undefined) res.setHeader('content-type', type);
  }
  if (headers === null) return;
  for (const name of DECISION_HEADERS) {
    const value = headers[name];
    if (value !== undefined && !res.hasHeader(name)) res.setHeader(name, value);
  }
}

/**
 * Answers written by Express code inside a bridge (fromExpress middleware
 * answering itself, a mounted legacy app, Express error handlers) were
 * compressed by compression in the original app. When compress() (runtime/
 * compress.ts) marked the response and was given the app's compression
 * module, the real compression middleware is run on req/res right before
 * Express code gets them, once per request, and the runtime's own encoding
 * stands down for that response: compression then treats whatever is
 * written, by Express or afterwards by the runtime, exactly as before.
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
import { bridgeOf } from './response-capture.js';

type Middleware = (req: IncomingMessage, res: ServerResponse, next: (err?: unknown) => void) => void;

/** Headers compression's decision reads (besides Content-Type, which also has the builder's default). Not Content-Length: the builder's stays in the head, and compression would remove only the response's. */
const DECISION_HEADERS = ['cache-control', 'vary', 'content-encoding'];

const middlewares = new WeakMap<CompressPlan, Middleware>();

/** Runs the app's compression on this response when compress() marked it; no-op otherwise. */
export function handOverCompression(req: IncomingMessage, res: ServerResponse): void {
  const plan = compressPlanOf(res);
  if (plan === undefined) return;
  // Whatever happens next, the runtime no longer encodes this response: Express code may be writing it.
  delegateCompression(res);
  if (res.headersSent || res.writableEnded || plan.original === undefined) return;
  expressCompressionFor(plan)(req, res, ignoreNext);
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

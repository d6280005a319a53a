/**
 * fixedHeaders(mw): an Express middleware that only ever sets the same
 * response headers (helmet) as runtime request middleware, without the
 * Express surface, the bridge and their garbage on every request.
 *
 * At creation the middleware runs twice against a recording probe
 * (fixed-headers-probe.ts). When both runs only set or removed headers,
 * without reading the request, without reading a header they had not set
 * themselves, and called next() with no error before returning, the
 * recorded calls are made again, in order, on every response: the same
 * res.setHeader/removeHeader calls on the same raw response that the
 * middleware makes through fromExpress, so names, spelling, values, order,
 * removals and what later Express code sees of them are unchanged.
 * Anything else runs through fromExpress(mw, opts) as before, and the
 * reason goes to the compat logger.
 *
 * One probe cannot see state a middleware keeps between calls (a counter
 * in a closure): use fixedHeaders only for middleware known to be constant
 * given its options, as the codemod does for helmet with literal options.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Context, Handler } from '../runtime/index.js';
import { defaultLogger } from './call-express.js';
import { canonicalUrl } from './canonical-path.js';
import type { ExpressMiddleware } from './express-module.js';
import { probeHeadersTwice, type HeaderOp } from './fixed-headers-probe.js';
import { fromExpress, type FromExpressOptions } from './from-express.js';
import { literalMount, matchMount } from './mount-path.js';
import { bridgeOf } from './response-capture.js';

export type FixedHeadersOptions = FromExpressOptions;

export function fixedHeaders<S extends object = any>(mw: ExpressMiddleware, opts: FixedHeadersOptions = {}): Handler<S> {
  // Built first: it checks mw and the options exactly as fromExpress does, and it is the way back.
  const viaExpress = fromExpress<S>(mw, opts);
  const logger = opts.logger ?? defaultLogger;
  const name = (mw as { name?: string }).name || 'anonymous';
  const fallBack = (why: string) => logger(`expressway:compat: fixedHeaders(${name}) runs through fromExpress: ${why}`);
  const mount = opts.path === undefined ? '' : literalMount(opts.path);
  if (mount === null) {
    fallBack(`the mount path ${opts.path} has parameters or patterns`);
    return viaExpress;
  }
  let late = false;
  const probe = probeHeadersTwice(mw, (why) => {
    late = true;
    fallBack(`${why}, from now on`);
  });
  if ('reason' in probe) {
    fallBack(probe.reason);
    return viaExpress;
  }
  const ops = probe.ops;
  return function fixedHeadersMiddleware(ctx: Context<any, any>): void | Promise<void> {
    if (late) return viaExpress(ctx) as void | Promise<void>;
    // First, as fromExpress does: a WebSocket upgrade has no response and throws here the same way.
    const res: ServerResponse = ctx.res;
    if (mount !== '' && !underMount(ctx, res, mount)) return;
    replay(res, ops);
  } as Handler<S>;
}

function replay(res: ServerResponse, ops: readonly HeaderOp[]): void {
  for (let i = 0; i < ops.length; i++) {
    const op = ops[i]!;
    if (op.value === null) res.removeHeader(op.name);
    // A fresh array for each response: code after it may change the one it gets back from getHeader.
    else res.setHeader(op.name, typeof op.value === 'object' ? op.value.slice() : op.value);
  }
}

/** The request as fromExpress({ path }) matches it: on req.url once a bridge made it canonical, else on the canonical url. */
function underMount(ctx: Context<any, any>, res: ServerResponse, mount: string): boolean {
  const req: IncomingMessage = ctx.req;
  const url = bridgeOf(res) === undefined ? canonicalUrl(ctx.url, ctx.path) : req.url!;
  return matchMount(url, mount) >= 0;
}

/**
 * Runs one Connect/Express middleware (or a whole Express app) against a
 * runtime Context and turns its callback protocol into one promise:
 *
 * - `next()` / `next('route')` -> 'next' (the runtime pipeline continues);
 * - `next(err)`, a throw or a rejected promise -> rejection (panic hooks);
 * - the middleware responded -> 'responded' once the head is out;
 * - the client went away first -> 'responded' (nothing left to do);
 * - neither within `timeout` ms -> rejection with EXW_ERR_COMPAT_TIMEOUT
 *   (503), logged; whatever the middleware does later is ignored.
 *
 * Calling `next` a second time is ignored, with a process warning.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { debuglog } from 'node:util';
import { compatErrors, WARN_NEXT_TWICE } from './errors.js';
import { expressResponded, isLive, type RequestBridge } from './response-capture.js';

const debug = debuglog('expressway:compat');

export type Outcome = 'next' | 'responded';

/** Where compat reports hung middleware; default util.debuglog('expressway:compat'). */
export type CompatLogger = (message: string) => void;

export const defaultLogger: CompatLogger = (message) => debug('%s', message);

export interface CallOptions {
  name: string;
  timeout: number;
  logger: CompatLogger;
  /** The middleware receives no `next` (a whole app with Express's own final handler). */
  withoutNext?: boolean;
}

type Middleware = (req: any, res: any, next: (err?: unknown) => void) => unknown;

/**
 * Runs `mw`. Returns the outcome itself when it is known as soon as the
 * middleware returns (next() called synchronously, or, without capture, the
 * response already ended: the common legacy route), so the hot path
 * allocates no promise, timer or listener; a promise otherwise. A
 * synchronous next(err) or throw is thrown.
 */
export function callExpress(bridge: RequestBridge, mw: Middleware, req: IncomingMessage, res: ServerResponse, opts: CallOptions): Outcome | Promise<Outcome> {
  let settled = false;
  let calls = 0;
  let timer: NodeJS.Timeout | undefined;
  let waiting: { resolve: (o: Outcome) => void; reject: (err: unknown) => void } | null = null;
  let syncOutcome: Outcome | null = null;
  let syncError: unknown;
  const captured = bridge.originals !== null;

  const finish = (outcome: Outcome | null, err?: unknown) => {
    if (settled) return;
    settled = true;
    if (bridge.onCommit === onCommit) bridge.onCommit = null;
    if (waiting === null) {
      syncOutcome = outcome;
      syncError = err;
      return;
    }
    if (timer !== undefined) clearTimeout(timer);
    res.removeListener('close', onClose);
    res.removeListener('finish', onClose);
    if (outcome === null) waiting.reject(err);
    else waiting.resolve(outcome);
  };
  const onCommit = (err?: unknown) => (err === undefined ? finish('responded') : finish(null, err));
  const onClose = () => finish('responded');
  const responded = () => (captured ? expressResponded(bridge) : res.headersSent || res.writableEnded);

  const next = (err?: unknown) => {
    calls++;
    if (calls > 1) {
      process.emitWarning(`Express middleware "${opts.name}" called next() ${calls} times on ${req.method} ${req.url}; only the first call counts`, {
        code: WARN_NEXT_TWICE,
      });
      return;
    }
    if (settled) {
      debug('%s: next() after the request was answered (%s %s); ignored', opts.name, req.method, req.url);
      return;
    }
    if (err !== undefined && err !== null && err !== 'route' && err !== 'router') {
      finish(null, err);
      return;
    }
    // It wrote and then called next(): the response is Express's; wait for the head to be out.
    if (captured && expressResponded(bridge) && !isLive(bridge)) return;
    finish(captured && isLive(bridge) ? 'responded' : responded() ? 'responded' : 'next');
  };

  if (captured) bridge.onCommit = onCommit;
  if (!opts.withoutNext) (req as unknown as { next?: unknown }).next = next;
  try {
    const result = opts.withoutNext ? (mw as (req: unknown, res: unknown) => unknown)(req, res) : mw(req, res, next);
    if (result !== null && typeof result === 'object' && typeof (result as PromiseLike<unknown>).then === 'function') {
      (result as PromiseLike<unknown>).then(undefined, (err: unknown) => finish(null, err ?? new Error(`Express middleware "${opts.name}" rejected`)));
    }
  } catch (err) {
    finish(null, err);
  }
  if (!settled && !captured && res.writableEnded) finish('responded');
  if (settled) {
    if (syncOutcome === null) throw syncError;
    return syncOutcome;
  }

  return new Promise<Outcome>((resolve, reject) => {
    waiting = { resolve, reject };
    if (!captured) res.once('finish', onClose);
    res.once('close', onClose);
    if (opts.timeout > 0) {
      timer = setTimeout(() => {
        timer = undefined;
        if (responded()) return; // the head is (being) written: the response is on its way
        opts.logger(`expressway:compat: Express middleware "${opts.name}" neither called next() nor responded within ${opts.timeout} ms on ${req.method} ${req.url}: answered 503`);
        finish(null, compatErrors.EXW_ERR_COMPAT_TIMEOUT(opts.name, opts.timeout));
      }, opts.timeout);
      timer.unref();
    }
  });
}

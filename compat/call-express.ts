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
import { isThenable } from '../runtime/thenable.js';
import { handOverCompression } from './compression-handover.js';
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
export function callExpress(bridge: RequestBridge | null, mw: Middleware, req: IncomingMessage, res: ServerResponse, opts: CallOptions): Outcome | Promise<Outcome> {
  // compress() marked the response: Express code gets it wrapped by the app's own compression.
  handOverCompression(req, res);
  const call = new ExpressCall(bridge, req, res, opts);
  try {
    let result: unknown;
    if (opts.withoutNext) {
      result = (mw as (req: unknown, res: unknown) => unknown)(req, res);
    } else {
      const next = (err?: unknown) => call.next(err);
      (req as unknown as { next?: unknown }).next = next;
      result = mw(req, res, next);
    }
    if (isThenable(result)) {
      result.then(undefined, (err: unknown) => call.finish(null, err ?? new Error(`Express middleware "${opts.name}" rejected`)));
    }
  } catch (err) {
    call.finish(null, err);
  }
  return call.outcome();
}

/** One run of one middleware: its state, without a closure per event (STYLE.md: no per-request closures). */
class ExpressCall {
  private settled = false;
  private calls = 0;
  private timer: NodeJS.Timeout | undefined = undefined;
  private waiting: { resolve: (o: Outcome) => void; reject: (err: unknown) => void; onClose: () => void } | null = null;
  private syncOutcome: Outcome | null = null;
  private syncError: unknown = undefined;
  private readonly captured: boolean;

  constructor(
    private readonly bridge: RequestBridge | null,
    private readonly req: IncomingMessage,
    private readonly res: ServerResponse,
    private readonly opts: CallOptions,
  ) {
    this.captured = bridge !== null && bridge.originals !== null;
    if (this.captured) bridge!.onCommit = this;
  }

  /** The response is Express's (captured: its head is being or was handed to the runtime). */
  private responded(): boolean {
    return this.captured ? expressResponded(this.bridge!) : this.res.headersSent || this.res.writableEnded;
  }

  /** response-capture.ts calls this once the captured head is out (err when response middleware threw). */
  committed(err?: unknown): void {
    if (err === undefined) this.finish('responded');
    else this.finish(null, err);
  }

  next(err?: unknown): void {
    const { opts, req } = this;
    this.calls++;
    if (this.calls > 1) {
      process.emitWarning(`Express middleware "${opts.name}" called next() ${this.calls} times on ${req.method} ${req.url}; only the first call counts`, {
        code: WARN_NEXT_TWICE,
      });
      return;
    }
    if (this.settled) {
      debug('%s: next() after the request was answered (%s %s); ignored', opts.name, req.method, req.url);
      return;
    }
    if (err !== undefined && err !== null && err !== 'route' && err !== 'router') {
      this.finish(null, err);
      return;
    }
    const bridge = this.bridge;
    if (this.captured) {
      // It wrote and then called next(): the response is Express's; wait for the head to be out.
      if (expressResponded(bridge!) && !isLive(bridge!)) return;
      this.finish(isLive(bridge!) ? 'responded' : 'next');
      return;
    }
    this.finish(this.responded() ? 'responded' : 'next');
  }

  finish(outcome: Outcome | null, err?: unknown): void {
    if (this.settled) return;
    this.settled = true;
    if (this.bridge !== null && this.bridge.onCommit === this) this.bridge.onCommit = null;
    const waiting = this.waiting;
    if (waiting === null) {
      this.syncOutcome = outcome;
      this.syncError = err;
      return;
    }
    if (this.timer !== undefined) clearTimeout(this.timer);
    this.res.removeListener('close', waiting.onClose);
    this.res.removeListener('finish', waiting.onClose);
    if (outcome === null) waiting.reject(err);
    else waiting.resolve(outcome);
  }

  outcome(): Outcome | Promise<Outcome> {
    if (!this.settled && !this.captured && this.res.writableEnded) this.finish('responded');
    if (this.settled) {
      if (this.syncOutcome === null) throw this.syncError;
      return this.syncOutcome;
    }
    return new Promise<Outcome>((resolve, reject) => {
      const onClose = () => this.finish('responded');
      this.waiting = { resolve, reject, onClose };
      if (!this.captured) this.res.once('finish', onClose);
      this.res.once('close', onClose);
      if (this.opts.timeout > 0) {
        this.timer = setTimeout(() => this.timedOut(), this.opts.timeout);
        this.timer.unref();
      }
    });
  }

  private timedOut(): void {
    const { opts, req } = this;
    this.timer = undefined;
    if (this.responded()) return; // the head is (being) written: the response is on its way
    opts.logger(`expressway:compat: Express middleware "${opts.name}" neither called next() nor responded within ${opts.timeout} ms on ${req.method} ${req.url}: answered 503`);
    this.finish(null, compatErrors.EXW_ERR_COMPAT_TIMEOUT(opts.name, opts.timeout));
  }
}

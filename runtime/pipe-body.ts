/**
 * Pipes a stream body (ctx.stream) into the response with what
 * stream.pipeline() guarantees here, without its per-call cost.
 *
 * Why not pipeline()? CPU profiles of fixtures/hard-cases /feed.ndjson (a
 * Readable.from(generator) of a few lines): every pipeline() call makes an
 * AbortController and, when it settles, aborts it, which builds a
 * DOMException with a stack trace; with the extra end-of-stream watchers
 * that cost more than the body itself, and made the migrated route slower
 * than Express's plain `.pipe(res)`.
 *
 * The bytes are the same: pipeline() itself moves the data with
 * `readable.pipe(res)` and ends the response on the body's 'end', as here.
 * Kept from pipeline():
 * - the body fails: the response is destroyed (the client sees a cut-off
 *   response, never a complete-looking one);
 * - the client goes away (the response closes before the body ended): the
 *   body is destroyed with ERR_STREAM_PREMATURE_CLOSE, so a generator's
 *   `finally` or a file descriptor is released;
 * - the response fails: the body is destroyed with that error;
 * - `onDone` is called once: with no error after the response finished,
 *   else with the first error.
 * A body already destroyed or errored goes through pipeline(), which
 * reports it.
 *
 * One socket write where the body allows it: node flushes a response's
 * writes on the next tick (connectionCorkNT), but a stream's 'end' comes a
 * tick later, so a body that is all there at once (a generator, a buffered
 * array) went out as two writes: head and chunks, then the chunked
 * terminator alone (CPU profiles of /feed.ndjson: the second write is about
 * a tenth of the request). The response stays corked until the body ends
 * and res.end() has queued the terminator, and no longer: until the body
 * pauses for backpressure, fails, or the event loop turns (setImmediate),
 * whichever comes first, so a body that waits for I/O is flushed as soon
 * as before. The bytes are the same, chunk framing included; only how many
 * writes carry them changes.
 */
import type { ServerResponse } from 'node:http';
import { pipeline, type Readable } from 'node:stream';

export type PipeDone = (err: Error | null | undefined) => void;

export function pipeBodyToResponse(body: Readable, res: ServerResponse, onDone: PipeDone): void {
  if (body.destroyed || body.errored !== null || res.destroyed) {
    pipeline(body, res, onDone);
    return;
  }
  new BodyPipe(body, res, onDone).start();
}

/** One pipe: its state and listeners, bound once (the listeners must be removable). */
class BodyPipe {
  private ended = false;
  private settled = false;
  private corked = false;
  private immediate: NodeJS.Immediate | undefined;
  private readonly onEnd = () => this.bodyEnded();
  private readonly onBodyError = (err: Error) => this.fail(err);
  private readonly onResError = (err: Error) => this.fail(err);
  private readonly onResClose = () => this.responseClosed();
  private readonly onFinish = () => this.settle(undefined);

  constructor(
    private readonly body: Readable,
    private readonly res: ServerResponse,
    private readonly onDone: PipeDone,
  ) {}

  start(): void {
    const { body, res } = this;
    // Listening for 'error' first: a body failing synchronously inside pipe() is seen.
    body.on('error', this.onBodyError);
    body.once('end', this.onEnd);
    res.on('error', this.onResError);
    res.once('close', this.onResClose);
    res.once('finish', this.onFinish);
    this.corked = corkable(res);
    if (this.corked) res.cork();
    body.pipe(res);
    if (!this.corked) return;
    // After pipe(): pipe's own 'end' listener (res.end(), the terminator) runs first.
    body.once('end', this.uncork);
    body.once('pause', this.uncork);
    this.immediate = setImmediate(this.uncork);
  }

  /** Flushes what the cork held, once; the body's own flow goes on uncorked. */
  private readonly uncork = () => {
    if (!this.corked) return;
    this.corked = false;
    const { body, res } = this;
    body.off('end', this.uncork);
    body.off('pause', this.uncork);
    if (this.immediate !== undefined) clearImmediate(this.immediate);
    res.uncork();
  };

  private bodyEnded(): void {
    this.ended = true;
  }

  private responseClosed(): void {
    if (this.res.writableFinished) this.settle(undefined);
    else if (!this.ended) this.fail(prematureClose());
    else this.settle(prematureClose());
  }

  private fail(err: Error): void {
    if (this.settled) return;
    const { body, res } = this;
    // What was written before the failure goes out first, as it would have uncorked.
    this.uncork();
    if (!body.destroyed) body.destroy(err);
    if (!res.destroyed) res.destroy(err);
    this.settle(err);
  }

  private settle(err: Error | undefined): void {
    if (this.settled) return;
    this.settled = true;
    this.uncork();
    const { body, res } = this;
    body.off('end', this.onEnd);
    res.off('close', this.onResClose);
    res.off('finish', this.onFinish);
    res.off('error', this.onResError);
    // The body's 'error' listener stays: an error after the end (a late destroy) must not crash the process.
    this.onDone(err);
  }
}

/** What pipeline() reports when the response closes before the body ended (node's own code and message). */
function prematureClose(): Error {
  return Object.assign(new Error('Premature close'), { code: 'ERR_STREAM_PREMATURE_CLOSE' });
}

/** A node http response (cork() and uncork() of its own); a look-alike without them is piped as it is. */
function corkable(res: ServerResponse): boolean {
  return typeof res.cork === 'function' && typeof res.uncork === 'function';
}

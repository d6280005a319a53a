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
    body.pipe(res);
  }

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
    if (!body.destroyed) body.destroy(err);
    if (!res.destroyed) res.destroy(err);
    this.settle(err);
  }

  private settle(err: Error | undefined): void {
    if (this.settled) return;
    this.settled = true;
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

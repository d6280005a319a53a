/**
 * The response object `send` writes to when serving a file.
 *
 * Why not hand `send` the real `ServerResponse`? On the runtime, status and
 * headers live in the Context's builder and are written by
 * `ctx.commitHead()`, which first runs the response middleware (CORS,
 * security headers, logging). `send` decides status (200/206/304/...) and
 * headers (ETag, Last-Modified, Content-Range, ...) itself and writes them
 * implicitly on the first body byte — too late and too synchronous to await
 * the response middleware. So `send` writes to this stand-in instead: it
 * records what `send` sets, and on the first body byte (or on `end()` for
 * 304 and HEAD) copies the status and headers into the builder, awaits
 * `commitHead()`, then forwards the body to the real response. Being a
 * Writable, it passes backpressure from the socket back to the file stream.
 */
import type { IncomingMessage, OutgoingHttpHeader, ServerResponse } from 'node:http';
import { Writable } from 'node:stream';

/** The part of the Context a file response needs. */
export interface FileHost {
  req: IncomingMessage;
  res: ServerResponse;
  status: number;
  setHeader(name: string, value: string | number | readonly string[]): unknown;
  getHeader?(name: string): unknown;
  removeHeader?(name: string): unknown;
  commitHead(): Promise<void>;
}

/** Builder headers `send` looks at before choosing its own (it keeps a value already set). */
const HEADERS_SEND_RESPECTS = ['content-type', 'cache-control', 'last-modified', 'etag', 'accept-ranges'];

export class DeferredHeadResponse extends Writable {
  statusCode = 200;
  private readonly headers = new Map<string, { name: string; value: OutgoingHttpHeader }>();
  private readonly removed = new Set<string>();
  private commitment: Promise<void> | undefined;

  constructor(private readonly host: FileHost) {
    super();
    for (const name of HEADERS_SEND_RESPECTS) {
      const value = host.getHeader?.(name);
      if (typeof value === 'string' || typeof value === 'number' || Array.isArray(value)) this.headers.set(name, { name, value });
    }
  }

  /** `send` refuses to start once headers are out. */
  get headersSent(): boolean {
    return this.host.res.headersSent;
  }

  /** on-finished (used by `send` to close the file stream) watches the real socket. */
  get socket() {
    return this.host.res.socket;
  }

  setHeader(name: string, value: OutgoingHttpHeader): this {
    const key = name.toLowerCase();
    this.headers.set(key, { name, value });
    this.removed.delete(key);
    return this;
  }

  getHeader(name: string): OutgoingHttpHeader | undefined {
    return this.headers.get(name.toLowerCase())?.value;
  }

  hasHeader(name: string): boolean {
    return this.headers.has(name.toLowerCase());
  }

  removeHeader(name: string): void {
    const key = name.toLowerCase();
    this.headers.delete(key);
    this.removed.add(key);
  }

  getHeaderNames(): string[] {
    return [...this.headers.keys()];
  }

  /** True once the head has been (or is being) handed to the builder. */
  get committing(): boolean {
    return this.commitment !== undefined;
  }

  /** Copies status and headers into the builder and commits the head, once. */
  commit(): Promise<void> {
    this.commitment ??= this.applyAndCommit();
    return this.commitment;
  }

  override _write(chunk: Buffer, _encoding: BufferEncoding, callback: (error?: Error | null) => void): void {
    this.commit().then(
      () => forward(this.host.res, chunk, callback),
      (err: Error) => callback(err),
    );
  }

  override _final(callback: (error?: Error | null) => void): void {
    this.commit().then(
      () => {
        this.host.res.end();
        callback();
      },
      (err: Error) => callback(err),
    );
  }

  /**
   * Copies the headers `send` set into the builder without committing: res.sendFile's callback runs with
   * them still on the response when send fails late (412, 416), so the error answer carries them too.
   */
  applyHeaders(): void {
    const host = this.host;
    for (const key of this.removed) host.removeHeader?.(key);
    for (const { name, value } of this.headers.values()) host.setHeader(name, typeof value === 'number' ? String(value) : value);
  }

  private async applyAndCommit(): Promise<void> {
    this.applyHeaders();
    this.host.status = this.statusCode;
    await this.host.commitHead();
  }
}

function forward(res: ServerResponse, chunk: Buffer, callback: (error?: Error | null) => void): void {
  if (res.destroyed) {
    callback();
    return;
  }
  if (res.write(chunk)) {
    callback();
    return;
  }
  // Wait for the socket to take more; a closed connection ends the wait too
  // (the file stream is torn down by `send` when the socket closes).
  const done = () => {
    res.off('drain', done);
    res.off('close', done);
    callback();
  };
  res.on('drain', done);
  res.on('close', done);
}

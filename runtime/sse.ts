/**
 * Server-Sent Events on the Context (`ctx.sse()` calls `openEventStream`).
 *
 * The head goes out through `ctx.commitHead()`, so response middleware still
 * run and their headers (CORS, security headers, request ids) reach the
 * client; after that the body is written frame by frame on `ctx.res`. There
 * is no Content-Length: the stream lasts until the server closes it or the
 * client goes away (`ctx.signal`), after which sends are no-ops resolving
 * false, so a producer loop can simply stop when `send` says so.
 */
import type { ServerResponse } from 'node:http';
import { defineErrors } from './errors.js';

export const sseErrors = defineErrors({
  EXW_ERR_SSE_INVALID_FIELD: {
    message: 'Invalid SSE %s: %s',
  },
  EXW_ERR_SSE_HEAD_COMMITTED: {
    message: 'Cannot open an event stream: the response head was already sent',
  },
});

/** What `openEventStream` needs from the Context. */
export interface SseHost {
  res: ServerResponse;
  signal: AbortSignal;
  setHeader(name: string, value: string): void;
  removeHeader(name: string): void;
  status: number;
  commitHead(): Promise<void>;
}

export interface EventStreamOptions {
  /** Milliseconds between comment lines that keep proxies from timing out an idle stream; 0 or absent disables. */
  heartbeat?: number;
}

export interface ServerSentEvent {
  /** Event type; the client dispatches it to `addEventListener(event)`. No CR or LF. */
  event?: string;
  /** Sets the client's last event id, sent back as `Last-Event-ID` on reconnect. No CR, LF or NUL. */
  id?: string | number;
  /** Reconnection delay in milliseconds the client should use. */
  retry?: number;
  /** A string is sent as is (one `data:` line per line); anything else as JSON. */
  data?: unknown;
}

export interface EventStream {
  /** Writes one event. Resolves true once it is written (after 'drain' when the socket is full), false when the stream is closed. */
  send(event: ServerSentEvent): Promise<boolean>;
  /** Writes a comment line, ignored by clients; useful as a manual keep-alive. */
  comment(text: string): Promise<boolean>;
  /** Ends the response. */
  close(): void;
  /** True once the server closed the stream or the client went away. */
  readonly closed: boolean;
  /** The `Last-Event-ID` the client sent when reconnecting, if any. */
  readonly lastEventId: string | undefined;
}

const LINE_BREAK = /\r\n|\r|\n/;
const UNSAFE_FIELD = /[\r\n]/;

export async function openEventStream(ctx: SseHost, opts: EventStreamOptions = {}): Promise<EventStream> {
  if (ctx.res.headersSent) throw sseErrors.EXW_ERR_SSE_HEAD_COMMITTED();
  ctx.status = 200;
  ctx.setHeader('content-type', 'text/event-stream');
  ctx.setHeader('cache-control', 'no-cache');
  // nginx buffers proxied responses by default, which would hold events back.
  ctx.setHeader('x-accel-buffering', 'no');
  if (ctx.res.req?.httpVersion === '1.1') ctx.setHeader('connection', 'keep-alive');
  ctx.removeHeader('content-length');
  await ctx.commitHead();
  const stream = new NodeEventStream(ctx.res, ctx.signal, opts.heartbeat ?? 0);
  // writeHead only stores the head; EventSource fires 'open' when it arrives.
  if (!stream.closed) ctx.res.flushHeaders();
  return stream;
}

class NodeEventStream implements EventStream {
  closed = false;
  readonly lastEventId: string | undefined;
  private heartbeatTimer: NodeJS.Timeout | undefined;
  private readonly stop = () => this.shutDown();

  constructor(
    private readonly res: ServerResponse,
    private readonly signal: AbortSignal,
    heartbeat: number,
  ) {
    const header = res.req?.headers['last-event-id'];
    this.lastEventId = typeof header === 'string' ? header : undefined;
    if (signal.aborted || res.destroyed || res.writableEnded) {
      this.closed = true;
      return;
    }
    signal.addEventListener('abort', this.stop, { once: true });
    res.once('close', this.stop);
    if (heartbeat > 0) {
      this.heartbeatTimer = setInterval(() => void this.write(': heartbeat\n\n'), heartbeat);
      // A heartbeat alone must not keep the process alive.
      this.heartbeatTimer.unref();
    }
  }

  async send(event: ServerSentEvent): Promise<boolean> {
    return this.write(formatEvent(event));
  }

  async comment(text: string): Promise<boolean> {
    return this.write(
      String(text)
        .split(LINE_BREAK)
        .map((line) => `: ${line}\n`)
        .join('') + '\n',
    );
  }

  close(): void {
    if (this.closed) return;
    this.shutDown();
    this.res.end();
  }

  private write(frame: string): Promise<boolean> {
    if (this.closed) return Promise.resolve(false);
    if (this.res.write(frame)) return Promise.resolve(true);
    return this.drained();
  }

  private drained(): Promise<boolean> {
    return new Promise((resolve) => {
      const done = (ok: boolean) => {
        this.res.off('drain', onDrain);
        this.res.off('close', onClose);
        resolve(ok);
      };
      const onDrain = () => done(true);
      const onClose = () => done(false);
      this.res.on('drain', onDrain);
      this.res.on('close', onClose);
    });
  }

  private shutDown(): void {
    this.closed = true;
    clearInterval(this.heartbeatTimer);
    this.signal.removeEventListener('abort', this.stop);
    this.res.off('close', this.stop);
  }
}

/** Serialises one event as the text/event-stream format (WHATWG HTML, 9.2). */
export function formatEvent(event: ServerSentEvent): string {
  let frame = '';
  if (event.event !== undefined) frame += `event: ${checkedField('event', String(event.event))}\n`;
  if (event.id !== undefined) {
    const id = checkedField('id', String(event.id));
    // Clients ignore an id containing NUL, so reject it rather than send a no-op.
    if (id.includes('\0')) throw sseErrors.EXW_ERR_SSE_INVALID_FIELD('id', 'contains a NUL character');
    frame += `id: ${id}\n`;
  }
  if (event.retry !== undefined) {
    if (!Number.isInteger(event.retry) || event.retry < 0) {
      throw sseErrors.EXW_ERR_SSE_INVALID_FIELD('retry', `${event.retry} (must be a non-negative integer of milliseconds)`);
    }
    frame += `retry: ${event.retry}\n`;
  }
  if (event.data !== undefined) {
    for (const line of dataText(event.data).split(LINE_BREAK)) frame += `data: ${line}\n`;
  }
  if (frame === '') throw sseErrors.EXW_ERR_SSE_INVALID_FIELD('event', 'nothing to send (give data, event, id or retry)');
  return frame + '\n';
}

function dataText(data: unknown): string {
  if (typeof data === 'string') return data;
  if (Buffer.isBuffer(data)) return data.toString('utf8');
  return JSON.stringify(data) ?? String(data);
}

function checkedField(name: string, value: string): string {
  if (UNSAFE_FIELD.test(value)) throw sseErrors.EXW_ERR_SSE_INVALID_FIELD(name, `${JSON.stringify(value)} contains a line break`);
  return value;
}

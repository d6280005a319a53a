/**
 * WebSocket on the runtime, through the `ws` package in noServer mode.
 *
 * The core routes an HTTP upgrade like any request (request middleware such
 * as auth run first) and, when the handler calls `ctx.upgrade()`, hands the
 * raw `{ req, socket, head }` to `acceptWebSocket`. What comes back is a
 * `WebSocketConnection`: an async iterator of messages plus `send`/`close`,
 * with backpressure in both directions:
 *
 * - outgoing: `send()` waits while the socket's buffered bytes exceed the
 *   high-water mark and resolves only once `ws` has handed the frame to the
 *   socket, so `for await (...) await ws.send(m)` against a client that does
 *   not read stalls instead of growing memory. Below the mark (the common
 *   case) the frame is written at once and `send()` returns an already
 *   resolved promise; frames sent in the same tick leave in one write
 *   (the socket is corked until the next tick, as node's HTTP responses are);
 * - incoming: messages queue for the iterator up to `maxQueuedMessages`; past
 *   that the socket is paused (TCP pushes back on the peer) until the
 *   consumer catches up.
 *
 * `ws` is imported lazily on the first upgrade, so importing the runtime
 * stays cheap for apps that never use WebSocket.
 */
import type { IncomingMessage } from 'node:http';
import { STATUS_CODES, validateHeaderName, validateHeaderValue } from 'node:http';
import type { Duplex } from 'node:stream';
import type { WebSocket as WsSocket, WebSocketServer as WsServer, RawData } from 'ws';
import { defineErrors } from './errors.js';
import { startHeartbeat } from './websocket-heartbeat.js';

export const websocketErrors = defineErrors({
  EXW_ERR_WS_HANDSHAKE_FAILED: {
    message: 'WebSocket handshake refused: %s',
    status: 400,
  },
  EXW_ERR_WS_NOT_OPEN: {
    message: 'Cannot send on a WebSocket that is %s',
  },
});

export type WebSocketMessage = string | Buffer;
export type WebSocketSendable = string | Buffer | ArrayBuffer | Uint8Array;

export interface WebSocketCloseInfo {
  /** The code from the peer's close frame; 1005 when it sent none, 1006 when the connection dropped without one. */
  code: number;
  reason: string;
  /**
   * The protocol error that made this side close, if any: an oversized
   * message (`err.code` 'WS_ERR_UNSUPPORTED_MESSAGE_LENGTH', close code 1009
   * sent to the peer), invalid UTF-8, a bad frame.
   */
  error?: Error;
}

export interface AcceptWebSocketOptions {
  /** Largest incoming message in bytes; bigger ones close the socket with 1009. Default 1 MiB. */
  maxPayload?: number;
  /** Negotiate permessage-deflate when the client offers it. Default false (it costs CPU and memory per socket). */
  perMessageDeflate?: boolean;
  /** Registry the connection joins, so server shutdown can close it. */
  registry?: WebSocketRegistry;
  /** `send()` waits while more than this many bytes are buffered for the socket. Default 1 MiB. */
  highWaterMark?: number;
  /** Incoming messages held for a lagging consumer before the socket is paused. Default 64. */
  maxQueuedMessages?: number;
  /** Ping every this many ms and terminate a peer that did not answer the previous ping. Default 0 (off). */
  heartbeat?: number;
}

export interface UpgradeRequest {
  req: IncomingMessage;
  socket: Duplex;
  head: Buffer;
}

const DEFAULT_MAX_PAYLOAD = 1_048_576;
const DEFAULT_HIGH_WATER_MARK = 1_048_576;
const DEFAULT_MAX_QUEUED = 64;
const OPEN = 1;

/** One noServer WebSocketServer per option set: it only performs handshakes, it holds no sockets. */
const handshakers = new Map<string, WsServer>();

async function handshakerFor(maxPayload: number, perMessageDeflate: boolean): Promise<WsServer> {
  const key = `${maxPayload}:${perMessageDeflate}`;
  let wss = handshakers.get(key);
  if (!wss) {
    const { WebSocketServer } = await import('ws');
    wss = new WebSocketServer({ noServer: true, clientTracking: false, maxPayload, perMessageDeflate });
    handshakers.set(key, wss);
  }
  return wss;
}

/**
 * Completes the upgrade handshake and returns the connection. Rejects with
 * EXW_ERR_WS_HANDSHAKE_FAILED when `ws` refused the request (it has already
 * answered 400/405 on the socket) or the socket went away first.
 */
export async function acceptWebSocket(up: UpgradeRequest, opts: AcceptWebSocketOptions = {}): Promise<WebSocketConnection> {
  const wss = await handshakerFor(opts.maxPayload ?? DEFAULT_MAX_PAYLOAD, opts.perMessageDeflate ?? false);
  // The client may have gone while `ws` was loading: its 'close' is past.
  if (up.socket.destroyed) throw websocketErrors.EXW_ERR_WS_HANDSHAKE_FAILED('the client closed the connection before the upgrade');
  const ws = await new Promise<WsSocket>((resolve, reject) => {
    let done = false;
    // ws answers a bad handshake itself and destroys the socket without
    // calling back; 'close' is how we learn the upgrade will never happen.
    const onClose = () => {
      if (!done) reject(websocketErrors.EXW_ERR_WS_HANDSHAKE_FAILED(describeBadHandshake(up.req)));
    };
    up.socket.once('close', onClose);
    wss.handleUpgrade(up.req, up.socket, up.head, (socket) => {
      done = true;
      up.socket.removeListener('close', onClose);
      resolve(socket);
    });
  });
  const conn = new WebSocketConnection(ws, opts.highWaterMark ?? DEFAULT_HIGH_WATER_MARK, opts.maxQueuedMessages ?? DEFAULT_MAX_QUEUED);
  if (opts.heartbeat !== undefined && opts.heartbeat > 0) startHeartbeat(ws, opts.heartbeat);
  opts.registry?.add(conn);
  return conn;
}

function describeBadHandshake(req: IncomingMessage): string {
  if (req.method !== 'GET') return `method ${req.method} (must be GET)`;
  if (String(req.headers.upgrade ?? '').toLowerCase() !== 'websocket') return 'missing or invalid Upgrade header';
  if (!req.headers['sec-websocket-key']) return 'missing Sec-WebSocket-Key header';
  const version = req.headers['sec-websocket-version'];
  if (version !== '13' && version !== '8') return 'missing or unsupported Sec-WebSocket-Version header';
  return 'the client closed the connection or sent an invalid handshake';
}

type Waiter = (result: IteratorResult<WebSocketMessage>) => void;

const RESOLVED: Promise<void> = Promise.resolve();
const TEXT_FRAME = { binary: false } as const;
const BINARY_FRAME = { binary: true } as const;

/** Frames written during one tick go out in one write: the socket stays corked until the next tick. */
function uncorkSocket(conn: WebSocketConnection): void {
  conn._uncork();
}

export class WebSocketConnection implements AsyncIterable<WebSocketMessage> {
  /** The underlying `ws` WebSocket, for what this wrapper does not cover (ping, protocol, extensions). */
  readonly raw: WsSocket;
  /** Resolves once the socket has closed, with the close code and reason. */
  readonly closed: Promise<WebSocketCloseInfo>;

  private readonly queue: WebSocketMessage[] = [];
  private readonly waiters: Waiter[] = [];
  private ended = false;
  private sendChain: Promise<void> = RESOLVED;
  /** Sends waiting in sendChain (above the high-water mark, or behind one that is); while > 0 new sends queue too, to keep their order. */
  private queuedSends = 0;
  private corked = false;
  private readonly onQueuedSendSettled = (): void => {
    this.queuedSends--;
  };

  constructor(
    ws: WsSocket,
    private readonly highWaterMark: number,
    private readonly maxQueued: number,
  ) {
    this.raw = ws;
    let protocolError: Error | undefined;
    // A protocol error (oversized message, invalid UTF-8) is followed by
    // 'close'; keep it for `closed` instead of letting it become uncaught.
    ws.on('error', (err: Error) => (protocolError ??= err));
    this.closed = new Promise((resolve) => {
      ws.once('close', (code: number, reason: Buffer) => {
        this.finishIteration();
        resolve(protocolError ? { code, reason: reason.toString('utf8'), error: protocolError } : { code, reason: reason.toString('utf8') });
      });
    });
    ws.on('message', (data: RawData, isBinary: boolean) => this.receive(isBinary ? toBuffer(data) : toBuffer(data).toString('utf8')));
  }

  [Symbol.asyncIterator](): AsyncIterator<WebSocketMessage> {
    return {
      next: () => this.nextMessage(),
      // Leaving a `for await` early stops reading; the socket stays open for sending.
      return: async () => ({ done: true, value: undefined }),
    };
  }

  /** Messages received but not yet consumed. */
  get queuedMessages(): number {
    return this.queue.length;
  }

  get readyState(): number {
    return this.raw.readyState;
  }

  /**
   * Sends a text (string) or binary (Buffer/ArrayBuffer/Uint8Array) message.
   * Resolves when the frame has been handed to the socket; waits first while
   * the socket is above its high-water mark. Sends are delivered in call order.
   * Below the mark the returned promise is already resolved.
   */
  send(data: WebSocketSendable): Promise<void> {
    const raw = this.raw;
    if (this.queuedSends === 0 && raw.readyState === OPEN && raw.bufferedAmount <= this.highWaterMark) {
      // Fast path: nothing to wait for, so no promise, no callback and no closure per message.
      this.corkUntilNextTick();
      raw.send(data, typeof data === 'string' ? TEXT_FRAME : BINARY_FRAME);
      return RESOLVED;
    }
    this.queuedSends++;
    const next = this.sendChain.then(() => this.sendNow(data));
    // The chain only orders sends; one failed send must not fail the next ones.
    this.sendChain = next.then(this.onQueuedSendSettled, this.onQueuedSendSettled);
    return next;
  }

  private corkUntilNextTick(): void {
    if (this.corked) return;
    const socket = socketOf(this.raw);
    if (socket === null || socket === undefined) return;
    this.corked = true;
    socket.cork();
    process.nextTick(uncorkSocket, this);
  }

  /** @internal */
  _uncork(): void {
    this.corked = false;
    socketOf(this.raw)?.uncork();
  }

  /** Starts the closing handshake. Default code 1000 (normal closure). */
  close(code = 1000, reason = ''): void {
    if (this.raw.readyState >= 2) return;
    this.raw.close(code, reason);
    // A socket paused for a lagging consumer would never read the peer's
    // close frame, and the closing handshake would hang until ws gives up.
    if (this.raw.isPaused) this.raw.resume();
  }

  /** Drops the connection without a closing handshake. */
  terminate(): void {
    this.raw.terminate();
  }

  private async sendNow(data: WebSocketSendable): Promise<void> {
    await this.belowHighWaterMark();
    if (this.raw.readyState !== OPEN) throw websocketErrors.EXW_ERR_WS_NOT_OPEN(stateName(this.raw.readyState));
    const binary = typeof data !== 'string';
    await new Promise<void>((resolve, reject) => {
      this.raw.send(data, { binary }, (err) => (err ? reject(err) : resolve()));
    });
  }

  private belowHighWaterMark(): Promise<void> {
    if (this.raw.bufferedAmount <= this.highWaterMark || this.raw.readyState !== OPEN) return Promise.resolve();
    const socket = socketOf(this.raw);
    // Bytes held by ws itself (frames waiting for compression) bring no
    // 'drain'; only a full socket does. Sends here are serialised, so that
    // queue is short and drains on its own.
    if (!socket.writableNeedDrain) return Promise.resolve();
    return new Promise((resolve) => {
      const check = () => {
        if (this.raw.bufferedAmount <= this.highWaterMark || this.raw.readyState !== OPEN) {
          socket.off('drain', check);
          this.raw.off('close', check);
          resolve();
        }
      };
      socket.on('drain', check);
      this.raw.on('close', check);
    });
  }

  private receive(message: WebSocketMessage): void {
    const waiter = this.waiters.shift();
    if (waiter) {
      waiter({ done: false, value: message });
      return;
    }
    this.queue.push(message);
    // Once closing, keep reading: the peer's close frame is behind these messages.
    if (this.queue.length >= this.maxQueued && !this.raw.isPaused && this.raw.readyState === OPEN) this.raw.pause();
  }

  private nextMessage(): Promise<IteratorResult<WebSocketMessage>> {
    const message = this.queue.shift();
    if (message !== undefined) {
      if (this.raw.isPaused && this.queue.length <= this.maxQueued / 2) this.raw.resume();
      return Promise.resolve({ done: false, value: message });
    }
    if (this.ended) return Promise.resolve({ done: true, value: undefined });
    return new Promise((resolve) => this.waiters.push(resolve));
  }

  private finishIteration(): void {
    this.ended = true;
    for (const waiter of this.waiters.splice(0)) waiter({ done: true, value: undefined });
  }
}

function toBuffer(data: RawData): Buffer {
  if (Buffer.isBuffer(data)) return data;
  if (Array.isArray(data)) return Buffer.concat(data);
  return Buffer.from(data);
}

function socketOf(ws: WsSocket): Duplex {
  // ws keeps the net socket in `_socket`; 'drain' on it is the signal that
  // bufferedAmount went down (ws has no drain event of its own), and
  // corking it batches the frames of one tick.
  return (ws as unknown as { _socket: Duplex })._socket;
}

function stateName(state: number): string {
  return ['connecting', 'open', 'closing', 'closed'][state] ?? `in state ${state}`;
}

/**
 * Writes a complete HTTP response on a raw upgrade socket (the upgrade is
 * refused, e.g. 401 from an auth middleware or 404 for an unknown path) and
 * closes the socket once it is flushed.
 */
export function rejectUpgrade(socket: Duplex, status: number, headers: Record<string, string> = {}, body?: string): void {
  if (!socket.writable) {
    socket.destroy();
    return;
  }
  const text = body ?? STATUS_CODES[status] ?? '';
  let head: string;
  try {
    head = responseHead(status, headers, Buffer.byteLength(text));
  } catch (err) {
    socket.destroy();
    throw err;
  }
  socket.once('finish', () => socket.destroy());
  socket.once('error', () => socket.destroy());
  socket.end(head + text);
}

function responseHead(status: number, headers: Record<string, string>, length: number): string {
  const lines = [`HTTP/1.1 ${status} ${STATUS_CODES[status] ?? 'Unknown'}`, 'Connection: close'];
  const lower = new Set(Object.keys(headers).map((name) => name.toLowerCase()));
  if (!lower.has('content-type')) lines.push('Content-Type: text/plain; charset=utf-8');
  for (const [name, value] of Object.entries(headers)) {
    if (name.toLowerCase() === 'content-length' || name.toLowerCase() === 'connection') continue;
    // Refuse CR/LF in a header: this text goes on the wire unparsed.
    validateHeaderName(name);
    validateHeaderValue(name, value);
    lines.push(`${name}: ${value}`);
  }
  lines.push(`Content-Length: ${length}`);
  return `${lines.join('\r\n')}\r\n\r\n`;
}

/** Tracks open connections so a graceful shutdown can close them all. */
export class WebSocketRegistry {
  private readonly connections = new Set<WebSocketConnection>();

  add(conn: WebSocketConnection): void {
    if (conn.readyState >= 2) return;
    this.connections.add(conn);
    void conn.closed.then(() => this.connections.delete(conn));
  }

  get size(): number {
    return this.connections.size;
  }

  /**
   * Sends a close frame to every connection (1001 "going away" by default)
   * and waits for them to close; a peer that does not answer the closing
   * handshake within `timeoutMs` is terminated.
   */
  async closeAll(code = 1001, reason = 'server shutting down', timeoutMs = 5_000): Promise<void> {
    const open = [...this.connections];
    for (const conn of open) conn.close(code, reason);
    const timer = setTimeout(() => {
      for (const conn of open) conn.terminate();
    }, timeoutMs);
    try {
      await Promise.all(open.map((conn) => conn.closed));
    } finally {
      clearTimeout(timer);
    }
  }
}

/**
 * When Express code writes a response the runtime pipeline is part of,
 * runtime response middleware must still apply (@fastify/express lost its
 * onSend hooks). The first write of Express code (writeHead, write, end or
 * flushHeaders, explicit or implicit) is captured: status and headers move
 * into the Context's builder, the writes are queued, `ctx.commitHead()` runs
 * the response middleware, then the head is written from the builder and
 * the queued writes are flushed, in order.
 *
 * The patched methods sit innermost (installed before any Express
 * middleware runs), so wrappers such as on-headers (compression,
 * express-session, morgan) fire first and their headers are captured too.
 * Writes the runtime makes itself (after its response middleware ran) pass
 * straight through.
 */
import type { OutgoingHttpHeaders, ServerResponse } from 'node:http';
import type { Context } from '../runtime/index.js';
import { kBridge } from './symbols.js';

const IDLE = 0;
const PENDING = 1;
const LIVE = 2;

type Method = (...args: any[]) => any;

export interface Originals {
  writeHead: Method;
  write: Method;
  end: Method;
  flushHeaders: Method;
}

/** Per-request bridge state, kept on the raw response behind kBridge. */
export interface RequestBridge {
  ctx: Context<any, any>;
  /** IDLE until Express code writes; PENDING while response middleware run; LIVE once the head is out. */
  phase: number;
  originals: Originals | null;
  queue: Array<[Method, IArguments | unknown[]]>;
  needDrain: boolean;
  /** Told once the captured head is written (err when response middleware threw). */
  onCommit: { committed(err?: unknown): void } | null;
  /** The request already carries Express prototypes, url and state accessors. */
  prepared: boolean;
  /** node's writeHead under the head hook (installHeadHook), when there are no response middleware to wait for. */
  writeHead: Method | null;
}

export function bridgeOf(res: ServerResponse): RequestBridge | undefined {
  return (res as unknown as Record<symbol, RequestBridge | undefined>)[kBridge];
}

export function createBridge(ctx: Context<any, any>, res: ServerResponse): RequestBridge {
  const bridge: RequestBridge = { ctx, phase: IDLE, originals: null, queue: [], needDrain: false, onCommit: null, prepared: false, writeHead: null };
  (res as unknown as Record<symbol, RequestBridge>)[kBridge] = bridge;
  return bridge;
}

/** True once Express code started a response that is not fully handed over yet (or already is). */
export function expressResponded(bridge: RequestBridge): boolean {
  return bridge.phase !== IDLE;
}

export function isLive(bridge: RequestBridge): boolean {
  return bridge.phase === LIVE;
}

/**
 * How Express code's writes meet the runtime: the full capture when the
 * request has response middleware to run first, else only the head hook.
 */
export function installWriteBridge(bridge: RequestBridge, res: ServerResponse): void {
  if (bridge.ctx._plan?.response == null) installHeadHook(bridge, res);
  else installCapture(bridge, res);
}

/**
 * Without response middleware nothing has to wait for the head, so Express
 * writes straight to the socket and only writeHead is hooked (every write
 * reaches it: node's implicit head calls this.writeHead). When Express
 * code writes first, the builder's headers (a runtime middleware's request
 * id, its cookies) join Express's, as the capture would merge them; when
 * the runtime writes, Express's cookies stay next to the builder's.
 */
export function installHeadHook(bridge: RequestBridge, res: ServerResponse): void {
  if (bridge.originals !== null || bridge.writeHead !== null) return;
  bridge.writeHead = res.writeHead;
  res.writeHead = hookedWriteHead as ServerResponse['writeHead'];
}

function hookedWriteHead(this: ServerResponse, status: number, ...rest: unknown[]): ServerResponse {
  const bridge = bridgeOf(this)!;
  const writeHead = bridge.writeHead!;
  if (bridge.ctx._responseRan) return passWriteHead(this, writeHead, status, rest);
  if (!this.headersSent) applyBuilderHeaders(bridge.ctx, this);
  return writeHead.call(this, status, ...rest);
}

/** Express code is writing the head: the builder's headers join, Express's win, cookies of both are kept (builder's first). */
function applyBuilderHeaders(ctx: Context<any, any>, res: ServerResponse): void {
  const headers = ctx._headers;
  if (headers !== null) {
    for (const name of Object.keys(headers)) {
      const value = headers[name]!;
      if (name === 'set-cookie') {
        const own = res.getHeader(name);
        res.setHeader(name, own === undefined ? value : ([] as string[]).concat(value as string | string[], own as string | string[]));
      } else if (!res.hasHeader(name)) res.setHeader(name, value);
    }
  }
  if (ctx._type !== null && !res.hasHeader('content-type')) res.setHeader('content-type', ctx._type);
}

/** Installs the capturing writeHead/write/end/flushHeaders on this response (once). */
export function installCapture(bridge: RequestBridge, res: ServerResponse): void {
  if (bridge.originals !== null) return;
  bridge.originals = { writeHead: res.writeHead, write: res.write, end: res.end, flushHeaders: res.flushHeaders };
  // Module-level functions finding their state through kBridge: no closures per request.
  res.writeHead = capturingWriteHead as ServerResponse['writeHead'];
  res.write = capturingWrite as ServerResponse['write'];
  res.end = capturingEnd as ServerResponse['end'];
  res.flushHeaders = capturingFlushHeaders;
}

/** Runtime writes come after its response middleware ran; Express's before. Once LIVE everything passes. */
function passes(bridge: RequestBridge): boolean {
  return bridge.phase === LIVE || (bridge.phase === IDLE && bridge.ctx._responseRan);
}

function capturingWriteHead(this: ServerResponse, status: number, ...rest: unknown[]): ServerResponse {
  const bridge = bridgeOf(this)!;
  if (passes(bridge)) return passWriteHead(this, bridge.originals!.writeHead, status, rest);
  if (bridge.phase === IDLE) begin(bridge, this, status, rest, null);
  // PENDING: the head is decided by the builder after response middleware; repeats are ignored.
  return this;
}

function capturingWrite(this: ServerResponse, ...args: unknown[]): boolean {
  const bridge = bridgeOf(this)!;
  if (passes(bridge)) {
    if (this.writableEnded) return dropped(args);
    return bridge.originals!.write.apply(this, args);
  }
  if (bridge.phase === IDLE) begin(bridge, this, this.statusCode, [], null);
  bridge.queue.push([bridge.originals!.write, args]);
  bridge.needDrain = true;
  return false;
}

function capturingEnd(this: ServerResponse, ...args: unknown[]): ServerResponse {
  const bridge = bridgeOf(this)!;
  if (passes(bridge)) {
    if (this.writableEnded) {
      dropped(args);
      return this;
    }
    return bridge.originals!.end.apply(this, args);
  }
  if (bridge.phase === IDLE) begin(bridge, this, this.statusCode, [], args);
  bridge.queue.push([bridge.originals!.end, args]);
  return this;
}

function capturingFlushHeaders(this: ServerResponse): void {
  const bridge = bridgeOf(this)!;
  if (passes(bridge)) return bridge.originals!.flushHeaders.call(this);
  if (bridge.phase === IDLE) begin(bridge, this, this.statusCode, [], null);
  bridge.queue.push([bridge.originals!.flushHeaders, []]);
}

/** A write after the response ended: node would emit an error (and crash an app without a listener); drop it. */
function dropped(args: unknown[]): boolean {
  const cb = args[args.length - 1];
  if (typeof cb === 'function') process.nextTick(cb as () => void);
  return false;
}

/** The runtime writing its own head: keep cookies Express set on the raw response next to the builder's. */
function passWriteHead(res: ServerResponse, writeHead: Method, status: number, rest: unknown[]): ServerResponse {
  const headers = rest[rest.length - 1];
  if (headers !== null && typeof headers === 'object' && !Array.isArray(headers)) {
    const own = res.getHeader('set-cookie');
    const theirs = (headers as OutgoingHttpHeaders)['set-cookie'];
    if (own !== undefined && theirs !== undefined && own !== theirs) {
      (headers as OutgoingHttpHeaders)['set-cookie'] = ([] as string[]).concat(own as string | string[], theirs as string | string[]);
    }
  }
  return writeHead.call(res, status, ...rest);
}

/** First write of Express code: move status and headers into the builder, then commit through the runtime. */
function begin(bridge: RequestBridge, res: ServerResponse, status: unknown, rest: unknown[], endArgs: unknown[] | null): void {
  bridge.phase = PENDING;
  const ctx = bridge.ctx;
  if (typeof rest[0] === 'string') res.statusMessage = rest[0];
  const given = rest.length > 0 ? rest[rest.length - 1] : undefined;
  if (given !== null && typeof given === 'object') applyWriteHeadHeaders(res, given);
  if (typeof status === 'number') ctx.status = status;
  for (const name of res.getHeaderNames()) {
    const value = res.getHeader(name)!;
    if (name === 'set-cookie') ctx.appendHeader(name, typeof value === 'number' ? String(value) : value);
    else ctx.setHeader(name, value);
    res.removeHeader(name);
  }
  if (endArgs !== null) setLengthOfSingleEnd(ctx, endArgs);
  ctx.commitHead().then(() => afterCommit(bridge, res), (err: unknown) => commitFailed(bridge, err));
}

/** writeHead(status, headers) also accepts a flat [name, value, ...] array. */
function applyWriteHeadHeaders(res: ServerResponse, given: object): void {
  if (Array.isArray(given)) {
    for (let i = 0; i + 1 < given.length; i += 2) res.setHeader(String(given[i]), given[i + 1] as string);
    return;
  }
  for (const [name, value] of Object.entries(given)) if (value !== undefined) res.setHeader(name, value as string);
}

/** res.end(data) as the only write: node would send Content-Length; keep that rather than switch to chunked. */
function setLengthOfSingleEnd(ctx: Context<any, any>, args: unknown[]): void {
  const status = ctx.status;
  if (status === 204 || status === 304 || status < 200) return;
  if (ctx.getHeader('content-length') !== undefined || ctx.getHeader('transfer-encoding') !== undefined) return;
  const data = args[0];
  if (data === undefined || data === null || typeof data === 'function') ctx.setHeader('content-length', 0);
  else if (typeof data === 'string') ctx.setHeader('content-length', Buffer.byteLength(data, typeof args[1] === 'string' ? (args[1] as BufferEncoding) : 'utf8'));
  else if (data instanceof Uint8Array) ctx.setHeader('content-length', data.byteLength);
}

function afterCommit(bridge: RequestBridge, res: ServerResponse): void {
  const originals = bridge.originals!;
  const ctx = bridge.ctx;
  bridge.phase = LIVE;
  if (!res.headersSent && !res.writableEnded) {
    // commitHead's own writeHead was ignored while PENDING; the builder is the head (headers set on res since merge in).
    originals.writeHead.call(res, ctx.status, ctx.responseHeaders as OutgoingHttpHeaders);
  }
  flushQueue(bridge, res);
  notify(bridge, undefined);
}

function flushQueue(bridge: RequestBridge, res: ServerResponse): void {
  const queue = bridge.queue;
  bridge.queue = [];
  for (const [method, args] of queue) {
    if (res.writableEnded) break;
    method.apply(res, args as unknown[]);
  }
  if (bridge.needDrain) {
    bridge.needDrain = false;
    if (!res.writableNeedDrain && !res.destroyed) res.emit('drain');
  }
}

/** Response middleware threw: Express's output is dropped and the runtime answers through its panic hooks. */
function commitFailed(bridge: RequestBridge, err: unknown): void {
  bridge.phase = LIVE;
  bridge.queue = [];
  bridge.needDrain = false;
  notify(bridge, err ?? new Error('response middleware failed'));
}

function notify(bridge: RequestBridge, err: unknown): void {
  const call = bridge.onCommit;
  bridge.onCommit = null;
  if (call !== null) call.committed(err);
}

/**
 * Sends recorded requests to a target and captures the answers, with a
 * per-request deadline and an abort-all for a target that died, over
 * keep-alive connections. Also the bounded worker pool that drives a replay
 * at a set concurrency.
 *
 * The client is undici's Pool driven through its low-level dispatch API: the
 * answer arrives as raw header bytes and body chunks, with no stream, event
 * emitter or promise per request. A replay sends three requests per
 * exchange, so this is most of the verifier's CPU (node:http's client cost
 * about twice as much per request).
 */
import zlib from 'node:zlib';
import { Pool } from 'undici';
import type { Captured } from './diff.js';
import type { LostReason } from './report-model.js';
import { bodyBytes, type TrafficRequest } from './traffic.js';

/** Methods replayed without --allow-writes: RFC 9110 safe methods. */
export const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS', 'TRACE']);

/** Headers that describe one hop, not the request; the client sets its own (undici refuses most of them). */
const HOP_BY_HOP = new Set([
  'connection',
  'keep-alive',
  'proxy-connection',
  'transfer-encoding',
  'te',
  'trailer',
  'upgrade',
  'host',
  'content-length',
  'expect',
]);

export type ReplayOutcome = { ok: true; response: Captured } | { ok: false; reason: LostReason; message: string };

interface InFlight {
  deadline: number;
  settle: (outcome: ReplayOutcome) => void;
  abort: ((reason: Error) => void) | undefined;
}

export class ReplayClient {
  private readonly pool: Pool;
  /** In-flight requests, so one sweep enforces every deadline and one abort ends them all. */
  private readonly inFlight = new Set<InFlight>();
  private readonly sweeper: NodeJS.Timeout;
  private abortReason: string | undefined;

  constructor(
    origin: string,
    private readonly timeoutMs: number,
    connections: number,
  ) {
    // The deadline is enforced here for the whole exchange; undici's own timers would only bound the gaps.
    this.pool = new Pool(new URL(origin).origin, { connections, pipelining: 1, headersTimeout: 0, bodyTimeout: 0 });
    // One timer for all requests instead of one each: a late answer is cut within a quarter of the timeout.
    this.sweeper = setInterval(() => this.expire(), Math.min(250, Math.max(5, Math.floor(timeoutMs / 4))));
    this.sweeper.unref();
  }

  /** Ends every request in flight (and refuses new ones) with a `target-exited` outcome. */
  abortAll(reason: string): void {
    this.abortReason ??= reason;
    for (const r of this.inFlight) this.end(r, { ok: false, reason: 'target-exited', message: reason });
  }

  /** Sends one request; `prepare` it once when it goes to several targets. */
  send(request: TrafficRequest | PreparedRequest): Promise<ReplayOutcome> {
    const prepared = 'prepared' in request ? request : prepareRequest(request);
    if (this.abortReason !== undefined) return Promise.resolve({ ok: false, reason: 'target-exited', message: this.abortReason });
    return new Promise((resolve) => {
      const entry: InFlight = { deadline: Date.now() + this.timeoutMs, settle: resolve, abort: undefined };
      this.inFlight.add(entry);
      this.dispatch(prepared, entry);
    });
  }

  private dispatch(prepared: PreparedRequest, entry: InFlight): void {
    let status = 0;
    let headers: Array<[string, string]> = [];
    let encoding: string | undefined;
    const chunks: Buffer[] = [];
    const fail = (err: Error & { code?: string }) => this.end(entry, { ok: false, reason: 'connection', message: err.code ?? err.message });
    try {
      this.pool.dispatch(
        { method: prepared.method, path: prepared.path, headers: prepared.headers, body: prepared.body ?? null },
        {
          onConnect: (abort: (reason: Error) => void) => {
            if (!this.inFlight.has(entry)) abort(new Error('request ended'));
            else entry.abort = abort;
          },
          onHeaders: (statusCode: number, raw: Buffer[]) => {
            status = statusCode;
            headers = headerPairs(raw);
            encoding = contentEncoding(headers);
            return true;
          },
          onData: (chunk: Buffer) => {
            chunks.push(chunk);
            return true;
          },
          onComplete: () => {
            const body = chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks);
            this.end(entry, { ok: true, response: { status, headers, body: decode(body, encoding) } });
          },
          onError: fail,
        },
      );
    } catch (err) {
      // A request undici refuses outright (an invalid header value in the traffic): lost, with its reason.
      fail(err as Error);
    }
  }

  private end(entry: InFlight, outcome: ReplayOutcome): void {
    if (!this.inFlight.delete(entry)) return;
    entry.settle(outcome);
    // A request ended early (timeout, abort) must not keep its socket busy.
    if (!outcome.ok) entry.abort?.(new Error(outcome.message));
  }

  private expire(): void {
    const now = Date.now();
    for (const r of this.inFlight) {
      if (r.deadline <= now) this.end(r, { ok: false, reason: 'timeout', message: `no answer within ${this.timeoutMs} ms` });
    }
  }

  close(): void {
    clearInterval(this.sweeper);
    void this.pool.destroy().catch(() => undefined);
  }
}

function headerPairs(raw: Buffer[]): Array<[string, string]> {
  const pairs: Array<[string, string]> = [];
  for (let i = 0; i < raw.length; i += 2) pairs.push([raw[i]!.toString('latin1'), raw[i + 1]!.toString('latin1')]);
  return pairs;
}

function contentEncoding(headers: Array<[string, string]>): string | undefined {
  for (const [name, value] of headers) if (name.length === 16 && name.toLowerCase() === 'content-encoding') return value;
  return undefined;
}

/**
 * Compressed bodies are compared decompressed: gzip bytes of two equal JSON
 * documents may differ, and of two documents with one noisy field always
 * do, which would turn the whole body into noise. The encoding itself is
 * still compared as a header.
 */
function decode(body: Buffer, encoding: string | undefined): Buffer {
  if (!encoding || body.length === 0) return body;
  try {
    switch (encoding.trim().toLowerCase()) {
      case 'gzip':
      case 'x-gzip':
        return zlib.gunzipSync(body);
      case 'deflate':
        return zlib.inflateSync(body);
      case 'br':
        return zlib.brotliDecompressSync(body);
      default:
        return body;
    }
  } catch {
    // Not what it claims to be: compare the bytes as they came.
    return body;
  }
}

export interface PreparedRequest {
  prepared: true;
  method: string;
  path: string;
  /** Flat name, value list (duplicates kept), as undici takes it. */
  headers: string[];
  body: Buffer | undefined;
}

/** Decodes the body and builds the header set once per exchange (it goes out three times). */
export function prepareRequest(request: TrafficRequest): PreparedRequest {
  const body = bodyBytes(request);
  return {
    prepared: true,
    method: request.method,
    path: request.url,
    headers: replayHeaders(request, body.length),
    body: body.length > 0 ? body : undefined,
  };
}

function replayHeaders(request: TrafficRequest, bodyLength: number): string[] {
  const out: string[] = [];
  for (const [name, value] of Object.entries(request.headers)) {
    if (HOP_BY_HOP.has(name.toLowerCase())) continue;
    if (Array.isArray(value)) for (const v of value) out.push(name, v);
    else out.push(name, value);
  }
  if (bodyLength > 0 || !SAFE_METHODS.has(request.method)) out.push('content-length', String(bodyLength));
  return out;
}

/**
 * Runs `work` over `items` with at most `concurrency` in flight; pulls lazily,
 * so an unbounded stream is read only as fast as it is processed. An array
 * is walked by index (no promise per item to fetch it).
 */
export async function runPool<T>(items: AsyncIterable<T> | readonly T[], concurrency: number, work: (item: T) => Promise<void>): Promise<void> {
  const next = Array.isArray(items) ? arrayCursor(items as readonly T[]) : iteratorCursor(items as AsyncIterable<T>);
  let failure: unknown;
  const worker = async () => {
    while (failure === undefined) {
      const item = next.sync ? next.take() : await next.take();
      if (item === DONE) return;
      try {
        await work(item as T);
      } catch (err) {
        failure ??= err;
      }
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, concurrency) }, worker));
  if (failure !== undefined) {
    await next.close();
    throw failure;
  }
}

const DONE = Symbol('done');

type Cursor<T> = { sync: true; take(): T | typeof DONE; close(): Promise<void> } | { sync: false; take(): Promise<T | typeof DONE>; close(): Promise<void> };

function arrayCursor<T>(items: readonly T[]): Cursor<T> {
  let i = 0;
  return { sync: true, take: () => (i < items.length ? items[i++]! : DONE), close: async () => undefined };
}

function iteratorCursor<T>(items: AsyncIterable<T>): Cursor<T> {
  const iterator = items[Symbol.asyncIterator]();
  return {
    sync: false,
    take: async () => {
      const r = await iterator.next();
      return r.done ? DONE : r.value;
    },
    close: async () => {
      await iterator.return?.(undefined);
    },
  };
}

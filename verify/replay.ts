/**
 * Sends recorded requests to a target and captures the answers, with a
 * per-request timeout and an abort-all for a target that died, over keep-alive connections. Also
 * the bounded worker pool that drives a replay at a set concurrency.
 */
import http from 'node:http';
import https from 'node:https';
import zlib from 'node:zlib';
import type { Captured } from './diff.js';
import type { LostReason } from './report-model.js';
import { bodyBytes, type TrafficRequest } from './traffic.js';

/** Methods replayed without --allow-writes: RFC 9110 safe methods. */
export const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS', 'TRACE']);

/** Headers that describe one hop, not the request; the client sets its own. */
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

export class ReplayClient {
  private readonly agent: http.Agent;
  private readonly url: URL;
  private readonly transport: typeof http | typeof https;

  constructor(
    origin: string,
    private readonly timeoutMs: number,
    maxSockets: number,
  ) {
    this.url = new URL(origin);
    this.transport = this.url.protocol === 'https:' ? https : http;
    const AgentClass = this.url.protocol === 'https:' ? https.Agent : http.Agent;
    this.agent = new AgentClass({ keepAlive: true, maxSockets, maxFreeSockets: maxSockets });
  }

  /** In-flight requests with their settle functions, so one abort ends them all without a listener each. */
  private readonly inFlight = new Map<http.ClientRequest, (outcome: ReplayOutcome) => void>();
  private abortReason: string | undefined;

  /** Ends every request in flight (and refuses new ones) with a `target-exited` outcome. */
  abortAll(reason: string): void {
    this.abortReason ??= reason;
    for (const [req, finish] of this.inFlight) {
      finish({ ok: false, reason: 'target-exited', message: reason });
      req.destroy();
    }
  }

  /** Sends one request; `prepare` it once when it goes to several targets. */
  send(request: TrafficRequest | PreparedRequest): Promise<ReplayOutcome> {
    const prepared = 'prepared' in request ? request : prepareRequest(request);
    if (this.abortReason !== undefined) return Promise.resolve({ ok: false, reason: 'target-exited', message: this.abortReason });
    return new Promise((resolve) => {
      let settled = false;
      const finish = (outcome: ReplayOutcome) => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        this.inFlight.delete(req);
        resolve(outcome);
      };
      const req = this.transport.request({
        protocol: this.url.protocol,
        hostname: this.url.hostname,
        port: this.url.port,
        method: prepared.method,
        path: prepared.path,
        headers: prepared.headers,
        agent: this.agent,
      });
      this.inFlight.set(req, finish);
      const timer = setTimeout(() => {
        finish({ ok: false, reason: 'timeout', message: `no answer within ${this.timeoutMs} ms` });
        req.destroy();
      }, this.timeoutMs);
      req.on('error', (err: NodeJS.ErrnoException) => finish({ ok: false, reason: 'connection', message: err.code ?? err.message }));
      req.on('response', (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('error', (err: NodeJS.ErrnoException) => finish({ ok: false, reason: 'connection', message: err.code ?? err.message }));
        res.on('aborted', () => finish({ ok: false, reason: 'connection', message: 'response aborted' }));
        res.on('end', () => {
          const pairs: Array<[string, string]> = [];
          for (let i = 0; i < res.rawHeaders.length; i += 2) pairs.push([res.rawHeaders[i]!, res.rawHeaders[i + 1]!]);
          const raw = chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks);
          finish({ ok: true, response: { status: res.statusCode ?? 0, headers: pairs, body: decode(raw, res.headers['content-encoding']) } });
        });
      });
      req.end(prepared.body);
    });
  }

  close(): void {
    this.agent.destroy();
  }
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
  headers: http.OutgoingHttpHeaders;
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

function replayHeaders(request: TrafficRequest, bodyLength: number): http.OutgoingHttpHeaders {
  const out: http.OutgoingHttpHeaders = {};
  for (const [name, value] of Object.entries(request.headers)) {
    if (!HOP_BY_HOP.has(name.toLowerCase())) out[name] = value;
  }
  if (bodyLength > 0 || !SAFE_METHODS.has(request.method)) out['content-length'] = bodyLength;
  return out;
}

/**
 * Runs `work` over `items` with at most `concurrency` in flight; pulls lazily,
 * so an unbounded stream is read only as fast as it is processed.
 */
export async function runPool<T>(items: AsyncIterable<T>, concurrency: number, work: (item: T) => Promise<void>): Promise<void> {
  const iterator = items[Symbol.asyncIterator]();
  let failure: unknown;
  const worker = async () => {
    while (failure === undefined) {
      const next = await iterator.next();
      if (next.done) return;
      try {
        await work(next.value);
      } catch (err) {
        failure ??= err;
      }
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, concurrency) }, worker));
  if (failure !== undefined) {
    await iterator.return?.(undefined);
    throw failure;
  }
}

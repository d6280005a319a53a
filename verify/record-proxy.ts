/**
 * The recording proxy: a reverse proxy in front of a target that streams
 * every request and response through unchanged (status, raw header names,
 * body bytes) and appends one exchange per line to an NDJSON file, with
 * secrets redacted. Bodies are teed while they stream, never buffered
 * before forwarding; beyond `maxBodyBytes` the stored copy is cut and the
 * exchange marked `truncated`.
 */
import { randomUUID } from 'node:crypto';
import http from 'node:http';
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import { debuglog } from 'node:util';
import { VerifyErrors } from './errors.js';
import { createRedactor, type RedactOptions } from './redact.js';
import { TRAFFIC_VERSION, TrafficWriter, encodeBody, type Exchange, type HeaderMap } from './traffic.js';

const debug = debuglog('expressway:record');

export interface RecorderOptions {
  /** Where requests go: `http://127.0.0.1:3000`. */
  target: string;
  /** Port to listen on; 0 picks a free one. */
  port?: number;
  /** Default 127.0.0.1. */
  host?: string;
  /** NDJSON file; appended to. */
  out: string;
  /** Redaction; `false` stores secrets as they are. */
  redact?: RedactOptions | false;
  /** Stored body size limit per body, bytes. Default 1 MiB. */
  maxBodyBytes?: number;
  /** Called after each exchange is written. */
  onExchange?: (exchange: Exchange) => void;
}

export interface Recorder {
  port: number;
  url: string;
  /** Exchanges written so far. */
  readonly count: number;
  /** Stops accepting, lets requests in flight finish (up to `graceMs`), writes and fsyncs. */
  close(graceMs?: number): Promise<void>;
}

const HOP_BY_HOP = new Set(['connection', 'keep-alive', 'proxy-connection', 'transfer-encoding', 'te', 'trailer', 'upgrade']);

export async function startRecorder(options: RecorderOptions): Promise<Recorder> {
  let target: URL;
  try {
    target = new URL(options.target);
  } catch {
    throw VerifyErrors.EXW_ERR_VERIFY_RECORD_TARGET(options.target);
  }
  if (target.protocol !== 'http:' && target.protocol !== 'https:') throw VerifyErrors.EXW_ERR_VERIFY_RECORD_TARGET(options.target);
  const transport = target.protocol === 'https:' ? https : http;
  const agent = new transport.Agent({ keepAlive: true });
  const redactor = createRedactor(options.redact ?? {});
  const maxBody = options.maxBodyBytes ?? 1024 * 1024;
  const writer = await TrafficWriter.open(options.out);
  const inFlight = new Set<Promise<void>>();

  const server = http.createServer((req, res) => {
    const done = handle(req, res).catch((err) => debug('exchange failed: %s', (err as Error).message));
    inFlight.add(done);
    void done.finally(() => inFlight.delete(done));
  });

  async function handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const started = Date.now();
    const reqBody = new Tee(maxBody);
    const resBody = new Tee(maxBody);
    const headers = forwardHeaders(req.rawHeaders);
    headers.push('Host', target.host);
    const answer = await new Promise<{ status: number; rawHeaders: string[] } | undefined>((resolve) => {
      const upstream = transport.request({
        protocol: target.protocol,
        hostname: target.hostname,
        port: target.port,
        method: req.method,
        path: req.url,
        headers,
        agent,
      });
      upstream.on('response', (up) => {
        res.writeHead(up.statusCode ?? 502, up.statusMessage, forwardHeaders(up.rawHeaders));
        up.on('data', (chunk: Buffer) => {
          resBody.push(chunk);
          // Backpressure: a slow client slows the upstream read, not our memory.
          if (!res.write(chunk)) up.pause();
        });
        res.on('drain', () => up.resume());
        up.on('end', () => {
          res.end();
          resolve({ status: up.statusCode ?? 502, rawHeaders: up.rawHeaders });
        });
        up.on('error', () => {
          res.destroy();
          resolve(undefined);
        });
        // Cut short (the target reset, or we destroyed it because the client left): nothing to record.
        up.on('close', () => resolve(undefined));
      });
      upstream.on('error', (err: NodeJS.ErrnoException) => {
        // The target is down or reset us: the client gets a 502, nothing is recorded.
        if (!res.headersSent) res.writeHead(502, { 'content-type': 'text/plain' }).end(`expressway record: target error ${err.code ?? err.message}\n`);
        else res.destroy();
        resolve(undefined);
      });
      req.on('data', (chunk: Buffer) => {
        reqBody.push(chunk);
        if (!upstream.write(chunk)) req.pause();
      });
      upstream.on('drain', () => req.resume());
      req.on('end', () => upstream.end());
      req.on('error', () => upstream.destroy());
      // The client went away before its answer was complete: stop the upstream exchange too.
      res.on('close', () => {
        if (!res.writableFinished) upstream.destroy();
      });
    });
    if (answer === undefined) return;
    const exchange: Exchange = {
      v: TRAFFIC_VERSION,
      id: randomUUID(),
      ts: new Date(started).toISOString(),
      request: { method: req.method ?? 'GET', url: req.url ?? '/', headers: headerMap(req.rawHeaders), ...encodeBody(reqBody.bytes()) },
      response: { status: answer.status, headers: headerMap(forwardHeaders(answer.rawHeaders)), ...encodeBody(resBody.bytes()) },
      durationMs: Date.now() - started,
    };
    if (reqBody.truncated || resBody.truncated) exchange.truncated = true;
    const stored = redactor.exchange(exchange);
    await writer.append(stored);
    options.onExchange?.(stored);
  }

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, options.host ?? '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  debug('recording %s on port %d into %s', target.origin, port, options.out);

  let closing: Promise<void> | undefined;
  return {
    port,
    url: `http://${options.host ?? '127.0.0.1'}:${port}`,
    get count() {
      return writer.count;
    },
    close(graceMs = 5000) {
      closing ??= (async () => {
        const stopped = new Promise<void>((r) => server.close(() => r()));
        server.closeIdleConnections();
        await Promise.race([Promise.all([...inFlight]), new Promise((r) => setTimeout(r, graceMs).unref())]);
        server.closeAllConnections();
        await stopped;
        agent.destroy();
        await writer.close();
      })();
      return closing;
    },
  };
}

/** Runs a recorder until `signal` aborts; resolves with the number of exchanges written. */
export async function recordTraffic(options: RecorderOptions & { signal: AbortSignal; onListening?: (r: Recorder) => void }): Promise<number> {
  const recorder = await startRecorder(options);
  options.onListening?.(recorder);
  if (!options.signal.aborted) await new Promise((r) => options.signal.addEventListener('abort', r, { once: true }));
  await recorder.close();
  return recorder.count;
}

/** Raw header pairs minus hop-by-hop ones, names as the peer spelled them. */
function forwardHeaders(raw: string[]): string[] {
  const out: string[] = [];
  for (let i = 0; i < raw.length; i += 2) {
    const name = raw[i]!;
    const lower = name.toLowerCase();
    if (HOP_BY_HOP.has(lower) || lower === 'host') continue;
    out.push(name, raw[i + 1]!);
  }
  return out;
}

/** Header pairs to the stored map: lower-case names, repeated headers as arrays. */
function headerMap(raw: string[]): HeaderMap {
  const out: HeaderMap = {};
  for (let i = 0; i < raw.length; i += 2) {
    const name = raw[i]!.toLowerCase();
    const value = raw[i + 1]!;
    const prev = out[name];
    out[name] = prev === undefined ? value : Array.isArray(prev) ? [...prev, value] : [prev, value];
  }
  return out;
}

/** Keeps a copy of streamed chunks up to a limit. */
class Tee {
  private chunks: Buffer[] = [];
  private size = 0;
  truncated = false;

  constructor(private readonly limit: number) {}

  push(chunk: Buffer): void {
    if (this.size >= this.limit) {
      this.truncated = true;
      return;
    }
    const room = this.limit - this.size;
    const part = chunk.length > room ? chunk.subarray(0, room) : chunk;
    if (part.length < chunk.length) this.truncated = true;
    this.chunks.push(part);
    this.size += part.length;
  }

  bytes(): Buffer {
    return Buffer.concat(this.chunks);
  }
}

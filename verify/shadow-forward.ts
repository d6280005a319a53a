/**
 * The HTTP plumbing of the shadow proxy: which headers cross a hop, and a
 * bounded, timed request whose answer is buffered (for the mirror and for
 * cutover answers that may still fall back to the primary).
 */
import http from 'node:http';
import https from 'node:https';
import { Pool } from 'undici';

/** Hop-by-hop headers (RFC 9110 7.6.1) belong to one connection and never cross the proxy. */
const HOP_BY_HOP = new Set([
  'connection',
  'keep-alive',
  'proxy-connection',
  'proxy-authenticate',
  'proxy-authorization',
  'te',
  'trailer',
  'transfer-encoding',
  'upgrade',
]);

export interface Target {
  url: URL;
  /** `host[:port]` as the Host header for this target. */
  host: string;
  /** node:http's or node:https's request, for upgrade tunnels (a socket of their own). */
  request: typeof http.request;
  /**
   * Every other request goes through undici's low-level dispatch on this
   * keep-alive pool: the primary's streamed answers, the mirror and cutover
   * answers. No stream or emitter per request; the mirror and the relay share
   * the proxy's core with the clients' answers, so their cost is client latency.
   */
  pool: Pool;
  /** Closes every connection to the target. */
  close(): void;
}

export function createTarget(raw: string, maxSockets: number): Target {
  const url = new URL(raw);
  const isHttps = url.protocol === 'https:';
  const pool = new Pool(url.origin, { connections: Number.isFinite(maxSockets) ? maxSockets : null, headersTimeout: 0, bodyTimeout: 0 });
  const close = () => {
    void pool.destroy().catch(() => undefined);
  };
  return { url, host: url.host, request: isHttps ? https.request : http.request, pool, close };
}

/** The path to send upstream: the target's base path (without trailing slash) + the client's request target. */
export function upstreamPath(target: Target, url: string): string {
  const base = target.url.pathname.endsWith('/') ? target.url.pathname.slice(0, -1) : target.url.pathname;
  return base + url;
}

/**
 * Request headers for a target, as a flat raw list (case and duplicates kept):
 * hop-by-hop headers dropped and Host set to the target.
 */
export function forwardRequestHeaders(rawHeaders: string[], target: Target, keepUpgrade = false): string[] {
  const out: string[] = [];
  for (let i = 0; i < rawHeaders.length; i += 2) {
    const lower = rawHeaders[i]!.toLowerCase();
    // Expect belongs to the client's hop: the proxy's server has already answered 100-continue (and undici refuses it).
    if (lower === 'host' || (lower === 'expect' && !keepUpgrade)) continue;
    // An upgrade (WebSocket) handshake needs its Connection and Upgrade headers to reach the server.
    if (HOP_BY_HOP.has(lower) && !(keepUpgrade && (lower === 'connection' || lower === 'upgrade'))) continue;
    out.push(rawHeaders[i]!, rawHeaders[i + 1]!);
  }
  out.push('host', target.host);
  return out;
}

/** Response headers for the client, flat raw list: everything except hop-by-hop (Node frames the body itself). */
export function forwardResponseHeaders(rawHeaders: string[]): string[] {
  const out: string[] = [];
  for (let i = 0; i < rawHeaders.length; i += 2) {
    if (HOP_BY_HOP.has(rawHeaders[i]!.toLowerCase())) continue;
    out.push(rawHeaders[i]!, rawHeaders[i + 1]!);
  }
  return out;
}

export interface BufferedResponse {
  status: number;
  statusMessage: string;
  rawHeaders: string[];
  body: Buffer;
}

export type UpstreamFailure = 'timeout' | 'connection' | 'too-large';

export class UpstreamError extends Error {
  constructor(
    readonly reason: UpstreamFailure,
    message: string,
  ) {
    super(message);
  }
}

export interface BufferedRequest {
  method: string;
  url: string;
  rawHeaders: string[];
  body: Buffer | undefined;
  timeoutMs: number;
  maxBytes: number;
}

/**
 * Sends one request and buffers the whole answer. Rejects with an
 * UpstreamError on refusal, reset, the deadline (one timer for the whole
 * exchange, so a server that trickles bytes still ends in time) or a body
 * above `maxBytes`.
 */
export function requestBuffered(target: Target, r: BufferedRequest): Promise<BufferedResponse> {
  return new Promise((resolve, reject) => {
    let settled = false;
    let abort: ((reason: Error) => void) | undefined;
    let status = 0;
    let statusMessage = '';
    let rawHeaders: string[] = [];
    const chunks: Buffer[] = [];
    let size = 0;
    const fail = (reason: UpstreamFailure, message: string) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      abort?.(new UpstreamError(reason, message));
      reject(new UpstreamError(reason, message));
    };
    const timer = setTimeout(() => fail('timeout', `no complete answer within ${r.timeoutMs} ms`), r.timeoutMs);
    try {
      target.pool.dispatch(
        {
          method: r.method,
          path: upstreamPath(target, r.url),
          headers: forwardRequestHeaders(r.rawHeaders, target),
          body: r.body ?? null,
        },
        {
          onConnect: (abortRequest: (reason: Error) => void) => {
            if (settled) abortRequest(new Error('request ended'));
            else abort = abortRequest;
          },
          onHeaders: (statusCode: number, raw: Buffer[], _resume: () => void, text: string) => {
            status = statusCode;
            statusMessage = text;
            rawHeaders = raw.map((b) => b.toString('latin1'));
            return true;
          },
          onData: (chunk: Buffer) => {
            size += chunk.length;
            if (size > r.maxBytes) {
              fail('too-large', `answer larger than ${r.maxBytes} bytes`);
              return false;
            }
            chunks.push(chunk);
            return true;
          },
          onComplete: () => {
            if (settled) return;
            settled = true;
            clearTimeout(timer);
            resolve({ status, statusMessage, rawHeaders, body: Buffer.concat(chunks, size) });
          },
          onError: (err: Error) => fail('connection', err.message),
        },
      );
    } catch (err) {
      fail('connection', (err as Error).message);
    }
  });
}

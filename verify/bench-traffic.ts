/**
 * Bench requests from a traffic file: the recorded requests in order (their
 * route mix), without hop-by-hop or framing headers (autocannon frames the
 * body itself) and, unless writes are allowed, safe methods only. Exchanges
 * a request/response load generator cannot measure (WebSocket upgrades,
 * event streams that never end) are left out.
 */
import { readTraffic } from './read-traffic.js';
import { bodyBytes, type Exchange } from './traffic.js';
import type { BenchRequest } from './bench.js';

const DROPPED_HEADERS = new Set(['host', 'connection', 'keep-alive', 'content-length', 'transfer-encoding', 'te', 'upgrade', 'expect']);
/** Methods benched without --allow-writes: repeating them for seconds changes no state. */
export const BENCH_SAFE_METHODS: ReadonlySet<string> = new Set(['GET', 'HEAD', 'OPTIONS']);

export interface BenchTraffic {
  requests: BenchRequest[];
  malformed: Array<{ line: number; message: string }>;
  /** Writes left out because `allowWrites` was false. */
  skippedWrites: number;
}

export async function benchRequestsFromTraffic(path: string, options: { allowWrites?: boolean } = {}): Promise<BenchTraffic> {
  const { entries } = await readTraffic(path);
  const out: BenchTraffic = { requests: [], malformed: [], skippedWrites: 0 };
  for await (const entry of entries) {
    if (entry.error) {
      out.malformed.push({ line: entry.line, message: entry.error.message });
      continue;
    }
    const method = entry.exchange.request.method.toUpperCase();
    if (!BENCH_SAFE_METHODS.has(method) && !options.allowWrites) {
      out.skippedWrites++;
      continue;
    }
    if (isBenchable(entry.exchange)) out.requests.push(toBenchRequest(entry.exchange));
  }
  return out;
}

/**
 * False for exchanges that hold their connection open: an upgrade, or an
 * answer that is an event stream. One of them in autocannon's mix stalls a
 * connection for the whole run and measures the timeout, not the server.
 */
export function isBenchable(x: Exchange): boolean {
  if (headerValue(x.request.headers, 'upgrade') !== undefined) return false;
  const type = x.response ? headerValue(x.response.headers, 'content-type') : undefined;
  return !type?.toLowerCase().startsWith('text/event-stream');
}

function headerValue(headers: Exchange['request']['headers'], name: string): string | undefined {
  for (const [k, v] of Object.entries(headers)) if (k.toLowerCase() === name) return Array.isArray(v) ? v.join(', ') : v;
  return undefined;
}

export function toBenchRequest(x: Exchange): BenchRequest {
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(x.request.headers)) {
    if (DROPPED_HEADERS.has(name.toLowerCase())) continue;
    headers[name] = Array.isArray(value) ? value.join(', ') : value;
  }
  const body = bodyBytes(x.request);
  return { method: x.request.method, path: x.request.url, headers, ...(body.length > 0 ? { body } : {}) };
}

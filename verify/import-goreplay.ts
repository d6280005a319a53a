/**
 * GoReplay file import (`gor --output-file`). The file is a series of blocks
 * `<type> <id> <timestamp-ns> [latency]\n<raw HTTP message>\n🐵🙈🙉\n`; type 1
 * is a request, 2 the original response, 3 a replayed response (ignored).
 * Read as bytes, block by block, so binary bodies survive and memory stays
 * bounded. A response joins its request by id; requests wait for their
 * response in a bounded window, then go out without one.
 */
import { createReadStream } from 'node:fs';
import { VerifyErrors } from './errors.js';
import { TRAFFIC_VERSION, encodeBody, type Exchange, type HeaderMap, type TrafficEntry } from './traffic.js';

const SEPARATOR = Buffer.from('\n🐵🙈🙉\n', 'utf8');
/** Requests kept waiting for their response before they are emitted without one. */
const PENDING_LIMIT = 1000;

interface RawBlock {
  line: number;
  bytes: Buffer;
}

async function* blocks(path: string): AsyncGenerator<RawBlock> {
  let pending: Buffer = Buffer.alloc(0);
  let line = 1;
  for await (const chunk of createReadStream(path)) {
    pending = pending.length === 0 ? (chunk as Buffer) : Buffer.concat([pending, chunk as Buffer]);
    let at: number;
    while ((at = pending.indexOf(SEPARATOR)) >= 0) {
      const bytes = pending.subarray(0, at);
      yield { line, bytes };
      line += countNewlines(bytes) + 2;
      pending = pending.subarray(at + SEPARATOR.length);
    }
  }
  // A last block without its separator (file cut short, or written without the final marker).
  if (pending.length > 0 && pending.toString('utf8').trim() !== '') yield { line, bytes: pending };
}

function countNewlines(b: Buffer): number {
  let n = 0;
  for (let i = b.indexOf(10); i >= 0; i = b.indexOf(10, i + 1)) n++;
  return n;
}

export async function* readGoReplay(path: string): AsyncGenerator<TrafficEntry> {
  const waiting = new Map<string, { seq: number; line: number; exchange: Exchange }>();
  let seq = 0;
  for await (const block of blocks(path)) {
    let parsed: ParsedBlock;
    try {
      parsed = parseBlock(block.bytes, block.line, path);
    } catch (err) {
      yield { seq: seq++, line: block.line, error: err as Error };
      continue;
    }
    if (parsed.type === '1') {
      waiting.set(parsed.id, { seq: seq++, line: block.line, exchange: parsed.exchange! });
      if (waiting.size > PENDING_LIMIT) {
        const [oldestId, oldest] = waiting.entries().next().value as [string, { seq: number; line: number; exchange: Exchange }];
        waiting.delete(oldestId);
        yield oldest;
      }
    } else if (parsed.type === '2') {
      const req = waiting.get(parsed.id);
      if (req) {
        waiting.delete(parsed.id);
        req.exchange.response = parsed.response;
        if (parsed.latencyMs !== undefined) req.exchange.durationMs = parsed.latencyMs;
        yield req;
      }
    }
  }
  for (const entry of waiting.values()) yield entry;
}

interface ParsedBlock {
  type: string;
  id: string;
  exchange?: Exchange;
  response?: Exchange['response'];
  latencyMs?: number;
}

function parseBlock(bytes: Buffer, line: number, source: string): ParsedBlock {
  const fail = (what: string) => VerifyErrors.EXW_ERR_VERIFY_TRAFFIC_LINE(source, `line ${line}`, what);
  const nl = bytes.indexOf(10);
  if (nl < 0) throw fail('GoReplay block has no payload');
  const meta = bytes.subarray(0, nl).toString('utf8').trim().split(/\s+/);
  const [type, id, ts, latency] = meta;
  if (!type || !/^[123]$/.test(type) || !id || !ts || !/^\d+$/.test(ts)) {
    throw fail(`GoReplay block header "${meta.join(' ')}" is not "<1|2|3> <id> <timestamp>"`);
  }
  const message = splitMessage(bytes.subarray(nl + 1));
  if (!message) throw fail('GoReplay payload is not an HTTP message');
  if (type === '1') {
    const m = /^([A-Za-z]+) (\S+) HTTP\/\d(\.\d)?$/.exec(message.startLine);
    if (!m) throw fail(`"${message.startLine}" is not an HTTP request line`);
    let url = m[2]!;
    if (!url.startsWith('/')) {
      try {
        const u = new URL(url);
        url = u.pathname + u.search;
      } catch {
        throw fail(`request target "${url}" is not a path`);
      }
    }
    const exchange: Exchange = {
      v: TRAFFIC_VERSION,
      id: `gor-${id}`,
      ts: new Date(Number(BigInt(ts) / 1_000_000n)).toISOString(),
      request: { method: m[1]!.toUpperCase(), url, headers: message.headers, ...encodeBody(message.body) },
    };
    return { type, id, exchange };
  }
  const m = /^HTTP\/\d(\.\d)? (\d{3})/.exec(message.startLine);
  if (!m) throw fail(`"${message.startLine}" is not an HTTP status line`);
  const latencyMs = latency && /^\d+$/.test(latency) ? Number(latency) / 1e6 : undefined;
  return { type, id, response: { status: Number(m[2]), headers: message.headers, ...encodeBody(message.body) }, latencyMs };
}

function splitMessage(raw: Buffer): { startLine: string; headers: HeaderMap; body: Buffer } | undefined {
  let end = raw.indexOf('\r\n\r\n');
  let sepLen = 4;
  if (end < 0) {
    end = raw.indexOf('\n\n');
    sepLen = 2;
  }
  const head = (end < 0 ? raw : raw.subarray(0, end)).toString('latin1');
  let body: Buffer = end < 0 ? Buffer.alloc(0) : raw.subarray(end + sepLen);
  const lines = head.split(/\r?\n/);
  const startLine = lines.shift()?.trim();
  if (!startLine) return undefined;
  const headers: HeaderMap = {};
  for (const l of lines) {
    const colon = l.indexOf(':');
    if (colon <= 0) continue;
    const name = l.slice(0, colon).trim().toLowerCase();
    const value = l.slice(colon + 1).trim();
    const prev = headers[name];
    headers[name] = prev === undefined ? value : Array.isArray(prev) ? [...prev, value] : [prev, value];
  }
  if (String(headers['transfer-encoding'] ?? '').toLowerCase().includes('chunked')) {
    body = dechunk(body);
    delete headers['transfer-encoding'];
  }
  return { startLine, headers, body };
}

function dechunk(body: Buffer): Buffer {
  const parts: Buffer[] = [];
  let at = 0;
  while (at < body.length) {
    const eol = body.indexOf('\r\n', at);
    if (eol < 0) break;
    const size = parseInt(body.subarray(at, eol).toString('latin1').split(';')[0]!, 16);
    if (!Number.isFinite(size) || size === 0) break;
    parts.push(body.subarray(eol + 2, eol + 2 + size));
    at = eol + 2 + size + 2;
  }
  return Buffer.concat(parts);
}

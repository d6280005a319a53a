/**
 * The traffic schema (version 1) and its streaming NDJSON reader and writer.
 * One exchange per line; see docs/verify.md "Traffic schema" for every field.
 * The reader holds one line at a time, so a 1 GB file reads in bounded
 * memory; the writer appends whole lines only and fsyncs on close.
 */
import { createReadStream } from 'node:fs';
import { open, type FileHandle } from 'node:fs/promises';
import { createInterface } from 'node:readline';
import { VerifyErrors } from './errors.js';

export const TRAFFIC_VERSION = 1 as const;

export type HeaderMap = Record<string, string | string[]>;

export interface TrafficRequest {
  method: string;
  /** Path and query as sent by the client (origin form), e.g. `/users/17?x=1`. */
  url: string;
  headers: HeaderMap;
  /** Body as text (`bodyEncoding` absent or `utf8`) or base64 (`bodyEncoding: 'base64'`). Absent when empty. */
  body?: string;
  bodyEncoding?: 'utf8' | 'base64';
}

export interface TrafficResponse {
  status: number;
  headers: HeaderMap;
  body?: string;
  bodyEncoding?: 'utf8' | 'base64';
}

export interface Exchange {
  /** Schema version, always 1 for now. */
  v: typeof TRAFFIC_VERSION;
  id: string;
  /** ISO 8601 time the request started. */
  ts: string;
  request: TrafficRequest;
  /** The recorded answer, when there is one (imports may have none). */
  response?: TrafficResponse;
  /** Milliseconds from request start to response end. */
  durationMs?: number;
  /** True when a body was larger than the recorder's limit and cut. */
  truncated?: boolean;
}

/** One entry as read: either an exchange, or the error that made it unusable. */
export type TrafficEntry =
  | { seq: number; line: number; exchange: Exchange; error?: undefined }
  | { seq: number; line: number; exchange?: undefined; error: Error & { code?: string } };

/** Decodes a stored body into bytes. */
export function bodyBytes(part: { body?: string; bodyEncoding?: 'utf8' | 'base64' }): Buffer {
  if (part.body === undefined || part.body === '') return Buffer.alloc(0);
  return Buffer.from(part.body, part.bodyEncoding === 'base64' ? 'base64' : 'utf8');
}

/** Stores bytes as text when they are valid UTF-8 without control bytes, else base64. */
export function encodeBody(bytes: Buffer): { body?: string; bodyEncoding?: 'base64' } {
  if (bytes.length === 0) return {};
  if (looksLikeText(bytes)) return { body: bytes.toString('utf8') };
  return { body: bytes.toString('base64'), bodyEncoding: 'base64' };
}

export function looksLikeText(bytes: Buffer): boolean {
  // NUL bytes never appear in text a server means as text; invalid UTF-8 would not survive a round trip.
  if (bytes.includes(0)) return false;
  try {
    new TextDecoder('utf-8', { fatal: true }).decode(bytes);
    return true;
  } catch {
    return false;
  }
}

/** Checks a parsed line against the schema; returns a message for the first problem, or undefined. */
export function validateExchange(value: unknown): string | undefined {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return 'not a JSON object';
  const x = value as Partial<Exchange>;
  if (x.v === undefined) return 'missing schema version "v"';
  if (typeof x.id !== 'string' || x.id === '') return 'missing "id"';
  const req = x.request;
  if (typeof req !== 'object' || req === null) return 'missing "request"';
  if (typeof req.method !== 'string' || !/^[A-Za-z]+$/.test(req.method)) return 'request.method is not an HTTP method';
  if (typeof req.url !== 'string' || !req.url.startsWith('/')) return 'request.url must be a path starting with "/"';
  if (req.headers !== undefined && (typeof req.headers !== 'object' || req.headers === null)) return 'request.headers is not an object';
  if (req.body !== undefined && typeof req.body !== 'string') return 'request.body is not a string';
  if (x.response !== undefined) {
    if (typeof x.response !== 'object' || x.response === null || typeof x.response.status !== 'number') {
      return 'response.status is not a number';
    }
  }
  return undefined;
}

/** Parses one NDJSON line into an exchange, throwing coded errors that name the line. */
export function parseTrafficLine(text: string, lineNo: number, source: string): Exchange {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (err) {
    throw VerifyErrors.EXW_ERR_VERIFY_TRAFFIC_LINE(source, `line ${lineNo}`, `invalid JSON (${(err as Error).message})`);
  }
  const problem = validateExchange(value);
  if (problem) throw VerifyErrors.EXW_ERR_VERIFY_TRAFFIC_LINE(source, `line ${lineNo}`, problem);
  const x = value as Exchange;
  if (x.v !== TRAFFIC_VERSION) {
    throw VerifyErrors.EXW_ERR_VERIFY_TRAFFIC_VERSION(source, lineNo, String(x.v), TRAFFIC_VERSION);
  }
  x.request.headers ??= {};
  x.request.method = x.request.method.toUpperCase();
  return x;
}

/** Streams an NDJSON traffic file: one entry per non-blank line, errors included in place. */
export async function* readNdjson(path: string): AsyncGenerator<TrafficEntry> {
  const lines = createInterface({ input: createReadStream(path, { encoding: 'utf8' }), crlfDelay: Infinity });
  let lineNo = 0;
  let seq = 0;
  for await (const raw of lines) {
    lineNo++;
    const text = lineNo === 1 ? raw.replace(/^\uFEFF/, '') : raw;
    if (text.trim() === '') continue;
    try {
      yield { seq: seq++, line: lineNo, exchange: parseTrafficLine(text, lineNo, path) };
    } catch (err) {
      yield { seq: seq++, line: lineNo, error: err as Error };
    }
  }
}

/**
 * Appends exchanges to an NDJSON file. Each line goes out in one write, in
 * order; close() waits for them, fsyncs and closes. A file left with a half
 * line by a crash gets a newline first, so the next line stays whole.
 */
export class TrafficWriter {
  private chain: Promise<void> = Promise.resolve();
  private failed: Error | undefined;
  private closed = false;
  count = 0;

  private constructor(
    private readonly handle: FileHandle,
    readonly path: string,
  ) {}

  static async open(path: string): Promise<TrafficWriter> {
    const handle = await open(path, 'a+');
    const { size } = await handle.stat();
    const writer = new TrafficWriter(handle, path);
    if (size > 0) {
      const last = Buffer.alloc(1);
      await handle.read(last, 0, 1, size - 1);
      if (last[0] !== 0x0a) await handle.write('\n');
    }
    return writer;
  }

  /** Queues one exchange; resolves when its line is written. */
  append(exchange: Exchange): Promise<void> {
    if (this.closed) return Promise.reject(new Error(`traffic writer for ${this.path} is closed`));
    const line = JSON.stringify(exchange) + '\n';
    this.count++;
    this.chain = this.chain.then(async () => {
      if (this.failed) return;
      try {
        await this.handle.write(line);
      } catch (err) {
        this.failed = err as Error;
      }
    });
    return this.chain;
  }

  async close(): Promise<void> {
    if (this.closed) return this.chain;
    this.closed = true;
    await this.chain;
    try {
      await this.handle.sync();
    } finally {
      await this.handle.close();
    }
    if (this.failed) throw this.failed;
  }
}

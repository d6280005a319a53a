/**
 * compress(options): the runtime counterpart of the `compression` package
 * (1.8.x), giving the same answers byte for byte without patching the
 * response of every request.
 *
 * compression wraps res.write/end/on and writeHead (on-headers) on every
 * request, whether it compresses or not. Here the middleware only marks the
 * response (one property); write.ts asks `decideEncoding` once, when it
 * writes the head, and encodes the body it is writing anyway:
 *
 * - buffered bodies (json, text, bytes): one zlib call on the payload (the
 *   same bytes as compression's stream fed that payload in one write, see
 *   compress.test.ts), sent chunked as compression sends it;
 * - stream bodies: piped through the same zlib stream compression creates,
 *   chunk by chunk;
 * - answers whose body is written after ctx.commitHead() (serveStatic,
 *   ctx.file, ctx.stream after commitHead, ctx.sse()): that one response's
 *   write/end go through the zlib stream, as compression's do. A
 *   text/event-stream is flushed after every write (compression's
 *   res.flush()), otherwise events would sit in zlib's buffer.
 *
 * The decision follows compression's onHeaders listener step by step: the
 * filter (compressible Content-Type), Cache-Control no-transform, then
 * `Vary: Accept-Encoding` (also below the threshold and for HEAD), the
 * threshold against Content-Length (or the body length), an existing
 * Content-Encoding, HEAD, then negotiation (negotiator 0.6's, with
 * compression's preferences) and `enforceEncoding` without Accept-Encoding.
 *
 * Express code (fromExpress, mountExpress, error handlers) writes straight
 * to the raw response; for those requests compat hands the response to the
 * real compression middleware given as the second argument (compat/
 * compression-handover.ts), and the runtime's own encoding stands down.
 */
import type { IncomingMessage, OutgoingHttpHeader, ServerResponse } from 'node:http';
import { createRequire } from 'node:module';
import { pipeline, type Transform } from 'node:stream';
import zlib from 'node:zlib';
import { negotiateEncoding } from './accept-encoding.js';
import { compressErrors } from './compress-errors.js';
import type { Context, HeaderValue } from './context.js';

/** compression's options, minus `filter` (it is written for Express req/res). */
export interface CompressOptions extends zlib.ZlibOptions {
  /** Bytes (number) or a `bytes` string ('1kb'); default 1024. Smaller answers are not compressed. */
  threshold?: number | string;
  /** Encoding used when the request has no Accept-Encoding: 'identity' (default), 'gzip', 'deflate' or 'br'. */
  enforceEncoding?: string;
  /** Options of the brotli encoder; quality defaults to 4 as in compression. */
  brotli?: zlib.BrotliOptions;
}

/** The `compression` module (its default export), run on responses Express code writes. */
export type CompressionModule = ((options?: object) => (req: any, res: any, next: (err?: unknown) => void) => void) & {
  /** compression's default filter (compressible Content-Type). */
  filter?: (req: any, res: any) => boolean;
};

const SUPPORTED = ['br', 'gzip', 'deflate', 'identity'];
const PREFERRED = ['br', 'gzip'];
const NO_TRANSFORM = /(?:^|,)\s*?no-transform\s*?(?:,|$)/i;
/** Bodies up to this size are encoded synchronously: faster than a threadpool round trip, and short. */
const SYNC_LIMIT = 64 * 1024;

/** Marks a response whose answer compress() applies to (its plan) or that Express code's compression owns. */
const kCompress = Symbol('expressway.compress');
const kEncoder = Symbol('expressway.compress.encoder');

/** The response went to the real compression middleware (compat): the runtime does not encode it. */
export const DELEGATED = 'delegated';

interface Helpers {
  compressible: (type: string) => boolean | undefined;
  bytesParse: (value: unknown) => number | null;
  varyAppend: (header: string, field: string) => string;
}

let helpers: Helpers | undefined;
/** compression's own small dependencies, loaded on the first compress() (mime-db is large). */
function loadHelpers(): Helpers {
  if (helpers === undefined) {
    const require = createRequire(import.meta.url);
    helpers = {
      compressible: require('compressible'),
      bytesParse: (require('bytes') as { parse: Helpers['bytesParse'] }).parse,
      varyAppend: (require('vary') as { append: Helpers['varyAppend'] }).append,
    };
  }
  return helpers;
}

export class CompressPlan {
  readonly threshold: number;
  readonly enforceEncoding: string;
  /** What compression hands createGzip/createDeflate: the whole options object. */
  readonly zlibOptions: zlib.ZlibOptions;
  readonly brotliOptions: zlib.BrotliOptions;
  /** One-shot zlib gives the stream's bytes only when no per-write flush is asked for. */
  readonly oneShot: boolean;

  /** `original`: the app's compression module, which compat runs on responses Express code writes. */
  constructor(readonly options: CompressOptions, readonly original: CompressionModule | undefined) {
    const parsed = loadHelpers().bytesParse(options.threshold);
    this.threshold = parsed == null ? 1024 : parsed;
    this.enforceEncoding = options.enforceEncoding || 'identity';
    this.zlibOptions = options;
    const brotli: zlib.BrotliOptions = Object.assign({}, options.brotli);
    brotli.params = Object.assign({ [zlib.constants.BROTLI_PARAM_QUALITY]: 4 }, brotli.params);
    this.brotliOptions = brotli;
    // `info` makes the one-shot functions return { buffer, engine }; streams ignore it.
    this.oneShot = options.flush === undefined && options.maxOutputLength === undefined && !options.info
      && brotli.flush === undefined && brotli.maxOutputLength === undefined && !(brotli as { info?: boolean }).info;
  }

  createEncoder(encoding: string): Encoder {
    if (encoding === 'gzip') return zlib.createGzip(this.zlibOptions);
    if (encoding === 'br') return zlib.createBrotliCompress(this.brotliOptions);
    return zlib.createDeflate(this.zlibOptions);
  }

  encodeSync(encoding: string, data: Buffer): Buffer {
    if (encoding === 'gzip') return zlib.gzipSync(data, this.zlibOptions);
    if (encoding === 'br') return zlib.brotliCompressSync(data, this.brotliOptions);
    return zlib.deflateSync(data, this.zlibOptions);
  }
}

/**
 * Request middleware compressing the answers of the requests it sees, as
 * `app.use(compression(options))` did. Pass the app's own `compression`
 * module as `original` so answers written by Express code inside compat
 * bridges get compression's own treatment.
 */
export function compress(options: CompressOptions = {}, original?: CompressionModule): (ctx: Context<any, any>) => void {
  if ((options as { filter?: unknown }).filter !== undefined) throw compressErrors.EXW_ERR_COMPRESS_FILTER();
  const plan = new CompressPlan(options, original);
  checkEncoders(plan);
  return function compressMiddleware(ctx) {
    const res = ctx._res as Marked | null;
    if (res !== null && res[kCompress] === undefined) res[kCompress] = plan;
  };
}

/** compression would throw on the first compressed answer; say it at registration instead. */
function checkEncoders(plan: CompressPlan): void {
  for (const encoding of ['gzip', 'deflate', 'br']) {
    try {
      plan.createEncoder(encoding).destroy();
    } catch (err) {
      throw compressErrors.EXW_ERR_COMPRESS_OPTIONS((err as Error).message);
    }
  }
}

type Marked = ServerResponse & { [kCompress]?: CompressPlan | typeof DELEGATED; [kEncoder]?: EncoderState };

/** The plan that applies to this response, if the runtime encodes it. */
export function compressPlanOf(res: ServerResponse): CompressPlan | undefined {
  const mark = (res as Marked)[kCompress];
  return mark === undefined || mark === DELEGATED ? undefined : mark;
}

/** compat: Express code's compression middleware owns this response from now on. */
export function delegateCompression(res: ServerResponse): void {
  (res as Marked)[kCompress] = DELEGATED;
}

/**
 * compression's onHeaders decision on the head about to be written:
 * `headers` is the builder's bag (what writeHead gets, lower-case names),
 * overriding what is set on `res` itself, as node merges them. Adds Vary
 * when compression would; when it returns an encoding, Content-Encoding is
 * set and Content-Length removed. `estimate` is the body length compression
 * estimates when the head goes out with res.end(body) and no Content-Length.
 */
export function decideEncoding(plan: CompressPlan, req: IncomingMessage, res: ServerResponse, headers: Record<string, HeaderValue>, estimate: number | undefined): string | null {
  const { compressible, varyAppend } = loadHelpers();
  const type = effective(headers, res, 'content-type');
  if (type === undefined || !compressible(type as string)) return null;
  const cacheControl = effective(headers, res, 'cache-control');
  if (cacheControl && NO_TRANSFORM.test(cacheControl as string)) return null;
  const vary = effective(headers, res, 'vary') || '';
  headers['vary'] = varyAppend(Array.isArray(vary) ? vary.join(', ') : String(vary), 'Accept-Encoding');
  const length = effective(headers, res, 'content-length');
  const estimated = length ? undefined : estimate;
  if (Number(length) < plan.threshold || (estimated !== undefined && estimated < plan.threshold)) return null;
  if ((effective(headers, res, 'content-encoding') || 'identity') !== 'identity') return null;
  if (req.method === 'HEAD') return null;
  const accept = req.headers['accept-encoding'];
  let method = negotiateEncoding(accept, SUPPORTED, PREFERRED);
  if (!accept && SUPPORTED.includes(plan.enforceEncoding)) method = plan.enforceEncoding;
  if (!method || method === 'identity') return null;
  headers['content-encoding'] = method;
  delete headers['content-length'];
  if (res.hasHeader('content-length')) res.removeHeader('content-length');
  return method;
}

function effective(headers: Record<string, HeaderValue>, res: ServerResponse, name: string): HeaderValue | OutgoingHttpHeader | undefined {
  const own = headers[name];
  return own !== undefined ? own : res.getHeader(name);
}

// ------------------------------------------------------------------ bodies

/** A buffered body, after the head: one zlib call (or a zlib stream for a large one), sent chunked. */
export function sendEncoded(plan: CompressPlan, encoding: string, res: ServerResponse, payload: string | Uint8Array, done: (err: Error | null | undefined) => void): void {
  const data = typeof payload === 'string' ? Buffer.from(payload, 'utf8') : Buffer.from(payload.buffer, payload.byteOffset, payload.byteLength);
  if (plan.oneShot && data.byteLength <= SYNC_LIMIT) {
    res.write(plan.encodeSync(encoding, data));
    res.end();
    return;
  }
  const encoder = plan.createEncoder(encoding);
  pipeline(encoder, res, done);
  encoder.end(data);
}

// ------------------------------------------- bodies written after commitHead

/** A zlib or brotli compressor: a Transform with flush(). */
export type Encoder = Transform & { flush(callback?: () => void): void };

interface EncoderState {
  stream: Encoder;
  write: Method;
  end: Method;
  ended: boolean;
  /** text/event-stream: flush after every write, as an SSE handler calls compression's res.flush(). */
  flushEach: boolean;
}

/**
 * The head is out with Content-Encoding: what is written to this response
 * from now on goes through the encoder, as compression's wrapped
 * res.write/end do (per response: only answers that compress pay for it).
 */
export function encodeLaterWrites(plan: CompressPlan, encoding: string, res: ServerResponse, eventStream: boolean): void {
  const marked = res as Marked;
  const stream = plan.createEncoder(encoding);
  marked[kEncoder] = { stream, write: res.write as Method, end: res.end as Method, ended: false, flushEach: eventStream };
  res.write = encodingWrite as ServerResponse['write'];
  res.end = encodingEnd as ServerResponse['end'];
  (res as ServerResponse & { flush?: () => void }).flush = flushEncoder;
  stream.on('data', onEncodedData.bind(res));
  stream.on('end', onEncodedEnd.bind(res));
  stream.on('drain', onEncoderDrain.bind(res));
  res.on('drain', onResponseDrain);
  res.once('close', onResponseClose);
}

type Callback = (err?: Error | null) => void;
type Method = (this: ServerResponse, ...args: unknown[]) => unknown;

function toBuffer(chunk: unknown, encoding: unknown): Buffer {
  return Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk as string, typeof encoding === 'string' ? (encoding as BufferEncoding) : 'utf8');
}

function encodingWrite(this: Marked, chunk: unknown, encoding?: unknown, cb?: Callback): boolean {
  const state = this[kEncoder]!;
  if (state.ended) return false;
  if (typeof encoding === 'function') cb = encoding as Callback;
  const ok = state.stream.write(toBuffer(chunk, encoding), cb);
  if (state.flushEach) state.stream.flush();
  return ok;
}

function encodingEnd(this: Marked, chunk?: unknown, encoding?: unknown, cb?: Callback): ServerResponse {
  const state = this[kEncoder]!;
  if (state.ended) return this;
  state.ended = true;
  if (typeof chunk === 'function') cb = chunk as Callback;
  else if (typeof encoding === 'function') cb = encoding as Callback;
  if (cb !== undefined) this.once('finish', cb);
  if (chunk !== undefined && chunk !== null && typeof chunk !== 'function') state.stream.end(toBuffer(chunk, encoding));
  else state.stream.end();
  return this;
}

function flushEncoder(this: Marked): void {
  this[kEncoder]?.stream.flush();
}

function onEncodedData(this: Marked, chunk: Buffer): void {
  const state = this[kEncoder]!;
  if (state.write.call(this, chunk) === false) state.stream.pause();
}

function onEncodedEnd(this: Marked): void {
  this[kEncoder]!.end.call(this);
}

/** The encoder took what was waiting: writers blocked on res.write() === false may go on. */
function onEncoderDrain(this: Marked): void {
  this.emit('drain');
}

function onResponseDrain(this: Marked): void {
  // onEncoderDrain's 'drain' is for writers; the encoder resumes only once the socket took its output.
  if (!this.writableNeedDrain) this[kEncoder]?.stream.resume();
}

function onResponseClose(this: Marked): void {
  // Frees the native zlib handle when the client went away before the end.
  this[kEncoder]?.stream.destroy();
}

/**
 * Request body readers (ctx.json(), ctx.text(), ctx.form(), ctx.bytes(),
 * ctx.bodyStream()) and the Express-style body middleware jsonBody() and
 * formBody() for migrated code.
 *
 * The raw bytes are read once and cached, so several readers may be called
 * on one request. Limits are enforced on the declared Content-Length before
 * reading and on the (decompressed) bytes while reading; every failure is a
 * coded 4xx error that reaches the request-error hooks.
 */
import type { IncomingMessage } from 'node:http';
import { Readable, Transform, type TransformCallback } from 'node:stream';
import zlib from 'node:zlib';
import { runtimeErrors } from './codes.js';
import { hasCode } from './errors.js';
import { matchesAny, parseContentType } from './content-type.js';
import type { Context } from './context.js';
import { parseByteSize } from './options.js';
import { parseExtended } from './query.js';
import querystring from 'node:querystring';

export interface BodyReadOptions {
  /** Largest body in bytes or '100kb'. Default: the server's bodyLimit. */
  limit?: number | string;
  /** Accepted content types ('json', 'application/*+json', 'text/*'). Defaults depend on the reader. */
  type?: string | string[];
}

export interface FormReadOptions extends BodyReadOptions {
  /** qs nesting (`a[b]=1`) instead of flat keys. Default: true when the server's queryParser is 'extended'. */
  extended?: boolean;
}

const JSON_TYPES = ['application/json', 'application/*+json'];
const FORM_TYPES = ['application/x-www-form-urlencoded'];

/** Per-request body state, kept on the Context (one field, created on first read). */
export interface BodyState {
  raw: Promise<Buffer> | undefined;
  streamed: boolean;
  json: { value: unknown } | undefined;
}

export function hasBody(req: IncomingMessage): boolean {
  const len = req.headers['content-length'];
  if (len !== undefined) return len !== '0';
  return req.headers['transfer-encoding'] !== undefined;
}

function limitOf(ctx: Context<any, any>, opts: BodyReadOptions | undefined): number {
  return opts?.limit === undefined ? ctx._core.options.bodyLimit : parseByteSize(opts.limit);
}

function stateOf(ctx: Context<any, any>): BodyState {
  return (ctx._body$ ??= { raw: undefined, streamed: false, json: undefined });
}

function checkType(ctx: Context<any, any>, accepted: readonly string[] | undefined, what: string): void {
  if (accepted === undefined) return;
  const { type } = parseContentType(ctx.req.headers['content-type']);
  // Exact match first (the usual 'application/json'): matchesAny normalises and splits every pattern.
  if (type.indexOf('/') > 0 && type.charCodeAt(0) !== 43 /* + */ && accepted.includes(type)) return;
  if (!matchesAny(type, accepted)) {
    throw runtimeErrors.EXW_ERR_BODY_UNSUPPORTED_TYPE(what, ctx.req.headers['content-type'] ?? '(none)');
  }
}

function typesOf(opts: BodyReadOptions | undefined, fallback: readonly string[] | undefined): readonly string[] | undefined {
  if (opts?.type === undefined) return fallback;
  return Array.isArray(opts.type) ? opts.type : [opts.type];
}

/** The decoded byte stream of the request, before the limit is applied. */
function decodedSource(ctx: Context<any, any>): Readable {
  const req = ctx.req;
  const encoding = String(req.headers['content-encoding'] ?? 'identity').trim().toLowerCase();
  let inflate: Transform;
  switch (encoding) {
    case 'identity':
    case '':
      return req;
    case 'gzip':
    case 'x-gzip':
      inflate = zlib.createGunzip();
      break;
    case 'deflate':
      inflate = zlib.createInflate();
      break;
    case 'br':
      inflate = zlib.createBrotliDecompress();
      break;
    default:
      throw runtimeErrors.EXW_ERR_BODY_UNSUPPORTED_ENCODING(encoding);
  }
  req.on('error', (err) => inflate.destroy(err));
  req.pipe(inflate);
  return inflate;
}

function rejectDeclaredTooLarge(ctx: Context<any, any>, limit: number): void {
  const declared = ctx.req.headers['content-length'];
  if (declared !== undefined && Number(declared) > limit) {
    // The rest of the body is not read: close the connection after the answer.
    ctx.close();
    throw runtimeErrors.EXW_ERR_BODY_TOO_LARGE(limit);
  }
}

/** Reads the whole body once; later calls share the same promise. */
export function readBytes(ctx: Context<any, any>, opts?: BodyReadOptions): Promise<Buffer> {
  const state = stateOf(ctx);
  if (state.raw !== undefined) return state.raw;
  if (state.streamed) return Promise.reject(runtimeErrors.EXW_ERR_BODY_CONSUMED());
  try {
    checkType(ctx, typesOf(opts, undefined), String(opts?.type));
    const limit = limitOf(ctx, opts);
    if (!hasBody(ctx.req) || ctx.req.complete && ctx.req.readableEnded) {
      state.raw = Promise.resolve(Buffer.alloc(0));
    } else {
      rejectDeclaredTooLarge(ctx, limit);
      state.raw = collect(ctx, decodedSource(ctx), limit);
    }
  } catch (err) {
    state.raw = Promise.reject(err);
  }
  return state.raw;
}

function collect(ctx: Context<any, any>, source: Readable, limit: number): Promise<Buffer> {
  const req = ctx.req;
  return new Promise<Buffer>((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const finish = (err: Error | null) => {
      source.removeListener('data', onData);
      source.removeListener('end', onEnd);
      source.removeListener('error', onError);
      req.removeListener('aborted', onAborted);
      req.removeListener('close', onClose);
      if (err) {
        // Discard what is still coming and do not reuse the connection.
        ctx.close();
        req.resume();
        reject(err);
      } else {
        resolve(chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks, size));
      }
    };
    const onData = (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit) finish(runtimeErrors.EXW_ERR_BODY_TOO_LARGE(limit));
      else chunks.push(chunk);
    };
    const onEnd = () => finish(null);
    const onError = (err: Error) => {
      finish(source === req ? runtimeErrors.EXW_ERR_BODY_ABORTED() : runtimeErrors.EXW_ERR_BODY_INVALID_ENCODING(err.message));
    };
    const onAborted = () => finish(runtimeErrors.EXW_ERR_BODY_ABORTED());
    const onClose = () => {
      if (!req.complete) finish(runtimeErrors.EXW_ERR_BODY_ABORTED());
    };
    source.on('data', onData);
    source.once('end', onEnd);
    source.once('error', onError);
    req.once('aborted', onAborted);
    req.once('close', onClose);
  });
}

/** Decodes bytes with the request's charset (utf-8 when none). */
function decodeText(ctx: Context<any, any>, bytes: Buffer, utf8Only: boolean): string {
  const header = ctx.req.headers['content-type'];
  // No parameters, so no charset: utf-8.
  if (header === undefined || header.indexOf(';') === -1) return bytes.toString('utf8');
  const { charset } = parseContentType(header);
  if (charset === undefined || charset === 'utf-8' || charset === 'utf8') return bytes.toString('utf8');
  if (utf8Only) throw runtimeErrors.EXW_ERR_BODY_UNSUPPORTED_CHARSET(charset);
  let decoder: InstanceType<typeof TextDecoder>;
  try {
    decoder = new TextDecoder(charset);
  } catch {
    throw runtimeErrors.EXW_ERR_BODY_UNSUPPORTED_CHARSET(charset);
  }
  return decoder.decode(bytes);
}

export async function readText(ctx: Context<any, any>, opts?: BodyReadOptions): Promise<string> {
  checkType(ctx, typesOf(opts, undefined), String(opts?.type));
  return decodeText(ctx, await readBytes(ctx, { limit: opts?.limit }), false);
}

/**
 * Parses the body as JSON. An empty body (none sent) gives undefined. Keys
 * named `__proto__` (and `constructor.prototype`) are dropped, so merging
 * the result into another object cannot pollute prototypes.
 */
export async function readJson(ctx: Context<any, any>, opts?: BodyReadOptions & { strict?: boolean }): Promise<unknown> {
  const state = stateOf(ctx);
  if (state.json !== undefined) return state.json.value;
  if (!hasBody(ctx.req)) return undefined;
  checkType(ctx, typesOf(opts, JSON_TYPES), 'application/json');
  const text = decodeText(ctx, await readBytes(ctx, { limit: opts?.limit }), true);
  const value = parseJsonText(text, opts?.strict ?? false);
  state.json = { value };
  return value;
}

export function parseJsonText(text: string, strict: boolean): unknown {
  if (strict) {
    const first = /^[\s\uFEFF]*(.)/.exec(text)?.[1];
    if (first !== undefined && first !== '{' && first !== '[') {
      throw runtimeErrors.EXW_ERR_BODY_STRICT_JSON(JSON.stringify(text.trim().slice(0, 20)));
    }
  }
  try {
    // The reviver costs time, so only pay it when a dangerous key may be present
    // (spelled out, or hidden behind \u escapes: "\u005f\u005fproto\u005f\u005f").
    return text.includes('__proto__') || text.includes('constructor') || text.includes('\\u')
      ? JSON.parse(text, dropPrototypeKeys)
      : JSON.parse(text);
  } catch (err) {
    const invalid = runtimeErrors.EXW_ERR_BODY_INVALID_JSON(text.trim() === '' ? 'the body is empty' : (err as Error).message);
    if (text.trim() !== '') invalid.cause = err;
    throw invalid;
  }
}

function dropPrototypeKeys(key: string, value: unknown): unknown {
  if (key === '__proto__') return undefined;
  if (key === 'constructor' && typeof value === 'object' && value !== null && 'prototype' in value) return undefined;
  return value;
}

export async function readForm(ctx: Context<any, any>, opts?: FormReadOptions): Promise<Record<string, unknown>> {
  if (!hasBody(ctx.req)) return Object.create(null) as Record<string, unknown>;
  checkType(ctx, typesOf(opts, FORM_TYPES), 'application/x-www-form-urlencoded');
  const text = decodeText(ctx, await readBytes(ctx, { limit: opts?.limit }), true);
  const extended = opts?.extended ?? ctx._core.options.queryParser === 'extended';
  return extended ? parseExtended(text) : (querystring.parse(text) as Record<string, unknown>);
}

/**
 * The body as a stream (decompressed, limited). Once-only: after it, the
 * buffered readers fail with EXW_ERR_BODY_CONSUMED.
 */
export function bodyStream(ctx: Context<any, any>, opts?: BodyReadOptions): Readable {
  const state = stateOf(ctx);
  if (state.raw !== undefined) {
    const cached = state.raw;
    return Readable.from((async function* () { yield await cached; })());
  }
  if (state.streamed) throw runtimeErrors.EXW_ERR_BODY_CONSUMED();
  checkType(ctx, typesOf(opts, undefined), String(opts?.type));
  const limit = limitOf(ctx, opts);
  rejectDeclaredTooLarge(ctx, limit);
  state.streamed = true;
  const source = decodedSource(ctx);
  const limiter = new LimitStream(limit, ctx);
  source.on('error', (err) => limiter.destroy(source === ctx.req ? runtimeErrors.EXW_ERR_BODY_ABORTED() : runtimeErrors.EXW_ERR_BODY_INVALID_ENCODING(err.message)));
  ctx.req.once('aborted', () => limiter.destroy(runtimeErrors.EXW_ERR_BODY_ABORTED()));
  return source.pipe(limiter);
}

class LimitStream extends Transform {
  private seen = 0;
  constructor(private readonly limit: number, private readonly ctx: Context<any, any>) {
    super();
  }
  override _transform(chunk: Buffer, _enc: BufferEncoding, done: TransformCallback): void {
    this.seen += chunk.length;
    if (this.seen > this.limit) {
      this.ctx.close();
      done(runtimeErrors.EXW_ERR_BODY_TOO_LARGE(this.limit));
      return;
    }
    done(null, chunk);
  }
}

// ---------------------------------------------------------------------------
// Express-style body middleware for migrated code (express.json / urlencoded).

export interface JsonBodyOptions {
  /** Default '100kb', as express.json(). */
  limit?: number | string;
  /** Content types to parse. Default 'application/json' (as express.json()). */
  type?: string | string[];
  /** Only objects and arrays at the top level. Default true. */
  strict?: boolean;
}

export interface FormBodyOptions {
  /** qs nesting as express.urlencoded({ extended: true }). Default false. */
  extended?: boolean;
  /** Default '100kb'. */
  limit?: number | string;
  type?: string | string[];
}

type Middleware = (ctx: Context<any, any>) => Promise<void> | void;

function wantsParse(ctx: Context<any, any>, types: readonly string[]): boolean {
  if (ctx._requestBody !== undefined) return false;
  if (!hasBody(ctx.req)) return false;
  return matchesAny(parseContentType(ctx.req.headers['content-type']).type, types);
}

/**
 * Parses JSON bodies into ctx.requestBody when the content type matches,
 * like express.json(): otherwise the pipeline continues with ctx.requestBody `{}`.
 */
export function jsonBody(options: JsonBodyOptions = {}): Middleware {
  const limit = parseByteSize(options.limit ?? '100kb');
  const types = options.type === undefined ? ['application/json'] : Array.isArray(options.type) ? options.type : [options.type];
  const strict = options.strict ?? true;
  return function jsonBodyMiddleware(ctx) {
    if (!wantsParse(ctx, types)) return;
    return readJson(ctx, { limit, type: types, strict }).then(
      (value) => {
        ctx.requestBody = value;
      },
      (err: unknown) => asBodyParserOutcome(ctx, err),
    );
  };
}

/**
 * express.json() treats an empty body as `{}` and reports a syntax error with
 * JSON.parse's own message; jsonBody keeps both, so error handlers and
 * clients of a migrated app see what they saw before.
 */
function asBodyParserOutcome(ctx: Context, err: unknown): void {
  if (hasCode(err, runtimeErrors.EXW_ERR_BODY_INVALID_JSON.code)) {
    if (err.cause === undefined) {
      ctx.requestBody = {};
      return;
    }
    err.message = (err.cause as Error).message;
  }
  throw withBodyParserMessage(err);
}

/** body-parser's wording for the failures both report, keyed by our code. */
const BODY_PARSER_MESSAGES: Record<string, string> = {
  [runtimeErrors.EXW_ERR_BODY_TOO_LARGE.code]: 'request entity too large',
  [runtimeErrors.EXW_ERR_BODY_ABORTED.code]: 'request aborted',
};

/** The Express-mirroring middleware answer with body-parser's messages; the readers keep their own, more specific ones. */
function withBodyParserMessage(err: unknown): unknown {
  const code = (err as { code?: unknown } | null)?.code;
  if (typeof code === 'string' && code in BODY_PARSER_MESSAGES) (err as Error).message = BODY_PARSER_MESSAGES[code]!;
  return err;
}

/** Parses urlencoded bodies into ctx.requestBody, like express.urlencoded(). */
export function formBody(options: FormBodyOptions = {}): Middleware {
  const limit = parseByteSize(options.limit ?? '100kb');
  const types = options.type === undefined ? FORM_TYPES : Array.isArray(options.type) ? options.type : [options.type];
  const extended = options.extended ?? false;
  return function formBodyMiddleware(ctx) {
    if (!wantsParse(ctx, types)) return;
    return readForm(ctx, { limit, type: types, extended }).then(
      (value) => {
        ctx.requestBody = value;
      },
      (err: unknown) => {
        throw withBodyParserMessage(err);
      },
    );
  };
}

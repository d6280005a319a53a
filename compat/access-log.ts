/**
 * accessLog(morgan, format, options): morgan's access log as runtime
 * request middleware, without the Express plumbing around it.
 *
 * Everything that decides what a line says stays the app's own morgan:
 * named formats (morgan[format]), morgan.compile for format strings, format
 * functions as given, and the token functions on the morgan object, so
 * tokens defined with morgan.token() keep working. Only morgan's plumbing is
 * replaced: through fromExpress it costs a bridge, on-headers' writeHead
 * closure and on-finished's listeners on res and the socket per request.
 * Here the request start is stamped as morgan does (req._startAt,
 * req._startTime, req._remoteAddress), the response start when the head is
 * written (res._startAt, res._startTime: a shared writeHead hook, no
 * closure), and the line is written at the first of the response's 'finish'
 * and 'close', which is when on-finished calls morgan back (aborted requests
 * included). immediate, skip, stream and buffer behave as in morgan.
 *
 * Tokens read the Express req/res in the original app. morgan's own tokens
 * read only what the raw node objects carry (headers, method, status,
 * getHeader), plus req.originalUrl (the request target as it came in) and
 * req.ip (stamped as req._remoteAddress at the start, as morgan's getip
 * falls back to). Any other token, a format function or a skip function may
 * read Express members (req.hostname, req.get(), res.locals): for those the
 * request gets the Express surface fromExpress would give it, at log time.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Context, Handler } from '../runtime/index.js';
import { compatErrors } from './errors.js';
import { makeApp, resolveExpress, type ExpressApp, type ExpressModule } from './express-module.js';
import { prepareRequest } from './prepare.js';
import { DEFAULT_STATE_KEYS } from './state-bridge.js';

/** A morgan line builder: (tokens, req, res) => line, null/undefined for no line. */
export type AccessLogFormat = (tokens: any, req: any, res: any) => unknown;

/** What accessLog uses of the morgan module (the app's own copy, 1.x): typed loosely so @types/morgan's module fits. */
export interface Morgan {
  (...args: any[]): unknown;
  compile(format: string): any;
  token(name: string, fn: any): unknown;
}

/** The morgan module read by name: formats and tokens are its properties. */
type MorganTable = Morgan & Record<string, unknown> & { compile(format: string): AccessLogFormat };

/** morgan's options, with the same meaning. */
export interface AccessLogOptions {
  /** Write the line when the request comes in, instead of when the response is done. */
  immediate?: boolean;
  /** (req, res) => true to write no line for this request. */
  skip?: ((req: any, res: any) => boolean) | false;
  /** Where lines go (default process.stdout): anything with write(string). */
  stream?: { write(chunk: any): unknown; writableObjectMode?: boolean };
  /** Deprecated in morgan: collect lines and write them every `buffer` ms (true: 1000). */
  buffer?: boolean | number;
  /** morgan(options) with no format argument: the format. */
  format?: string | AccessLogFormat;
}

/** morgan's own tokens and what they read: only what the raw node req/res carry, plus originalUrl and _remoteAddress. */
const OWN_TOKENS = new Set([
  'url', 'method', 'response-time', 'total-time', 'date', 'status', 'referrer',
  'remote-addr', 'remote-user', 'pid', 'http-version', 'user-agent', 'req', 'res',
]);
/** The tokens morgan's dev format compiles (index.js developmentFormatLine). */
const DEV_TOKENS = ['method', 'url', 'status', 'response-time', 'res'];
/** morgan's token syntax, as morgan.compile reads it. */
const TOKEN = /:([-\w]{2,})(?:\[([^\]]+)\])?/g;
const DEFAULT_BUFFER_DURATION = 1000;

/** The token functions each morgan module had when accessLog first saw it: one replaced later is the app's own. */
const ownTokensOf = new WeakMap<MorganTable, Map<string, unknown>>();

type Stamped = { _startAt?: [number, number]; _startTime?: Date };
type LogReq = IncomingMessage & Stamped & { _remoteAddress?: string; originalUrl?: string; ip?: string };
type LogRes = ServerResponse & Stamped & { [kWriteHead]?: ServerResponse['writeHead'] };
type LineStream = { write(chunk: any): unknown; writableObjectMode?: boolean };

const kWriteHead = Symbol('expressway.compat.accessLog.writeHead');

export function accessLog<S extends object = any>(morganModule: Morgan, format?: string | AccessLogFormat | AccessLogOptions, options?: AccessLogOptions): Handler<S> {
  checkMorgan(morganModule);
  const morgan = morganModule as MorganTable;
  // morgan itself checks the arguments and prints its deprecations (undefined format, buffer, options first).
  morgan(format, options);
  let fmt: unknown = format;
  let opts: AccessLogOptions = options ?? {};
  if (format && typeof format === 'object') {
    opts = format;
    fmt = opts.format || 'default';
  }
  const immediate = opts.immediate;
  const skip = opts.skip || false;
  const formatLine = typeof fmt !== 'function' ? formatFunction(morgan, fmt) : (fmt as AccessLogFormat);
  const tokens = tokensRead(morgan, formatLine, fmt, ownTokens(morgan));
  let stream: LineStream = opts.stream || process.stdout;
  if (opts.buffer) stream = bufferStream(stream, typeof opts.buffer !== 'number' ? DEFAULT_BUFFER_DURATION : opts.buffer);
  const log = new LineWriter(morgan, formatLine, skip, stream, tokens);

  if (immediate) {
    return function accessLogImmediate(ctx: Context<any, any>): void {
      if (ctx._res === null) return; // a WebSocket upgrade: Express never sees it
      stampRequest(ctx);
      log.write(ctx);
    } as Handler<S>;
  }

  // One slot and one listener per accessLog, shared by every request (no closure per request).
  const slot = Symbol('expressway.compat.accessLog.request');
  type Slotted = LogRes & { [slot]?: Context<any, any> | null };
  function onResponseDone(this: Slotted): void {
    const ctx = this[slot];
    if (ctx == null) return;
    this[slot] = null;
    log.write(ctx);
  }
  return function accessLog(ctx: Context<any, any>): void {
    const res = ctx._res as Slotted | null;
    if (res === null) return;
    stampRequest(ctx);
    if (res.writeHead !== timedWriteHead) {
      res[kWriteHead] = res.writeHead;
      res.writeHead = timedWriteHead as ServerResponse['writeHead'];
    }
    res[slot] = ctx;
    if (res.writableEnded || (res.socket !== null && !res.socket.writable)) {
      // on-finished: already finished, called back on the next turn.
      setImmediate(() => onResponseDone.call(res));
      return;
    }
    res.on('finish', onResponseDone);
    res.on('close', onResponseDone);
  } as Handler<S>;
}

/** The morgan logger's start of a request (index.js logger), with Express's req.ip as ctx.ip. */
function stampRequest(ctx: Context<any, any>): void {
  const req = ctx.req as LogReq;
  const res = ctx._res as LogRes;
  const ip = req.ip !== undefined ? req.ip : ctx.ip;
  req._startAt = undefined;
  req._startTime = undefined;
  req._remoteAddress = ip || req._remoteAddress || req.socket?.remoteAddress || undefined;
  res._startAt = undefined;
  res._startTime = undefined;
  req._startAt = process.hrtime();
  req._startTime = new Date();
}

/**
 * morgan's on-headers, as one function shared by every response: the
 * headers given to writeHead move onto the response first (so :res[name]
 * reads them with getHeader, as it does in Express), and the first call
 * stamps the response start. Node's implicit head calls it too.
 */
function timedWriteHead(this: LogRes, statusCode?: unknown): ServerResponse {
  const length = arguments.length;
  const headerIndex = length > 1 && typeof arguments[1] === 'string' ? 2 : 1;
  const headers: unknown = length >= headerIndex + 1 ? arguments[headerIndex] : undefined;
  this.statusCode = statusCode as number;
  if (Array.isArray(headers)) setHeadersFromArray(this, headers);
  else if (headers) setHeadersFromObject(this, headers as Record<string, unknown>);
  if (this._startAt === undefined) {
    this._startAt = process.hrtime();
    this._startTime = new Date();
  }
  const writeHead = this[kWriteHead] as unknown as (this: ServerResponse, ...args: unknown[]) => ServerResponse;
  if (length === 0) return writeHead.call(this);
  return headerIndex === 2 ? writeHead.call(this, statusCode, arguments[1]) : writeHead.call(this, statusCode);
}

/** on-headers 1.1: [[name, value], ...] set one by one; [name, value, ...] replaces those names, repeats kept. */
function setHeadersFromArray(res: ServerResponse, headers: unknown[]): void {
  if (headers.length && Array.isArray(headers[0])) {
    for (const pair of headers as Array<[string, string]>) if (pair[0]) res.setHeader(pair[0], pair[1]);
    return;
  }
  if (headers.length % 2 !== 0) throw new TypeError('headers array is malformed');
  for (let i = 0; i < headers.length; i += 2) res.removeHeader(headers[i] as string);
  for (let i = 0; i < headers.length; i += 2) {
    const name = headers[i] as string;
    if (name) res.appendHeader(name, headers[i + 1] as string);
  }
}

function setHeadersFromObject(res: ServerResponse, headers: Record<string, unknown>): void {
  for (const name of Object.keys(headers)) if (name) res.setHeader(name, headers[name] as string);
}

/** Writes one request's line, as morgan's logRequest does. */
class LineWriter {
  private app: ExpressApp | undefined = undefined;

  constructor(
    private readonly morgan: MorganTable,
    private readonly formatLine: AccessLogFormat,
    private readonly skip: AccessLogOptions['skip'],
    private readonly stream: LineStream,
    /** The token functions the format calls when they are morgan's own; null when it may read anything. */
    private readonly tokens: Array<[string, unknown]> | null,
  ) {}

  write(ctx: Context<any, any>): void {
    const req = ctx.req as LogReq;
    const res = ctx._res as LogRes;
    if (this.needsExpress()) this.installExpress(ctx);
    // Express's req.originalUrl is the target as it came in, whatever bridges made of req.url since.
    const originalUrl = req.originalUrl;
    req.originalUrl = ctx.url;
    try {
      const skip = this.skip;
      if (skip !== false && skip!(req, res)) return;
      const line = this.formatLine(this.morgan, req, res);
      if (line == null) return;
      if (this.stream.writableObjectMode && typeof line === 'object') this.stream.write(line);
      else this.stream.write(line + '\n');
    } finally {
      req.originalUrl = originalUrl;
    }
  }

  /** True unless the line is built by morgan's own tokens only, still in place (morgan.token may replace one any time). */
  private needsExpress(): boolean {
    const tokens = this.tokens;
    if (tokens === null || this.skip !== false) return true;
    const morgan = this.morgan;
    for (let i = 0; i < tokens.length; i++) {
      const [name, fn] = tokens[i]!;
      if (morgan[name] !== fn) return true;
    }
    return false;
  }

  /** The Express surface fromExpress would give the request: its app's prototypes, res.locals, req.user/req.session. */
  private installExpress(ctx: Context<any, any>): void {
    this.app ??= makeApp(resolveExpress(undefined as ExpressModule | undefined), ctx._core.options.trust);
    prepareRequest(ctx, { app: this.app, capture: false, stateKeys: DEFAULT_STATE_KEYS });
  }
}

function checkMorgan(morgan: unknown): asserts morgan is Morgan {
  const m = morgan as { compile?: unknown; token?: unknown };
  if (typeof morgan !== 'function' || typeof m.compile !== 'function' || typeof m.token !== 'function') {
    throw compatErrors.EXW_ERR_COMPAT_INVALID_OPTION('accessLog()', 'morgan', "must be the morgan module (require('morgan'))");
  }
}

/** morgan's getFormatFunction: a named format, else the string compiled. */
function formatFunction(morgan: MorganTable, name: unknown): AccessLogFormat {
  const fmt = (name ? morgan[name as string] : undefined) || name || morgan.default;
  return typeof fmt !== 'function' ? morgan.compile(fmt as string) : (fmt as AccessLogFormat);
}

/**
 * The token functions a format calls, when all of them are morgan's own;
 * null when the format may read anything (a format function other than
 * morgan's dev, a token the app defined).
 */
function tokensRead(morgan: MorganTable, formatLine: AccessLogFormat, fmt: unknown, own: Map<string, unknown>): Array<[string, unknown]> | null {
  if (typeof fmt === 'function') return null;
  // What formatFunction compiled (a named format's string, or the format itself), else morgan's dev function.
  const resolved = fmt ? morgan[fmt as string] || fmt : undefined;
  let names: string[];
  if (typeof resolved === 'string') names = [...JSON.stringify(resolved).matchAll(TOKEN)].map((m) => m[1]!);
  else if (formatLine.name === 'developmentFormatLine') names = DEV_TOKENS;
  else return null;
  const tokens: Array<[string, unknown]> = [];
  for (const name of new Set(names)) {
    const fn = morgan[name];
    if (!OWN_TOKENS.has(name) || own.get(name) !== fn) return null;
    tokens.push([name, fn]);
  }
  return tokens;
}

/** morgan's token functions as first seen (before any request, usually at app setup). */
function ownTokens(morgan: MorganTable): Map<string, unknown> {
  let own = ownTokensOf.get(morgan);
  if (own === undefined) {
    own = new Map([...OWN_TOKENS].map((name) => [name, morgan[name]]));
    ownTokensOf.set(morgan, own);
  }
  return own;
}

/** morgan's createBufferStream: lines collected and written together `interval` ms after the first. */
function bufferStream(stream: LineStream, interval: number): LineStream {
  const buf: string[] = [];
  let timer: NodeJS.Timeout | null = null;
  const flush = () => {
    timer = null;
    stream.write(buf.join(''));
    buf.length = 0;
  };
  return {
    write(str: string) {
      if (timer === null) timer = setTimeout(flush, interval);
      buf.push(str);
    },
  };
}

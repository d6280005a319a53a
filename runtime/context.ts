/**
 * One Context per request (and per WebSocket upgrade). The constructor
 * only stores what the server hands it; query, cookies, state, the abort
 * signal and the client address are built on first read and cached
 * (STYLE.md #1). Response setters only store: status, headers and body are
 * turned into bytes when the response is written, after response
 * middleware (write.ts, STYLE.md #7).
 */
import type { IncomingHttpHeaders, IncomingMessage, ServerResponse } from 'node:http';
import type { Duplex, Readable } from 'node:stream';
import proxyaddr from 'proxy-addr';
import {
  bodyStream,
  readBytes,
  readForm,
  readJson,
  readText,
  type BodyReadOptions,
  type BodyState,
  type FormReadOptions,
} from './body.js';
import { runtimeErrors } from './codes.js';
import {
  parseCookieHeader,
  serializeClearCookie,
  serializeSetCookie,
  signedCookiesOf,
  unsignCookie,
  type CookieOptions,
  type Cookies,
} from './cookies.js';
import type { Core, DefaultState, Params, Plan } from './core.js';
import { throwFallThrough } from './fall-through.js';
import { commitHead } from './pipeline.js';
import { appendVary } from './negotiation.js';
import { parseQuery, type Query } from './query.js';
import { redirectBody } from './redirect-body.js';
import type { SendFileOptions } from './static.js';
import { openEventStream, type EventStream, type EventStreamOptions } from './sse.js';
import { acceptWebSocket, type AcceptWebSocketOptions, type WebSocketConnection } from './websocket.js';

export type HeaderValue = string | number | readonly string[];
export type ResponseBody = string | Buffer | Uint8Array | Readable | object | null | undefined;

/** How ctx.body is written (write.ts). */
export const BODY_NONE = 0;
export const BODY_JSON = 1;
export const BODY_TEXT = 2;
export const BODY_BYTES = 3;
export const BODY_STREAM = 4;

const F_ABORTED = 1;
const F_CLOSE = 2;
const F_RESPONSE_RAN = 4;
const F_UPGRADED = 8;

const UNSAFE_HEADER_VALUE = /[\r\n\0]/;

/**
 * The response header builder's object. Like Object.create(null) nothing is
 * inherited (`__proto__` or `constructor` are plain own keys), but V8 keeps
 * its properties fast, so writeHead's walk over it is cheap (a prototype-less
 * object is a hash table from the start).
 */
export const HeaderBag = function HeaderBag() {} as unknown as new () => Record<string, HeaderValue>;
HeaderBag.prototype = Object.create(null);

export interface RedirectOptions {
  /** Default 302. */
  status?: number;
}

/**
 * The WebSocket a route accepted, per upgrade Context, so the pipeline can
 * close it with 1011 when the route fails after accepting. A WeakMap rather
 * than a field: plain HTTP requests, the hot path, never pay for it.
 */
const acceptedWebSockets = new WeakMap<object, WebSocketConnection>();

/** @internal The WebSocket accepted on this Context, if any. */
export function acceptedWebSocket(ctx: object): WebSocketConnection | undefined {
  return acceptedWebSockets.get(ctx);
}

export class Context<S extends object = DefaultState, P = Params> {
  /** The raw node request. */
  readonly req: IncomingMessage;
  /** Request method, upper case. */
  readonly method: string;
  /** The raw request target, as received (path and query string). */
  readonly url: string;
  /** The normalised, decoded path (normalize-path.ts). */
  path: string;
  /** Route params, decoded; typed from the route pattern. */
  params: P;
  /** The matched route pattern ('/users/{id}'), or null for 404/405. */
  routePattern: string | null;
  /** The error being handled, in panic and request-error hooks. */
  error: unknown;

  /** @internal */ _core: Core;
  /** @internal */ _res: ServerResponse | null;
  /** @internal */ _socket: Duplex | null;
  /** @internal */ _head: Buffer | null;
  /** @internal */ _plan: Plan | null;
  /** @internal */ _flags: number;
  /** @internal */ _status: number;
  /** @internal */ _headers: Record<string, HeaderValue> | null;
  /** @internal */ _body: ResponseBody;
  /** @internal */ _kind: number;
  /** @internal Content-Type chosen by json()/text()/html(), used when no header is set. */
  _type: string | null;
  /** @internal */ _query: Query | undefined;
  /** @internal */ _cookies: Cookies | undefined;
  /** @internal */ _state: S | undefined;
  /** @internal */ _signal: AbortController | undefined;
  /** @internal */ _body$: BodyState | undefined;
  /** @internal */ _requestBody: unknown;
  /** @internal */ _committing: Promise<void> | undefined;
  /** @internal Where the pipeline resumes after a thenable (pipeline.ts waitFor). */
  _next: number;
  /** @internal The pipeline's continuations, made on the first thenable of the request. */
  _resume: (() => void) | null;
  /** @internal */ _fail: ((err: unknown) => void) | null;

  constructor(core: Core, req: IncomingMessage, res: ServerResponse | null, socket: Duplex | null = null, head: Buffer | null = null) {
    this.req = req;
    this.method = req.method ?? 'GET';
    this.url = req.url ?? '/';
    this.path = '/';
    this.params = undefined as P;
    this.routePattern = null;
    this.error = undefined;
    this._core = core;
    this._res = res;
    this._socket = socket;
    this._head = head;
    this._plan = null;
    this._flags = 0;
    this._status = 200;
    this._headers = null;
    this._body = undefined;
    this._kind = BODY_NONE;
    this._type = null;
    this._query = undefined;
    this._cookies = undefined;
    this._state = undefined;
    this._signal = undefined;
    this._body$ = undefined;
    this._requestBody = undefined;
    this._committing = undefined;
    this._next = 0;
    this._resume = null;
    this._fail = null;
  }

  // ---------------------------------------------------------------- request

  /** The raw node response. Not available on WebSocket upgrade requests. */
  get res(): ServerResponse {
    if (this._res === null) throw runtimeErrors.EXW_ERR_RESPONSE_NO_SOCKET('res');
    return this._res;
  }

  /** Parsed query string: a prototype-free object (qs nesting with queryParser 'extended'). */
  get query(): Query {
    if (this._query === undefined) {
      const q = this.url.indexOf('?');
      this._query = parseQuery(q === -1 ? '' : this.url.slice(q + 1), this._core.options.queryParser);
    }
    return this._query;
  }

  /** The raw query string, without '?'. */
  get search(): string {
    const q = this.url.indexOf('?');
    return q === -1 ? '' : this.url.slice(q + 1);
  }

  /** Request headers (node's object, lower-case names). */
  get headers(): IncomingHttpHeaders {
    return this.req.headers;
  }

  /** One request header; repeated headers are joined with ', '. */
  header(name: string): string | undefined {
    const value = this.req.headers[name.toLowerCase()];
    return Array.isArray(value) ? value.join(', ') : value;
  }

  /** Client address: the socket peer, or the X-Forwarded-For hop the trustProxy option trusts. */
  get ip(): string {
    const trust = this._core.options.trust;
    if (trust === null) return this.req.socket.remoteAddress ?? '';
    return proxyaddr(this.req, trust);
  }

  /** All addresses, client first, as Express's req.ips (empty when no proxy is trusted). */
  get ips(): string[] {
    const trust = this._core.options.trust;
    if (trust === null) return [];
    return proxyaddr.all(this.req, trust).slice(1).reverse();
  }

  private get proxyTrusted(): boolean {
    const trust = this._core.options.trust;
    return trust !== null && trust(this.req.socket.remoteAddress ?? '', 0);
  }

  /** 'https' or 'http', from X-Forwarded-Proto when the proxy is trusted. */
  get protocol(): string {
    const encrypted = (this.req.socket as { encrypted?: boolean }).encrypted === true;
    if (!this.proxyTrusted) return encrypted ? 'https' : 'http';
    const forwarded = this.header('x-forwarded-proto');
    return forwarded ? forwarded.split(',')[0]!.trim().toLowerCase() : encrypted ? 'https' : 'http';
  }

  get secure(): boolean {
    return this.protocol === 'https';
  }

  /** Host with port ('example.com:8080'), from X-Forwarded-Host when the proxy is trusted. */
  get host(): string {
    const forwarded = this.proxyTrusted ? this.header('x-forwarded-host') : undefined;
    const host = forwarded ? forwarded.split(',')[0]!.trim() : (this.req.headers.host ?? '');
    return host;
  }

  /** Host without port. */
  get hostname(): string {
    const host = this.host;
    if (host.startsWith('[')) return host.slice(0, host.indexOf(']') + 1);
    const colon = host.indexOf(':');
    return colon === -1 ? host : host.slice(0, colon);
  }

  /** Cookies from the Cookie header (raw values; signed ones still carry their signature). */
  get cookies(): Cookies {
    return (this._cookies ??= parseCookieHeader(this.req.headers.cookie));
  }

  /** A signed cookie's value; false when its signature is wrong, undefined when absent or unsigned. */
  signedCookie(name: string): string | false | undefined {
    return unsignCookie(this.cookies[name], this._core.options.cookieSecrets);
  }

  /** Every signed cookie, verified (false for a bad signature), like cookie-parser's req.signedCookies. */
  get signedCookies(): Record<string, string | false> {
    return signedCookiesOf(this.cookies, this._core.options.cookieSecrets);
  }

  // ----------------------------------------------------------- request body

  /**
   * Without arguments: reads the request body as JSON (undefined when there
   * is none). With a value: responds with it as JSON (see the response builder).
   */
  json(): Promise<unknown>;
  json(value: unknown, status?: number): void;
  json(value?: unknown, status?: number): Promise<unknown> | void {
    if (arguments.length === 0) return readJson(this);
    this._body = value as ResponseBody;
    this._kind = BODY_JSON;
    this._type = 'application/json; charset=utf-8';
    if (status !== undefined) this.status = status;
  }

  /** Without arguments: reads the body as text. With a string: responds with text/plain. */
  text(): Promise<string>;
  text(value: string, status?: number): void;
  text(value?: string, status?: number): Promise<string> | void {
    if (arguments.length === 0) return readText(this);
    this._body = String(value);
    this._kind = BODY_TEXT;
    this._type = 'text/plain; charset=utf-8';
    if (status !== undefined) this.status = status;
  }

  /** Without arguments: reads the raw body. With bytes: responds with application/octet-stream. */
  bytes(): Promise<Buffer>;
  bytes(value: Buffer | Uint8Array, status?: number): void;
  bytes(value?: Buffer | Uint8Array, status?: number): Promise<Buffer> | void {
    if (arguments.length === 0) return readBytes(this);
    this._body = value;
    this._kind = BODY_BYTES;
    this._type = 'application/octet-stream';
    if (status !== undefined) this.status = status;
  }

  /** Reads an application/x-www-form-urlencoded body. */
  form(opts?: FormReadOptions): Promise<Record<string, unknown>> {
    return readForm(this, opts);
  }

  /** JSON reader with options (limit, accepted types, strict). */
  readJson(opts?: BodyReadOptions & { strict?: boolean }): Promise<unknown> {
    return readJson(this, opts);
  }

  readText(opts?: BodyReadOptions): Promise<string> {
    return readText(this, opts);
  }

  readBytes(opts?: BodyReadOptions): Promise<Buffer> {
    return readBytes(this, opts);
  }

  /** The body as a stream (decompressed, limited). Use it instead of, not with, the buffered readers. */
  bodyStream(opts?: BodyReadOptions): Readable {
    return bodyStream(this, opts);
  }

  /** What jsonBody()/formBody() parsed; `{}` when nothing was parsed (as Express 4's req.body). */
  get requestBody(): unknown {
    return (this._requestBody ??= {});
  }

  set requestBody(value: unknown) {
    this._requestBody = value;
  }

  // ------------------------------------------------------- response builder

  get status(): number {
    return this._status;
  }

  set status(code: number) {
    if (!Number.isInteger(code) || code < 100 || code > 999) throw runtimeErrors.EXW_ERR_RESPONSE_INVALID_STATUS(String(code));
    this._status = code;
    // An upgrade has no response to build: an error status refuses it, so stop the pipeline here.
    if (code >= 400 && this._res === null) this._flags |= F_ABORTED;
  }

  setHeader(name: string, value: HeaderValue): void {
    checkHeaderValue(name, value);
    (this._headers ??= new HeaderBag())[name.toLowerCase()] = value;
  }

  /** Adds a value, keeping earlier ones (Set-Cookie, Vary, Link...). */
  appendHeader(name: string, value: string | readonly string[]): void {
    checkHeaderValue(name, value);
    const headers = (this._headers ??= new HeaderBag());
    const key = name.toLowerCase();
    const existing = headers[key];
    const added = typeof value === 'string' ? [value] : value;
    if (existing === undefined) headers[key] = typeof value === 'string' ? value : [...value];
    else headers[key] = (Array.isArray(existing) ? existing : [String(existing)]).concat(added);
  }

  /** Adds `field` to Vary unless it is listed already (Express's res.vary; negotiation.ts). */
  vary(field: string): void {
    const current = this.getHeader('vary');
    const value = appendVary(current === undefined ? '' : Array.isArray(current) ? current.join(', ') : String(current), field);
    if (value) this.setHeader('vary', value);
  }

  removeHeader(name: string): void {
    if (this._headers !== null) delete this._headers[name.toLowerCase()];
  }

  getHeader(name: string): HeaderValue | undefined {
    return this._headers === null ? undefined : this._headers[name.toLowerCase()];
  }

  hasHeader(name: string): boolean {
    return this._headers !== null && this._headers[name.toLowerCase()] !== undefined;
  }

  /** The response headers set so far, lower-case names (a read view: change them with the setters). */
  get responseHeaders(): Readonly<Record<string, HeaderValue>> {
    return (this._headers ??= new HeaderBag());
  }

  /**
   * The response body. A string is sent as text/plain, a Buffer or
   * Uint8Array as application/octet-stream, a Readable is piped, null or
   * undefined sends no body, any other value is sent as JSON.
   */
  get body(): ResponseBody {
    return this._body;
  }

  set body(value: ResponseBody) {
    this._body = value;
    this._type = null;
    this._kind = kindOf(value);
  }

  html(value: string, status?: number): void {
    this._body = String(value);
    this._kind = BODY_TEXT;
    this._type = 'text/html; charset=utf-8';
    if (status !== undefined) this.status = status;
  }

  /** Pipes a readable stream as the body (after response middleware; destroyed if the client goes away). */
  stream(readable: Readable, status?: number): void {
    this._body = readable;
    this._kind = BODY_STREAM;
    this._type = null;
    if (status !== undefined) this.status = status;
  }

  /** Redirects to `url` (percent-encoded as needed; CR/LF rejected). */
  redirect(url: string, options: RedirectOptions = {}): void {
    if (UNSAFE_HEADER_VALUE.test(url)) throw runtimeErrors.EXW_ERR_RESPONSE_INVALID_REDIRECT(JSON.stringify(url.slice(0, 100)));
    const location = encodeUrl(url);
    this.status = options.status ?? 302;
    this.setHeader('location', location);
    // Express's body, negotiated on Accept (res.format adds Vary: Accept).
    this.appendHeader('vary', 'Accept');
    const { body, type } = redirectBody(this.status, location, this.req.headers.accept);
    // Neither text nor HTML acceptable: Express answers an empty body without a Content-Type.
    this._body = type === null ? null : body;
    this._kind = type === null ? BODY_NONE : BODY_TEXT;
    this._type = type;
  }

  /** Adds a Set-Cookie header. Options as Express's res.cookie (maxAge in milliseconds, signed). */
  setCookie(name: string, value: string, options: CookieOptions = {}): void {
    this.appendHeader('set-cookie', serializeSetCookie(name, value, options, this._core.options.cookieSecrets));
  }

  /** Adds a Set-Cookie header that deletes the cookie (pass the path/domain it was set with). */
  clearCookie(name: string, options: CookieOptions = {}): void {
    this.appendHeader('set-cookie', serializeClearCookie(name, options));
  }

  /** Sends a file (ETag, Last-Modified, Range, 304), through runtime/static.ts. */
  async file(path: string, opts?: SendFileOptions): Promise<void> {
    const { sendFile } = await import('./static.js');
    await sendFile(this, path, opts);
  }

  // ----------------------------------------------------------------- state

  /** Per-request data (the user, ids...), typed by the Server's S parameter; fresh per request. */
  get state(): S {
    return (this._state ??= {} as S);
  }

  set state(value: S) {
    this._state = value;
  }

  // ------------------------------------------------------------ connection

  /** Fires when the client goes away before the response is complete. */
  get signal(): AbortSignal {
    return (this._signal ??= watchDisconnect(this)).signal;
  }

  /** True once the client connection is gone. */
  get closed(): boolean {
    const socket = this._socket ?? this.req.socket;
    return socket === null || socket.destroyed;
  }

  /** True when ctx.abort() cut the pipeline short. */
  get aborted(): boolean {
    return (this._flags & F_ABORTED) !== 0;
  }

  /** Skips the remaining request middleware and the route; response middleware still run. */
  abort(): void {
    this._flags |= F_ABORTED;
  }

  /**
   * Hands the request on as if no route had matched it (Express's `next()`
   * from a route): later request middleware, then notFound (fall-through.ts).
   * It throws, so nothing after it runs; do not catch it.
   */
  fallThrough(): never {
    return throwFallThrough();
  }

  /** Whether the connection stays open for another request after this response. */
  get keepAlive(): boolean {
    if ((this._flags & F_CLOSE) !== 0 || this._core.draining || this._res === null) return false;
    return this._res.shouldKeepAlive;
  }

  /** Closes the connection after this response (Connection: close). */
  close(): void {
    this._flags |= F_CLOSE;
  }

  /** @internal */
  get _closeAfter(): boolean {
    return (this._flags & F_CLOSE) !== 0;
  }

  // ---------------------------------------------------- escape hatches

  /** True once the status line and headers were written. */
  get committed(): boolean {
    return this._res !== null && this._res.headersSent;
  }

  /**
   * Runs the response middleware (once), then writes the status and the
   * headers from the builder. After it the body may be streamed through
   * ctx.res.write()/end(). SSE, streams and compat use it.
   */
  commitHead(): Promise<void> {
    if (this._res === null) return Promise.reject(runtimeErrors.EXW_ERR_RESPONSE_NO_SOCKET('commitHead()'));
    return (this._committing ??= commitHead(this));
  }

  /** @internal */
  get _responseRan(): boolean {
    return (this._flags & F_RESPONSE_RAN) !== 0;
  }

  /** @internal */
  _markResponseRan(): void {
    this._flags |= F_RESPONSE_RAN;
  }

  // ------------------------------------------------------------- real time

  /** True for a WebSocket upgrade request. */
  get isWebSocket(): boolean {
    return this._socket !== null && String(this.req.headers.upgrade ?? '').toLowerCase() === 'websocket';
  }

  /** @internal */
  get _upgraded(): boolean {
    return (this._flags & F_UPGRADED) !== 0;
  }

  /** Accepts the WebSocket upgrade: an async iterable of messages with send() and close(). */
  async upgrade(opts: Omit<AcceptWebSocketOptions, 'registry'> = {}): Promise<WebSocketConnection> {
    if (!this.isWebSocket) throw runtimeErrors.EXW_ERR_UPGRADE_NOT_WEBSOCKET();
    if (this._upgraded) throw runtimeErrors.EXW_ERR_UPGRADE_TWICE();
    this._flags |= F_UPGRADED;
    const conn = await acceptWebSocket({ req: this.req, socket: this._socket!, head: this._head ?? Buffer.alloc(0) }, { ...opts, registry: this._core.websockets });
    acceptedWebSockets.set(this, conn);
    return conn;
  }

  /** Opens a Server-Sent Events stream (runtime/sse.ts). */
  async sse(opts?: EventStreamOptions): Promise<EventStream> {
    if (this._res === null) throw runtimeErrors.EXW_ERR_RESPONSE_NO_SOCKET('sse()');
    const stream = await openEventStream(this as unknown as Parameters<typeof openEventStream>[0], opts);
    // Tracked so a graceful close can end streams that would otherwise last until the deadline.
    const open = this._core.eventStreams;
    if (!stream.closed) {
      open.add(stream);
      this._res.once('close', () => open.delete(stream));
    }
    return stream;
  }
}

function checkHeaderValue(name: string, value: HeaderValue): void {
  if (typeof value === 'string') {
    if (UNSAFE_HEADER_VALUE.test(value)) throw runtimeErrors.EXW_ERR_RESPONSE_INVALID_HEADER(name);
  } else if (typeof value !== 'number') {
    for (const v of value) if (UNSAFE_HEADER_VALUE.test(v)) throw runtimeErrors.EXW_ERR_RESPONSE_INVALID_HEADER(name);
  }
}

export function kindOf(value: unknown): number {
  if (value === undefined || value === null) return BODY_NONE;
  if (typeof value === 'string') return BODY_TEXT;
  if (value instanceof Uint8Array) return BODY_BYTES;
  if (typeof (value as Readable).pipe === 'function') return BODY_STREAM;
  return BODY_JSON;
}

/** Percent-encodes what is not allowed in a URL, keeping existing escapes (as the encodeurl package). */
function encodeUrl(url: string): string {
  // Runs of characters a URL may not contain, and '%' not starting an escape.
  return url.replace(/(?:[^\x21\x23-\x3B\x3D\x3F-\x5F\x61-\x7A\x7C\x7E]|%(?![0-9A-Fa-f]{2}))+/g, encodeURI);
}

function watchDisconnect(ctx: Context<any, any>): AbortController {
  const controller = new AbortController();
  const abort = () => controller.abort();
  const res = ctx._res;
  if (res !== null) {
    if (res.writableFinished) return controller;
    if (res.destroyed || ctx.req.socket.destroyed) {
      abort();
      return controller;
    }
    // 'close' after 'finish' is a normal end; before it the client went away.
    res.once('close', () => {
      if (!res.writableFinished) abort();
    });
  } else {
    const socket = ctx._socket!;
    if (socket.destroyed) abort();
    else socket.once('close', abort);
  }
  return controller;
}

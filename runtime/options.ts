/**
 * Server options: the public shape, their defaults, and validation. Resolved
 * once in the Server constructor so the hot path reads plain fields.
 */
import proxyaddr from 'proxy-addr';
import { runtimeErrors } from './codes.js';
import { resolveMiddlewareOrder, type MiddlewareOrder } from './registration-order.js';

export type TrustProxy = boolean | number | string | string[] | ((addr: string, hop: number) => boolean);
export type QueryParser = 'simple' | 'extended' | ((search: string) => Record<string, unknown>);

export interface ServerOptions {
  /** Default host for listen(). Default: node's (all interfaces). */
  host?: string;
  /** Default port for listen(). Default 3000. */
  port?: number;
  /** Idle time (ms) a keep-alive socket stays open between requests. Default 5000. */
  keepAliveTimeout?: number;
  /** Time (ms) the client has to send the complete request headers. Default 60000. */
  headersTimeout?: number;
  /** Time (ms) the client has to send the complete request. Default 300000 (0 disables). */
  requestTimeout?: number;
  /** Largest request head in bytes; bigger answers 431. Default 16384. */
  maxHeaderSize?: number;
  /** Largest request body the readers accept, bytes or '100kb'. Default 1 MiB. */
  bodyLimit?: number | string;
  /** Which proxies to trust for X-Forwarded-*: same values as Express's 'trust proxy'. Default false. */
  trustProxy?: TrustProxy;
  /** TCP_NODELAY on accepted sockets. Default true. */
  noDelay?: boolean;
  /** '/Users' and '/users' are different routes. Default false. */
  caseSensitive?: boolean;
  /** '/users/' matches '/users'. Default true. */
  ignoreTrailingSlash?: boolean;
  /** 'simple' (node querystring, like Express 5) or 'extended' (qs nesting, like Express 4). Default 'simple'. */
  queryParser?: QueryParser;
  /** Secret(s) for signed cookies; the first signs, all verify. */
  cookieSecret?: string | string[];
  /** Deadline (ms) for graceful close before open connections are destroyed. Default 10000. */
  shutdownTimeout?: number;
  /** Time (ms) a response may wait without progress on a client that does not read before its socket is destroyed. Default 60000 (0 disables). */
  sendTimeout?: number;
  /** Print unhandled 5xx errors to stderr when no panic hook is registered. Default true. */
  logErrors?: boolean;
  /**
   * 'routes-last' (default): every request middleware runs before any route.
   * 'registration': Express's order, a route runs only the request middleware
   * registered before it; unmatched requests (404, 405) run all of them.
   */
  middlewareOrder?: MiddlewareOrder;
  /** Indentation of ctx.json() bodies: JSON.stringify's `space` (Express's 'json spaces' setting). Default none. */
  jsonSpaces?: number | string;
  /**
   * A known path requested with another method answers 405 with Allow
   * (default true). false: it is unmatched like any other request and gets
   * the notFound answer, as in Express, Fastify and Hono.
   */
  methodNotAllowed?: boolean;
  /**
   * OPTIONS on a known path that has no OPTIONS route (nor an any-method
   * route): false (default) answers it like any other method (405 with
   * Allow, or notFound). Otherwise it gets Express's automatic answer, 200
   * with Allow, after the request middleware (one that answers first wins):
   * 'express4' lists the path's methods in registration order joined with
   * ',' as a text/html body (Express 4's res.send); 'express5' (or true)
   * sorts them, joins with ', ', text/plain with nosniff (Express 5).
   */
  autoOptions?: boolean | AutoOptionsStyle;
  /**
   * A path whose percent-encoding cannot be decoded (`/%ZZ`): 'reject'
   * (default) answers 400 before any middleware. 'express': it goes through
   * as Express 4 and 5 let it, the bad segments kept as sent; middleware
   * run, an unmatched path gets notFound, and a route whose param holds
   * such a segment fails where it would run with Express's URIError
   * "Failed to decode param '...'" (status and statusCode 400).
   */
  malformedPath?: MalformedPathMode;
}

export type AutoOptionsStyle = 'express4' | 'express5';
export type MalformedPathMode = 'reject' | 'express';

export interface ResolvedOptions {
  host: string | undefined;
  port: number;
  keepAliveTimeout: number;
  headersTimeout: number;
  requestTimeout: number;
  maxHeaderSize: number;
  bodyLimit: number;
  /** null when no proxy is trusted: the fast path reads socket.remoteAddress. */
  trust: ((addr: string, hop: number) => boolean) | null;
  noDelay: boolean;
  caseSensitive: boolean;
  ignoreTrailingSlash: boolean;
  queryParser: QueryParser;
  cookieSecrets: string[];
  shutdownTimeout: number;
  sendTimeout: number;
  logErrors: boolean;
  middlewareOrder: MiddlewareOrder;
  /** undefined when JSON is written compact (also for 0 and ''): the write path then calls JSON.stringify(body) alone. */
  jsonSpaces: number | string | undefined;
  methodNotAllowed: boolean;
  /** null when OPTIONS is routed like any other method. */
  autoOptions: AutoOptionsStyle | null;
  malformedPath: MalformedPathMode;
}

const UNITS: Record<string, number> = { b: 1, kb: 1024, mb: 1024 ** 2, gb: 1024 ** 3 };

/** 1024, '100kb', '1.5mb' -> bytes (the units body-parser accepts). */
export function parseByteSize(value: number | string, option = 'limit'): number {
  if (typeof value === 'number') {
    if (Number.isFinite(value) && value >= 0) return Math.floor(value);
    throw runtimeErrors.EXW_ERR_CONFIG_INVALID(option, `expected a non-negative number of bytes, got ${value}`);
  }
  const match = /^\s*(\d+(?:\.\d+)?)\s*(b|kb|mb|gb)?\s*$/i.exec(value);
  if (!match) throw runtimeErrors.EXW_ERR_CONFIG_INVALID(option, `expected bytes or a size like '100kb', got '${value}'`);
  return Math.floor(Number(match[1]) * UNITS[(match[2] ?? 'b').toLowerCase()]!);
}

function nonNegativeInt(options: ServerOptions, name: keyof ServerOptions, fallback: number): number {
  const value = options[name] ?? fallback;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 0) {
    throw runtimeErrors.EXW_ERR_CONFIG_INVALID(name, `expected a non-negative integer, got ${String(value)}`);
  }
  return value;
}

/** Same compilation as Express's 'trust proxy' setting, through proxy-addr. */
export function compileTrust(value: TrustProxy | undefined): ((addr: string, hop: number) => boolean) | null {
  if (value === undefined || value === false) return null;
  if (value === true) return () => true;
  if (typeof value === 'function') return value;
  if (typeof value === 'number') return (_addr, hop) => hop < value;
  const list = typeof value === 'string' ? value.split(',').map((s) => s.trim()) : value;
  try {
    return proxyaddr.compile(list);
  } catch (err) {
    throw runtimeErrors.EXW_ERR_CONFIG_INVALID('trustProxy', (err as Error).message);
  }
}

function resolveBoolean(value: unknown, option: string, fallback: boolean): boolean {
  if (value === undefined) return fallback;
  if (typeof value === 'boolean') return value;
  throw runtimeErrors.EXW_ERR_CONFIG_INVALID(option, `expected true or false, got ${String(value)}`);
}

function resolveJsonSpaces(value: unknown): number | string | undefined {
  if (value === undefined || value === 0 || value === '') return undefined;
  if ((typeof value === 'number' && Number.isInteger(value) && value > 0) || typeof value === 'string') return value;
  throw runtimeErrors.EXW_ERR_CONFIG_INVALID('jsonSpaces', `expected a non-negative integer or a string, got ${String(value)}`);
}

function resolveAutoOptions(value: unknown): AutoOptionsStyle | null {
  if (value === undefined || value === false) return null;
  if (value === true) return 'express5';
  if (value === 'express4' || value === 'express5') return value;
  throw runtimeErrors.EXW_ERR_CONFIG_INVALID('autoOptions', `expected true, false, 'express4' or 'express5', got ${String(value)}`);
}

function resolveMalformedPath(value: unknown): MalformedPathMode {
  if (value === undefined) return 'reject';
  if (value === 'reject' || value === 'express') return value;
  throw runtimeErrors.EXW_ERR_CONFIG_INVALID('malformedPath', `expected 'reject' or 'express', got ${String(value)}`);
}

export function resolveOptions(options: ServerOptions = {}): ResolvedOptions {
  const headersTimeout = nonNegativeInt(options, 'headersTimeout', 60_000);
  const requestTimeout = nonNegativeInt(options, 'requestTimeout', 300_000);
  if (requestTimeout > 0 && headersTimeout > requestTimeout) {
    throw runtimeErrors.EXW_ERR_CONFIG_INVALID('headersTimeout', `must not exceed requestTimeout (${headersTimeout} > ${requestTimeout})`);
  }
  const queryParser = options.queryParser ?? 'simple';
  if (queryParser !== 'simple' && queryParser !== 'extended' && typeof queryParser !== 'function') {
    throw runtimeErrors.EXW_ERR_CONFIG_INVALID('queryParser', `expected 'simple', 'extended' or a function, got ${String(queryParser)}`);
  }
  const secret = options.cookieSecret;
  const cookieSecrets = secret === undefined ? [] : Array.isArray(secret) ? secret : [secret];
  if (cookieSecrets.some((s) => typeof s !== 'string' || s.length === 0)) {
    throw runtimeErrors.EXW_ERR_CONFIG_INVALID('cookieSecret', 'expected a non-empty string or an array of them');
  }
  return {
    host: options.host,
    port: nonNegativeInt(options, 'port', 3000),
    keepAliveTimeout: nonNegativeInt(options, 'keepAliveTimeout', 5_000),
    headersTimeout,
    requestTimeout,
    maxHeaderSize: nonNegativeInt(options, 'maxHeaderSize', 16_384),
    bodyLimit: parseByteSize(options.bodyLimit ?? 1_048_576, 'bodyLimit'),
    trust: compileTrust(options.trustProxy),
    noDelay: options.noDelay ?? true,
    caseSensitive: options.caseSensitive ?? false,
    ignoreTrailingSlash: options.ignoreTrailingSlash ?? true,
    queryParser,
    cookieSecrets,
    shutdownTimeout: nonNegativeInt(options, 'shutdownTimeout', 10_000),
    sendTimeout: nonNegativeInt(options, 'sendTimeout', 60_000),
    logErrors: options.logErrors ?? true,
    middlewareOrder: resolveMiddlewareOrder(options.middlewareOrder),
    jsonSpaces: resolveJsonSpaces(options.jsonSpaces),
    methodNotAllowed: resolveBoolean(options.methodNotAllowed, 'methodNotAllowed', true),
    autoOptions: resolveAutoOptions(options.autoOptions),
    malformedPath: resolveMalformedPath(options.malformedPath),
  };
}

/**
 * express-rate-limit 7.5's configuration, resolved the way its parseOptions
 * resolves it (undefined options dropped, defaults filled in, `true` for
 * standardHeaders meaning draft-6, `max` and `headers` as old names), so the
 * native counterpart and the library's own middleware apply one
 * configuration. `unsupported` says why an option needs Express's req/res
 * (a custom handler) or is not known to this counterpart: the limiter then
 * keeps the bridged path.
 */

/** What a store returns from increment(): express-rate-limit's ClientRateLimitInfo. */
export interface StoreHit {
  totalHits: number;
  resetTime: Date | undefined;
}

/** The part of express-rate-limit's Store interface the counterpart calls. */
export interface RateLimitStore {
  increment(key: string): Promise<StoreHit> | StoreHit;
  decrement(key: string): Promise<void> | void;
  resetKey(key: string): Promise<void> | void;
  prefix?: string;
  localKeys?: boolean;
}

/** A function option: called with the request and response Express code would get. */
export type RequestFn<T> = (req: any, res: any) => T | Promise<T>;

export interface RateLimitConfig {
  windowMs: number;
  limit: number | RequestFn<number>;
  message: unknown;
  statusCode: number;
  legacyHeaders: boolean;
  standardHeaders: false | 'draft-6' | 'draft-7' | 'draft-8' | string;
  /** The draft-8 quota name; null for the library's default (`<limit>-in-<duration>`). */
  identifier: string | RequestFn<string> | null;
  requestPropertyName: string;
  skipFailedRequests: boolean;
  skipSuccessfulRequests: boolean;
  /** null for the default: status below 400. */
  requestWasSuccessful: RequestFn<boolean> | null;
  /** null when no skip function was given. */
  skip: RequestFn<boolean> | null;
  /** null for the default: req.ip, with its validations. */
  keyGenerator: RequestFn<string> | null;
  passOnStoreError: boolean;
  store: RateLimitStore;
  /** options.validate: true, false, or per-check switches. */
  validate: boolean | Record<string, boolean>;
}

/** Options the counterpart reproduces; any other key keeps the bridged path. */
const KNOWN = new Set([
  'windowMs', 'limit', 'max', 'message', 'statusCode', 'legacyHeaders', 'headers', 'standardHeaders', 'identifier',
  'requestPropertyName', 'skipFailedRequests', 'skipSuccessfulRequests', 'requestWasSuccessful', 'skip',
  'keyGenerator', 'passOnStoreError', 'store', 'validate',
]);

export type ParsedOptions = { config: RateLimitConfig } | { unsupported: string };

/** `store` is the one both paths use: options.store, or the MemoryStore made for them. */
export function parseRateLimitOptions(passed: Record<string, unknown>, store: RateLimitStore): ParsedOptions {
  const given: Record<string, unknown> = {};
  for (const key of Object.keys(passed)) if (passed[key] !== undefined) given[key] = passed[key];
  for (const key of Object.keys(given)) {
    if (key === 'handler') return { unsupported: 'a custom handler answers through Express\'s res' };
    if (!KNOWN.has(key)) return { unsupported: `the option ${key} is not reproduced natively` };
  }
  if (typeof (store as { incr?: unknown }).incr === 'function' && typeof store.increment !== 'function') {
    return { unsupported: 'a legacy store (incr with a callback) is wrapped by express-rate-limit itself' };
  }
  const limit = given.limit ?? passed.max ?? 5;
  if (typeof limit !== 'number' && typeof limit !== 'function') return { unsupported: `limit is a ${typeof limit}` };
  const windowMs = given.windowMs ?? 60_000;
  if (typeof windowMs !== 'number') return { unsupported: `windowMs is a ${typeof windowMs}` };
  const statusCode = given.statusCode ?? 429;
  if (typeof statusCode !== 'number') return { unsupported: `statusCode is a ${typeof statusCode}` };
  let standardHeaders = given.standardHeaders ?? false;
  if (standardHeaders === true) standardHeaders = 'draft-6';
  const requestPropertyName = given.requestPropertyName ?? 'rateLimit';
  if (typeof requestPropertyName !== 'string') return { unsupported: 'requestPropertyName is not a string' };
  const fns = ['skip', 'keyGenerator', 'requestWasSuccessful'] as const;
  for (const name of fns) if (given[name] !== undefined && typeof given[name] !== 'function') return { unsupported: `${name} is not a function` };
  const identifier = given.identifier ?? null;
  if (identifier !== null && typeof identifier !== 'string' && typeof identifier !== 'function') return { unsupported: 'identifier is neither a string nor a function' };
  const validate = given.validate ?? true;
  if (typeof validate !== 'boolean' && (typeof validate !== 'object' || validate === null)) return { unsupported: 'validate is neither a boolean nor an object' };
  return {
    config: {
      windowMs,
      limit: limit as RateLimitConfig['limit'],
      message: 'message' in given ? given.message : 'Too many requests, please try again later.',
      statusCode,
      // The library reads `headers` (the old name) from the options as passed, undefined included.
      legacyHeaders: Boolean(given.legacyHeaders ?? passed.headers ?? true),
      standardHeaders: standardHeaders as RateLimitConfig['standardHeaders'],
      identifier: identifier as RateLimitConfig['identifier'],
      requestPropertyName,
      skipFailedRequests: Boolean(given.skipFailedRequests),
      skipSuccessfulRequests: Boolean(given.skipSuccessfulRequests),
      requestWasSuccessful: (given.requestWasSuccessful as RequestFn<boolean> | undefined) ?? null,
      skip: (given.skip as RequestFn<boolean> | undefined) ?? null,
      keyGenerator: (given.keyGenerator as RequestFn<string> | undefined) ?? null,
      passOnStoreError: Boolean(given.passOnStoreError),
      store,
      validate: validate as RateLimitConfig['validate'],
    },
  };
}

/** The library's default draft-8 quota name: `<limit>-in-<duration>` from windowMs. */
export function defaultIdentifier(limit: number, windowMs: number): string {
  const seconds = windowMs / 1e3;
  const minutes = windowMs / (1e3 * 60);
  const hours = windowMs / (1e3 * 60 * 60);
  const days = windowMs / (1e3 * 60 * 60 * 24);
  let duration: string;
  if (seconds < 60) duration = `${seconds}sec`;
  else if (minutes < 60) duration = `${minutes}min`;
  else if (hours < 24) duration = `${hours}hr${hours > 1 ? 's' : ''}`;
  else duration = `${days}day${days > 1 ? 's' : ''}`;
  return `${limit}-in-${duration}`;
}

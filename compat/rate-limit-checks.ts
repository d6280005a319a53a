/**
 * express-rate-limit's request-time validations (ERR_ERL_*, WRN_ERL_*):
 * one-time console messages for a misconfiguration, switched by
 * options.validate, all turned off after the first request a limiter
 * counts. Same codes, messages, help links and console method; the stack
 * printed with them is this module's, not the library's.
 *
 * 'trust proxy' is the setting the bridged path shows the library: compat's
 * private app, whose 'trust proxy' is the runtime's compiled trustProxy
 * function (never `true`) or unset (false).
 */
import { isIP } from 'node:net';
import type { RateLimitStore } from './rate-limit-options.js';

const DRAFTS = ['draft-6', 'draft-7', 'draft-8'];

class ValidationError extends Error {
  code: string;
  help: string;
  constructor(code: string, message: string) {
    const url = `https://express-rate-limit.github.io/${code}/`;
    super(`${message} See ${url} for more information.`);
    this.name = this.constructor.name;
    this.code = code;
    this.help = url;
  }
}

class ChangeWarning extends ValidationError {}

/** Keys each request has counted, per store: the library's ERR_ERL_DOUBLE_COUNT check. */
const countedKeys = new WeakMap<object, Map<unknown, string[]>>();

export class FirstRequestChecks {
  private done = false;
  constructor(private readonly validate: boolean | Record<string, boolean>) {}

  /** After the first counted request, as the library's validations.disable(). */
  finish(): void {
    this.done = true;
  }

  ip(ip: string | undefined): void {
    if (!this.on('ip')) return;
    if (ip === undefined) {
      this.error('ERR_ERL_UNDEFINED_IP_ADDRESS', "An undefined 'request.ip' was detected. This might indicate a misconfiguration or the connection being destroyed prematurely.");
    } else if (!isIP(ip)) {
      this.error('ERR_ERL_INVALID_IP_ADDRESS', `An invalid 'request.ip' (${ip}) was detected. Consider passing a custom 'keyGenerator' function to the rate limiter.`);
    }
  }

  xForwardedForHeader(forwardedFor: unknown, trusted: boolean): void {
    if (!this.on('xForwardedForHeader') || !forwardedFor || trusted) return;
    this.error('ERR_ERL_UNEXPECTED_X_FORWARDED_FOR', "The 'X-Forwarded-For' header is set but the Express 'trust proxy' setting is false (default). This could indicate a misconfiguration which would prevent express-rate-limit from accurately identifying users.");
  }

  positiveHits(hits: unknown): void {
    if (!this.on('positiveHits')) return;
    if (typeof hits !== 'number' || hits < 1 || hits !== Math.round(hits)) {
      this.error('ERR_ERL_INVALID_HITS', `The totalHits value returned from the store must be a positive integer, got ${hits}`);
    }
  }

  singleCount(req: object, store: RateLimitStore, key: string): void {
    if (!this.on('singleCount')) return;
    let byStore = countedKeys.get(req);
    if (!byStore) countedKeys.set(req, (byStore = new Map()));
    const storeKey = store.localKeys ? store : store.constructor.name;
    let keys = byStore.get(storeKey);
    if (!keys) byStore.set(storeKey, (keys = []));
    const prefixed = `${store.prefix ?? ''}${key}`;
    if (keys.includes(prefixed)) {
      this.error('ERR_ERL_DOUBLE_COUNT', `The hit count for ${key} was incremented more than once for a single request.`);
      return;
    }
    keys.push(prefixed);
  }

  limit(limit: number): void {
    if (!this.on('limit') || limit !== 0) return;
    console.warn(new ChangeWarning('WRN_ERL_MAX_ZERO', 'Setting limit or max to 0 disables rate limiting in express-rate-limit v6 and older, but will cause all requests to be blocked in v7'));
  }

  headersResetTime(resetTime: Date | undefined): void {
    if (!this.on('headersResetTime') || resetTime) return;
    this.error('ERR_ERL_HEADERS_NO_RESET', "standardHeaders:  'draft-7' requires a 'resetTime', but the store did not provide one. The 'windowMs' value will be used instead, which may cause clients to wait longer than necessary.");
  }

  headersDraftVersion(version: unknown): void {
    if (!this.on('headersDraftVersion')) return;
    if (typeof version !== 'string' || !DRAFTS.includes(version)) {
      this.error('ERR_ERL_HEADERS_UNSUPPORTED_DRAFT_VERSION', `standardHeaders: only the following versions of the IETF draft specification are supported: ${DRAFTS.join(', ')}.`);
    }
  }

  private on(name: string): boolean {
    if (this.done) return false;
    const v = this.validate;
    return typeof v === 'boolean' ? v : v[name] ?? v.default ?? true;
  }

  private error(code: string, message: string): void {
    console.error(new ValidationError(code, message));
  }
}

/**
 * The rate-limit headers express-rate-limit 7.5 sets, with the same names,
 * values and order, on the raw response (where the library's res.setHeader
 * lands through fromExpress too). Only res.append (draft-8) is Express's:
 * it is reproduced here as Express 4 and 5 both do it.
 */
import { createHash } from 'node:crypto';
import type { ServerResponse } from 'node:http';

export interface RateLimitInfo {
  limit: number;
  used: number;
  remaining: number;
  resetTime: Date | undefined;
}

export function resetSeconds(resetTime: Date | undefined, windowMs?: number): number | undefined {
  if (resetTime) return Math.max(0, Math.ceil((resetTime.getTime() - Date.now()) / 1e3));
  if (windowMs) return Math.ceil(windowMs / 1e3);
  return undefined;
}

export function setLegacyHeaders(res: ServerResponse, info: RateLimitInfo): void {
  if (res.headersSent) return;
  res.setHeader('X-RateLimit-Limit', info.limit.toString());
  res.setHeader('X-RateLimit-Remaining', info.remaining.toString());
  if (info.resetTime instanceof Date) {
    res.setHeader('Date', new Date().toUTCString());
    res.setHeader('X-RateLimit-Reset', Math.ceil(info.resetTime.getTime() / 1e3).toString());
  }
}

export function setDraft6Headers(res: ServerResponse, info: RateLimitInfo, windowMs: number): void {
  if (res.headersSent) return;
  const reset = resetSeconds(info.resetTime);
  res.setHeader('RateLimit-Policy', `${info.limit};w=${Math.ceil(windowMs / 1e3)}`);
  res.setHeader('RateLimit-Limit', info.limit.toString());
  res.setHeader('RateLimit-Remaining', info.remaining.toString());
  if (reset) res.setHeader('RateLimit-Reset', reset.toString());
}

export function setDraft7Headers(res: ServerResponse, info: RateLimitInfo, windowMs: number): void {
  if (res.headersSent) return;
  const reset = resetSeconds(info.resetTime, windowMs);
  res.setHeader('RateLimit-Policy', `${info.limit};w=${Math.ceil(windowMs / 1e3)}`);
  res.setHeader('RateLimit', `limit=${info.limit}, remaining=${info.remaining}, reset=${reset}`);
}

export function setDraft8Headers(res: ServerResponse, info: RateLimitInfo, windowMs: number, name: string, key: string): void {
  if (res.headersSent) return;
  const reset = resetSeconds(info.resetTime, windowMs);
  const policy = `q=${info.limit}; w=${Math.ceil(windowMs / 1e3)}; pk=:${partitionKey(key)}:`;
  appendHeader(res, 'RateLimit-Policy', `"${name}"; ${policy}`);
  appendHeader(res, 'RateLimit', `"${name}"; r=${info.remaining}; t=${reset}`);
}

export function setRetryAfterHeader(res: ServerResponse, info: RateLimitInfo, windowMs: number): void {
  if (res.headersSent) return;
  // Throws when there is neither a reset time nor a window, as the library does (a 500 through the panic hooks).
  res.setHeader('Retry-After', resetSeconds(info.resetTime, windowMs)!.toString());
}

/** The library's partition key: base64 of the first 12 hex digits of the key's SHA-256. */
function partitionKey(key: string): string {
  const hex = createHash('sha256').update(key).digest('hex').slice(0, 12);
  return Buffer.from(hex).toString('base64');
}

/** Express's res.append(field, value) with a string value: a second value makes an array. */
function appendHeader(res: ServerResponse, name: string, value: string): void {
  const prev = res.getHeader(name);
  if (prev === undefined || prev === '' || prev === 0) {
    res.setHeader(name, value);
    return;
  }
  res.setHeader(name, Array.isArray(prev) ? prev.concat(value) : [String(prev), value]);
}

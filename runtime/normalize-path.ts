/**
 * The one place a request path is normalised. Routing and path-scoped
 * middleware both use its result, so `//admin`, `/%61dmin`, `/ADMIN` (when
 * case-insensitive) and `/admin/` cannot reach an `/admin` route while
 * skipping `/admin` middleware. This is a security boundary: keep it single.
 *
 * - percent-encoding is decoded exactly once; `%2F` and `%25` stay encoded
 *   so a decoded slash never creates a segment and nothing decodes twice
 *   (route params are fully decoded after matching: decodeParam);
 * - malformed encodings and NUL answer 400; with `keepMalformed` (the
 *   malformedPath option) a segment that cannot be decoded is kept as sent
 *   instead, as Express routes the raw path (NUL still answers 400);
 * - duplicate slashes collapse, `.` and `..` resolve, never above the root;
 * - a trailing slash is kept (routing drops it when ignoreTrailingSlash).
 */
import { runtimeErrors } from './codes.js';

const SLASH = 47;
const DOT = 46;
const PERCENT = 37;

/** Splits the request target at '?': the raw path part. */
export function rawPathOf(url: string): string {
  const q = url.indexOf('?');
  return q === -1 ? url : url.slice(0, q);
}

/** The raw query string after '?', without it ('' when none). */
export function rawSearchOf(url: string): string {
  const q = url.indexOf('?');
  return q === -1 ? '' : url.slice(q + 1);
}

/**
 * Normalises a raw request path (the part before '?'). Throws a coded 400
 * error for input that cannot be a safe path.
 */
export function normalizePath(raw: string, keepMalformed = false): string {
  if (raw.charCodeAt(0) !== SLASH) {
    // `OPTIONS *` (asterisk-form) is legal; no route can match it, so it answers 404.
    if (raw === '*') return raw;
    raw = originFormOf(raw);
  }
  // Most paths are already clean: one scan, no allocation.
  if (isClean(raw)) return raw;
  return resolveSegments(decodeOnce(raw, keepMalformed));
}

/** Path used to look up routes: the normalised path, trailing slash dropped when asked. */
export function routingPath(path: string, ignoreTrailingSlash: boolean): string {
  return ignoreTrailingSlash && path.length > 1 && path.charCodeAt(path.length - 1) === SLASH ? path.slice(0, -1) : path;
}

/** Route params come from the normalised path, where only %2F and %25 are still encoded. */
export function decodeParam(value: string): string {
  return value.indexOf('%') === -1 ? value : value.replace(/%2F/g, '/').replace(/%25/g, '%');
}

/**
 * A param value holding a segment normalizePath kept as sent (keepMalformed):
 * a decoded segment has no '%' left but the %2F and %25 it re-escaped, and a
 * segment that failed to decode always holds another one.
 */
export function holdsMalformedSegment(value: string): boolean {
  return /%(?!2F|25)/.test(value);
}

function originFormOf(raw: string): string {
  // Absolute-form targets (`GET http://host/path`) are legal HTTP/1.1 (proxies send them).
  const match = /^[a-z][a-z0-9+.-]*:\/\/[^/]*/i.exec(raw);
  if (match) return raw.slice(match[0].length) || '/';
  throw runtimeErrors.EXW_ERR_PATH_INVALID(JSON.stringify(raw.slice(0, 100)));
}

function isClean(path: string): boolean {
  let prev = 0;
  for (let i = 0; i < path.length; i++) {
    const c = path.charCodeAt(i);
    if (c === PERCENT || c === 0) return false;
    if (prev === SLASH && (c === SLASH || c === DOT)) return false;
    prev = c;
  }
  return true;
}

function decodeOnce(path: string, keepMalformed: boolean): string {
  if (path.indexOf('%') === -1) {
    if (path.indexOf('\0') !== -1) throw runtimeErrors.EXW_ERR_PATH_NUL();
    return path;
  }
  let decoded = decodeGuarded(path);
  if (decoded === null) {
    if (!keepMalformed) throw runtimeErrors.EXW_ERR_PATH_MALFORMED(JSON.stringify(path.slice(0, 100)));
    decoded = path.split('/').map((segment) => decodeGuarded(segment) ?? segment).join('/');
  }
  if (decoded.indexOf('\0') !== -1) throw runtimeErrors.EXW_ERR_PATH_NUL();
  return decoded;
}

/** Decodes every escape but %2F and %25, or null when the encoding is malformed. */
function decodeGuarded(text: string): string | null {
  if (/%(?![0-9a-fA-F]{2})/.test(text)) return null;
  // Re-escape %2F and %25 so decodeURIComponent leaves them as (upper-case) escapes.
  const guarded = text.replace(/%(2f|25)/gi, (m) => `%25${m.slice(1).toUpperCase()}`);
  try {
    return decodeURIComponent(guarded);
  } catch {
    return null;
  }
}

function resolveSegments(path: string): string {
  const parts = path.split('/');
  const out: string[] = [];
  let trailing = false;
  for (let i = 1; i < parts.length; i++) {
    const seg = parts[i]!;
    const last = i === parts.length - 1;
    if (seg === '' || seg === '.') {
      if (last) trailing = true;
      continue;
    }
    if (seg === '..') {
      out.pop();
      if (last) trailing = true;
      continue;
    }
    out.push(seg);
  }
  if (out.length === 0) return '/';
  return '/' + out.join('/') + (trailing ? '/' : '');
}

/**
 * Maps a request path to the URL-encoded path `send` expects, refusing
 * anything that could name a file outside the root. This is a security
 * boundary, so it does not rely on the path having been cleaned before:
 * `send` checks again on its side (root join, `..` test, NUL test).
 *
 * The runtime's `ctx.path` is decoded exactly once, with `%2F` and `%25` kept
 * as escapes so that nothing is ever decoded twice (normalize-path.ts). Each
 * segment is turned back into its real name here and re-encoded, so `send`'s
 * own decodeURIComponent sees exactly one layer of encoding: `%252e%252e`
 * stays the literal name `%2e%2e`, never `..`.
 */

const ESCAPED = /%2F|%25/g;

/**
 * Strips `prefix` (segment aware, case-insensitive like the router's
 * default) and returns the remaining path, '' when the path is the prefix
 * itself, or null when the path is not under the prefix.
 */
export function stripPrefix(path: string, prefix: string): string | null {
  if (prefix === '' || prefix === '/') return path;
  const head = path.slice(0, prefix.length);
  if (head.toLowerCase() !== prefix.toLowerCase()) return null;
  const rest = path.slice(prefix.length);
  if (rest === '' || rest.charCodeAt(0) === 47) return rest;
  return null;
}

/** Normalises a `prefix` option: leading slash, no trailing slash ('' for the root). */
export function normalizePrefix(prefix: string): string {
  const trimmed = prefix.replace(/\/+$/, '');
  if (trimmed === '') return '';
  return trimmed.charCodeAt(0) === 47 ? trimmed : '/' + trimmed;
}

/**
 * The URL-encoded relative path for `send`, or null when the path must not
 * be served: a `.` or `..` segment, a backslash (a separator on Windows and
 * in `send`'s own traversal test), a NUL byte, or an encoded slash inside a
 * segment (a file name cannot contain '/').
 */
export function toSendPath(path: string): string | null {
  if (path === '') return '';
  const segments = path.split('/');
  const encoded: string[] = [];
  for (const segment of segments) {
    const name = segment.replace(ESCAPED, (m) => (m === '%2F' ? '/' : '%'));
    if (name === '.' || name === '..') return null;
    if (name.includes('/') || name.includes('\\') || name.includes('\0')) return null;
    encoded.push(encodeURIComponent(name));
  }
  return encoded.join('/');
}

/** Encodes a file-system path (not a URL) for `send`, which decodes what it is given. */
export function encodeFilePath(path: string): string {
  return path.split('/').map(encodeURIComponent).join('/');
}

/**
 * `app.use(path, mw)` without building an Express Router per bridge: for a
 * literal mount path the prefix match, the req.url stripping and the
 * req.baseUrl of Express's router (express 4 lib/router trim_prefix, router
 * 2 for Express 5: case-insensitive, a segment boundary after the prefix,
 * a leading '/' added when nothing is left) are a few string operations.
 * A path with parameters or patterns keeps Express's Router.
 */

/** Letters, digits and - . _ ~ between slashes: the same literal text for path-to-regexp 0.1 and 8. */
const LITERAL = /^(?:\/[A-Za-z0-9\-._~]+)+\/?$/;

/** The mount path as matched (lowercase, no trailing slash; '' for '/'), or null when Express's Router must apply it. */
export function literalMount(path: string): string | null {
  if (path === '/') return '';
  if (!LITERAL.test(path)) return null;
  return (path.endsWith('/') ? path.slice(0, -1) : path).toLowerCase();
}

/** Length of the request path prefix the mount matches in `url` (origin-form), or -1 when the request is not under it. */
export function matchMount(url: string, mount: string): number {
  const length = mount.length;
  if (length === 0) return 0;
  const q = url.indexOf('?');
  const pathEnd = q === -1 ? url.length : q;
  if (pathEnd < length || url.slice(0, length).toLowerCase() !== mount) return -1;
  return length === pathEnd || url.charCodeAt(length) === 47 /* '/' */ ? length : -1;
}

/**
 * One normalisation for routing and for mount matching (GHSA-3wf5-7852-vcfq:
 * @fastify/express matched middleware prefixes on a different path than the
 * router did, so `//admin`, `/%61dmin` or `/admin;x` skipped auth).
 *
 * Express code behind the runtime sees the path the runtime routed on,
 * re-encoded as a canonical request target; the runtime behind Express
 * (toExpress) serves only requests whose target already is canonical, so
 * Express's own prefix matching and the runtime's routing cannot disagree.
 */
import { normalizePath } from '../runtime/index.js';

/** Characters a path may carry unencoded (RFC 3986 pchar and '/'); '%' only starts the escapes left by normalizePath. */
const NEEDS_ENCODING = /[^A-Za-z0-9\-._~!$&'()*+,;=:@/%]+/gu;

/** Percent-encodes a normalised path (only %2F and %25 are still escaped in it). */
export function encodePath(path: string): string {
  NEEDS_ENCODING.lastIndex = 0;
  return NEEDS_ENCODING.test(path) ? path.replace(NEEDS_ENCODING, encodeURIComponent) : path;
}

/** The request target with its path replaced by the normalised `path` (query kept); `url` itself when nothing changes. */
export function canonicalUrl(url: string, path: string): string {
  const q = url.indexOf('?');
  const raw = q === -1 ? url : url.slice(0, q);
  if (raw === path) return url;
  const encoded = encodePath(path);
  if (encoded === raw) return url;
  return q === -1 ? encoded : encoded + url.slice(q);
}

/** True when the raw path of `url` is already what normalisation and canonical encoding give (escapes compared case-insensitively). */
export function isCanonical(url: string): boolean {
  const q = url.indexOf('?');
  const raw = q === -1 ? url : url.slice(0, q);
  let normal: string;
  try {
    normal = normalizePath(raw);
  } catch {
    return false;
  }
  if (normal === raw) return true;
  return encodePath(normal) === raw.replace(/%[0-9a-f]{2}/gi, (m) => m.toUpperCase());
}

/**
 * The fast path of `serveStatic`: answers the common requests exactly as
 * `send` would, without `send`'s per-request machinery, and hands every
 * other request to `send` (static.ts) by returning null.
 *
 * Where the time went (CPU profiles of fixtures/middleware-stack): every
 * request crossing express.static — a file or not — cost a `send` stream,
 * a threadpool `stat` (an ENOENT error object for the requests that fall
 * through to routes), and for a file an open, read and close plus a
 * Writable pipe. Here:
 *
 * - the path is resolved once per distinct request path, with the same
 *   steps as `send`'s pipe() (decode, NUL, normalize, `..`, dotfiles, index);
 * - a path seen in the last HOT_MS is stat'ed synchronously: the kernel has
 *   just looked it up, so the syscall is a few µs, against 40-120 µs of CPU
 *   for a threadpool round trip. A path not seen recently goes through
 *   `send` (async stat), so a cold or slow disk never blocks the event loop;
 * - a small regular file is answered from an in-memory copy
 *   (static-cache.ts), keyed by dev, inode, size, mtime and ctime, checked
 *   against that stat on every request, so a changed file is seen on the
 *   next request as `send` sees it;
 * - the headers are set in `send`'s order with `send`'s own helpers (etag,
 *   fresh, mime-types, loaded from where `send` loads them), on the same
 *   DeferredHeadResponse `send` writes to, so setHeaders and builder
 *   headers behave the same.
 *
 * Handed to `send`: Range, If-Match and If-Unmodified-Since requests,
 * directories (redirects), extension fallbacks, errors other than "not
 * found", files not cached (yet), and anything `send` would refuse.
 */
import type { Stats } from 'node:fs';
import { statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { extname, join, normalize, resolve, sep } from 'node:path';
import type send from 'send';
import { FileCache, type CachedFile } from './static-cache.js';
import { DeferredHeadResponse, type FileHost } from './static-response.js';

/** A path stat'ed within this window is stat'ed synchronously (see above). */
const HOT_MS = 30_000;
/** Distinct request paths remembered per serveStatic (oldest forgotten first). */
const MAX_PATHS = 4096;
/** send's `Range` test: only these requests are range requests. */
const BYTES_RANGE_REGEXP = /^ *bytes=/;
/** send's traversal test, applied to the normalised path. */
const UP_PATH_REGEXP = /(?:^|[\\/])\.\.(?:[\\/]|$)/;
/** send's MAX_MAXAGE: one year. */
const MAX_MAXAGE = 60 * 60 * 24 * 365 * 1000;

export type FastOutcome = { kind: 'served' } | { kind: 'missing'; status: number };

const MISSING: FastOutcome = { kind: 'missing', status: 404 };

/** Where a request path points, as send's pipe() computes it. */
interface Resolution {
  /** The file path, or the directory whose index files are tried. */
  path: string;
  index: boolean;
  seenAt: number;
}

interface SendHelpers {
  etag: (stat: Stats) => string;
  fresh: (reqHeaders: object, resHeaders: object) => boolean;
  contentType: (ext: string) => string | false;
  ms: (value: string) => number;
}

let helpers: SendHelpers | undefined;
/** The helpers `send` itself requires, resolved from send's own location (its versions, not ours). */
function sendHelpers(): SendHelpers {
  if (helpers === undefined) {
    const fromSend = createRequire(createRequire(import.meta.url).resolve('send'));
    const mime = fromSend('mime-types') as { contentType(ext: string): string | false };
    helpers = {
      etag: fromSend('etag') as SendHelpers['etag'],
      fresh: fromSend('fresh') as SendHelpers['fresh'],
      contentType: (ext) => mime.contentType(ext),
      ms: fromSend('ms') as SendHelpers['ms'],
    };
  }
  return helpers;
}

export type SetHeaders = (res: DeferredHeadResponse, path: string, stat: Stats) => void;

export class StaticFastPath {
  /** null: no `root` option (res.sendFile with an absolute path), send's other branch. */
  private readonly root: string | null;
  private readonly index: string[];
  private readonly extensions: number;
  private readonly dotfiles: string;
  private readonly acceptRanges: boolean;
  /** send's Cache-Control value, made on the first answer (send's helpers load only once a file is served); null: none. */
  private cacheControl: string | null | undefined;
  private readonly lastModified: boolean;
  private readonly etag: boolean;
  private readonly paths = new Map<string, Resolution>();
  private readonly files: FileCache;

  constructor(private readonly options: send.SendOptions, private readonly setHeaders: SetHeaders | undefined, files = new FileCache()) {
    // The same defaults and normalisation as send's constructor.
    this.root = options.root ? resolve(options.root) : null;
    this.index = options.index === undefined ? ['index.html'] : listOf(options.index);
    this.extensions = options.extensions === undefined ? 0 : listOf(options.extensions).length;
    this.dotfiles = options.dotfiles ?? 'ignore';
    this.acceptRanges = options.acceptRanges !== undefined ? Boolean(options.acceptRanges) : true;
    this.lastModified = options.lastModified !== undefined ? Boolean(options.lastModified) : true;
    this.etag = options.etag !== undefined ? Boolean(options.etag) : true;
    if (options.cacheControl !== undefined && !options.cacheControl) this.cacheControl = null;
    this.files = files;
  }

  /**
   * Answers `sendPath` (the URL-encoded path handed to send) when it can:
   * 'served' once the response is written, 'missing' (404) when send would
   * find nothing, null to let `send` handle the request. `setHeaders`, when
   * given, replaces the constructor's for this request (ctx.file's headers
   * and Content-Disposition differ per call).
   */
  tryServe(host: FileHost, sendPath: string, setHeaders = this.setHeaders): FastOutcome | Promise<FastOutcome> | null {
    const resolution = this.hotResolution(sendPath);
    if (resolution === null) return null;
    if (resolution.index) return this.tryIndex(host, resolution.path, setHeaders);
    const found = statQuietly(resolution.path);
    if (found === 'error' || found === 'directory') return null;
    if (found === 'missing') {
      // send tries `extensions` for an extension-less missing path: leave that to it.
      return this.extensions > 0 && extname(resolution.path) === '' ? null : MISSING;
    }
    return this.tryFile(host, resolution.path, found, setHeaders);
  }

  /** send's sendIndex: the first index file that is a file; 404 when none is (other errors: send's 500). */
  private tryIndex(host: FileHost, dir: string, setHeaders: SetHeaders | undefined): FastOutcome | Promise<FastOutcome> | null {
    for (const name of this.index) {
      const path = join(dir, name);
      const found = statQuietly(path);
      if (found === 'error') return null;
      if (found === 'missing' || found === 'directory') continue;
      return this.tryFile(host, path, found, setHeaders);
    }
    return MISSING;
  }

  /** The resolution of a path seen within HOT_MS; null (and remembered) when it was not. */
  private hotResolution(sendPath: string): Resolution | null {
    const now = Date.now();
    const known = this.paths.get(sendPath);
    if (known !== undefined) {
      const hot = now - known.seenAt <= HOT_MS;
      known.seenAt = now;
      return hot ? known : null;
    }
    const resolution = this.resolve(sendPath, now);
    if (resolution !== null) {
      if (this.paths.size >= MAX_PATHS) this.paths.delete(this.paths.keys().next().value!);
      this.paths.set(sendPath, resolution);
    }
    return null; // first sight: send answers (an async stat), the next request takes the fast path
  }

  /**
   * send's pipe(), up to the stat: null when send would answer without
   * touching the disk (400, 403, dotfiles) or for what is left to it
   * (an index-less directory path).
   */
  private resolve(sendPath: string, now: number): Resolution | null {
    let path: string;
    try {
      path = decodeURIComponent(sendPath);
    } catch {
      return null;
    }
    if (path.includes('\0')) return null;
    let parts: string[];
    let full: string;
    if (this.root !== null) {
      if (path) path = normalize('.' + sep + path);
      if (UP_PATH_REGEXP.test(path)) return null;
      parts = path.split(sep);
      full = normalize(join(this.root, path));
    } else {
      // send without a root: `..` is refused before normalising, the dotfile test sees the whole normalised path.
      if (UP_PATH_REGEXP.test(path)) return null;
      parts = normalize(path).split(sep);
      full = resolve(path);
    }
    if (this.dotfiles !== 'allow' && containsDotFile(parts)) return null;
    const trailingSlash = sendPath[sendPath.length - 1] === '/';
    if (trailingSlash && this.index.length === 0) return null;
    return { path: full, index: trailingSlash, seenAt: now };
  }

  /** A regular file: from memory when the copy matches this stat, else send (and fill the copy). */
  private tryFile(host: FileHost, path: string, stat: Stats, setHeaders: SetHeaders | undefined): Promise<FastOutcome> | null {
    const headers = host.req.headers;
    // A FIFO or device: send streams it; reading it into memory could block a threadpool thread.
    if (!stat.isFile() || host.res.headersSent) return null;
    if (headers['if-match'] || headers['if-unmodified-since']) return null;
    if (this.acceptRanges && headers.range !== undefined && BYTES_RANGE_REGEXP.test(headers.range)) return null;
    const file = this.files.lookup(path, stat);
    if (file === undefined) {
      this.files.fill(path, stat, sendHelpers());
      return null;
    }
    return this.answer(host, path, stat, file, setHeaders);
  }

  /** send's send(), for a whole file, a HEAD or a 304, with the same header order. */
  private async answer(host: FileHost, path: string, stat: Stats, file: CachedFile, setHeaders: SetHeaders | undefined): Promise<FastOutcome> {
    const out = new DeferredHeadResponse(host);
    setHeaders?.(out, path, stat); // send's 'headers' event
    if (this.acceptRanges && !out.getHeader('Accept-Ranges')) out.setHeader('Accept-Ranges', 'bytes');
    if (this.cacheControl === undefined) this.cacheControl = `public, max-age=${Math.floor(maxAgeOf(this.options) / 1000)}${this.options.immutable ? ', immutable' : ''}`;
    if (this.cacheControl !== null && !out.getHeader('Cache-Control')) out.setHeader('Cache-Control', this.cacheControl);
    if (this.lastModified && !out.getHeader('Last-Modified')) out.setHeader('Last-Modified', file.lastModified);
    if (this.etag && !out.getHeader('ETag')) out.setHeader('ETag', file.etag);
    if (!out.getHeader('Content-Type')) out.setHeader('Content-Type', file.contentType);
    const req = host.req;
    if ((req.headers['if-none-match'] || req.headers['if-modified-since']) && isCachable(out.statusCode) && isFresh(req, out)) {
      for (const name of CONTENT_HEADERS) out.removeHeader(name);
      out.statusCode = 304;
      await finish(host, out, undefined);
      return SERVED;
    }
    out.setHeader('Content-Length', file.body.length);
    await finish(host, out, req.method === 'HEAD' ? undefined : file.body);
    return SERVED;
  }
}

const SERVED: FastOutcome = { kind: 'served' };
/** send's removeContentHeaderFields, for a 304. */
const CONTENT_HEADERS = ['Content-Encoding', 'Content-Language', 'Content-Length', 'Content-Range', 'Content-Type'];

function isCachable(status: number): boolean {
  return (status >= 200 && status < 300) || status === 304;
}

function isFresh(req: FileHost['req'], out: DeferredHeadResponse): boolean {
  return sendHelpers().fresh(req.headers, { etag: out.getHeader('ETag'), 'last-modified': out.getHeader('Last-Modified') });
}

/** Commits the head through the builder (response middleware run), writes the body, resolves when the response is done. */
async function finish(host: FileHost, out: DeferredHeadResponse, body: Buffer | undefined): Promise<void> {
  await out.commit();
  const res = host.res;
  if (res.writableFinished || res.destroyed) return;
  await new Promise<void>((done) => {
    res.once('finish', done);
    res.once('close', done);
    if (body === undefined) res.end();
    else res.end(body);
  });
}

type Found = Stats | 'missing' | 'directory' | 'error';

/** stat(2) as send does it (following links); the three codes send answers 404 for are 'missing'. */
function statQuietly(path: string): Found {
  try {
    const stat = statSync(path, { throwIfNoEntry: false });
    if (stat === undefined) return 'missing';
    if (stat.isDirectory()) return 'directory';
    return stat;
  } catch (err) {
    const code = (err as { code?: string }).code;
    return code === 'ENAMETOOLONG' || code === 'ENOTDIR' ? 'missing' : 'error';
  }
}

/** send's normalizeList (send itself throws for entries that are not strings, before any of this runs). */
function listOf(value: string | string[] | boolean): string[] {
  return value ? ([] as unknown[]).concat(value).map(String) : [];
}

/** send's containsDotFile: a segment longer than one character starting with '.'. */
function containsDotFile(parts: string[]): boolean {
  for (const part of parts) if (part.length > 1 && part[0] === '.') return true;
  return false;
}

/** send's maxAge: ms string or number, clamped to [0, one year], NaN as 0. */
function maxAgeOf(options: send.SendOptions): number {
  // `||` and the global isNaN, as send: 0 falls back to `maxage`, an unparsable string (undefined) is 0.
  const raw = options.maxAge || (options as { maxage?: number | string }).maxage;
  const value = typeof raw === 'string' ? sendHelpers().ms(raw) : Number(raw);
  return isNaN(value) ? 0 : Math.min(Math.max(0, value), MAX_MAXAGE);
}

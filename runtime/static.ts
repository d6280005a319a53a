/**
 * Static files: `serveStatic(root, opts)` (request middleware, like
 * express.static) and `sendFile(ctx, path, opts)` (behind `ctx.file()`, and
 * the translation of res.sendFile / res.download).
 *
 * The file logic — ETag, Last-Modified, conditional GET (304/412), Range
 * (206/416), index files, dotfiles, MIME types, traversal checks — is the
 * `send` package, the one express.static uses, so migrated apps answer the
 * same bytes and headers. What this module adds:
 *
 * - the head goes out through `ctx.commitHead()`, so response middleware
 *   still see and change status and headers (static-response.ts explains how);
 * - the request path is mapped to a file path with a second, independent
 *   traversal check (static-path.ts);
 * - "no such file" leaves the pipeline alone instead of answering, so routes
 *   registered after the middleware still run (`fallthrough`);
 * - serveStatic answers paths it has seen recently, and small files from an
 *   in-memory copy checked against a stat on every request, without `send`'s
 *   per-request machinery, as `send` would (static-fast.ts, static-cache.ts).
 */
import type { Stats } from 'node:fs';
import type { OutgoingHttpHeader } from 'node:http';
import { STATUS_CODES } from 'node:http';
import type { Readable } from 'node:stream';
import { basename, isAbsolute, normalize, sep } from 'node:path';
import type send from 'send';
import { defineErrors } from './errors.js';
import { DeferredHeadResponse, type FileHost } from './static-response.js';
import { encodeFilePath, normalizePrefix, stripPrefix, toSendPath } from './static-path.js';
import { escapeHtml } from './html-escape.js';
import { StaticFastPath } from './static-fast.js';
import { trySendFileFast } from './send-file-fast.js';

export type { FileHost } from './static-response.js';

export const staticErrors = defineErrors({
  EXW_ERR_STATIC_ROOT_REQUIRED: {
    message: 'serveStatic(root) needs a directory path string, got %s',
  },
  EXW_ERR_STATIC_INVALID_OPTION: {
    message: 'Invalid static option %s: %s',
  },
  EXW_ERR_STATIC_PATH_NOT_ABSOLUTE: {
    message: 'sendFile needs an absolute path or a `root` option, got %s',
  },
  EXW_ERR_STATIC_NOT_FOUND: {
    message: 'File not found: %s',
    status: 404,
  },
  EXW_ERR_STATIC_FORBIDDEN: {
    message: 'Refusing to send %s (a dotfile, or a path leaving the root)',
    status: 403,
  },
  EXW_ERR_STATIC_BAD_PATH: {
    message: 'Malformed file path: %s',
    status: 400,
  },
});

/** The part of the Context `serveStatic` needs. */
export interface StaticHost extends FileHost {
  method: string;
  /** Normalised path, decoded once with `%2F` and `%25` kept escaped (as `ctx.path`). */
  path: string;
  abort(): void;
}

/** Headers view handed to `setHeaders`, with the same methods as a node ServerResponse. */
export interface StaticHeaders {
  setHeader(name: string, value: OutgoingHttpHeader): unknown;
  getHeader(name: string): OutgoingHttpHeader | undefined;
  removeHeader(name: string): void;
}

export interface ServeStaticOptions {
  /** Path prefix to strip before looking up files, e.g. '/static'. Default '' (the whole path maps to `root`). */
  prefix?: string;
  /** Directory index file(s); false disables. Default 'index.html'. */
  index?: string | string[] | false;
  /** 'deny' (default): never served; 'ignore': as if absent; 'allow': served. */
  dotfiles?: 'deny' | 'ignore' | 'allow';
  /** Default true. */
  etag?: boolean;
  /** Default true. */
  lastModified?: boolean;
  /** Cache-Control max-age, in ms or an `ms` string ('1d'). Default 0. */
  maxAge?: number | string;
  /** Adds `immutable` to Cache-Control. Default false. */
  immutable?: boolean;
  /** Default true. False: no Cache-Control header at all. */
  cacheControl?: boolean;
  /** Default true. False: Range is ignored and no Accept-Ranges is sent. */
  acceptRanges?: boolean;
  /** Extensions tried when the file has none, e.g. ['html']. Default none. */
  extensions?: string[] | false;
  /**
   * True (default): a missing, refused or non-GET/HEAD request leaves the
   * pipeline to continue. False: answer 404/403/400, and 405 for other methods.
   */
  fallthrough?: boolean;
  /** Redirect a directory without trailing slash to the same path with one (301). Default true. */
  redirect?: boolean;
  /** Called before send sets its own headers for a file; headers set here win over send's. */
  setHeaders?(res: StaticHeaders, path: string, stat: Stats): void;
}

export interface SendFileOptions {
  /** Directory the path is relative to; the path cannot leave it. */
  root?: string;
  /** Extra response headers (Content-Type here replaces the one from the extension). */
  headers?: Record<string, OutgoingHttpHeader>;
  /**
   * Default 'ignore' (as Express 5's res.sendFile): a path with a dot segment answers as missing.
   * 'express4': Express 4's res.sendFile without the option (send 0.x): only a final segment starting
   * with a dot is ignored; dot directories on the way (`/home/me/.app/file.txt`) are served.
   */
  dotfiles?: 'deny' | 'ignore' | 'allow' | 'express4';
  maxAge?: number | string;
  immutable?: boolean;
  etag?: boolean;
  lastModified?: boolean;
  cacheControl?: boolean;
  acceptRanges?: boolean;
  /** Content-Disposition: attachment; true uses the file's name, a string gives the download name. */
  attachment?: boolean | string;
  /** Index file(s) for a path ending in '/'. Default 'index.html', as res.sendFile (send's default); false disables. */
  index?: string | string[] | false;
  /**
   * Throw what res.sendFile hands its callback instead of a coded error: send's own error (the fs error with
   * status 404 for ENOENT/ENAMETOOLONG/ENOTDIR, http-errors' 403/404/400 for dotfiles, traversal and malformed
   * paths, 412/416 with the headers send had set left on the builder), Express's `EISDIR, read` for a directory,
   * and `ECONNABORTED` when the client left mid-file. The codemod's translation of a callback passes it.
   */
  expressErrors?: boolean;
}

interface SendError {
  status?: number;
  statusCode?: number;
  headers?: Record<string, string>;
}

// `send` (and its dependency tree) loads on the first file response, so
// importing the runtime stays cheap for apps that serve no files.
let sendLoader: Promise<typeof send> | undefined;
function loadSend(): Promise<typeof send> {
  return (sendLoader ??= import('send').then((m) => m.default));
}

/** content-disposition 1.x, as Express 4 (0.5) and 5 write it: `attachment; filename="name.ext"`. */
let createDisposition: ((filename: string) => string) | undefined;
async function contentDisposition(filename: string): Promise<string> {
  createDisposition ??= (await import('content-disposition')).default;
  return createDisposition(filename);
}

type Outcome =
  | { kind: 'served'; /** The client left before the file was sent, as res.sendFile tells it (ECONNABORTED). */ aborted?: boolean }
  | { kind: 'missing'; status: number; headers?: Record<string, string>; /** send's error. */ error?: unknown; response?: DeferredHeadResponse }
  | { kind: 'directory' };

const DOTFILES = new Set(['deny', 'ignore', 'allow']);
/** Statuses `send` reports about a file that exists: they are answers, not reasons to fall through. */
const ANSWER_STATUSES = new Set([412, 416]);
const MISSING: Outcome = { kind: 'missing', status: 404 };

export function serveStatic(root: string, opts: ServeStaticOptions = {}): (ctx: StaticHost) => Promise<void> {
  if (typeof root !== 'string' || root === '') throw staticErrors.EXW_ERR_STATIC_ROOT_REQUIRED(JSON.stringify(root) ?? String(root));
  const dotfiles = checkDotfiles(opts.dotfiles ?? 'deny');
  const prefix = normalizePrefix(opts.prefix ?? '');
  const fallthrough = opts.fallthrough !== false;
  const redirect = opts.redirect !== false;
  const sendOptions: send.SendOptions = {
    root,
    dotfiles,
    index: opts.index ?? 'index.html',
    etag: opts.etag,
    lastModified: opts.lastModified,
    maxAge: opts.maxAge,
    immutable: opts.immutable,
    cacheControl: opts.cacheControl,
    acceptRanges: opts.acceptRanges,
    extensions: opts.extensions,
  };
  const setHeaders = opts.setHeaders?.bind(opts);
  // Hot paths and small files without send's per-request machinery; it hands the rest to send (static-fast.ts).
  const fast = new StaticFastPath(sendOptions, setHeaders);

  return async function serveStaticMiddleware(ctx: StaticHost): Promise<void> {
    if (ctx.method !== 'GET' && ctx.method !== 'HEAD') {
      if (!fallthrough) await answerAndAbort(ctx, 405, { Allow: 'GET, HEAD' });
      return;
    }
    const relative = stripPrefix(ctx.path, prefix);
    if (relative === null) return;
    const sendPath = toSendPath(relative);
    let quick = sendPath === null ? MISSING : fast.tryServe(ctx, sendPath);
    if (quick instanceof Promise) quick = await quick;
    const outcome: Outcome = quick ?? (await pipeFile(ctx, sendPath!, sendOptions, setHeaders));
    if (outcome.kind === 'served') {
      ctx.abort();
      return;
    }
    if (outcome.kind === 'directory') {
      if (!redirect) {
        if (!fallthrough) await answerAndAbort(ctx, 404);
        return;
      }
      await redirectToDirectory(ctx);
      ctx.abort();
      return;
    }
    // 412/416 are about a file that exists: answer them even with fallthrough.
    if (fallthrough && !ANSWER_STATUSES.has(outcome.status)) return;
    await answerAndAbort(ctx, outcome.status, outcome.headers);
  };
}

/**
 * Sends one file as the whole response. Resolves when the response is
 * finished (or the client went away). Throws a coded 404/403/400 error when
 * the file cannot be sent, so the caller (or the panic hook) decides what the
 * client sees, as res.sendFile passes such errors to next(err). The coded
 * error keeps what res.sendFile's callback would have received as its
 * `cause` (send's error, `EISDIR` for a directory), so ENOENT can still be
 * told from ENAMETOOLONG; `expressErrors` throws that error itself.
 */
export async function sendFile(ctx: FileHost, path: string, opts: SendFileOptions = {}): Promise<void> {
  if (typeof path !== 'string' || path === '') throw staticErrors.EXW_ERR_STATIC_BAD_PATH(JSON.stringify(path) ?? String(path));
  if (!opts.root && !isAbsolute(path)) throw staticErrors.EXW_ERR_STATIC_PATH_NOT_ABSOLUTE(JSON.stringify(path));
  // A NUL byte reaches send encoded (%00), which refuses it after decoding with a 400, as in Express.
  const sendOptions: send.SendOptions = {
    root: opts.root,
    dotfiles: opts.dotfiles === undefined ? undefined : opts.dotfiles === 'express4' ? express4Dotfiles(path, opts.root) : checkDotfiles(opts.dotfiles),
    index: opts.index ?? 'index.html',
    etag: opts.etag,
    lastModified: opts.lastModified,
    maxAge: opts.maxAge,
    immutable: opts.immutable,
    cacheControl: opts.cacheControl,
    acceptRanges: opts.acceptRanges,
  };
  const attachmentName = opts.attachment === true ? basename(path) : typeof opts.attachment === 'string' ? opts.attachment : undefined;
  const disposition = attachmentName === undefined ? undefined : await contentDisposition(attachmentName);
  const sendPath = encodeFilePath(path);
  // What res.sendFile's `headers` option and res.download do in send's 'headers' event.
  const onHeaders = (res: StaticHeaders) => {
    if (opts.headers !== undefined) for (const [name, value] of Object.entries(opts.headers)) res.setHeader(name, value);
    if (disposition !== undefined) res.setHeader('Content-Disposition', disposition);
  };
  // A file sent again and again: from memory, as send would answer it (send-file-fast.ts).
  const fast = trySendFileFast(ctx, sendPath, sendOptions, onHeaders);
  if (fast !== false && (await fast)) return;
  const outcome = await pipeFile(ctx, sendPath, sendOptions, onHeaders);
  if (outcome.kind === 'served') {
    if (outcome.aborted && opts.expressErrors) throw expressAbortError();
    return;
  }
  if (outcome.kind === 'directory') {
    if (opts.expressErrors) throw expressDirectoryError();
    throw withCause(staticErrors.EXW_ERR_STATIC_NOT_FOUND(`${path} (a directory)`), expressDirectoryError());
  }
  if (opts.expressErrors) {
    // send set its headers before finding a precondition or range unsatisfiable; Express's response keeps them.
    if (ANSWER_STATUSES.has(outcome.status)) outcome.response?.applyHeaders();
    throw outcome.error;
  }
  if (ANSWER_STATUSES.has(outcome.status)) {
    await answer(ctx, outcome.status, outcome.headers);
    return;
  }
  if (outcome.status === 403) throw withCause(staticErrors.EXW_ERR_STATIC_FORBIDDEN(path), outcome.error);
  if (outcome.status === 400) throw withCause(staticErrors.EXW_ERR_STATIC_BAD_PATH(path), outcome.error);
  throw withCause(staticErrors.EXW_ERR_STATIC_NOT_FOUND(path), outcome.error);
}

/** send 0.x without a dotfiles option looks at the final segment of the normalised path only. */
function express4Dotfiles(path: string, root: string | undefined): 'ignore' | 'allow' {
  const parts = (root ? normalize('.' + sep + path) : normalize(path)).split(sep);
  return parts[parts.length - 1].startsWith('.') ? 'ignore' : 'allow';
}

function withCause<E extends Error>(err: E, cause: unknown): E {
  if (cause !== undefined) err.cause = cause;
  return err;
}

/** What res.sendFile hands its callback for a directory (Express's own error; send only reports 'directory'). */
function expressDirectoryError(): Error {
  return Object.assign(new Error('EISDIR, read'), { code: 'EISDIR' });
}

/** What res.sendFile hands its callback when the client left before the file was sent. */
function expressAbortError(): Error {
  return Object.assign(new Error('Request aborted'), { code: 'ECONNABORTED' });
}

/**
 * Runs `send` against a DeferredHeadResponse. Resolves 'served' once the
 * real response has finished or closed, 'missing' with send's status when it
 * found nothing to send (or refused), 'directory' for a directory; rejects
 * with send's error for server-side failures (EACCES, EMFILE, read errors).
 */
async function pipeFile(
  host: FileHost,
  sendPath: string,
  sendOptions: send.SendOptions,
  onHeaders?: (res: DeferredHeadResponse, path: string, stat: Stats) => void,
): Promise<Outcome> {
  const send = await loadSend();
  return new Promise<Outcome>((resolve, reject) => {
    const out = new DeferredHeadResponse(host);
    const file = send(host.req, sendPath, sendOptions);
    let fileStream: Readable | undefined;
    // As res.sendFile decides ECONNABORTED: the response did not finish, and a file stream had started (or
    // send had not yet found the file) and not ended.
    let streaming: boolean | undefined;
    let ended = false;
    const served = () => resolve({ kind: 'served', aborted: !host.res.writableFinished && !ended && streaming !== false });
    // 'headers' means send found the file and is about to answer; from here
    // the outcome is decided by the real response finishing (or the client leaving).
    file.on('headers', (_res: unknown, path: string, stat: Stats) => {
      if (host.res.closed || host.res.writableFinished) served();
      host.res.once('finish', served);
      host.res.once('close', served);
      onHeaders?.(out, path, stat);
    });
    file.on('file', () => (streaming = false));
    file.on('stream', (stream: Readable) => {
      fileStream = stream;
      streaming = true;
    });
    file.on('end', () => (ended = true));
    file.on('directory', () => resolve({ kind: 'directory' }));
    file.on('error', (err: SendError) => {
      const status = err.status ?? err.statusCode ?? 500;
      if (out.committing) {
        // The head is out: the only honest signal left is a cut connection.
        host.res.destroy();
        reject(err);
        return;
      }
      host.res.off('finish', served);
      host.res.off('close', served);
      if (status >= 500) reject(err);
      else resolve({ kind: 'missing', status, headers: err.headers, error: err, response: out });
    });
    // commitHead failed (a response middleware threw): stop reading the file.
    out.on('error', (err) => {
      fileStream?.destroy();
      reject(err);
    });
    file.pipe(out);
  });
}

async function answerAndAbort(ctx: StaticHost, status: number, headers?: Record<string, string>): Promise<void> {
  await answer(ctx, status, headers);
  ctx.abort();
}

/** Writes a short plain-text answer through the builder (response middleware still run). */
function answer(host: FileHost, status: number, headers: Record<string, string> = {}, body = STATUS_CODES[status] ?? ''): Promise<void> {
  const out = new DeferredHeadResponse(host);
  out.statusCode = status;
  for (const [name, value] of Object.entries(headers)) out.setHeader(name, value);
  out.setHeader('Content-Type', 'text/plain; charset=utf-8');
  out.setHeader('Content-Length', String(Buffer.byteLength(body)));
  out.setHeader('X-Content-Type-Options', 'nosniff');
  return endAndWait(host, out, body);
}

/**
 * 301 to the same path with a trailing slash. Body and headers are
 * express.static's, byte for byte, so a replay against the migrated app
 * shows no difference.
 */
function redirectToDirectory(host: StaticHost): Promise<void> {
  const url = host.req.url ?? '/';
  const q = url.indexOf('?');
  const rawPath = q === -1 ? url : url.slice(0, q);
  // Collapsing leading slashes keeps `//evil.example/` from becoming an off-site redirect.
  const location = encodeUrl((rawPath + '/').replace(/^\/{2,}/, '/') + (q === -1 ? '' : url.slice(q)));
  const body = htmlDocument('Redirecting', `Redirecting to ${escapeHtml(location)}`);
  const out = new DeferredHeadResponse(host);
  out.statusCode = 301;
  out.setHeader('Content-Type', 'text/html; charset=UTF-8');
  out.setHeader('Content-Length', String(Buffer.byteLength(body)));
  out.setHeader('Content-Security-Policy', "default-src 'none'");
  out.setHeader('X-Content-Type-Options', 'nosniff');
  out.setHeader('Location', location);
  return endAndWait(host, out, body);
}

function htmlDocument(title: string, body: string): string {
  return `<!DOCTYPE html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n<title>${title}</title>\n</head>\n<body>\n<pre>${body}</pre>\n</body>\n</html>\n`;
}

/** Characters a URL may not carry as they are (quotes, angle brackets, backtick, braces, controls, non-ASCII), or a lone '%'. */
const URL_UNSAFE = /[^\x21\x23-\x3B\x3D\x3F-\x5F\x61-\x7A\x7C\x7E]|%(?![0-9A-Fa-f]{2})/g;

/** Percent-encodes what a Location must not carry raw, keeping valid escapes (as Express's encodeurl). */
function encodeUrl(url: string): string {
  return url.replace(URL_UNSAFE, (c) => encodeURIComponent(c));
}

function endAndWait(host: FileHost, out: DeferredHeadResponse, body: string): Promise<void> {
  return new Promise((resolve, reject) => {
    host.res.once('finish', () => resolve());
    host.res.once('close', () => resolve());
    out.once('error', reject);
    out.end(body);
  });
}

function checkDotfiles(value: string): 'deny' | 'ignore' | 'allow' {
  if (!DOTFILES.has(value)) throw staticErrors.EXW_ERR_STATIC_INVALID_OPTION('dotfiles', `${JSON.stringify(value)} (use 'deny', 'ignore' or 'allow')`);
  return value as 'deny' | 'ignore' | 'allow';
}

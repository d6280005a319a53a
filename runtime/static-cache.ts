/**
 * In-memory copies of small static files for serveStatic's fast path
 * (static-fast.ts), with the header values `send` derives from the file
 * (ETag, Last-Modified, Content-Type) computed once.
 *
 * A copy is used only while a fresh stat of the path shows the same
 * device, inode, size, mtime and ctime as when it was read. ctime cannot be
 * set by a program (utimes sets mtime, never ctime) and changes on every
 * write, rename onto the path or chmod, so an edited or replaced file is
 * seen on the next request, even when its size and mtime were kept.
 *
 * Two races are closed when a copy is made:
 * - the file changing while it is read: the path is stat'ed before and
 *   after the read, and the copy kept only when both agree;
 * - a second write in the same timestamp tick as the last one (coarse file
 *   system clocks: 1-4 ms on Linux, 1-2 s on some others), which would leave
 *   the stat unchanged: as git does for "racily clean" files, a file whose
 *   ctime is less than RACY_MS before the read began is not copied yet (it
 *   is served from disk by `send` until it has been quiet that long).
 */
import type { Stats } from 'node:fs';
import { readFile, stat as statAsync } from 'node:fs/promises';
import { extname } from 'node:path';

/** Files larger than this are always streamed from disk by `send`. */
export const MAX_CACHED_FILE = 64 * 1024;
/** Bytes of file copies kept per serveStatic; the oldest copy goes first. */
export const CACHE_BUDGET = 16 * 1024 * 1024;
/** A file changed less than this before it is read is not copied yet (see above). */
export const RACY_MS = 2000;

export interface CachedFile {
  body: Buffer;
  etag: string;
  lastModified: string;
  contentType: string;
  dev: number;
  ino: number;
  size: number;
  mtimeMs: number;
  ctimeMs: number;
}

/** What a copy needs from `send`'s helpers (the same functions send uses for these headers). */
export interface HeaderHelpers {
  etag(stat: Stats): string;
  contentType(ext: string): string | false;
}

export interface FileCacheOptions {
  maxFile?: number;
  budget?: number;
  racyMs?: number;
}

/** What a copy remembers of the stat it was taken with (sameFile compares these). */
export type FileIdentity = Pick<Stats, 'dev' | 'ino' | 'size' | 'mtimeMs' | 'ctimeMs'>;

/**
 * Copies of files under a byte budget, the oldest dropped first, each one
 * good only while a fresh stat of its path matches it (sameFile). The rules
 * at the top of this file; serveStatic's FileCache and the ejs template
 * copies (compat/ejs-compile-cache.ts) keep theirs here.
 */
export class CheckedCopies<T extends FileIdentity> {
  private readonly copies = new Map<string, T>();
  private bytes = 0;
  private readonly maxFile: number;
  private readonly budget: number;
  readonly racyMs: number;

  constructor(options: FileCacheOptions, defaultBudget: number) {
    this.maxFile = options.maxFile ?? MAX_CACHED_FILE;
    this.budget = options.budget ?? defaultBudget;
    this.racyMs = options.racyMs ?? RACY_MS;
  }

  /** The copy of `path` when it matches this stat of it; a stale copy is dropped. */
  lookup(path: string, stat: Stats): T | undefined {
    const copy = this.copies.get(path);
    if (copy === undefined) return undefined;
    if (sameFile(copy, stat)) return copy;
    this.drop(path, copy);
    return undefined;
  }

  /** Whether a file of `stat.size` bytes fits the limits at all. */
  fits(stat: Stats): boolean {
    return stat.size <= this.maxFile && stat.size <= this.budget;
  }

  /** Keeps `copy` for `path` (its size counted), dropping the oldest copies until it fits the budget. */
  keep(path: string, copy: T): void {
    const old = this.copies.get(path);
    if (old !== undefined) this.drop(path, old);
    while (this.bytes + copy.size > this.budget && this.copies.size > 0) {
      const [oldestPath, oldest] = this.copies.entries().next().value!;
      this.drop(oldestPath, oldest);
    }
    this.copies.set(path, copy);
    this.bytes += copy.size;
  }

  has(path: string): boolean {
    return this.copies.has(path);
  }

  private drop(path: string, copy: T): void {
    this.copies.delete(path);
    this.bytes -= copy.size;
  }
}

export class FileCache {
  private readonly copies: CheckedCopies<CachedFile>;
  private readonly filling = new Set<string>();

  constructor(options: FileCacheOptions = {}) {
    this.copies = new CheckedCopies(options, CACHE_BUDGET);
  }

  /** The copy of `path` when it matches this stat of it; a stale copy is dropped. */
  lookup(path: string, stat: Stats): CachedFile | undefined {
    return this.copies.lookup(path, stat);
  }

  /** Starts reading a copy of `path` in the background (once at a time per path), when it is small enough. */
  fill(path: string, stat: Stats, helpers: HeaderHelpers): void {
    if (!this.copies.fits(stat) || this.filling.has(path)) return;
    this.filling.add(path);
    const started = Date.now();
    readCopy(path, stat, started - this.copies.racyMs).then(
      (body) => {
        this.filling.delete(path);
        if (body !== null) this.copies.keep(path, copyOf(path, stat, body, helpers));
      },
      () => this.filling.delete(path), // unreadable now: send answers (and reports) on its own
    );
  }
}

function copyOf(path: string, stat: Stats, body: Buffer, helpers: HeaderHelpers): CachedFile {
  return {
    body,
    etag: helpers.etag(stat),
    lastModified: stat.mtime.toUTCString(),
    contentType: helpers.contentType(extname(path)) || 'application/octet-stream',
    dev: stat.dev,
    ino: stat.ino,
    size: stat.size,
    mtimeMs: stat.mtimeMs,
    ctimeMs: stat.ctimeMs,
  };
}

/** The file's bytes when they are what `before` describes, read after it had been quiet since `quietSince`; else null. */
async function readCopy(path: string, before: Stats, quietSince: number): Promise<Buffer | null> {
  if (!isQuietSince(before, quietSince)) return null;
  const body = await readFile(path);
  const after = await statAsync(path);
  if (!after.isFile() || !sameFile(before, after) || body.length !== before.size) return null;
  return body;
}

/** Whether the file this stat describes had been left alone (no write, rename onto it or chmod) since `since` (ms): the racy-copy rule above. */
export function isQuietSince(stat: Pick<Stats, 'mtimeMs' | 'ctimeMs'>, since: number): boolean {
  return stat.ctimeMs < since && stat.mtimeMs < since;
}

/** Whether a fresh stat `b` still shows the file `a` was taken from (device, inode, size, mtime, ctime; see above). */
export function sameFile(a: FileIdentity, b: FileIdentity): boolean {
  return a.ino === b.ino && a.size === b.size && a.mtimeMs === b.mtimeMs && a.ctimeMs === b.ctimeMs && a.dev === b.dev;
}

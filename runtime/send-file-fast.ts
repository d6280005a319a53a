/**
 * ctx.file's fast path: a file that res.sendFile / res.download sends again
 * and again (an export, a docs page) is answered the way serveStatic answers
 * its hot files (static-fast.ts): a synchronous stat of a path seen in the
 * last seconds, the body from an in-memory copy checked against that stat
 * (static-cache.ts), send's headers made with send's own helpers.
 *
 * Where the time went (CPU profiles of fixtures/hard-cases, /exports/*.csv
 * and /docs/*): every ctx.file built a `send` stream and paid a threadpool
 * stat, open, read and close, the same four round trips Express pays.
 *
 * Only what static-fast.ts answers itself takes this path: a whole file, a
 * HEAD or a 304. Everything it declines, and every "not found" (so that the
 * error ctx.file throws is the one `send` makes, message and all), goes to
 * `send` as before.
 */
import type send from 'send';
import { FileCache } from './static-cache.js';
import { StaticFastPath, type SetHeaders } from './static-fast.js';
import type { FileHost } from './static-response.js';

/** Distinct option sets remembered (apps pass a few literal option objects; the oldest is forgotten first). */
const MAX_OPTION_SETS = 64;

/** One copy per file for every option set: the copy (body, ETag, Last-Modified, type) does not depend on them. */
const files = new FileCache();
const fastPaths = new Map<string, StaticFastPath>();

/**
 * Sends the file from the fast path when it can: resolves true once the
 * response is written (as `send` would have written it), false (without
 * touching the response) when `send` must answer.
 */
export function trySendFileFast(host: FileHost, sendPath: string, sendOptions: send.SendOptions, onHeaders: SetHeaders): Promise<boolean> | false {
  const res = host.res;
  // send reports a response already started or gone (ECONNABORTED, "Can't set headers"): leave it those cases.
  if (res.headersSent || res.destroyed) return false;
  const outcome = fastPathFor(sendOptions).tryServe(host, sendPath, onHeaders);
  if (outcome === null || !(outcome instanceof Promise)) return false; // declined, or 'missing': send makes the error
  return outcome.then(isServed);
}

function isServed(outcome: { kind: string }): boolean {
  return outcome.kind === 'served';
}

function fastPathFor(sendOptions: send.SendOptions): StaticFastPath {
  const key = optionsKey(sendOptions);
  let fast = fastPaths.get(key);
  if (fast === undefined) {
    if (fastPaths.size >= MAX_OPTION_SETS) fastPaths.delete(fastPaths.keys().next().value!);
    fast = new StaticFastPath({ ...sendOptions }, undefined, files);
    fastPaths.set(key, fast);
  }
  return fast;
}

/** Every option static-fast.ts reads; two calls with equal keys are answered alike. */
function optionsKey(o: send.SendOptions): string {
  return JSON.stringify([o.root, o.dotfiles, o.index, o.etag, o.lastModified, o.maxAge, o.immutable, o.cacheControl, o.acceptRanges, o.extensions]);
}

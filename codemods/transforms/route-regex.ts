/**
 * Regex routes with several captures, the last one optional, as runtime
 * paths (route-path.ts takes the one-final-group form):
 *
 *   /^\/archive\/(\d{4})(?:\/(\d{2}))?\/?$/
 *     -> /archive/{capture0:\d{4}}                      (req.params[1] undefined)
 *        /archive/{capture0:\d{4}}/{capture1:\d{2}}
 *
 * Shape: `^`, literal `\/segments`, one or more `\/(capture)`, at most one
 * `(?:\/(capture))?` after them, then `\/?$`. Each capture is one segment:
 * it is built only from `\d`, `\w`, letters, digits, `-`, `_` and character
 * classes of those, with quantifiers, so it can never match `/` and the
 * runtime's segment-anchored `{name:regex}` matches exactly what Express's
 * regex did. The trailing `\/?` is what the runtime's default
 * ignoreTrailingSlash does; a regex without it (`/foo/` not matched by
 * Express) is not taken. No flags other than `i` (the runtime matches
 * case-insensitively by default, as route-path.ts already assumes).
 */
import type { PathResult } from './route-path.js';

const SEGMENT_ATOM = String.raw`(?:\\[dw]|\[(?:\\[dw]|[A-Za-z0-9_-])+\]|[A-Za-z0-9_-])(?:\{\d+(?:,\d*)?\}|[+*?])?`;
const SEGMENT_CAPTURE = new RegExp(`^(?:${SEGMENT_ATOM})+$`);

export function convertSegmentCaptureRegex(pattern: string, flags: string): PathResult | null {
  if (flags.replace('i', '') !== '') return null;
  const m = /^\^((?:\\\/[\w-]+)*)((?:\\\/\((?!\?)(?:\\.|[^()\\])+\))+)(\(\?:\\\/\((?!\?)((?:\\.|[^()\\])+)\)\)\?)?\\\/\?\$$/.exec(pattern);
  if (!m) return null;
  const prefix = m[1]!.replace(/\\\//g, '/');
  const required = [...m[2]!.matchAll(/\\\/\(((?:\\.|[^()\\])+)\)/g)].map((g) => g[1]!);
  const optional = m[4];
  const captures = optional === undefined ? required : [...required, optional];
  if (!captures.every((c) => SEGMENT_CAPTURE.test(c))) return null;
  const names = captures.map((_, i) => `capture${i}`);
  const segment = (i: number) => `{${names[i]}:${captures[i]}}`;
  const path = (count: number) => `${prefix}/${names.slice(0, count).map((_, i) => segment(i)).join('/')}`;
  const paths = optional === undefined ? [path(captures.length)] : [path(required.length), path(captures.length)];
  return { ok: true, paths, indexNames: new Map(names.map((n, i) => [i, n])) };
}

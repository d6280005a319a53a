/**
 * Express 4 path syntax (path-to-regexp 0.1) to runtime path syntax
 * (Express 5's path-to-regexp 8 syntax: route-path-v5.ts).
 *
 *   /users/:id          -> /users/{id}
 *   /users/:id(\d+)     -> /users/{id:\d+}
 *   /f/:n(\w+\.(?:a|b)) -> /f/{n:\w+\.(?:a|b)}  (one non-capturing group, closing the pattern)
 *   /files/*            -> /files/{wildcard:.*}     (req.params[0] -> ctx.params.wildcard)
 *   /users/:id?         -> two paths: /users and /users/{id}
 *   /^\/api\/(.*)$/     -> /api/{capture0:.*}       (anchored literal prefix + one group only)
 *
 * Anything else (several params in one segment, `*` mid-path, `+`/`?` on
 * literals, unanchored regexes) is reported as not expressible so the route
 * stays on Express.
 */

import { convertExpress5Path } from './route-path-v5.js';

export const WILDCARD_PARAM = 'wildcard';
export const CAPTURE_PARAM = 'capture0';

export type PathResult =
  | {
    ok: true; paths: string[]; /** Express params[N] index -> runtime name. */ indexNames: Map<number, string>;
    /** Express 5 named wildcards (`*rest`, an array of decoded segments in req.params) -> path segments before them. */
    wildcards?: Map<string, number>;
  }
  | { ok: false; reason: string };

const PARAM_SEGMENT = /^:([A-Za-z_$][\w$]*)(?:\((.+)\))?(\?)?$/;

/**
 * Why an inline param pattern does not mean in Express 4 what `{name:pattern}`
 * means in the runtime, or null when it does. path-to-regexp 0.1 takes the
 * pattern up to the FIRST `)` (a lazy `\(.*?\)`), turns only the first of `\x`
 * or `*` into `(.*)` when it is a `*`, and counts every `(` not followed by `?`
 * as another param. So `(?:csv|txt)` closing the pattern is kept as written;
 * capturing groups, lookarounds, a `)` before the end, or a bare leading `*` are not.
 */
function patternMismatch(pattern: string): string | null {
  const close = pattern.indexOf(')');
  if (close !== -1 && close !== pattern.length - 1) return 'a ")" before the end of the pattern (Express ends the pattern at the first ")")';
  if (/\\.|\*/.exec(pattern)?.[0] === '*') return 'a "*" that Express turns into a capture group';
  const bare = pattern.replace(/\\./g, '');
  const opens = bare.match(/\(/g)?.length ?? 0;
  const closes = bare.match(/\)/g)?.length ?? 0;
  if (opens !== closes || opens !== (bare.match(/\(\?:/g)?.length ?? 0)) return 'nested groups other than one final "(?:...)"';
  return null;
}

/** `major` is the app's Express major version (express-version.ts): 5 reads path-to-regexp 8 syntax. */
export function convertStringPath(path: string, major = 4): PathResult {
  if (major >= 5) return convertExpress5Path(path);
  if (!path.startsWith('/') && path !== '*') return { ok: false, reason: `path "${path}" does not start with "/"` };
  if (path === '*' || path === '/*') return { ok: true, paths: [`/{${WILDCARD_PARAM}:.*}`], indexNames: new Map([[0, WILDCARD_PARAM]]) };
  const segments = path.split('/').slice(1);
  const out: string[] = [];
  const indexNames = new Map<number, string>();
  let optionalAt = -1;
  for (let i = 0; i < segments.length; i++) {
    const seg = segments[i];
    const last = i === segments.length - 1;
    if (seg === '*') {
      if (!last) return { ok: false, reason: `"*" in the middle of "${path}"` };
      out.push(`{${WILDCARD_PARAM}:.*}`);
      indexNames.set(0, WILDCARD_PARAM);
      continue;
    }
    if (seg.startsWith(':')) {
      const m = PARAM_SEGMENT.exec(seg);
      if (!m) return { ok: false, reason: `segment "${seg}" of "${path}" holds more than one parameter or pattern` };
      const [, name, pattern, optional] = m;
      const mismatch = pattern === undefined ? null : patternMismatch(pattern);
      if (mismatch) return { ok: false, reason: `segment "${seg}" of "${path}": ${mismatch}` };
      if (optional) {
        if (!last) return { ok: false, reason: `optional parameter "${seg}" is not the last segment of "${path}"` };
        optionalAt = i;
      }
      out.push(pattern === undefined ? `{${name}}` : `{${name}:${pattern}}`);
      continue;
    }
    if (/[:*?+()[\]{}]/.test(seg)) return { ok: false, reason: `segment "${seg}" of "${path}" uses pattern characters` };
    out.push(seg);
  }
  const full = '/' + out.join('/');
  if (optionalAt < 0) return { ok: true, paths: [full], indexNames };
  const without = '/' + out.slice(0, optionalAt).join('/');
  return { ok: true, paths: [without, full], indexNames };
}

/** Regex literal routes: only `^` + literal `\/segments` + optionally one final group + `$` (or `\/?$`). */
export function convertRegexPath(pattern: string, flags: string): PathResult {
  if (flags.replace('i', '') !== '') return { ok: false, reason: `regex route /${pattern}/${flags} uses flags` };
  const m = /^\^((?:\\\/[\w-]+)*)(?:\\\/\((?!\?)((?:\\.|[^()\\])+)\))?(?:\\\/\?)?\$$/.exec(pattern);
  if (!m) return { ok: false, reason: `regex route /${pattern}/ is not an anchored literal prefix with one final group` };
  const prefix = m[1].replace(/\\\//g, '/');
  if (m[2] === undefined) return { ok: true, paths: [prefix || '/'], indexNames: new Map() };
  return { ok: true, paths: [`${prefix}/{${CAPTURE_PARAM}:${m[2]}}`], indexNames: new Map([[0, CAPTURE_PARAM]]) };
}

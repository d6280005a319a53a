/**
 * Express 5 path syntax (path-to-regexp 8) to runtime path syntax.
 *
 *   /users/:id                       -> /users/{id}
 *   /:projectId/summary{.:format}    -> /{projectId}/summary.{format} and /{projectId}/summary
 *   /users{/:id}                     -> /users/{id} and /users
 *   /v1/*rest                        -> /v1/{rest:[\s\S]+}    (req.params.rest, an array, is rebuilt by the handler)
 *
 * path-to-regexp 8 matches a parameter with `[^/]+` when it starts its
 * segment, as the runtime's `{name}` does; a second parameter in one segment
 * excludes the text before it, which the runtime cannot say, so such paths
 * stay on Express. Each optional group doubles the paths; they must never
 * match the same request (path-to-regexp tries the longer one first, the
 * runtime has no order between routes), or the route stays on Express too.
 */
import type { PathResult } from './route-path.js';

type Token =
  | { type: 'text'; value: string }
  | { type: 'param' | 'wildcard'; name: string }
  | { type: 'group'; tokens: Token[] };

class Unsupported extends Error {}

const NAME = /^[A-Za-z_][A-Za-z0-9_]*/;
const MAX_PATHS = 4;

function parse(path: string): Token[] {
  let i = 0;
  const read = (closing: boolean): Token[] => {
    const out: Token[] = [];
    let text = '';
    const flush = () => { if (text) out.push({ type: 'text', value: text }); text = ''; };
    while (i < path.length) {
      const ch = path[i];
      if (ch === '\\') { text += path[i + 1] ?? ''; i += 2; continue; }
      if (ch === '{') { flush(); i++; out.push({ type: 'group', tokens: read(true) }); continue; }
      if (ch === '}') {
        if (!closing) throw new Unsupported(`unexpected "}" in "${path}"`);
        flush(); i++;
        return out;
      }
      if (ch === ':' || ch === '*') {
        const name = NAME.exec(path.slice(i + 1))?.[0];
        if (!name) throw new Unsupported(`"${ch}" in "${path}" is not followed by a parameter name the runtime accepts`);
        flush();
        out.push({ type: ch === ':' ? 'param' : 'wildcard', name });
        i += 1 + name.length;
        continue;
      }
      if ('()[]?+!'.includes(ch)) throw new Unsupported(`"${ch}" is reserved in Express 5 paths ("${path}")`);
      text += ch;
      i++;
    }
    if (closing) throw new Unsupported(`unclosed "{" in "${path}"`);
    flush();
    return out;
  };
  return read(false);
}

/** Every way the optional groups can be present, longest first (path-to-regexp's order). */
function expand(tokens: Token[]): Token[][] {
  let out: Token[][] = [[]];
  for (const t of tokens) {
    if (t.type !== 'group') { out = out.map((seq) => [...seq, t]); continue; }
    const inner = expand(t.tokens);
    out = out.flatMap((seq) => [...inner.map((x) => [...seq, ...x]), seq]);
    if (out.length > MAX_PATHS) throw new Unsupported(`more than ${MAX_PATHS} optional combinations`);
  }
  return out;
}

interface Built { pattern: string; segments: string[]; wildcards: Map<string, number> }

function build(seq: Token[], path: string): Built {
  let pattern = '';
  let safe = true;
  const wildcards = new Map<string, number>();
  seq.forEach((t, k) => {
    if (t.type === 'text') {
      if (/[{}]/.test(t.value)) throw new Unsupported(`"${path}" has a literal brace`);
      pattern += t.value;
      if (t.value.includes('/')) safe = true;
      return;
    }
    if (t.type === 'group') throw new Unsupported('nested group left after expansion');
    if (t.type === 'param') {
      if (!safe) throw new Unsupported(`":${t.name}" shares a segment with another parameter in "${path}" (Express 5 stops it at the text between them)`);
      pattern += `{${t.name}}`;
      safe = false;
      return;
    }
    if (k !== seq.length - 1 || !pattern.endsWith('/')) throw new Unsupported(`"*${t.name}" is not a whole last segment of "${path}"`);
    wildcards.set(t.name, pattern.split('/').filter(Boolean).length);
    pattern += `{${t.name}:[\\s\\S]+}`;
    safe = false;
  });
  if (!pattern.startsWith('/')) throw new Unsupported(`path "${path}" does not start with "/"`);
  return { pattern, segments: pattern.split('/').slice(1), wildcards };
}

/** The segment as path-to-regexp would test it: params and wildcards match any non-empty text. */
function segmentRegex(segment: string): RegExp {
  const source = segment.split(/(\{[^}]*\})/).map((part) => (part.startsWith('{') ? '[^/]+' : part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'))).join('');
  return new RegExp(`^${source}$`, 'i');
}

/** True when no path can match both segments: two different static texts, or a static text the other's pattern rejects. */
function disjointSegments(a: string, b: string): boolean {
  const isStatic = (s: string) => !s.includes('{');
  if (isStatic(a) && isStatic(b)) return a.toLowerCase() !== b.toLowerCase();
  if (isStatic(a)) return !segmentRegex(b).test(a);
  if (isStatic(b)) return !segmentRegex(a).test(b);
  return false;
}

function disjoint(a: Built, b: Built): boolean {
  // A wildcard takes any number of segments: nothing tells the two apart.
  if (a.wildcards.size || b.wildcards.size) return false;
  if (a.segments.filter(Boolean).length !== b.segments.filter(Boolean).length) return true;
  return a.segments.some((s, i) => disjointSegments(s, b.segments[i] ?? ''));
}

function hasRepeatedName(pattern: string): boolean {
  const names = [...pattern.matchAll(/\{([A-Za-z_]\w*)/g)].map((m) => m[1]);
  return new Set(names).size !== names.length;
}

export function convertExpress5Path(path: string): PathResult {
  try {
    if (!path.startsWith('/')) return { ok: false, reason: `path "${path}" does not start with "/"` };
    const built = expand(parse(path)).map((seq) => build(seq, path));
    for (let x = 0; x < built.length; x++) {
      for (let y = x + 1; y < built.length; y++) {
        if (!disjoint(built[x], built[y])) return { ok: false, reason: `the optional parts of "${path}" can match one request in two ways (${built[x].pattern}, ${built[y].pattern})` };
      }
    }
    if (built.some((b) => hasRepeatedName(b.pattern))) return { ok: false, reason: `a parameter name repeats in "${path}"` };
    const wildcards = new Map<string, number>();
    for (const b of built) for (const [k, v] of b.wildcards) wildcards.set(k, v);
    return { ok: true, paths: built.map((b) => b.pattern), indexNames: new Map(), wildcards };
  } catch (err) {
    if (err instanceof Unsupported) return { ok: false, reason: err.message };
    throw err;
  }
}

/**
 * Route templates group results: `/users/17` and `/users/18` are one route,
 * `GET /users/{id}`. Templates come from a routes file when given (runtime
 * `{id}`, Express `:id` and `*` syntax), else are inferred from the traffic:
 * segments that look like ids (numbers, UUIDs, long hex or tokens) become
 * parameters, and then a path position with many distinct values whose
 * sub-paths look alike is clustered into one parameter.
 */
import { readFile } from 'node:fs/promises';
import { VerifyErrors } from './errors.js';

export interface RouteSpec {
  /** Upper-case method, or `*` for any. */
  method: string;
  template: string;
}

interface CompiledRoute extends RouteSpec {
  regex: RegExp;
  /** Static segments count: more static wins when two routes match. */
  score: number;
}

/** Path part of a URL, without query or fragment. */
export function pathOf(url: string): string {
  const q = url.search(/[?#]/);
  return q < 0 ? url : url.slice(0, q);
}

export function routeKey(method: string, template: string): string {
  return `${method} ${template}`;
}

/** Reads a routes file: a JSON array of "METHOD /path" strings or {method, path} objects, or one route per line. */
export async function loadRoutes(file: string): Promise<RouteSpec[]> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (err) {
    throw VerifyErrors.EXW_ERR_VERIFY_ROUTES(file, `cannot read (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`);
  }
  const trimmed = text.trim();
  let items: unknown[];
  if (trimmed.startsWith('[')) {
    try {
      items = JSON.parse(trimmed) as unknown[];
    } catch (err) {
      throw VerifyErrors.EXW_ERR_VERIFY_ROUTES(file, `invalid JSON (${(err as Error).message})`);
    }
  } else {
    items = trimmed.split(/\r?\n/).map((l) => l.trim()).filter((l) => l !== '' && !l.startsWith('#'));
  }
  return items.map((item, i) => parseRouteItem(item, () => VerifyErrors.EXW_ERR_VERIFY_ROUTES(file, `entry ${i + 1} is not "METHOD /path" or "/path"`)));
}

function parseRouteItem(item: unknown, fail: () => Error): RouteSpec {
  let method = '*';
  let path: unknown;
  if (typeof item === 'string') {
    const parts = item.trim().split(/\s+/);
    if (parts.length === 1) path = parts[0];
    else if (parts.length === 2) [method, path] = [parts[0]!.toUpperCase(), parts[1]];
    else throw fail();
  } else if (typeof item === 'object' && item !== null) {
    const o = item as { method?: unknown; path?: unknown };
    if (o.method !== undefined) method = String(o.method).toUpperCase();
    path = o.path;
  }
  if (typeof path !== 'string' || !path.startsWith('/')) throw fail();
  if (method === 'ALL' || method === 'ANY') method = '*';
  return { method, template: toTemplate(path) };
}

/** Express `:id`, `:id?` and `*` to the runtime's `{id}` syntax, so every report speaks one syntax. */
function toTemplate(path: string): string {
  let wild = 0;
  return path
    .split('/')
    .map((seg) => {
      if (seg.startsWith(':')) return `{${seg.slice(1).replace(/[?(].*$/, '')}}`;
      if (seg === '*') return `{${wild++ === 0 ? 'wild' : `wild${wild}`}:.+}`;
      return seg;
    })
    .join('/');
}

function compile(spec: RouteSpec): CompiledRoute {
  let score = 0;
  const segs = spec.template.split('/').map((seg) => {
    const m = /^\{([^}:]+)(?::(.+))?\}$/.exec(seg);
    if (!m) {
      score++;
      return seg.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
    }
    return m[2] ? `(?:${m[2]})` : '[^/]+';
  });
  return { ...spec, regex: new RegExp(`^${segs.join('/')}/?$`, 'i'), score };
}

/** Finds the template for a request: a declared route first, then the inferred one, then the raw path. */
export class RouteMatcher {
  private readonly declared: CompiledRoute[];
  private readonly inferred = new Map<string, string>();

  constructor(routes: RouteSpec[] = []) {
    this.declared = routes.map(compile).sort((a, b) => b.score - a.score);
  }

  get hasDeclared(): boolean {
    return this.declared.length > 0;
  }

  /** Declared routes, for "not covered" rows in the ledger. */
  declaredRoutes(): RouteSpec[] {
    return this.declared.map(({ method, template }) => ({ method, template }));
  }

  /**
   * Feeds the paths seen in the traffic (or their `pathShape`s, which take
   * far less memory on a large file); call once before `match`.
   */
  learn(paths: Iterable<string>, options?: InferOptions): void {
    const shapes = new Set<string>();
    for (const p of paths) shapes.add(pathShape(p));
    for (const [shape, template] of inferShapeTemplates(shapes, options)) this.inferred.set(shape, template);
  }

  /** `{ method, template, key }` for a request; the declared route's method is kept when it is `*`. */
  match(method: string, url: string): { method: string; template: string; key: string } {
    const path = pathOf(url);
    for (const r of this.declared) {
      if ((r.method === '*' || r.method === method) && r.regex.test(path)) {
        return { method: r.method, template: r.template, key: routeKey(r.method, r.template) };
      }
    }
    const shape = pathShape(path);
    const template = this.inferred.get(shape) ?? inferShapeTemplates([shape]).get(shape) ?? path;
    return { method, template, key: routeKey(method, template) };
  }
}

export interface InferOptions {
  /** Distinct values at one position before they are clustered into a parameter. Default 10. */
  minCluster?: number;
}

const ID_PATTERNS = [
  /^\d+$/, // 17
  /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i, // UUID
  /^[0-9a-f]{12,}$/i, // Mongo ObjectId, hashes
  /^(?=.*\d)[A-Za-z0-9_-]{16,}$/, // tokens, nanoid-style ids with a digit
];

export function looksLikeId(segment: string): boolean {
  return ID_PATTERNS.some((re) => re.test(segment));
}

interface TrieNode {
  children: Map<string, TrieNode>;
  /** Paths that end here. */
  paths: string[];
}

/** Stands for an id-like segment in a path shape; cannot occur in a real path. */
const PARAM = '\u0000';

/**
 * A path with its id-like segments replaced by one marker: `/users/17` and
 * `/users/18` have one shape. Templates are learnt over shapes, so a file
 * with a million ids costs one entry, not a million. Idempotent.
 */
export function pathShape(path: string): string {
  const segs = path.split('/');
  for (let i = 1; i < segs.length; i++) if (looksLikeId(segs[i]!)) segs[i] = PARAM;
  return segs.join('/');
}

/** Maps every given path to its template. */
export function inferTemplates(paths: Iterable<string>, options: InferOptions = {}): Map<string, string> {
  const unique = new Set(paths);
  const templates = inferShapeTemplates(new Set([...unique].map(pathShape)), options);
  const out = new Map<string, string>();
  for (const p of unique) out.set(p, templates.get(pathShape(p)) ?? p);
  return out;
}

/** Maps every given path shape to its template. */
function inferShapeTemplates(shapes: Iterable<string>, options: InferOptions = {}): Map<string, string> {
  const minCluster = options.minCluster ?? 10;
  const root: TrieNode = { children: new Map(), paths: [] };
  for (const path of new Set(shapes)) {
    let node = root;
    for (const key of path.split('/').slice(1)) {
      let next = node.children.get(key);
      if (!next) node.children.set(key, (next = { children: new Map(), paths: [] }));
      node = next;
    }
    node.paths.push(path);
  }
  clusterNode(root, minCluster);
  const out = new Map<string, string>();
  collectTemplates(root, [], out);
  return out;
}

/** Shape of a subtree: the sorted set of relative suffixes, with parameters as one token. */
function shape(node: TrieNode): string {
  const suffixes: string[] = [];
  const walk = (n: TrieNode, prefix: string) => {
    if (n.paths.length > 0) suffixes.push(prefix);
    for (const [k, c] of n.children) walk(c, `${prefix}/${k === PARAM ? '{}' : k}`);
  };
  walk(node, '');
  return suffixes.sort().join('|');
}

function clusterNode(node: TrieNode, minCluster: number): void {
  const literal = [...node.children.entries()].filter(([k]) => k !== PARAM);
  if (literal.length >= minCluster) {
    // Many distinct values at this position whose sub-paths look alike (users/alice, users/bob, ...) are one parameter.
    const shapes = new Map<string, number>();
    for (const [, child] of literal) {
      const s = shape(child);
      shapes.set(s, (shapes.get(s) ?? 0) + 1);
    }
    const dominant = Math.max(...shapes.values());
    if (dominant / literal.length >= 0.8) {
      const merged = node.children.get(PARAM) ?? { children: new Map(), paths: [] };
      for (const [k, child] of literal) {
        mergeInto(merged, child);
        node.children.delete(k);
      }
      node.children.set(PARAM, merged);
    }
  }
  for (const child of node.children.values()) clusterNode(child, minCluster);
}

function mergeInto(target: TrieNode, source: TrieNode): void {
  target.paths.push(...source.paths);
  for (const [k, c] of source.children) {
    const t = target.children.get(k);
    if (t) mergeInto(t, c);
    else target.children.set(k, c);
  }
}

function collectTemplates(node: TrieNode, segs: string[], out: Map<string, string>): void {
  if (node.paths.length > 0) {
    let n = 0;
    const template = '/' + segs.map((s) => (s === PARAM ? `{${n++ === 0 ? 'id' : `id${n}`}}` : s)).join('/');
    for (const p of node.paths) out.set(p, template);
  }
  for (const [k, child] of node.children) collectTemplates(child, [...segs, k], out);
}

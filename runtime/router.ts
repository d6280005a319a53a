/**
 * The route tree: maps (method, path) to the value registered for it.
 *
 * Exported as `RouteTree` because `Router` is the public express.Router-like
 * group. Pattern syntax is in route-pattern.ts.
 *
 * Shape: one node per path segment. A node has static children (looked up by
 * key), mixed-segment children (`v{version}`), one param child (`{id}`),
 * segment-regex children and tail-regex children, tried in that order:
 * static beats `{param}` beats `{name:regex}`; within regexes, registration
 * order, segment regexes before tail regexes. When a branch fails deeper down
 * the walk backtracks to the next one, so `/users/new/x` and `/users/{id}/x`
 * both work. The walk is method-aware: a branch whose leaf has nothing for
 * the method is skipped, so GET can reach `/users/{id}/x` while only POST is
 * registered on `/users/new/x`.
 *
 * Fully static patterns are also kept in one Map keyed by the whole path, so
 * the most common lookup is a single hash.
 *
 * Input contract: `find` receives the path already normalised and decoded by
 * the runtime (no query string, percent-decoding done once). The tree never
 * decodes again, so a `%2F` decoded to `/` by the caller is a separator here;
 * param values are slices of that string, in their original case.
 *
 * Hot path rules: no closures per match, params collected as indexes into a
 * reusable array and materialised only on success (into a prototype-less
 * object), a shared constant for not-found.
 */
import { mixedGroupName, parsePattern, routeErrors, type ParsedPattern, type RegexSegment, type Segment } from './route-pattern.js';

export interface RouteTreeOptions {
  /** Compare static text case-sensitively (default false). Param values always keep their case. */
  caseSensitive?: boolean;
  /** Treat `/a/` as `/a` (default true). When false they are different routes. */
  ignoreTrailingSlash?: boolean;
}

export type RouteMatch<T> =
  | { kind: 'found'; value: T; params: Record<string, string>; pattern: string }
  | { kind: 'method-not-allowed'; allowed: string[] }
  | { kind: 'not-found' };

export interface RouteEntry<T> {
  method: string;
  pattern: string;
  value: T;
}

interface Handler<T> extends RouteEntry<T> {
  paramNames: string[];
}

/** Method slots of a leaf; `*` (any method) is the last one. */
const METHODS = ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS', '*'] as const;
const GET = 0;
const HEAD = 1;
const ANY = 7;
/** Allowed-list order: alphabetical. */
const SORTED_METHODS = ['DELETE', 'GET', 'HEAD', 'OPTIONS', 'PATCH', 'POST', 'PUT'] as const;

function methodIndex(method: string): number {
  switch (method) {
    case 'GET': return 0;
    case 'HEAD': return 1;
    case 'POST': return 2;
    case 'PUT': return 3;
    case 'PATCH': return 4;
    case 'DELETE': return 5;
    case 'OPTIONS': return 6;
    case '*': return 7;
    default: {
      const upper = method.toUpperCase();
      return upper === method ? -1 : methodIndex(upper);
    }
  }
}

/**
 * Params objects: a constructor whose prototype has no prototype (as
 * find-my-way does), so `__proto__`, `constructor` or `toString` are plain
 * own keys and nothing is inherited, while V8 keeps fast properties (which
 * `Object.create(null)` objects lose).
 */
const ParamsObject = function ParamsObject() {} as unknown as new () => Record<string, string>;
ParamsObject.prototype = Object.create(null);

const NOT_FOUND: RouteMatch<never> = Object.freeze({ kind: 'not-found' });

interface RegexChild<T> {
  seg: RegexSegment;
  node: Node<T>;
}

class Node<T> {
  /** Static children; below SMALL_STATIC entries a linear scan beats hashing a sliced key. */
  staticKeys: string[] = [];
  staticNodes: Node<T>[] = [];
  staticMap: Map<string, Node<T>> | null = null;
  mixed: RegexChild<T>[] | null = null;
  param: Node<T> | null = null;
  regex: RegexChild<T>[] | null = null;
  tail: RegexChild<T>[] | null = null;
  /** Values by method slot, or null when no route ends here. */
  handlers: Array<Handler<T> | undefined> | null = null;
  /** Bit i set when slot i has a handler; feeds the 405 allowed list. */
  mask = 0;

  staticChild(key: string): Node<T> | undefined {
    if (this.staticMap !== null) return this.staticMap.get(key);
    const i = this.staticKeys.indexOf(key);
    return i === -1 ? undefined : this.staticNodes[i];
  }

  addStaticChild(key: string): Node<T> {
    const existing = this.staticChild(key);
    if (existing) return existing;
    const node = new Node<T>();
    this.staticKeys.push(key);
    this.staticNodes.push(node);
    if (this.staticMap !== null) this.staticMap.set(key, node);
    else if (this.staticKeys.length > SMALL_STATIC) {
      this.staticMap = new Map(this.staticKeys.map((k, i) => [k, this.staticNodes[i]!]));
    }
    return node;
  }
}

const SMALL_STATIC = 4;

export class RouteTree<T> {
  private readonly caseSensitive: boolean;
  private readonly ignoreTrailingSlash: boolean;
  private readonly root = new Node<T>();
  /** Fully static routes by normalised path: one lookup for the common case. */
  private readonly staticRoutes = new Map<string, Node<T>>();
  /**
   * Bit (length % 32) set for every key of staticRoutes: a path of another
   * length skips the Map, which would hash the request's fresh path string
   * (a few hundred instructions, as much as the rest of a param match).
   */
  private staticLengths = 0;
  private readonly registered: Handler<T>[] = [];
  /** Captures of the current walk: [start, end] index pairs, or strings for mixed segments. */
  private readonly caps: Array<number | string> = [];
  private ncap = 0;
  /** Union of method bits of every leaf the path reached; read when nothing matched. */
  private seen = 0;

  constructor(opts: RouteTreeOptions = {}) {
    this.caseSensitive = opts.caseSensitive ?? false;
    this.ignoreTrailingSlash = opts.ignoreTrailingSlash ?? true;
  }

  add(method: string, pattern: string, value: T): void {
    const slot = typeof method === 'string' ? methodIndex(method) : -1;
    if (slot === -1) throw routeErrors.EXW_ERR_ROUTE_INVALID_METHOD(String(method), String(pattern));
    const parsed = parsePattern(pattern, {
      caseSensitive: this.caseSensitive,
      ignoreTrailingSlash: this.ignoreTrailingSlash,
    });
    const leaf = this.insert(parsed.segments);
    const handlers = (leaf.handlers ??= new Array<Handler<T> | undefined>(METHODS.length));
    const existing = handlers[slot];
    const canonical = METHODS[slot]!;
    if (existing) throw routeErrors.EXW_ERR_ROUTE_DUPLICATE(canonical, pattern, existing.method, existing.pattern);
    const handler: Handler<T> = { method: canonical, pattern, value, paramNames: parsed.paramNames };
    handlers[slot] = handler;
    leaf.mask |= 1 << slot;
    this.registered.push(handler);
    if (isStatic(parsed)) {
      const key = staticKey(parsed);
      this.staticRoutes.set(key, leaf);
      this.staticLengths |= 1 << (key.length & 31);
    }
  }

  find(method: string, path: string): RouteMatch<T> {
    const slot = methodIndex(method);
    let end = path.length;
    if (this.ignoreTrailingSlash && end > 1 && path.charCodeAt(end - 1) === 47 /* / */) end--;
    const lower = this.caseSensitive ? path : path.toLowerCase();

    // The key drops the trailing slash (end < path.length); lower-casing may change the length (İ).
    const keyLength = lower.length - (path.length - end);
    const staticLeaf =
      (this.staticLengths & (1 << (keyLength & 31))) === 0 ? undefined : this.staticRoutes.get(end === path.length ? lower : lower.slice(0, keyLength));
    if (staticLeaf !== undefined) {
      const handler = pick(staticLeaf.handlers!, slot);
      if (handler !== undefined) return { kind: 'found', value: handler.value, params: new ParamsObject(), pattern: handler.pattern };
    }
    if (path.charCodeAt(0) !== 47) return NOT_FOUND;

    this.ncap = 0;
    this.seen = 0;
    // Unicode lower-casing may change the length (İ); then compare per segment instead.
    const aligned = lower.length === path.length ? lower : null;
    const handler = this.walk(this.root, path, aligned, 0, end, slot);
    if (handler !== undefined) {
      return { kind: 'found', value: handler.value, params: this.buildParams(handler, path), pattern: handler.pattern };
    }
    return this.seen === 0 ? NOT_FOUND : { kind: 'method-not-allowed', allowed: allowedMethods(this.seen) };
  }

  routes(): Array<RouteEntry<T>> {
    return this.registered.map(({ method, pattern, value }) => ({ method, pattern, value }));
  }

  /**
   * Every route whose pattern matches the path, whatever its method, in
   * registration order (Express 4 lists a path's methods in that order in
   * its automatic OPTIONS answer). Walks every branch: off the hot path.
   */
  matchingRoutes(path: string): Array<RouteEntry<T>> {
    if (path.charCodeAt(0) !== 47 /* / */) return [];
    let end = path.length;
    if (this.ignoreTrailingSlash && end > 1 && path.charCodeAt(end - 1) === 47) end--;
    const lower = this.caseSensitive ? path : path.toLowerCase();
    const found = new Set<Handler<T>>();
    this.collect(this.root, path, lower.length === path.length ? lower : null, 0, end, found);
    const order = this.registered;
    return [...found].sort((a, b) => order.indexOf(a) - order.indexOf(b)).map(({ method, pattern, value }) => ({ method, pattern, value }));
  }

  private insert(segments: Segment[]): Node<T> {
    let node = this.root;
    for (const seg of segments) {
      if (seg.kind === 'static') node = node.addStaticChild(seg.text);
      else if (seg.kind === 'param') node = node.param ??= new Node<T>();
      else node = regexChild(node, seg);
    }
    return node;
  }

  /**
   * Depth-first match from `node`; `pos` is the index of the `/` before the
   * next segment (or `end` when the path is consumed). `lower` is the
   * lower-cased path when case-insensitive (the path itself otherwise), or
   * null when it does not align with the path.
   */
  private walk(node: Node<T>, path: string, lower: string | null, pos: number, end: number, slot: number): Handler<T> | undefined {
    if (pos >= end) return this.matchEnd(node, path, end, slot);
    const start = pos + 1;
    let stop = path.indexOf('/', start);
    if (stop === -1 || stop > end) stop = end;

    const child = this.staticChildAt(node, path, lower, start, stop);
    if (child !== undefined) {
      const found = this.walk(child, path, lower, stop, end, slot);
      if (found !== undefined) return found;
    }
    const mark = this.ncap;
    if (node.mixed !== null) {
      const segment = path.slice(start, stop);
      for (const { seg, node: next } of node.mixed) {
        const m = seg.re.exec(segment);
        if (m === null) continue;
        this.pushGroups(m, seg.names.length);
        const found = this.walk(next, path, lower, stop, end, slot);
        if (found !== undefined) return found;
        this.ncap = mark;
      }
    }
    if (node.param !== null && stop > start) {
      this.pushRange(start, stop);
      const found = this.walk(node.param, path, lower, stop, end, slot);
      if (found !== undefined) return found;
      this.ncap = mark;
    }
    if (node.regex !== null) {
      const segment = path.slice(start, stop);
      for (const { seg, node: next } of node.regex) {
        if (!seg.re.test(segment)) continue;
        this.pushRange(start, stop);
        const found = this.walk(next, path, lower, stop, end, slot);
        if (found !== undefined) return found;
        this.ncap = mark;
      }
    }
    return node.tail === null ? undefined : this.matchTail(node.tail, path, start, end, slot);
  }

  /** walk() without the method and without stopping at the first match: every leaf the path reaches goes to `out`. */
  private collect(node: Node<T>, path: string, lower: string | null, pos: number, end: number, out: Set<Handler<T>>): void {
    if (pos >= end) {
      if (node.handlers !== null) for (const handler of node.handlers) if (handler !== undefined) out.add(handler);
      if (node.tail !== null && this.ignoreTrailingSlash) collectTail(node.tail, path.slice(end, end), out);
      return;
    }
    const start = pos + 1;
    let stop = path.indexOf('/', start);
    if (stop === -1 || stop > end) stop = end;
    const child = this.staticChildAt(node, path, lower, start, stop);
    if (child !== undefined) this.collect(child, path, lower, stop, end, out);
    const segment = path.slice(start, stop);
    for (const { seg, node: next } of node.mixed ?? []) if (seg.re.exec(segment) !== null) this.collect(next, path, lower, stop, end, out);
    if (node.param !== null && stop > start) this.collect(node.param, path, lower, stop, end, out);
    for (const { seg, node: next } of node.regex ?? []) if (seg.re.test(segment)) this.collect(next, path, lower, stop, end, out);
    if (node.tail !== null) collectTail(node.tail, path.slice(start, end), out);
  }

  /** The path is consumed at `node`: its own handler, else (trailing slash ignored) a tail matching "". */
  private matchEnd(node: Node<T>, path: string, end: number, slot: number): Handler<T> | undefined {
    if (node.handlers !== null) {
      this.seen |= node.mask;
      const handler = pick(node.handlers, slot);
      if (handler !== undefined) return handler;
    }
    // `/files/` is `/files` here, so `/files/{rest:.*}` may still take it with rest "".
    if (node.tail !== null && this.ignoreTrailingSlash) return this.matchTail(node.tail, path, end, end, slot);
    return undefined;
  }

  private matchTail(tails: RegexChild<T>[], path: string, start: number, end: number, slot: number): Handler<T> | undefined {
    const rest = path.slice(start, end);
    for (const { seg, node } of tails) {
      const m = seg.kind === 'mixed' ? seg.re.exec(rest) : seg.re.test(rest) ? true : null;
      if (m === null) continue;
      this.seen |= node.mask;
      const handler = pick(node.handlers!, slot);
      if (handler === undefined) continue;
      if (m === true) this.pushRange(start, end);
      else this.pushGroups(m, seg.names.length);
      return handler;
    }
    return undefined;
  }

  private staticChildAt(node: Node<T>, path: string, lower: string | null, start: number, stop: number): Node<T> | undefined {
    if (node.staticKeys.length === 0) return undefined;
    if (lower === null) return node.staticChild(path.slice(start, stop).toLowerCase());
    if (node.staticMap !== null) return node.staticMap.get(lower.slice(start, stop));
    const keys = node.staticKeys;
    const length = stop - start;
    for (let i = 0; i < keys.length; i++) {
      const key = keys[i]!;
      if (key.length === length && lower.startsWith(key, start)) return node.staticNodes[i];
    }
    return undefined;
  }

  private pushRange(start: number, stop: number): void {
    this.caps[this.ncap++] = start;
    this.caps[this.ncap++] = stop;
  }

  private pushGroups(m: RegExpExecArray, count: number): void {
    const groups = m.groups!;
    for (let i = 0; i < count; i++) this.caps[this.ncap++] = groups[mixedGroupName(i)]!;
  }

  private buildParams(handler: Handler<T>, path: string): Record<string, string> {
    const params = new ParamsObject();
    const names = handler.paramNames;
    const caps = this.caps;
    let j = 0;
    for (let i = 0; i < names.length; i++) {
      const cap = caps[j]!;
      if (typeof cap === 'number') {
        params[names[i]!] = path.slice(cap, caps[j + 1] as number);
        j += 2;
      } else {
        params[names[i]!] = cap;
        j += 1;
      }
    }
    return params;
  }
}

function collectTail<T>(tails: RegexChild<T>[], rest: string, out: Set<Handler<T>>): void {
  for (const { seg, node } of tails) {
    const matches = seg.kind === 'mixed' ? seg.re.exec(rest) !== null : seg.re.test(rest);
    if (matches && node.handlers !== null) for (const handler of node.handlers) if (handler !== undefined) out.add(handler);
  }
}

function pick<T>(handlers: Array<Handler<T> | undefined>, slot: number): Handler<T> | undefined {
  if (slot >= 0) {
    const exact = handlers[slot];
    if (exact !== undefined) return exact;
    // HEAD is GET without a body: a GET route answers it unless HEAD has its own.
    if (slot === HEAD && handlers[GET] !== undefined) return handlers[GET];
  }
  return handlers[ANY];
}

function regexChild<T>(node: Node<T>, seg: RegexSegment): Node<T> {
  const list = seg.tail ? (node.tail ??= []) : seg.kind === 'mixed' ? (node.mixed ??= []) : (node.regex ??= []);
  const existing = list.find((c) => c.seg.key === seg.key);
  if (existing) return existing.node;
  const child: RegexChild<T> = { seg, node: new Node<T>() };
  list.push(child);
  return child.node;
}

function isStatic(parsed: ParsedPattern): boolean {
  return parsed.segments.every((s) => s.kind === 'static');
}

function staticKey(parsed: ParsedPattern): string {
  return '/' + parsed.segments.map((s) => (s as { text: string }).text).join('/');
}

/** Allowed lists by method mask, built once per mask; callers get a copy they may keep or change. */
const allowedByMask = new Map<number, readonly string[]>();

function allowedMethods(mask: number): string[] {
  let allowed = allowedByMask.get(mask);
  if (allowed === undefined) {
    const list: string[] = [];
    for (const method of SORTED_METHODS) {
      const bit = 1 << METHODS.indexOf(method);
      // HEAD is answered by GET routes, so it is allowed wherever GET is.
      if (mask & bit || (method === 'HEAD' && mask & (1 << GET))) list.push(method);
    }
    allowedByMask.set(mask, (allowed = list));
  }
  return allowed.slice();
}

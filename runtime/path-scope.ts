/**
 * Path-scoped middleware: `requestMiddleware('/admin', fn)` runs for
 * `/admin` and `/admin/...`, never for `/administrator`. Segment aware, on
 * the normalised path (normalize-path.ts), case-insensitive unless the
 * server is case-sensitive. A prefix segment may be a `{param}` (any one
 * segment) or `{name:regex}`.
 *
 * At compile time each scope is classified against every route pattern:
 * 'always' (the route lies inside the prefix: no per-request check),
 * 'never' (it cannot: the middleware is left out of that route's plan) or
 * 'maybe' (a param decides: checked per request).
 */
import { runtimeErrors } from './codes.js';

export type ScopeFit = 'always' | 'never' | 'maybe';

type SegmentTest = string | RegExp | null; // literal, regex, or any segment

export class PathScope {
  readonly prefix: string;
  /** Literal prefix ('' when it has params): the fast check. */
  private readonly literal: string | null;
  private readonly segments: SegmentTest[];

  constructor(prefix: string, private readonly caseSensitive: boolean) {
    if (typeof prefix !== 'string' || prefix.charCodeAt(0) !== 47) {
      throw runtimeErrors.EXW_ERR_REGISTER_INVALID_PREFIX(String(prefix), "a prefix must start with '/'");
    }
    const trimmed = prefix.replace(/\/+$/, '');
    this.prefix = trimmed === '' ? '/' : trimmed;
    this.segments = trimmed === '' ? [] : trimmed.slice(1).split('/').map((seg) => compileSegment(seg, prefix, caseSensitive));
    const literal = this.segments.every((s) => typeof s === 'string');
    this.literal = literal ? (trimmed === '' ? '' : '/' + (this.segments as string[]).join('/')) : null;
  }

  /** True when `path` (normalised) is the prefix or below it. */
  matches(path: string): boolean {
    const literal = this.literal;
    if (literal !== null) {
      if (literal === '') return true;
      const candidate = this.caseSensitive ? path : path.toLowerCase();
      return candidate.startsWith(literal) && (candidate.length === literal.length || candidate.charCodeAt(literal.length) === 47);
    }
    const parts = path.split('/');
    if (parts.length - 1 < this.segments.length) return false;
    for (let i = 0; i < this.segments.length; i++) {
      if (!segmentMatches(this.segments[i]!, parts[i + 1]!, this.caseSensitive)) return false;
    }
    return true;
  }

  /** Whether the route `pattern` is always, never or maybe inside this prefix. */
  fit(pattern: string): ScopeFit {
    if (this.segments.length === 0) return 'always';
    const parts = pattern.replace(/\/+$/, '').split('/').slice(1);
    for (let i = 0; i < this.segments.length; i++) {
      const part = parts[i];
      if (part === undefined) return 'never';
      const test = this.segments[i]!;
      // A param (or a tail regex swallowing several segments) decides per request.
      if (part.includes('{')) return 'maybe';
      if (!segmentMatches(test, part, this.caseSensitive)) return 'never';
    }
    return 'always';
  }
}

function compileSegment(seg: string, prefix: string, caseSensitive: boolean): SegmentTest {
  if (seg === '') throw runtimeErrors.EXW_ERR_REGISTER_INVALID_PREFIX(prefix, 'empty segment (double slash)');
  const param = /^\{([A-Za-z_$][\w$]*)(?::(.+))?\}$/.exec(seg);
  if (!param) {
    if (seg.includes('{') || seg.includes('}')) throw runtimeErrors.EXW_ERR_REGISTER_INVALID_PREFIX(prefix, `segment "${seg}" mixes text and a {param}`);
    return caseSensitive ? seg : seg.toLowerCase();
  }
  if (param[2] === undefined) return null;
  try {
    return new RegExp(`^(?:${param[2]})$`, caseSensitive ? '' : 'i');
  } catch (err) {
    throw runtimeErrors.EXW_ERR_REGISTER_INVALID_PREFIX(prefix, (err as Error).message);
  }
}

function segmentMatches(test: SegmentTest, segment: string, caseSensitive: boolean): boolean {
  if (test === null) return segment.length > 0;
  if (typeof test === 'string') return (caseSensitive ? segment : segment.toLowerCase()) === test;
  return test.test(segment);
}

/**
 * Route pattern syntax: parses `/users/{id}`, `/files/{path:.+}` and
 * `/v{version}` into segments the route tree can insert, and raises the
 * router's coded errors.
 *
 * Grammar, per `/`-separated segment:
 * - static text: `users` (compared case-insensitively unless `caseSensitive`);
 * - `{name}`: one non-empty segment;
 * - `{name:regex}`: a segment matching the regex, anchored to the whole
 *   segment. In the LAST segment the regex is anchored to the whole rest of
 *   the path instead, so `/files/{path:.+}` matches `/files/a/b/c`.
 *   The regex may contain braces (`{id:\d{3}}`), escapes and classes (`[}]`);
 *   the parser counts them, so the param ends at the matching `}`;
 * - mixed: static text and params in one segment (`v{version}`,
 *   `{name}.{ext}`, `img-{id:\d+}.png`), compiled to one anchored regex. Two
 *   params need static text between them (`{a}{b}` is ambiguous and rejected).
 *   A plain `{name}` inside a mixed segment is greedy (`[^/]+`), so
 *   `{name}.{ext}` on `a.b.c` gives name `a.b`, ext `c`.
 *
 * Param names are identifiers (`[A-Za-z_][A-Za-z0-9_]*`) and unique within
 * a pattern. Regexes get the `i` flag when the router is case-insensitive (as
 * path-to-regexp does), and no `u` flag, so the classic regex syntax applies.
 */
import safeRegex from 'safe-regex2';
import { defineErrors } from './errors.js';

export const routeErrors = defineErrors({
  EXW_ERR_ROUTE_INVALID_PATTERN: { message: 'Invalid route pattern "%s": %s' },
  EXW_ERR_ROUTE_INVALID_REGEX: { message: 'Invalid regex /%s/ in route pattern "%s": %s' },
  EXW_ERR_ROUTE_INVALID_METHOD: {
    message: 'Invalid method "%s" for route "%s": use GET, POST, PUT, PATCH, DELETE, HEAD, OPTIONS or * (any method)',
  },
  EXW_ERR_ROUTE_DUPLICATE: { message: 'Route %s %s is already registered (as %s %s)' },
});

/** Code of the process warning emitted for regexes with nested quantifiers. */
export const REDOS_WARNING_CODE = 'EXW_WARN_ROUTE_REDOS';

export interface StaticSegment {
  kind: 'static';
  /** Text to compare with; lower-cased when the router is case-insensitive. */
  text: string;
}

export interface ParamSegment {
  kind: 'param';
  name: string;
}

/** `{name:regex}` alone in its segment, or a mixed segment; both match by regex. */
export interface RegexSegment {
  kind: 'regex' | 'mixed';
  /** Param names in capture order (one for `regex`, one or more for `mixed`). */
  names: string[];
  /** Anchored regex tested against the segment (or the rest of the path when `tail`). */
  re: RegExp;
  /** Identity of the segment regardless of param names: equal keys share a tree node. */
  key: string;
  /** Last segment with a regex: matches the whole rest of the path, slashes included. */
  tail: boolean;
}

export type Segment = StaticSegment | ParamSegment | RegexSegment;

export interface ParsedPattern {
  pattern: string;
  segments: Segment[];
  /** All param names in path order; matched values are captured in this order. */
  paramNames: string[];
}

export interface PatternOptions {
  caseSensitive: boolean;
  ignoreTrailingSlash: boolean;
}

type Part = { kind: 'text'; text: string } | { kind: 'param'; name: string; regex: string | null };

const PARAM_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;
/** Named groups of mixed segments; a prefix user regexes are unlikely to use. */
const GROUP_PREFIX = '__exw';

export function parsePattern(pattern: string, opts: PatternOptions): ParsedPattern {
  if (typeof pattern !== 'string' || pattern[0] !== '/') {
    throw routeErrors.EXW_ERR_ROUTE_INVALID_PATTERN(String(pattern), 'a pattern must start with "/"');
  }
  const raw = splitSegments(pattern);
  // `/a/` has a last empty segment; ignoring trailing slashes makes it `/a`.
  if (opts.ignoreTrailingSlash && raw.length > 1 && isEmptySegment(raw[raw.length - 1]!)) raw.pop();

  const paramNames: string[] = [];
  const segments = raw.map((parts, i) =>
    buildSegment(pattern, parts, i === raw.length - 1, opts, paramNames),
  );
  return { pattern, segments, paramNames };
}

function isEmptySegment(parts: Part[]): boolean {
  return parts.length === 0;
}

/** Splits after the leading `/` into segments of text and params, `/` inside a regex included. */
function splitSegments(pattern: string): Part[][] {
  const segments: Part[][] = [];
  let parts: Part[] = [];
  let text = '';
  let i = 1;
  while (i <= pattern.length) {
    const ch = pattern[i];
    if (ch === undefined || ch === '/') {
      if (text) parts.push({ kind: 'text', text });
      segments.push(parts);
      parts = [];
      text = '';
      i++;
    } else if (ch === '{') {
      if (text) parts.push({ kind: 'text', text });
      text = '';
      const end = findParamEnd(pattern, i);
      parts.push(readParam(pattern, pattern.slice(i + 1, end)));
      i = end + 1;
    } else if (ch === '}') {
      throw routeErrors.EXW_ERR_ROUTE_INVALID_PATTERN(pattern, `unexpected "}" at position ${i}`);
    } else {
      text += ch;
      i++;
    }
  }
  return segments;
}

/** Index of the `}` closing the param opened at `open`, skipping escapes, classes and nested braces. */
function findParamEnd(pattern: string, open: number): number {
  let depth = 0;
  let inClass = false;
  for (let i = open + 1; i < pattern.length; i++) {
    const ch = pattern[i];
    if (ch === '\\') i++;
    else if (inClass) inClass = ch !== ']';
    else if (ch === '[') inClass = true;
    else if (ch === '{') depth++;
    else if (ch === '}') {
      if (depth === 0) return i;
      depth--;
    }
  }
  throw routeErrors.EXW_ERR_ROUTE_INVALID_PATTERN(pattern, `unclosed "{" at position ${open}`);
}

function readParam(pattern: string, body: string): Part {
  const colon = body.indexOf(':');
  const name = colon === -1 ? body : body.slice(0, colon);
  const regex = colon === -1 ? null : body.slice(colon + 1);
  if (!PARAM_NAME.test(name)) {
    throw routeErrors.EXW_ERR_ROUTE_INVALID_PATTERN(
      pattern,
      `param name "${name}" must be an identifier (letters, digits, _; not starting with a digit)`,
    );
  }
  if (regex === '') throw routeErrors.EXW_ERR_ROUTE_INVALID_PATTERN(pattern, `param "${name}" has an empty regex`);
  if (regex !== null) checkRegex(pattern, regex);
  return { kind: 'param', name, regex };
}

function checkRegex(pattern: string, regex: string): void {
  try {
    new RegExp(regex);
  } catch (err) {
    throw routeErrors.EXW_ERR_ROUTE_INVALID_REGEX(regex, pattern, (err as Error).message);
  }
  // Star height > 1 (`(a+)+`, `(.*)*`) can backtrack exponentially on a hostile path.
  if (!safeRegex(regex)) {
    process.emitWarning(
      `Route pattern "${pattern}": regex /${regex}/ has nested quantifiers and may backtrack catastrophically on hostile paths; prefer a regex without a quantifier inside a repeated group`,
      { code: REDOS_WARNING_CODE, type: 'ExpresswayWarning' },
    );
  }
}

function buildSegment(
  pattern: string,
  parts: Part[],
  last: boolean,
  opts: PatternOptions,
  paramNames: string[],
): Segment {
  for (const part of parts) {
    if (part.kind !== 'param') continue;
    if (paramNames.includes(part.name)) {
      throw routeErrors.EXW_ERR_ROUTE_INVALID_PATTERN(pattern, `param name "${part.name}" is used twice`);
    }
    paramNames.push(part.name);
  }
  if (parts.length === 0) return { kind: 'static', text: '' };
  const only = parts.length === 1 ? parts[0]! : null;
  if (only?.kind === 'text') return { kind: 'static', text: opts.caseSensitive ? only.text : only.text.toLowerCase() };
  if (only?.kind === 'param' && only.regex === null) return { kind: 'param', name: only.name };
  return buildRegexSegment(pattern, parts, last, opts);
}

function buildRegexSegment(pattern: string, parts: Part[], last: boolean, opts: PatternOptions): RegexSegment {
  const names: string[] = [];
  let source = '';
  let hasRegex = false;
  let previousWasParam = false;
  for (const part of parts) {
    if (part.kind === 'text') {
      source += escapeRegex(part.text);
      previousWasParam = false;
      continue;
    }
    if (previousWasParam) {
      throw routeErrors.EXW_ERR_ROUTE_INVALID_PATTERN(
        pattern,
        `params "${names[names.length - 1]}" and "${part.name}" need static text between them`,
      );
    }
    hasRegex ||= part.regex !== null;
    const body = part.regex ?? '[^/]+';
    source += parts.length === 1 ? `(?:${body})` : `(?<${mixedGroupName(names.length)}>${body})`;
    names.push(part.name);
    previousWasParam = true;
  }
  const tail = last && hasRegex;
  const flags = opts.caseSensitive ? '' : 'i';
  let re: RegExp;
  try {
    re = new RegExp(`^${source}$`, flags);
  } catch (err) {
    throw routeErrors.EXW_ERR_ROUTE_INVALID_REGEX(source, pattern, (err as Error).message);
  }
  return { kind: parts.length === 1 ? 'regex' : 'mixed', names, re, key: `${tail ? 'tail' : 'seg'}:${flags}:${source}`, tail };
}

function escapeRegex(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
}

/** Name of the regex group holding the i-th param of a mixed segment. */
export function mixedGroupName(i: number): string {
  return (GROUP_NAMES[i] ??= GROUP_PREFIX + i);
}
const GROUP_NAMES: string[] = [];

/**
 * Noise: differences that are not regressions.
 *
 * 1. Per request (Diferencia's method): a path that differs between the
 *    primary and the secondary answer of the same request is noise for that
 *    request, and any candidate difference at or under it is dropped.
 * 2. Per route, statistically (Diffy's method): over all requests of a
 *    route, a path whose candidate difference rate is explained by its A/A
 *    difference rate — within a relative and an absolute threshold — is
 *    noise for the whole route. This catches a timestamp that happened to
 *    be equal in one A/A pair but not in the A/B pair.
 * 3. Declared rules (a JSON rules file): fields and headers to ignore per route.
 */
import { readFile } from 'node:fs/promises';
import { VerifyErrors } from './errors.js';
import { pointerSegment } from './diff.js';

/** True when `path` is `prefix` or lies under it (`/body/a` covers `/body/a/b`, not `/body/ab`). */
export function isUnder(path: string, prefix: string): boolean {
  return path === prefix || (path.startsWith(prefix) && path.charCodeAt(prefix.length) === 47 /* / */);
}

export function coveredByAny(path: string, prefixes: Iterable<string>): boolean {
  for (const p of prefixes) if (isUnder(path, p)) return true;
  return false;
}

/** Array indices as `*`, so `/body/items/3/id` and `/body/items/4/id` show as one noise field. */
export function generalisePath(path: string): string {
  return path.replace(/\/\d+(?=\/|$)/g, '/*');
}

/**
 * Noise in maps keyed by data (`/body/routes/GET ~1a/avgMs`): when the same
 * field differed between primary and secondary under at least two keys of
 * one object, it is noise under every key of that object — a single key
 * whose two runs happened to agree (two averages rounded to 0.94) is no
 * evidence of a real difference. Returns the templates, the key as `*`.
 */
export function siblingNoise(aaPaths: readonly string[]): string[][] {
  const keys = new Map<string, { template: string[]; keys: Set<string> }>();
  for (const path of aaPaths) {
    const segments = path.split('/');
    // segments[0] is '' and [1] is body/headers: a key is anything deeper.
    for (let i = 2; i < segments.length - 1; i++) {
      const template = [...segments];
      template[i] = '*';
      const id = template.join('/');
      let entry = keys.get(id);
      if (!entry) keys.set(id, (entry = { template, keys: new Set() }));
      entry.keys.add(segments[i]!);
    }
  }
  return [...keys.values()].filter((e) => e.keys.size >= 2).map((e) => e.template);
}

/** `path` lies under one of the templates (`*` matches any one segment). */
export function coveredBySiblingNoise(path: string, templates: readonly string[][]): boolean {
  if (templates.length === 0) return false;
  const segments = path.split('/');
  return templates.some((t) => segments.length >= t.length && t.every((s, i) => s === '*' || s === segments[i]));
}

// ---- Rules file -----------------------------------------------------------

export interface NoiseRule {
  /** `METHOD /template`, `/template` (any method) or `*` (every route). */
  route: string;
  /** Field patterns: `/body/a/b`, `/body/items/*\/id` (`*` one segment, `**` the rest), or a bare key name matching anywhere. */
  fields?: string[];
  /** Header names to ignore. */
  headers?: string[];
  /** Ignore the status code. */
  status?: boolean;
}

export interface NoiseRules {
  version: 1;
  rules: NoiseRule[];
}

type Matcher = (path: string) => boolean;

export class RuleSet {
  private readonly cache = new Map<string, Matcher[]>();

  constructor(private readonly rules: NoiseRule[] = []) {}

  /** Matchers that apply to a route key `METHOD /template`. */
  forRoute(routeKey: string): Matcher[] {
    let m = this.cache.get(routeKey);
    if (!m) {
      m = this.rules.filter((r) => ruleAppliesTo(r.route, routeKey)).flatMap(ruleMatchers);
      this.cache.set(routeKey, m);
    }
    return m;
  }

  ignores(routeKey: string, path: string): boolean {
    return this.forRoute(routeKey).some((m) => m(path));
  }
}

function ruleAppliesTo(pattern: string, routeKey: string): boolean {
  const p = pattern.trim();
  if (p === '*') return true;
  const space = routeKey.indexOf(' ');
  const method = routeKey.slice(0, space);
  const template = routeKey.slice(space + 1);
  if (p.startsWith('/')) return sameTemplate(p, template);
  const [m = '', t = ''] = p.split(/\s+/);
  return (m === '*' || m.toUpperCase() === method) && sameTemplate(t, template);
}

/** Parameter names do not matter: `/users/{id}`, `/users/{userId}` and `/users/:id` are one route. */
function sameTemplate(a: string, b: string): boolean {
  const shape = (t: string) => t.replace(/\{[^}]*\}|:[A-Za-z_$][\w$]*\??/g, '{}');
  return shape(a) === shape(b);
}

function ruleMatchers(rule: NoiseRule): Matcher[] {
  const out: Matcher[] = [];
  for (const f of rule.fields ?? []) out.push(fieldMatcher(f));
  for (const h of rule.headers ?? []) {
    const prefix = `/headers/${pointerSegment(h.toLowerCase())}`;
    out.push((path) => isUnder(path, prefix));
  }
  if (rule.status) out.push((path) => path === '/status');
  return out;
}

function fieldMatcher(pattern: string): Matcher {
  if (!pattern.startsWith('/')) {
    // A bare key: that key anywhere in the body.
    const seg = pointerSegment(pattern);
    return (path) => path.startsWith('/body/') && path.split('/').includes(seg);
  }
  const full = /^\/(body|headers|status)(\/|$)/.test(pattern) ? pattern : `/body${pattern}`;
  const pat = full.split('/');
  return (path) => {
    const segs = path.split('/');
    for (let i = 0; i < pat.length; i++) {
      if (pat[i] === '**') return true;
      if (i >= segs.length) return false;
      if (pat[i] !== '*' && pat[i] !== segs[i]) return false;
    }
    return true; // the pattern covers this path and everything under it
  };
}

export async function loadRules(file: string): Promise<RuleSet> {
  let doc: unknown;
  try {
    doc = JSON.parse(await readFile(file, 'utf8'));
  } catch (err) {
    throw VerifyErrors.EXW_ERR_VERIFY_RULES(file, (err as NodeJS.ErrnoException).code ?? (err as Error).message);
  }
  return new RuleSet(validateRules(doc, file).rules);
}

export function validateRules(doc: unknown, file = 'rules'): NoiseRules {
  const fail = (what: string) => VerifyErrors.EXW_ERR_VERIFY_RULES(file, what);
  const d = doc as Partial<NoiseRules> | null;
  if (typeof d !== 'object' || d === null || Array.isArray(d)) throw fail('expected a JSON object {"version": 1, "rules": [...]}');
  if (d.version !== 1) throw fail(`"version" must be 1, got ${JSON.stringify(d.version)}`);
  if (!Array.isArray(d.rules)) throw fail('"rules" must be an array');
  d.rules.forEach((r, i) => {
    if (typeof r !== 'object' || r === null || typeof r.route !== 'string') throw fail(`rules[${i}].route must be a string`);
    for (const key of ['fields', 'headers'] as const) {
      const v = r[key];
      if (v !== undefined && (!Array.isArray(v) || v.some((x) => typeof x !== 'string'))) throw fail(`rules[${i}].${key} must be an array of strings`);
    }
    if (r.status !== undefined && typeof r.status !== 'boolean') throw fail(`rules[${i}].status must be true or false`);
  });
  return d as NoiseRules;
}

// ---- Per-route statistics -------------------------------------------------

export interface NoiseThresholds {
  /** Candidate difference rate may exceed the A/A rate by this fraction of it (0.2 = 20%). */
  relative: number;
  /** ... or by this fraction of the route's compared requests (0.03 = 3 points). */
  absolute: number;
}

export const DEFAULT_NOISE_THRESHOLDS: NoiseThresholds = { relative: 0.2, absolute: 0.03 };

/** Adds one to each distinct path's count (a path listed twice for one request counts once). */
function countOnce(counts: Map<string, number>, paths: readonly string[]): void {
  for (let i = 0; i < paths.length; i++) {
    const p = paths[i]!;
    // The lists are short (a few differences per request): a scan is cheaper than a Set.
    if (i > 0 && paths.lastIndexOf(p, i - 1) >= 0) continue;
    counts.set(p, (counts.get(p) ?? 0) + 1);
  }
}

/** Counts, per path, how often the baseline disagreed with itself and with the candidate. */
export class RouteNoiseStats {
  compared = 0;
  /** path -> requests where primary and secondary differed there. */
  readonly aa = new Map<string, number>();
  /** path -> requests where primary and candidate differed there (before per-request cancellation). */
  readonly ab = new Map<string, number>();

  record(aaPaths: readonly string[], abPaths: readonly string[]): void {
    this.compared++;
    countOnce(this.aa, aaPaths);
    countOnce(this.ab, abPaths);
  }

  /** Paths that are noise for the whole route. */
  noisePaths(thresholds: NoiseThresholds = DEFAULT_NOISE_THRESHOLDS): Set<string> {
    const out = new Set<string>();
    for (const [path, noise] of this.aa) {
      const raw = this.ab.get(path) ?? 0;
      if (raw <= noise * (1 + thresholds.relative) || raw - noise <= thresholds.absolute * this.compared) out.add(path);
    }
    return out;
  }
}

/**
 * Accumulates replay results per route and turns them into the report's
 * ledger: samples, compared, matched after per-request and per-route noise,
 * noise fields, lost and skipped requests, and example differences (a
 * bounded number per route and path, values redacted).
 */
import type { RawDifference } from './diff.js';
import { RouteNoiseStats, coveredByAny, coveredBySiblingNoise, generalisePath, siblingNoise, type NoiseThresholds, type RuleSet } from './noise.js';
import type { Redactor } from './redact.js';
import { REDACTED } from './redact.js';
import type { Difference, LostComparison, LostReason, ReportRequest, RouteLedger, SkippedRequest } from './report-model.js';
import { routeKey, type RouteSpec } from './route-template.js';

export interface RouteRef {
  key: string;
  method: string;
  template: string;
}

interface RouteAcc extends RouteRef {
  samples: number;
  lost: number;
  skipped: number;
  candidateFailures: number;
  stats: RouteNoiseStats;
  /** Requests with differences left after per-request noise and rules: their paths. */
  differing: string[][];
  /** Example differences by generalised path. */
  examples: Map<string, Difference[]>;
  noiseFields: Set<string>;
}

export interface LedgerOptions {
  rules: RuleSet;
  noise: NoiseThresholds;
  redactor: Redactor;
  /** Example differences kept per route and field. Default 20. */
  examplesPerPath?: number;
  /** Lost and skipped requests listed in the report (all are counted). Default 1000 each. */
  maxListed?: number;
}

export class Ledger {
  private readonly routes = new Map<string, RouteAcc>();
  readonly lost: LostComparison[] = [];
  readonly skipped: SkippedRequest[] = [];
  private readonly examplesPerPath: number;
  private readonly maxListed: number;

  constructor(private readonly options: LedgerOptions) {
    this.examplesPerPath = options.examplesPerPath ?? 20;
    this.maxListed = options.maxListed ?? 1000;
  }

  /** Declared routes appear in the ledger even with no traffic ("not covered"). */
  declare(specs: RouteSpec[]): void {
    for (const s of specs) this.acc({ key: routeKey(s.method, s.template), method: s.method, template: s.template });
  }

  private acc(ref: RouteRef): RouteAcc {
    let a = this.routes.get(ref.key);
    if (!a) {
      a = {
        ...ref,
        samples: 0,
        lost: 0,
        skipped: 0,
        candidateFailures: 0,
        stats: new RouteNoiseStats(),
        differing: [],
        examples: new Map(),
        noiseFields: new Set(),
      };
      this.routes.set(ref.key, a);
    }
    return a;
  }

  sample(route: RouteRef): void {
    this.acc(route).samples++;
  }

  skip(request: ReportRequest, route: RouteRef): void {
    this.acc(route).skipped++;
    if (this.skipped.length < this.maxListed) this.skipped.push({ request: this.redactRequest(request), route: route.key, reason: 'write-not-allowed' });
  }

  lose(request: ReportRequest, route: RouteRef, reason: LostReason, side: LostComparison['side'], message: string): void {
    const a = this.acc(route);
    a.lost++;
    if (side === 'candidate' && (reason === 'timeout' || reason === 'connection')) a.candidateFailures++;
    if (this.lost.length < this.maxListed) this.lost.push({ request: this.redactRequest(request), route: route.key, reason, side, message });
  }

  /** One request compared: `aa` are primary-vs-secondary differences, `ab` primary-vs-candidate. */
  compared(request: ReportRequest, route: RouteRef, aa: RawDifference[], ab: RawDifference[]): void {
    const a = this.acc(route);
    const aaPaths = aa.map((d) => d.path);
    // The A/A paths become noise fields in finish(), from the counts: not generalised again per request.
    a.stats.record(aaPaths, ab.map((d) => d.path));
    if (ab.length === 0) return;
    const remaining: RawDifference[] = [];
    const siblings = siblingNoise(aaPaths);
    for (const d of ab) {
      if (coveredByAny(d.path, aaPaths)) continue;
      if (coveredBySiblingNoise(d.path, siblings)) {
        a.noiseFields.add(generalisePath(d.path));
        continue;
      }
      if (this.options.rules.ignores(route.key, d.path)) {
        a.noiseFields.add(generalisePath(d.path));
        continue;
      }
      remaining.push(d);
    }
    if (remaining.length === 0) return;
    a.differing.push(remaining.map((d) => d.path));
    for (const d of remaining) {
      const key = generalisePath(d.path);
      let list = a.examples.get(key);
      if (!list) a.examples.set(key, (list = []));
      if (list.length < this.examplesPerPath) list.push(this.toDifference(request, route.key, d));
    }
  }

  finish(): { routes: RouteLedger[]; differences: Difference[] } {
    const routes: RouteLedger[] = [];
    const differences: Difference[] = [];
    for (const a of this.routes.values()) {
      const routeNoise = a.stats.noisePaths(this.options.noise);
      const isReal = (path: string) => !coveredByAny(path, routeNoise);
      const stillDiffering = a.differing.filter((paths) => paths.some(isReal)).length;
      for (const list of a.examples.values()) differences.push(...list.filter((d) => isReal(d.path)));
      for (const path of a.stats.aa.keys()) a.noiseFields.add(generalisePath(path));
      const compared = a.stats.compared;
      routes.push({
        route: a.key,
        method: a.method,
        template: a.template,
        samples: a.samples,
        compared,
        matched: compared - stillDiffering,
        parity: 0, // filled by finaliseReport
        noiseFields: [...a.noiseFields].sort().slice(0, 100),
        lost: a.lost,
        skipped: a.skipped,
        candidateFailures: a.candidateFailures,
        verdict: 'not covered', // filled by finaliseReport
      });
    }
    routes.sort((x, y) => (x.template === y.template ? x.method.localeCompare(y.method) : x.template.localeCompare(y.template)));
    return { routes, differences };
  }

  private redactRequest(request: ReportRequest): ReportRequest {
    return { ...request, url: this.options.redactor.url(request.url) };
  }

  private toDifference(request: ReportRequest, route: string, d: RawDifference): Difference {
    const out: Difference = { request: this.redactRequest(request), route, kind: d.kind, path: d.path };
    if ('primary' in d) out.primary = this.redactValue(d.path, d.primary);
    if ('candidate' in d) out.candidate = this.redactValue(d.path, d.candidate);
    if (d.textDiff !== undefined) out.textDiff = this.options.redactor.text(d.textDiff, undefined);
    return out;
  }

  private redactValue(path: string, value: unknown): unknown {
    const r = this.options.redactor;
    const segs = path.split('/').slice(1).map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'));
    if (segs[0] === 'headers' && segs[1] !== undefined && typeof value === 'string') return r.header(segs[1], value);
    if (segs[0] === 'body' && segs.slice(1).some((s) => r.isSecretField(s))) return REDACTED;
    if (typeof value === 'string') return r.text(value, undefined);
    return r.json(value);
  }
}

/**
 * Counters of a running shadow proxy: what was served by which side, what the
 * mirror compared, dropped or lost, per route. `snapshot()` feeds the stats
 * endpoint and the terminal line; `toReport()` turns the same numbers into
 * the verify report (report-model.ts), so a shadow session can be rendered,
 * merged and gated like a replay.
 */
import {
  REPORT_VERSION,
  finaliseReport,
  type Difference,
  type LostComparison,
  type LostReason,
  type Report,
  type ReportRequest,
  type RouteLedger,
  type SkippedRequest,
} from './report-model.js';
import type { RawDifference } from './diff.js';
import type { BreakerSnapshot } from './shadow-breaker.js';

/** The report keeps this many entries of each list; the counters keep counting. */
const LIST_LIMIT = 1000;

export type ServedBy = 'primary' | 'candidate' | 'primary-fallback';

interface RouteCounters {
  route: string;
  requests: number;
  servedPrimary: number;
  servedCandidate: number;
  fallbacks: number;
  compared: number;
  matched: number;
  lost: number;
  /** Lost because the candidate timed out or refused/reset while the primary had answered. */
  candidateFailures: number;
  skipped: number;
  noise: Set<string>;
}

export interface ShadowSnapshot {
  uptimeSeconds: number;
  requests: number;
  served: { primary: number; candidate: number; fallback: number };
  primaryErrors: number;
  mirror: {
    waiting: number;
    running: number;
    dropped: number;
    shed: number;
    shedding: boolean;
    lagMs: number;
    /** The circuit breaker in front of the candidate: its state, how often it opened, mirror requests not sent while open. */
    breaker: BreakerSnapshot;
    compared: number;
    matched: number;
    differing: number;
    lost: number;
    skipped: number;
  };
  /** matched / compared * 100, two decimals; 0 before anything was compared. */
  parity: number;
  candidateErrors: { timeout: number; connection: number; status5xx: number };
  routes: Array<{
    route: string;
    requests: number;
    served: { primary: number; candidate: number; fallback: number };
    compared: number;
    matched: number;
    parity: number;
    lost: number;
    skipped: number;
  }>;
}

export class ShadowStats {
  readonly startedAt = new Date();
  requests = 0;
  primaryErrors = 0;
  readonly candidateErrors = { timeout: 0, connection: 0, status5xx: 0 };
  private readonly routes = new Map<string, RouteCounters>();
  private readonly differences: Difference[] = [];
  private readonly lostList: LostComparison[] = [];
  private readonly skippedList: SkippedRequest[] = [];
  private seq = 0;

  /** A request id for the report: the proxy has no traffic file, so it numbers requests itself. */
  nextId(): string {
    return `shadow-${++this.seq}`;
  }

  private counters(route: string): RouteCounters {
    let c = this.routes.get(route);
    if (!c) {
      c = { route, requests: 0, servedPrimary: 0, servedCandidate: 0, fallbacks: 0, compared: 0, matched: 0, lost: 0, candidateFailures: 0, skipped: 0, noise: new Set() };
      this.routes.set(route, c);
    }
    return c;
  }

  served(route: string, by: ServedBy): void {
    this.requests++;
    const c = this.counters(route);
    c.requests++;
    if (by === 'primary') c.servedPrimary++;
    else if (by === 'candidate') c.servedCandidate++;
    else c.fallbacks++;
  }

  compared(route: string, request: ReportRequest, diffs: RawDifference[]): void {
    const c = this.counters(route);
    c.compared++;
    if (diffs.length === 0) {
      c.matched++;
      return;
    }
    for (const d of diffs) {
      if (this.differences.length < LIST_LIMIT) this.differences.push({ request, route, ...d });
    }
  }

  lost(route: string, request: ReportRequest, reason: LostReason, message: string): void {
    const c = this.counters(route);
    c.lost++;
    // The primary answered this request; a candidate that timed out or dropped the connection failed it.
    if (reason === 'timeout' || reason === 'connection') c.candidateFailures++;
    if (this.lostList.length < LIST_LIMIT) this.lostList.push({ request, route, reason, side: 'candidate', message });
  }

  /** A difference at `path` was ignored as noise on this route. */
  noise(route: string, path: string): void {
    this.counters(route).noise.add(path);
  }

  skipped(route: string, request: ReportRequest): void {
    this.counters(route).skipped++;
    if (this.skippedList.length < LIST_LIMIT) this.skippedList.push({ request, route, reason: 'write-not-allowed' });
  }

  snapshot(
    queue: { waiting: number; running: number; dropped: number },
    load: { shed: number; shedding: boolean; lagMs: number } = { shed: 0, shedding: false, lagMs: 0 },
    breaker: BreakerSnapshot = { state: 'closed', opened: 0, skipped: 0 },
  ): ShadowSnapshot {
    const routes = [...this.routes.values()].sort((a, b) => a.route.localeCompare(b.route));
    const sum = (pick: (c: RouteCounters) => number) => routes.reduce((n, c) => n + pick(c), 0);
    const compared = sum((c) => c.compared);
    const matched = sum((c) => c.matched);
    return {
      uptimeSeconds: Math.round((Date.now() - this.startedAt.getTime()) / 100) / 10,
      requests: this.requests,
      served: { primary: sum((c) => c.servedPrimary), candidate: sum((c) => c.servedCandidate), fallback: sum((c) => c.fallbacks) },
      primaryErrors: this.primaryErrors,
      mirror: {
        waiting: queue.waiting,
        running: queue.running,
        dropped: queue.dropped,
        shed: load.shed,
        shedding: load.shedding,
        lagMs: load.lagMs,
        breaker: { ...breaker },
        compared,
        matched,
        differing: compared - matched,
        lost: sum((c) => c.lost),
        skipped: sum((c) => c.skipped),
      },
      parity: percent(matched, compared),
      candidateErrors: { ...this.candidateErrors },
      routes: routes.map((c) => ({
        route: c.route,
        requests: c.requests,
        served: { primary: c.servedPrimary, candidate: c.servedCandidate, fallback: c.fallbacks },
        compared: c.compared,
        matched: c.matched,
        parity: percent(c.matched, c.compared),
        lost: c.lost,
        skipped: c.skipped,
      })),
    };
  }

  toReport(meta: { primary: string; candidate: string; listen: string; headers: string[]; minParity: number; breaker?: BreakerSnapshot }): Report {
    const finishedAt = new Date();
    const routes: RouteLedger[] = [...this.routes.values()]
      .sort((a, b) => a.route.localeCompare(b.route))
      .map((c) => {
        const space = c.route.indexOf(' ');
        return {
          route: c.route,
          method: c.route.slice(0, space),
          template: c.route.slice(space + 1),
          // Requests the candidate served (cutover) were not compared; they are not samples of the comparison.
          samples: c.compared + c.lost + c.skipped,
          compared: c.compared,
          matched: c.matched,
          parity: 0,
          noiseFields: [...c.noise].sort(),
          lost: c.lost,
          skipped: c.skipped,
          candidateFailures: c.candidateFailures,
          verdict: 'not covered',
        };
      });
    const report: Report = {
      version: REPORT_VERSION,
      tool: 'expressway',
      startedAt: this.startedAt.toISOString(),
      finishedAt: finishedAt.toISOString(),
      durationMs: finishedAt.getTime() - this.startedAt.getTime(),
      baseline: { target: meta.primary },
      candidate: { target: meta.candidate },
      traffic: { source: `shadow ${meta.listen}`, format: 'ndjson', malformed: 0 },
      thresholds: { minParity: meta.minParity },
      normalisers: [],
      headers: meta.headers,
      totals: undefined as unknown as Report['totals'],
      routes,
      differences: [...this.differences],
      lost: [...this.lostList],
      skipped: [...this.skippedList],
      trafficErrors: [],
      targetErrors: breakerErrors(meta.breaker),
      outcome: 'pass',
      failures: [],
    };
    return finaliseReport(report);
  }
}

/** A candidate cut off by the circuit breaker is a failure of the run, with its own counts. */
function breakerErrors(breaker: BreakerSnapshot | undefined): Report['targetErrors'] {
  if (!breaker || breaker.opened === 0) return [];
  return [
    {
      side: 'candidate',
      message:
        `stopped answering the mirror: its circuit breaker opened ${breaker.opened} time(s) and was ${breaker.state} at the end; ` +
        `${breaker.skipped} mirror request(s) were not sent while it was open`,
    },
  ];
}

function percent(part: number, whole: number): number {
  return whole === 0 ? 0 : Math.floor((part / whole) * 10_000) / 100;
}

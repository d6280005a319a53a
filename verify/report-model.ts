/**
 * THE verify report: one JSON document that `expressway verify` writes and
 * that every renderer (terminal, HTML, JUnit) and `expressway report merge`
 * reads. It is versioned: a renderer refuses a `version` it does not know
 * instead of guessing. Values copied from traffic (headers, bodies, field
 * values) are already redacted when they land here.
 *
 * The helpers at the bottom (verdicts, totals) are shared so that a merged
 * report computes its ledger exactly as a single run does.
 */

import { VerifyErrors } from './errors.js';

export const REPORT_VERSION = 1 as const;

/** Per route: enough samples compared and all at or above thresholds; below; or no comparison at all. */
export type Verdict = 'ready' | 'not ready' | 'not covered';

/** What kind of difference was found between the primary and the candidate answer. */
export type DifferenceKind =
  | 'status' // different HTTP status
  | 'header' // a chosen header has different values
  | 'header-missing' // a chosen header is on the primary answer, not on the candidate
  | 'header-extra' // a chosen header is on the candidate answer only
  | 'value' // a JSON leaf differs (same type)
  | 'type' // a JSON node changed type (object -> array, number -> string, ...)
  | 'missing' // a JSON field/element present on the primary, absent on the candidate
  | 'extra' // a JSON field/element present on the candidate only
  | 'text' // a non-JSON text body differs (see `textDiff`)
  | 'binary' // a binary body differs (values are sha256 hashes)
  | 'body-format'; // one side answered JSON, the other did not

export interface ReportRequest {
  /** Id of the exchange in the traffic file. */
  id: string;
  method: string;
  /** Path and query, as replayed. */
  url: string;
}

export interface Difference {
  request: ReportRequest;
  /** Route key, `METHOD /template`, e.g. `GET /users/{id}`. */
  route: string;
  kind: DifferenceKind;
  /**
   * JSON-pointer-like location: `/status`, `/headers/content-type`,
   * `/body/user/name`, `/body/items/3`, or `/body` for a whole text/binary body.
   */
  path: string;
  /** Primary (baseline) value at `path`, redacted; absent when missing there. */
  primary?: unknown;
  /** Candidate value at `path`, redacted; absent when missing there. */
  candidate?: unknown;
  /** Unified diff (primary -> candidate) for `text` differences. */
  textDiff?: string;
}

export type LostReason =
  | 'timeout' // a side did not answer within --timeout
  | 'connection' // refused, reset, or the target died
  | 'target-exited' // a command target exited during the run
  | 'not-replayed'; // never sent because the run was cut short (a target died)

/** A request that could not be compared: it counts against no parity, but is reported. */
export interface LostComparison {
  request: ReportRequest;
  route: string;
  reason: LostReason;
  /** Which side failed: the baseline primary/secondary replay or the candidate. */
  side: 'primary' | 'secondary' | 'candidate' | 'all';
  message: string;
}

/** A request deliberately not replayed (non-idempotent method without --allow-writes). */
export interface SkippedRequest {
  request: ReportRequest;
  route: string;
  reason: 'write-not-allowed';
}

export interface LatencyStats {
  rps: number;
  p50: number;
  p95: number;
  p99: number;
}

export interface RouteLedger {
  /** `METHOD /template`: the grouping key, equal to `Difference.route`. */
  route: string;
  method: string;
  template: string;
  /** Requests of this route seen in the traffic (this shard). */
  samples: number;
  /** Requests actually compared (samples minus lost and skipped). */
  compared: number;
  /** Compared requests with no difference beyond noise. */
  matched: number;
  /** matched / compared * 100; 0 when nothing was compared. */
  parity: number;
  /** Paths found to be noise on this route (A/A differences, rules, route statistics). */
  noiseFields: string[];
  /** Number of lost comparisons and skipped requests on this route. */
  lost: number;
  skipped: number;
  /**
   * Lost comparisons where the baseline answered and the candidate did not
   * (timeout, reset): counted apart because they are the candidate's fault.
   * Any makes the route "not ready".
   */
  candidateFailures?: number;
  /** Candidate req/s divided by baseline req/s, from the bench when it ran. */
  qpsRatio?: number;
  latency?: { baseline: LatencyStats; candidate: LatencyStats };
  verdict: Verdict;
}

export interface ShardInfo {
  /** 1-based index of this shard. */
  index: number;
  /** Number of shards the traffic was split into. */
  count: number;
}

export interface TrafficError {
  /** 1-based line number in the traffic file (for HAR: the entry index + 1). */
  line: number;
  message: string;
}

export interface ReportThresholds {
  /** Percent, 0..100. */
  minParity: number;
  minQpsRatio?: number;
}

export interface ReportTotals {
  /** Requests read from the traffic (this shard). */
  requests: number;
  compared: number;
  matched: number;
  /** Compared requests with at least one real difference. */
  differing: number;
  lost: number;
  skipped: number;
  /** Sum of the routes' candidateFailures. */
  candidateFailures?: number;
  /** matched / compared * 100 over all routes; 0 when nothing was compared. */
  parity: number;
  /** Candidate / baseline req/s over the whole mix, when the bench ran. */
  qpsRatio?: number;
  routes: { total: number; ready: number; notReady: number; notCovered: number };
}

export interface BenchSummary {
  ratio: number;
  baseline: LatencyStats;
  candidate: LatencyStats;
  perRoute: Array<{ route: string; ratio: number; baseline: LatencyStats; candidate: LatencyStats }>;
}

export interface Report {
  version: typeof REPORT_VERSION;
  tool: 'expressway';
  startedAt: string;
  finishedAt: string;
  durationMs: number;
  baseline: { target: string };
  /** The separate secondary baseline (`--secondary`), when there was one; else the baseline answered both. */
  secondary?: { target: string };
  candidate: { target: string };
  traffic: {
    source: string;
    format: 'ndjson' | 'har' | 'goreplay';
    /** Malformed entries skipped (each listed in `trafficErrors`). */
    malformed: number;
  };
  /** Present when the run was one shard of several; absent for a whole run. Merged reports list all shards. */
  shard?: ShardInfo;
  shards?: ShardInfo[];
  thresholds: ReportThresholds;
  /** Names of the normalisers applied. */
  normalisers: string[];
  /** Headers compared (lower case). */
  headers: string[];
  totals: ReportTotals;
  routes: RouteLedger[];
  differences: Difference[];
  lost: LostComparison[];
  skipped: SkippedRequest[];
  trafficErrors: TrafficError[];
  bench?: BenchSummary;
  /** Problems with a target (could not start, died mid-run), with where its log is kept. */
  targetErrors: Array<{ side: 'baseline' | 'secondary' | 'candidate'; message: string; log?: string }>;
  /** pass: exit 0; fail: exit 1. `failures` says why. */
  outcome: 'pass' | 'fail';
  failures: string[];
}

export function parityOf(matched: number, compared: number): number {
  if (compared === 0) return 0;
  // Two decimals: enough to show 99.99 without claiming false precision.
  return Math.floor((matched / compared) * 10_000) / 100;
}

export function routeVerdict(
  route: Pick<RouteLedger, 'compared' | 'parity' | 'qpsRatio' | 'candidateFailures'>,
  thresholds: ReportThresholds,
): Verdict {
  if (route.compared === 0 && !route.candidateFailures) return 'not covered';
  if (route.parity < thresholds.minParity || (route.candidateFailures ?? 0) > 0) return 'not ready';
  if (thresholds.minQpsRatio !== undefined && route.qpsRatio !== undefined && route.qpsRatio < thresholds.minQpsRatio) {
    return 'not ready';
  }
  return 'ready';
}

/** Totals from the ledger; `qpsRatio` is taken as given (it comes from the bench, not from the routes). */
export function computeTotals(routes: RouteLedger[], qpsRatio?: number): ReportTotals {
  const totals: ReportTotals = {
    requests: 0,
    compared: 0,
    matched: 0,
    differing: 0,
    lost: 0,
    skipped: 0,
    candidateFailures: 0,
    parity: 0,
    routes: { total: routes.length, ready: 0, notReady: 0, notCovered: 0 },
  };
  for (const r of routes) {
    totals.requests += r.samples;
    totals.compared += r.compared;
    totals.matched += r.matched;
    totals.lost += r.lost;
    totals.skipped += r.skipped;
    totals.candidateFailures = (totals.candidateFailures ?? 0) + (r.candidateFailures ?? 0);
    if (r.verdict === 'ready') totals.routes.ready++;
    else if (r.verdict === 'not ready') totals.routes.notReady++;
    else totals.routes.notCovered++;
  }
  totals.differing = totals.compared - totals.matched;
  totals.parity = parityOf(totals.matched, totals.compared);
  if (qpsRatio !== undefined) totals.qpsRatio = qpsRatio;
  return totals;
}

/** Decides pass/fail from the totals and thresholds: the exit code of `verify` follows it. */
export function computeOutcome(
  totals: ReportTotals,
  thresholds: ReportThresholds,
  targetErrors: Report['targetErrors'],
): { outcome: 'pass' | 'fail'; failures: string[] } {
  const failures: string[] = [];
  for (const e of targetErrors) failures.push(`${e.side}: ${e.message}`);
  const candidateFailures = totals.candidateFailures ?? 0;
  if (candidateFailures > 0) {
    failures.push(`the candidate failed to answer ${candidateFailures} request(s) the baseline answered`);
  }
  if (totals.compared === 0) failures.push('no request could be compared');
  else if (totals.parity < thresholds.minParity) {
    failures.push(`parity ${totals.parity}% is below the minimum ${thresholds.minParity}%`);
  }
  if (thresholds.minQpsRatio !== undefined && totals.qpsRatio !== undefined && totals.qpsRatio < thresholds.minQpsRatio) {
    failures.push(`QPS ratio ${totals.qpsRatio} is below the minimum ${thresholds.minQpsRatio}`);
  }
  return { outcome: failures.length === 0 ? 'pass' : 'fail', failures };
}

/** Recomputes every derived field (parity, verdicts, totals, outcome) in place; used after a merge or a bench. */
export function finaliseReport(report: Report): Report {
  for (const r of report.routes) {
    r.parity = parityOf(r.matched, r.compared);
    r.verdict = routeVerdict(r, report.thresholds);
  }
  report.totals = computeTotals(report.routes, report.bench?.ratio ?? report.totals?.qpsRatio);
  const { outcome, failures } = computeOutcome(report.totals, report.thresholds, report.targetErrors);
  report.outcome = outcome;
  report.failures = failures;
  return report;
}

/**
 * Throws EXW_ERR_VERIFY_REPORT_VERSION when `value` is not a report this code
 * can read; `source` (a file name) goes into the message.
 */
export function assertReport(value: unknown, source = 'input'): asserts value is Report {
  const v = value as Partial<Report> | null;
  if (typeof v !== 'object' || v === null || v.tool !== 'expressway') {
    throw VerifyErrors.EXW_ERR_VERIFY_REPORT_VERSION(source, 'not an expressway verify report');
  }
  if (v.version !== REPORT_VERSION) {
    throw VerifyErrors.EXW_ERR_VERIFY_REPORT_VERSION(
      source,
      `unsupported report version ${String(v.version)} (this expressway reads version ${REPORT_VERSION})`,
    );
  }
}

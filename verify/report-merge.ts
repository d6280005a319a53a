/**
 * Combines the reports of replay shards (`--shard i/n`) into one report, as
 * if one machine had replayed the whole traffic: ledger rows are summed by
 * route, lists concatenated, and every derived number (parity, verdicts,
 * totals, outcome) recomputed with the same helpers a single run uses.
 *
 * It refuses, with a coded error, reports of different versions, shards that
 * overlap (the same index twice, or a whole run next to a shard) or that come
 * from different splits or thresholds: a merged report must never count a
 * request twice or judge shards by different rules.
 */
import { readFile } from 'node:fs/promises';
import {
  assertReport,
  finaliseReport,
  type BenchSummary,
  type LatencyStats,
  type Report,
  type RouteLedger,
  type ShardInfo,
} from './report-model.js';
import { ReportErrors } from './shadow-errors.js';

export interface NamedReport {
  /** File name or label, used in error messages. */
  source: string;
  report: Report;
}

/** Reads and checks one report file. */
export async function readReport(file: string): Promise<NamedReport> {
  let value: unknown;
  try {
    value = JSON.parse(await readFile(file, 'utf8'));
  } catch (err) {
    throw ReportErrors.EXW_ERR_REPORT_READ(file, (err as NodeJS.ErrnoException).code ?? (err as Error).message);
  }
  assertReport(value, file);
  return { source: file, report: value };
}

export function mergeReports(inputs: NamedReport[]): Report {
  if (inputs.length < 2) throw ReportErrors.EXW_ERR_REPORT_MERGE_INPUT(`needs at least two reports, got ${inputs.length}`);
  checkVersions(inputs);
  for (const input of inputs) assertReport(input.report, input.source);
  const shards = checkShards(inputs);
  checkThresholds(inputs);
  const reports = inputs.map((i) => i.report);
  const first = reports[0]!;
  const started = Math.min(...reports.map((r) => Date.parse(r.startedAt)));
  const finished = Math.max(...reports.map((r) => Date.parse(r.finishedAt)));
  const merged: Report = {
    version: first.version,
    tool: 'expressway',
    startedAt: new Date(started).toISOString(),
    finishedAt: new Date(finished).toISOString(),
    durationMs: finished - started,
    baseline: { target: unique(reports.map((r) => r.baseline.target)).join(', ') },
    ...(reports.some((r) => r.secondary) ? { secondary: { target: unique(reports.flatMap((r) => (r.secondary ? [r.secondary.target] : []))).join(', ') } } : {}),
    candidate: { target: unique(reports.map((r) => r.candidate.target)).join(', ') },
    traffic: {
      source: unique(reports.map((r) => r.traffic.source)).join(', '),
      format: first.traffic.format,
      malformed: sum(reports.map((r) => r.traffic.malformed)),
    },
    shards,
    thresholds: { ...first.thresholds },
    normalisers: unique(reports.flatMap((r) => r.normalisers)),
    headers: unique(reports.flatMap((r) => r.headers)),
    totals: { ...first.totals },
    routes: mergeRoutes(reports),
    differences: reports.flatMap((r) => r.differences),
    lost: reports.flatMap((r) => r.lost),
    skipped: reports.flatMap((r) => r.skipped),
    // Every shard read the same traffic file, so the same malformed line is reported by each: keep it once.
    trafficErrors: uniqueBy(reports.flatMap((r) => r.trafficErrors), (e) => `${e.line}\u0000${e.message}`),
    targetErrors: reports.flatMap((r) => r.targetErrors),
    outcome: 'pass',
    failures: [],
  };
  const bench = mergeBench(reports.map((r) => r.bench).filter((b): b is BenchSummary => b !== undefined));
  if (bench) merged.bench = bench;
  // finaliseReport takes the QPS ratio from the bench, else from these totals: without a bench, the shards' mean.
  const ratios = reports.map((r) => r.totals.qpsRatio).filter((x): x is number => x !== undefined);
  merged.totals = { ...first.totals };
  delete merged.totals.qpsRatio;
  if (!bench && ratios.length > 0) merged.totals.qpsRatio = mean(ratios);
  return finaliseReport(merged);
}

function checkVersions(inputs: NamedReport[]): void {
  const first = inputs[0]!;
  for (const other of inputs.slice(1)) {
    const a = (first.report as { version?: unknown }).version;
    const b = (other.report as { version?: unknown }).version;
    if (a !== b) throw ReportErrors.EXW_ERR_REPORT_MERGE_VERSION(first.source, other.source, String(a), String(b));
  }
}

function shardsOf(r: Report): ShardInfo[] | undefined {
  if (r.shards && r.shards.length > 0) return r.shards;
  if (r.shard) return [r.shard];
  return undefined;
}

function checkShards(inputs: NamedReport[]): ShardInfo[] {
  const owner = new Map<number, string>();
  let count: { n: number; source: string } | undefined;
  const all: ShardInfo[] = [];
  for (const { source, report } of inputs) {
    const shards = shardsOf(report);
    if (!shards) {
      const other = inputs.find((i) => i.source !== source)!.source;
      throw ReportErrors.EXW_ERR_REPORT_MERGE_SHARD(source, other, `${source} is a whole run (no --shard), so it overlaps every other report`);
    }
    for (const s of shards) {
      if (count && count.n !== s.count) {
        throw ReportErrors.EXW_ERR_REPORT_MERGE_MISMATCH(count.source, source, `split into ${count.n} and ${s.count} shards`);
      }
      count ??= { n: s.count, source };
      const prev = owner.get(s.index);
      if (prev !== undefined) throw ReportErrors.EXW_ERR_REPORT_MERGE_SHARD(prev, source, `both hold shard ${s.index}/${s.count}`);
      owner.set(s.index, source);
      all.push({ index: s.index, count: s.count });
    }
  }
  return all.sort((a, b) => a.index - b.index);
}

function checkThresholds(inputs: NamedReport[]): void {
  const first = inputs[0]!;
  const key = (r: Report) => `${r.thresholds.minParity}/${r.thresholds.minQpsRatio ?? '-'}`;
  for (const other of inputs.slice(1)) {
    if (key(first.report) !== key(other.report)) {
      throw ReportErrors.EXW_ERR_REPORT_MERGE_MISMATCH(
        first.source,
        other.source,
        `thresholds differ (min parity/min QPS ratio ${key(first.report)} vs ${key(other.report)})`,
      );
    }
  }
}

function mergeRoutes(reports: Report[]): RouteLedger[] {
  const byRoute = new Map<string, RouteLedger[]>();
  for (const r of reports) {
    for (const route of r.routes) byRoute.set(route.route, [...(byRoute.get(route.route) ?? []), route]);
  }
  return [...byRoute.values()].map((rows) => {
    const first = rows[0]!;
    const merged: RouteLedger = {
      route: first.route,
      method: first.method,
      template: first.template,
      samples: sum(rows.map((r) => r.samples)),
      compared: sum(rows.map((r) => r.compared)),
      matched: sum(rows.map((r) => r.matched)),
      parity: 0,
      noiseFields: unique(rows.flatMap((r) => r.noiseFields)).sort(),
      lost: sum(rows.map((r) => r.lost)),
      skipped: sum(rows.map((r) => r.skipped)),
      verdict: 'not covered',
    };
    const candidateFailures = rows.map((r) => r.candidateFailures).filter((x): x is number => x !== undefined);
    if (candidateFailures.length > 0) merged.candidateFailures = sum(candidateFailures);
    const ratios = rows.map((r) => r.qpsRatio).filter((x): x is number => x !== undefined);
    if (ratios.length > 0) merged.qpsRatio = mean(ratios);
    const latencies = rows.map((r) => r.latency).filter((l): l is NonNullable<RouteLedger['latency']> => l !== undefined);
    if (latencies.length > 0) {
      merged.latency = { baseline: mergeStats(latencies.map((l) => l.baseline)), candidate: mergeStats(latencies.map((l) => l.candidate)) };
    }
    return merged;
  });
}

/**
 * Shards bench on different machines: their req/s are averaged, and for
 * percentiles the worst shard is kept (percentiles cannot be averaged, and
 * the gate should not hide a slow machine).
 */
function mergeStats(stats: LatencyStats[]): LatencyStats {
  return {
    rps: round3(mean(stats.map((s) => s.rps))),
    p50: Math.max(...stats.map((s) => s.p50)),
    p95: Math.max(...stats.map((s) => s.p95)),
    p99: Math.max(...stats.map((s) => s.p99)),
  };
}

function mergeBench(benches: BenchSummary[]): BenchSummary | undefined {
  if (benches.length === 0) return undefined;
  const routes = new Map<string, BenchSummary['perRoute']>();
  for (const b of benches) for (const r of b.perRoute) routes.set(r.route, [...(routes.get(r.route) ?? []), r]);
  return {
    ratio: round3(mean(benches.map((b) => b.ratio))),
    baseline: mergeStats(benches.map((b) => b.baseline)),
    candidate: mergeStats(benches.map((b) => b.candidate)),
    perRoute: [...routes].map(([route, rows]) => ({
      route,
      ratio: round3(mean(rows.map((r) => r.ratio))),
      baseline: mergeStats(rows.map((r) => r.baseline)),
      candidate: mergeStats(rows.map((r) => r.candidate)),
    })),
  };
}

function sum(values: number[]): number {
  return values.reduce((a, b) => a + b, 0);
}

function mean(values: number[]): number {
  return round3(sum(values) / values.length);
}

function round3(n: number): number {
  return Math.round(n * 1000) / 1000;
}

function unique<T>(values: T[]): T[] {
  return [...new Set(values)];
}

function uniqueBy<T>(values: T[], key: (v: T) => string): T[] {
  const seen = new Set<string>();
  return values.filter((v) => {
    const k = key(v);
    if (seen.has(k)) return false;
    seen.add(k);
    return true;
  });
}

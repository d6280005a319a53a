/**
 * Step 6: the bench. runBench (verify/bench.ts) against the original's
 * primary process and the migrated app, straight to their ports (never
 * through the baseline pair front, which would tax only one side), with the
 * route mix of the traffic. Only safe methods are benched when the traffic
 * has any: repeating writes for seconds grows in-memory state on both sides
 * and measures the growth more than the framework. The result is folded
 * into the verify report (totals, per-route QPS ratio and latency) and the
 * verdict recomputed, so --min-qps-ratio gates like verify's own bench.
 */
import type { BenchRequest } from '../verify/bench.js';
import { finaliseReport, type Report } from '../verify/report-model.js';

export interface BenchStepOptions {
  baseline: string;
  candidate: string;
  traffic: string;
  durationSeconds: number;
  rounds: number;
  connections: number;
  onProgress?: (message: string) => void;
}

export async function benchIntoReport(report: Report, options: BenchStepOptions): Promise<void> {
  const [{ runBench }, { readTraffic }, { BENCH_SAFE_METHODS, isBenchable, toBenchRequest }] = await Promise.all([
    import('../verify/bench.js'), import('../verify/read-traffic.js'), import('../verify/bench-traffic.js'),
  ]);
  const all: BenchRequest[] = [];
  const { entries } = await readTraffic(options.traffic);
  for await (const entry of entries) if (entry.exchange && isBenchable(entry.exchange)) all.push(toBenchRequest(entry.exchange));
  const safe = all.filter((r) => BENCH_SAFE_METHODS.has(r.method));
  const result = await runBench({
    baseline: options.baseline,
    candidate: options.candidate,
    requests: safe.length > 0 ? safe : all,
    routes: report.routes.map((r) => ({ method: r.method, template: r.template })),
    durationSeconds: options.durationSeconds,
    rounds: options.rounds,
    connections: options.connections,
    ...(options.onProgress ? { onProgress: options.onProgress } : {}),
  });
  report.bench = { ratio: result.ratio, baseline: result.baseline, candidate: result.candidate, perRoute: result.perRoute };
  const rows = new Map(report.routes.map((r) => [r.route, r]));
  for (const perRoute of result.perRoute) {
    const row = rows.get(perRoute.route);
    if (!row) continue;
    row.qpsRatio = perRoute.ratio;
    row.latency = { baseline: perRoute.baseline, candidate: perRoute.candidate };
  }
  finaliseReport(report);
}

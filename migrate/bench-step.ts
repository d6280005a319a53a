/**
 * Step 6: the bench. runBench (verify/bench.ts) against the original's
 * primary process and the migrated app, straight to their ports (never
 * through the baseline pair front, which would tax only one side), with the
 * route mix of the traffic. Only safe methods are benched when the traffic
 * has any: repeating writes for seconds grows in-memory state on both sides
 * and measures the growth more than the framework. The result is folded
 * into the verify report (totals, per-route QPS ratio and latency) and the
 * verdict recomputed, so --min-qps-ratio gates like verify's own bench.
 *
 * Next to req/s it measures each server's CPU time per answered request
 * (server-cpu.ts, Linux): on a shared machine req/s follows the neighbours'
 * load, CPU per request much less.
 */
import type { BenchRequest } from '../verify/bench.js';
import { finaliseReport, type Report } from '../verify/report-model.js';
import { pinForBench } from './cpu-pinning.js';
import { cpuProbeForPid, pidForPort, type CpuProbe } from './server-cpu.js';

export interface BenchStepOptions {
  baseline: string;
  candidate: string;
  traffic: string;
  durationSeconds: number;
  rounds: number;
  connections: number;
  /** Pin the servers to one core and the load generator to another (cpu-pinning.ts). Default true. */
  pin?: boolean;
  onProgress?: (message: string) => void;
}

export interface BenchStepResult {
  cpu?: BenchCpu;
  /** Where the bench ran when it was pinned. */
  pinned?: { serverCpu: number; loadCpu: number };
}

/** Server CPU per answered request in the measured rounds, µs; ratio = original / migrated (above 1: the migrated app needs less). */
export interface BenchCpu {
  baseline: number;
  candidate: number;
  ratio: number;
}

type Side = 'baseline' | 'candidate';

export async function benchIntoReport(report: Report, options: BenchStepOptions): Promise<BenchStepResult> {
  const [{ runBench }, { readTraffic }, { BENCH_SAFE_METHODS, isBenchable, toBenchRequest }] = await Promise.all([
    import('../verify/bench.js'), import('../verify/read-traffic.js'), import('../verify/bench-traffic.js'),
  ]);
  const all: BenchRequest[] = [];
  const { entries } = await readTraffic(options.traffic);
  for await (const entry of entries) if (entry.exchange && isBenchable(entry.exchange)) all.push(toBenchRequest(entry.exchange));
  const safe = all.filter((r) => BENCH_SAFE_METHODS.has(r.method));
  const baselinePid = pidForPort(portOf(options.baseline));
  const candidatePid = pidForPort(portOf(options.candidate));
  const found = baselinePid !== undefined && candidatePid !== undefined;
  const rounds = found ? new RoundCpu({ baseline: cpuProbeForPid(baselinePid), candidate: cpuProbeForPid(candidatePid) }) : undefined;
  const pinning = found && options.pin !== false ? pinForBench([baselinePid, candidatePid]) : undefined;
  const result = await runBench({
    baseline: options.baseline,
    candidate: options.candidate,
    requests: safe.length > 0 ? safe : all,
    routes: report.routes.map((r) => ({ method: r.method, template: r.template })),
    durationSeconds: options.durationSeconds,
    rounds: options.rounds,
    connections: options.connections,
    onProgress: (message) => {
      rounds?.at(message);
      options.onProgress?.(message);
    },
  }).finally(() => pinning?.restore());
  rounds?.settle();
  report.bench = { ratio: result.ratio, baseline: result.baseline, candidate: result.candidate, perRoute: result.perRoute };
  const rows = new Map(report.routes.map((r) => [r.route, r]));
  for (const perRoute of result.perRoute) {
    const row = rows.get(perRoute.route);
    if (!row) continue;
    row.qpsRatio = perRoute.ratio;
    row.latency = { baseline: perRoute.baseline, candidate: perRoute.candidate };
  }
  finaliseReport(report);
  const seconds = options.durationSeconds * options.rounds;
  const cpu = rounds?.perRequest(result.baseline.rps * seconds, result.candidate.rps * seconds);
  return {
    ...(cpu ? { cpu } : {}),
    ...(pinning ? { pinned: { serverCpu: pinning.serverCpu, loadCpu: pinning.loadCpu } } : {}),
  };
}

function portOf(origin: string): number {
  const url = new URL(origin);
  return Number(url.port || (url.protocol === 'https:' ? 443 : 80));
}

/**
 * Splits each server's CPU time between the measured rounds, at runBench's
 * progress messages ("round 1/2: baseline (...)"): from one message to the
 * next only the named side is under load. Warm-ups are left out.
 */
class RoundCpu {
  private side: Side | null = null;
  private mark = 0;
  private readonly ms = { baseline: 0, candidate: 0 };

  constructor(private readonly probes: Record<Side, CpuProbe>) {}

  at(message: string): void {
    this.settle();
    const side = /^round \d+\/\d+: (baseline|candidate) /.exec(message)?.[1] as Side | undefined;
    if (side === undefined) return;
    this.side = side;
    this.mark = this.probes[side]() ?? Number.NaN;
  }

  settle(): void {
    if (this.side === null) return;
    this.ms[this.side] += (this.probes[this.side]() ?? Number.NaN) - this.mark;
    this.side = null;
  }

  /** µs per request, or undefined when a process went away or nothing was answered. */
  perRequest(baselineRequests: number, candidateRequests: number): BenchCpu | undefined {
    const baseline = (this.ms.baseline * 1000) / baselineRequests;
    const candidate = (this.ms.candidate * 1000) / candidateRequests;
    if (!Number.isFinite(baseline) || !Number.isFinite(candidate) || baseline <= 0 || candidate <= 0) return undefined;
    const round1 = (n: number) => Math.round(n * 10) / 10;
    return { baseline: round1(baseline), candidate: round1(candidate), ratio: Math.round((baseline / candidate) * 100) / 100 };
  }
}

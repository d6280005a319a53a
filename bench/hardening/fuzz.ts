/**
 * HTTP fuzzing over raw sockets: sends `count` generated cases
 * (fuzz-generator.ts) to the target server in a child process, a bounded
 * number at a time, and tallies the outcome of every connection. Afterwards
 * it checks the child is still alive and still answers normal requests.
 * The test (short) and `npm run hardening -- --fuzz N` (long) both call runFuzz.
 */
import { generateCase, FUZZ_KINDS, type FuzzKind } from './fuzz-generator.js';
import { OUTCOMES, sendRaw, type Outcome } from './raw-client.js';
import { startTarget } from './spawn-target.js';

export interface FuzzOptions {
  count: number;
  seed: number;
  /** Connections in flight at once. */
  concurrency?: number;
  /** Per-connection deadline before a connection counts as a hang. */
  timeoutMs?: number;
  onProgress?: (done: number) => void;
}

export interface FuzzFailure {
  index: number;
  kind: FuzzKind;
  outcome: Outcome;
  statuses: number[];
}

export interface FuzzReport {
  seed: number;
  count: number;
  byOutcome: Record<Outcome, number>;
  byKind: Record<FuzzKind, Record<Outcome, number>>;
  /** Every distinct status answered, with counts. */
  statuses: Record<string, number>;
  /** 5xx and hangs, with the case index to replay (generateCase(seed, index)). */
  failures: FuzzFailure[];
  crashes: number;
  crashDetail: string | null;
  /** Normal GET requests answered 200 after the fuzz, out of `healthChecks`. */
  healthyAfter: number;
  healthChecks: number;
  durationMs: number;
}

const HEALTH_CHECKS = 20;

function emptyOutcomes(): Record<Outcome, number> {
  return Object.fromEntries(OUTCOMES.map((o) => [o, 0])) as Record<Outcome, number>;
}

async function healthCheck(port: number): Promise<number> {
  let ok = 0;
  for (let i = 0; i < HEALTH_CHECKS; i++) {
    try {
      const res = await fetch(`http://127.0.0.1:${port}/users/${i}`, { signal: AbortSignal.timeout(10_000) });
      if (res.status === 200 && ((await res.json()) as { id?: string }).id === String(i)) ok++;
    } catch {
      // counted as not healthy
    }
  }
  return ok;
}

export async function runFuzz(options: FuzzOptions): Promise<FuzzReport> {
  const { count, seed, concurrency = 32, timeoutMs = 15_000, onProgress } = options;
  const began = Date.now();
  const target = await startTarget();
  const report: FuzzReport = {
    seed,
    count,
    byOutcome: emptyOutcomes(),
    byKind: Object.fromEntries(FUZZ_KINDS.map((k) => [k, emptyOutcomes()])) as Record<FuzzKind, Record<Outcome, number>>,
    statuses: {},
    failures: [],
    crashes: 0,
    crashDetail: null,
    healthyAfter: 0,
    healthChecks: HEALTH_CHECKS,
    durationMs: 0,
  };
  try {
    let next = 0;
    let done = 0;
    const worker = async (): Promise<void> => {
      while (next < count && target.alive()) {
        const c = generateCase(seed, next++);
        const exchange = await sendRaw(c.bytes, { port: target.port, halfClose: c.halfClose, timeoutMs });
        report.byOutcome[exchange.outcome]++;
        report.byKind[c.kind][exchange.outcome]++;
        for (const s of exchange.statuses) report.statuses[s] = (report.statuses[s] ?? 0) + 1;
        if ((exchange.outcome === 'server-error-5xx' || exchange.outcome === 'hang') && report.failures.length < 50) {
          report.failures.push({ index: c.index, kind: c.kind, outcome: exchange.outcome, statuses: exchange.statuses });
        }
        if (++done % 1000 === 0) onProgress?.(done);
      }
    };
    await Promise.all(Array.from({ length: concurrency }, worker));
    if (!target.alive()) {
      report.crashes = 1;
      report.crashDetail = `${target.exitReason()}\n${target.stderr()}`;
    } else {
      report.healthyAfter = await healthCheck(target.port);
    }
  } finally {
    await target.stop();
  }
  report.durationMs = Date.now() - began;
  return report;
}

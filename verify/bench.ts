/**
 * Bench: autocannon against the baseline and the candidate in the same run,
 * alternating A, B, A, B so that drift on a shared machine (thermal, noisy
 * neighbours) hits both sides alike, with the traffic's route mix. Each
 * response is attributed to its route (autocannon calls the request's
 * `onResponse` synchronously just before it emits `response` with the
 * latency), so one run gives both the whole-mix figures and per-route ones.
 */
import { createRequire } from 'node:module';
import type { BenchSummary, LatencyStats } from './report-model.js';
import { RouteMatcher, type RouteSpec } from './route-template.js';
import { BenchErrors } from './shadow-errors.js';

export interface BenchRequest {
  method: string;
  /** Path and query. */
  path: string;
  headers?: Record<string, string>;
  body?: string | Buffer;
}

export interface BenchOptions {
  baseline: string;
  candidate: string;
  requests: BenchRequest[];
  /** Length of one measurement (one side, one round). */
  durationSeconds: number;
  /** Number of A, B pairs. */
  rounds: number;
  connections: number;
  /** Route templates for grouping; id-like segments are inferred otherwise. */
  routes?: RouteSpec[];
  onProgress?: (message: string) => void;
}

export type BenchResult = BenchSummary & {
  /** Requests that failed (connection errors, timeouts) and non-2xx/3xx answers, per side. */
  errors: { baseline: number; candidate: number };
  non2xx: { baseline: number; candidate: number };
};

/** The mix autocannon cycles through: at most this many entries, sampled evenly from the traffic. */
const MAX_MIX = 1000;

interface AutocannonRequest {
  method: string;
  path: string;
  headers?: Record<string, string>;
  body?: string | Buffer;
  onResponse?: () => void;
}

interface AutocannonResult {
  duration: number;
  errors: number;
  timeouts: number;
  non2xx: number;
  '1xx'?: number;
  '3xx'?: number;
}

interface AutocannonInstance {
  on(event: 'response', listener: (client: unknown, status: number, bytes: number, responseTime: number) => void): void;
}

type Autocannon = (
  opts: { url: string; connections: number; duration?: number; amount?: number; requests: AutocannonRequest[]; timeout?: number },
  cb: (err: Error | null, result: AutocannonResult) => void,
) => AutocannonInstance;

/** Samples collected for one side. */
interface SideSamples {
  seconds: number;
  errors: number;
  non2xx: number;
  all: number[];
  perRoute: number[][];
}

/**
 * autocannon cannot bench HEAD: its parser reads the Content-Length of a HEAD
 * answer as a body still to come, and the connection stalls until the timeout.
 */
const UNBENCHABLE_METHODS = new Set(['HEAD']);

export async function runBench(options: BenchOptions): Promise<BenchResult> {
  options = { ...options, requests: options.requests.filter((r) => !UNBENCHABLE_METHODS.has(r.method.toUpperCase())) };
  validate(options);
  // Loaded here, not at the top: importing verify/ must not pull autocannon in.
  const autocannon = createRequire(import.meta.url)('autocannon') as Autocannon;
  const { routes, routeOfEntry, mix } = buildMix(options.requests, options.routes);
  const sides: Record<'baseline' | 'candidate', SideSamples> = {
    baseline: emptySide(routes.length),
    candidate: emptySide(routes.length),
  };
  // Untimed warm-up of both sides (JIT, connection pools), so the first measured side is not the cold one.
  for (const side of ['baseline', 'candidate'] as const) {
    options.onProgress?.(`warm-up: ${side} (${options[side]})`);
    await warmUp(autocannon, options[side], mix, options.connections);
  }
  for (let round = 1; round <= options.rounds; round++) {
    for (const side of ['baseline', 'candidate'] as const) {
      options.onProgress?.(`round ${round}/${options.rounds}: ${side} (${options[side]}) for ${options.durationSeconds}s`);
      await measure(autocannon, options[side], mix, routeOfEntry, options, sides[side]);
    }
  }
  for (const side of ['baseline', 'candidate'] as const) {
    if (sides[side].all.length === 0) throw BenchErrors.EXW_ERR_BENCH_RUN(options[side], 'no request was answered');
  }
  const baseline = statsOf(sides.baseline.all, sides.baseline.seconds);
  const candidate = statsOf(sides.candidate.all, sides.candidate.seconds);
  return {
    ratio: ratioOf(candidate.rps, baseline.rps),
    baseline,
    candidate,
    perRoute: routes.map((route, i) => {
      const b = statsOf(sides.baseline.perRoute[i]!, sides.baseline.seconds);
      const c = statsOf(sides.candidate.perRoute[i]!, sides.candidate.seconds);
      return { route, ratio: ratioOf(c.rps, b.rps), baseline: b, candidate: c };
    }),
    errors: { baseline: sides.baseline.errors, candidate: sides.candidate.errors },
    non2xx: { baseline: sides.baseline.non2xx, candidate: sides.candidate.non2xx },
  };
}

function validate(o: BenchOptions): void {
  for (const side of ['baseline', 'candidate'] as const) {
    let url: URL | undefined;
    try {
      url = new URL(o[side]);
    } catch {
      url = undefined;
    }
    if (!url || (url.protocol !== 'http:' && url.protocol !== 'https:')) throw BenchErrors.EXW_ERR_BENCH_TARGET(side, o[side]);
  }
  if (o.requests.length === 0) throw BenchErrors.EXW_ERR_BENCH_NO_REQUESTS('(given)');
  const positive = (name: string, v: number, integer: boolean) => {
    if (!Number.isFinite(v) || v <= 0 || (integer && !Number.isInteger(v))) {
      throw BenchErrors.EXW_ERR_BENCH_OPTION(name, `expected a positive ${integer ? 'whole ' : ''}number, got ${String(v)}`);
    }
  };
  positive('durationSeconds', o.durationSeconds, false);
  positive('rounds', o.rounds, true);
  positive('connections', o.connections, true);
}

function buildMix(requests: BenchRequest[], routeSpecs: RouteSpec[] = []) {
  const step = requests.length > MAX_MIX ? requests.length / MAX_MIX : 1;
  const picked: BenchRequest[] = [];
  for (let i = 0; picked.length < Math.min(MAX_MIX, requests.length); i += step) picked.push(requests[Math.floor(i)]!);
  const matcher = new RouteMatcher(routeSpecs);
  matcher.learn(requests.map((r) => pathOnly(r.path)));
  const routes: string[] = [];
  const index = new Map<string, number>();
  const routeOfEntry: number[] = picked.map((r) => {
    const key = matcher.match(r.method.toUpperCase(), r.path).key;
    let i = index.get(key);
    if (i === undefined) {
      i = routes.length;
      routes.push(key);
      index.set(key, i);
    }
    return i;
  });
  const mix: AutocannonRequest[] = picked.map((r) => ({ method: r.method.toUpperCase(), path: r.path, headers: r.headers, body: r.body }));
  return { routes, routeOfEntry, mix };
}

function pathOnly(url: string): string {
  const q = url.search(/[?#]/);
  return q < 0 ? url : url.slice(0, q);
}

function emptySide(routes: number): SideSamples {
  return { seconds: 0, errors: 0, non2xx: 0, all: [], perRoute: Array.from({ length: routes }, () => []) };
}

function measure(
  autocannon: Autocannon,
  url: string,
  mix: AutocannonRequest[],
  routeOfEntry: number[],
  options: BenchOptions,
  into: SideSamples,
): Promise<void> {
  let current = -1;
  // Fresh request objects per run: autocannon keeps per-request state on them.
  const requests = mix.map((r, i) => ({
    ...r,
    onResponse: () => {
      current = routeOfEntry[i]!;
    },
  }));
  return new Promise((resolve, reject) => {
    const instance = autocannon(
      { url, connections: options.connections, duration: options.durationSeconds, requests, timeout: 10 },
      (err, result) => {
        if (err) return reject(BenchErrors.EXW_ERR_BENCH_RUN(url, err.message));
        into.seconds += result.duration > 0 ? result.duration : options.durationSeconds;
        into.errors += result.errors;
        into.non2xx += result.non2xx;
        resolve();
      },
    );
    instance.on('response', (_client, _status, _bytes, responseTime) => {
      into.all.push(responseTime);
      if (current >= 0) into.perRoute[current]!.push(responseTime);
      current = -1;
    });
  });
}

function warmUp(autocannon: Autocannon, url: string, mix: AutocannonRequest[], connections: number): Promise<void> {
  const amount = Math.max(100, Math.min(1000, mix.length * 2));
  return new Promise((resolve, reject) => {
    autocannon({ url, connections, amount, requests: mix.map((r) => ({ ...r })), timeout: 10 }, (err) =>
      err ? reject(BenchErrors.EXW_ERR_BENCH_RUN(url, err.message)) : resolve(),
    );
  });
}

/** req/s and nearest-rank percentiles (ms, three decimals) of one sample set. */
function statsOf(latencies: number[], seconds: number): LatencyStats {
  if (latencies.length === 0) return { rps: 0, p50: 0, p95: 0, p99: 0 };
  const sorted = Float64Array.from(latencies).sort();
  const at = (p: number) => round3(sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))]!);
  return { rps: round3(latencies.length / Math.max(seconds, 1e-9)), p50: at(50), p95: at(95), p99: at(99) };
}

/** Candidate over baseline; 0 (not infinity) when the baseline answered nothing, so the value stays a finite number in JSON. */
function ratioOf(candidate: number, baseline: number): number {
  return baseline > 0 ? round3(candidate / baseline) : 0;
}

function round3(n: number): number {
  return Math.round(n * 1000) / 1000;
}

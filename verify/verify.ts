/**
 * `verify()`: the whole run. Reads the traffic once to learn route templates
 * and count it, starts the targets, replays each request of this shard to
 * the baseline twice (primary, then a few ms later the secondary: the same
 * instance, or a second one with `secondary`) and to the candidate, compares
 * with noise cancelled, optionally benches, stops the targets and returns
 * the report. A target that dies mid-run ends the replay at once: what was
 * not sent is listed as lost, so the run never hangs.
 */
import { debuglog } from 'node:util';
import { compareWithBaseline, type CompareOptions } from './diff.js';
import { VerifyErrors } from './errors.js';
import { Ledger, type RouteRef } from './ledger.js';
import { DEFAULT_NOISE_THRESHOLDS, RuleSet, loadRules, validateRules, type NoiseRules, type NoiseThresholds } from './noise.js';
import { buildNormaliser } from './normalise.js';
import { readTraffic, type TrafficFormat } from './read-traffic.js';
import { isBenchable, toBenchRequest } from './bench-traffic.js';
import { createRedactor, type RedactOptions } from './redact.js';
import { ReplayClient, SAFE_METHODS, prepareRequest, runPool, type ReplayOutcome } from './replay.js';
import { REPORT_VERSION, finaliseReport, type BenchSummary, type Report, type ReportRequest, type TrafficError } from './report-model.js';
import { RouteMatcher, loadRoutes, pathOf, pathShape, type RouteSpec } from './route-template.js';
import { inShard, parseShard, type Shard } from './shard.js';
import { startTarget, type Target } from './targets.js';
import type { Exchange, TrafficEntry } from './traffic.js';

const debug = debuglog('expressway:verify');

/** See VerifyOptions.secondaryDelayMs; what migrate's baseline pair used. */
export const DEFAULT_SECONDARY_DELAY_MS = 5;

/** Headers compared when none are chosen: the ones clients act on. */
export const DEFAULT_COMPARED_HEADERS = ['content-type', 'location', 'cache-control', 'content-encoding'];

export interface BenchOptions {
  durationSeconds?: number;
  rounds?: number;
  connections?: number;
}

export interface VerifyProgress {
  phase: 'reading' | 'starting' | 'replaying' | 'bench' | 'done';
  done: number;
  total: number;
}

export interface VerifyOptions {
  /** URL (`http://127.0.0.1:3000`) or a shell command started with `PORT` set. */
  baseline: string;
  /**
   * A second instance of the baseline (URL or command) that answers the secondary
   * replay, as in Diffy. Without it the baseline answers both: per-process values
   * (counters, boot ids) and doubled writes then cannot show up as noise.
   */
  secondary?: string;
  candidate: string;
  /**
   * The secondary request leaves this long after the primary one. Two instances
   * never answer in the same millisecond in production; without the lag a local
   * pair often does, and time-derived fields are not learned as noise. Default 5; 0 sends both at once.
   */
  secondaryDelayMs?: number;
  /** Traffic file: NDJSON, HAR 1.2 or GoReplay (detected). */
  traffic: string;
  trafficFormat?: TrafficFormat;
  /** Routes file path, or the routes themselves. */
  routes?: string | RouteSpec[];
  /** Noise rules file path, or the rules themselves. */
  rules?: string | NoiseRules;
  /** Normaliser names (see normalise.ts) or `all`. */
  normalise?: string[];
  /** Headers to compare (any case). Default DEFAULT_COMPARED_HEADERS. */
  headers?: string[];
  /** Replay non-idempotent methods (POST, PUT, PATCH, DELETE, ...). Default false. */
  allowWrites?: boolean;
  /** Percent. Default 100. */
  minParity?: number;
  minQpsRatio?: number;
  /** Run the bench (verify/bench.ts) after the replay and fold its QPS ratios into the ledger. */
  bench?: boolean | BenchOptions;
  /** `i/n` or `{ index, count }`. */
  shard?: string | Shard;
  /** Requests in flight (each one is three HTTP requests). Default 32. */
  concurrency?: number;
  /** Per-request timeout in ms. Default 10,000. */
  timeoutMs?: number;
  /** Startup timeout for command targets, ms. Default 30,000. */
  startTimeoutMs?: number;
  /** Where command targets' logs go. Default `.expressway/verify`. */
  outDir?: string;
  /** Fail on the first malformed traffic entry instead of reporting it and going on. */
  strict?: boolean;
  /** Redaction of values in the report; `false` keeps them. */
  redact?: RedactOptions | false;
  noise?: Partial<NoiseThresholds>;
  /** Aborting it stops the replay (what is not sent is listed as lost), stops the targets and returns a failed report. */
  signal?: AbortSignal;
  onProgress?: (progress: VerifyProgress) => void;
  onTrafficError?: (error: TrafficError) => void;
}

interface Prepared {
  format: TrafficFormat;
  matcher: RouteMatcher;
  /** Valid entries in this shard. */
  total: number;
  trafficErrors: TrafficError[];
  malformed: number;
  /** This shard's valid entries, parsed once, when there are at most MAX_KEPT; else the replay reads the file again. */
  kept: TrafficEntry[] | undefined;
}

/** Entries kept parsed between the two passes (a few hundred bytes each); larger traffic is streamed twice. */
const MAX_KEPT = 100_000;

export async function verify(options: VerifyOptions): Promise<Report> {
  const startedAt = new Date();
  const shard = options.shard === undefined ? undefined : typeof options.shard === 'string' ? parseShard(options.shard) : parseShard(`${options.shard.index}/${options.shard.count}`);
  const normaliser = buildNormaliser(options.normalise ?? []);
  const rules = await resolveRules(options.rules);
  const declared = typeof options.routes === 'string' ? await loadRoutes(options.routes) : (options.routes ?? []);
  const redactor = createRedactor(options.redact ?? {});
  const headers = (options.headers ?? DEFAULT_COMPARED_HEADERS).map((h) => h.trim().toLowerCase()).filter(Boolean);
  const compareOptions: CompareOptions = { headers, headerNameCase: !normaliser.names.includes('header-case') };
  const thresholds = { minParity: options.minParity ?? 100, ...(options.minQpsRatio !== undefined ? { minQpsRatio: options.minQpsRatio } : {}) };
  const concurrency = Math.max(1, options.concurrency ?? 32);
  const timeoutMs = options.timeoutMs ?? 10_000;
  const outDir = options.outDir ?? '.expressway/verify';

  options.onProgress?.({ phase: 'reading', done: 0, total: 0 });
  const prepared = await prepare(options, declared, shard);

  options.onProgress?.({ phase: 'starting', done: 0, total: prepared.total });
  const { baseline, secondary, candidate } = await startTargets(options, outDir);
  const targets = [baseline, ...(secondary ? [secondary] : []), candidate];
  const secondaryDelayMs = Math.max(0, options.secondaryDelayMs ?? DEFAULT_SECONDARY_DELAY_MS);

  const baselineClient = new ReplayClient(baseline.origin, timeoutMs, secondary ? concurrency : concurrency * 2);
  const clients = {
    baseline: baselineClient,
    secondary: secondary ? new ReplayClient(secondary.origin, timeoutMs, concurrency) : baselineClient,
    candidate: new ReplayClient(candidate.origin, timeoutMs, concurrency),
  };
  const allClients = [...new Set(Object.values(clients))];
  const ledger = new Ledger({ rules, redactor, noise: { ...DEFAULT_NOISE_THRESHOLDS, ...options.noise } });
  ledger.declare(declared);
  const targetErrors: Report['targetErrors'] = [];
  const abort = new AbortController();
  const stopReplay = (reason: string) => {
    abort.abort(reason);
    for (const c of allClients) c.abortAll(reason);
  };
  let interrupted = false;
  const onCancel = () => {
    interrupted = true;
    stopReplay('the run was interrupted');
  };
  if (options.signal?.aborted) onCancel();
  options.signal?.addEventListener('abort', onCancel, { once: true });
  for (const t of targets) {
    t.onDeath((reason) => {
      targetErrors.push({ side: t.side, message: VerifyErrors.EXW_ERR_VERIFY_TARGET_EXITED(t.side, reason).message, ...(t.log ? { log: t.log } : {}) });
      stopReplay(`${t.side} target died`);
    });
  }
  // Traffic repeats its URLs: match each one once (bounded, so a crawl of unique URLs does not grow it).
  const routeCache = new Map<string, RouteRef>();
  const routeOf = (x: Exchange): RouteRef => {
    const key = `${x.request.method} ${x.request.url}`;
    let ref = routeCache.get(key);
    if (!ref) {
      ref = routeRef(prepared.matcher, x);
      if (routeCache.size >= 10_000) routeCache.clear();
      routeCache.set(key, ref);
    }
    return ref;
  };
  const benchSamples: BenchRequest[] = [];
  let done = 0;
  let bench: BenchSummary | undefined;
  let benchError: string | undefined;
  try {
    const source = prepared.kept ?? shardEntries((await readTraffic(options.traffic, prepared.format)).entries, shard);
    await runPool(source, concurrency, async (entry) => {
      if (!entry.exchange) return;
      const x = entry.exchange;
      const route = routeOf(x);
      const request: ReportRequest = { id: x.id, method: x.request.method, url: x.request.url };
      ledger.sample(route);
      if (!options.allowWrites && !SAFE_METHODS.has(x.request.method)) ledger.skip(request, route);
      else if (abort.signal.aborted) ledger.lose(request, route, 'not-replayed', 'all', `not sent: ${String(abort.signal.reason)}`);
      else {
        if (options.bench && benchSamples.length < 1000 && isBenchable(x)) benchSamples.push(benchRequest(x, route.key));
        await replayOne(x, request, route);
      }
      options.onProgress?.({ phase: 'replaying', done: ++done, total: prepared.total });
    });

    if (options.bench && !abort.signal.aborted && benchSamples.length > 0) {
      options.onProgress?.({ phase: 'bench', done, total: prepared.total });
      try {
        bench = await runBenchStep(options.bench, baseline.origin, candidate.origin, benchSamples);
      } catch (err) {
        // The comparison stands on its own; a bench that could not run fails the run, with its reason.
        benchError = (err as Error).message;
      }
    }
  } finally {
    options.signal?.removeEventListener('abort', onCancel);
    for (const c of allClients) c.close();
    await Promise.all(targets.map((t) => t.stop()));
  }

  async function replayOne(x: Exchange, request: ReportRequest, route: RouteRef): Promise<void> {
    const prepared = prepareRequest(x.request);
    const [primary, second, cand] = await Promise.all([
      clients.baseline.send(prepared),
      secondaryDelayMs > 0 ? later(secondaryDelayMs).then(() => clients.secondary.send(prepared)) : clients.secondary.send(prepared),
      clients.candidate.send(prepared),
    ]);
    const failed = firstFailure(primary, second, cand);
    if (failed) {
      if (failed.outcome.reason === 'connection') {
        // A refused connection may mean the target is gone: find out, so the rest is not sent into the void.
        await Promise.all(targets.map((t) => t.checkAlive()));
      }
      ledger.lose(request, route, failed.outcome.reason, failed.side, failed.outcome.message);
      return;
    }
    const p = normaliser.apply((primary as Extract<ReplayOutcome, { ok: true }>).response);
    const s = normaliser.apply((second as Extract<ReplayOutcome, { ok: true }>).response);
    const c = normaliser.apply((cand as Extract<ReplayOutcome, { ok: true }>).response);
    const [aa, ab] = compareWithBaseline(p, s, c, compareOptions);
    ledger.compared(request, route, aa, ab);
  }

  const { routes, differences } = ledger.finish();
  if (bench) foldBench(routes, bench, prepared.matcher);
  const finishedAt = new Date();
  options.onProgress?.({ phase: 'done', done, total: prepared.total });
  const report: Report = {
    version: REPORT_VERSION,
    tool: 'expressway',
    startedAt: startedAt.toISOString(),
    finishedAt: finishedAt.toISOString(),
    durationMs: finishedAt.getTime() - startedAt.getTime(),
    baseline: { target: baseline.spec },
    ...(secondary ? { secondary: { target: secondary.spec } } : {}),
    candidate: { target: candidate.spec },
    traffic: { source: options.traffic, format: prepared.format, malformed: prepared.malformed },
    ...(shard ? { shard } : {}),
    thresholds,
    normalisers: normaliser.names,
    headers,
    totals: undefined as unknown as Report['totals'], // computed by finaliseReport
    routes,
    differences,
    lost: ledger.lost,
    skipped: ledger.skipped,
    trafficErrors: prepared.trafficErrors,
    ...(bench ? { bench } : {}),
    targetErrors,
    outcome: 'fail',
    failures: [],
  };
  finaliseReport(report);
  if (interrupted) report.failures.push('the run was interrupted before all requests were replayed');
  if (benchError !== undefined) report.failures.push(`the bench could not run: ${benchError}`);
  if (report.failures.length > 0) report.outcome = 'fail';
  return report;
}

function firstFailure(primary: ReplayOutcome, secondary: ReplayOutcome, candidate: ReplayOutcome) {
  // The candidate's failure is the interesting one only when the baseline answered.
  if (!primary.ok) return { side: 'primary' as const, outcome: primary };
  if (!secondary.ok) return { side: 'secondary' as const, outcome: secondary };
  if (!candidate.ok) return { side: 'candidate' as const, outcome: candidate };
  return undefined;
}

async function resolveRules(rules: VerifyOptions['rules']): Promise<RuleSet> {
  if (rules === undefined) return new RuleSet();
  if (typeof rules === 'string') return loadRules(rules);
  return new RuleSet(validateRules(rules).rules);
}

function routeRef(matcher: RouteMatcher, x: Exchange): RouteRef {
  const m = matcher.match(x.request.method, x.request.url);
  return { key: m.key, method: m.method, template: m.template };
}

/** A plain timer promise: timers/promises' delay() also wires an AbortSignal and costs more per exchange. */
function later(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

async function* shardEntries(entries: AsyncIterable<TrafficEntry>, shard: Shard | undefined): AsyncGenerator<TrafficEntry> {
  for await (const e of entries) if (!shard || inShard(e.seq, shard)) yield e;
}

/** Distinct path shapes learnt from; past this, new shapes get templates from id-like segments only. */
const MAX_SHAPES = 200_000;

/** First pass: validates the traffic, learns route templates from all of it, counts this shard. */
async function prepare(options: VerifyOptions, declared: RouteSpec[], shard: Shard | undefined): Promise<Prepared> {
  const { format, entries } = await readTraffic(options.traffic, options.trafficFormat);
  const paths = new Set<string>();
  const trafficErrors: TrafficError[] = [];
  let total = 0;
  let valid = 0;
  let malformed = 0;
  let kept: TrafficEntry[] | undefined = [];
  for await (const e of entries) {
    if (options.signal?.aborted) throw new Error('interrupted while reading the traffic');
    const mine = !shard || inShard(e.seq, shard);
    if (e.error) {
      if (options.strict) throw e.error;
      if (!mine) continue;
      malformed++;
      const err = { line: e.line, message: e.error.message };
      options.onTrafficError?.(err);
      if (trafficErrors.length < 1000) trafficErrors.push(err);
      continue;
    }
    valid++;
    // Shapes, not raw paths: ids collapse, so memory stays bounded on large files.
    if (paths.size < MAX_SHAPES) paths.add(pathShape(pathOf(e.exchange.request.url)));
    if (mine) {
      total++;
      if (kept && kept.push(e) > MAX_KEPT) kept = undefined;
    }
  }
  if (valid === 0) throw VerifyErrors.EXW_ERR_VERIFY_TRAFFIC_EMPTY(options.traffic);
  const matcher = new RouteMatcher(declared);
  matcher.learn(paths);
  debug('traffic %s: %s format, %d entries in this shard, %d malformed, %d distinct paths', options.traffic, format, total, malformed, paths.size);
  return { format, matcher, total, trafficErrors, malformed, kept };
}

async function startTargets(options: VerifyOptions, outDir: string): Promise<{ baseline: Target; secondary?: Target; candidate: Target }> {
  const common = { outDir, ...(options.startTimeoutMs !== undefined ? { startTimeoutMs: options.startTimeoutMs } : {}) };
  const results = await Promise.allSettled([
    startTarget(options.baseline, { side: 'baseline', ...common }),
    startTarget(options.candidate, { side: 'candidate', ...common }),
    ...(options.secondary !== undefined ? [startTarget(options.secondary, { side: 'secondary', ...common })] : []),
  ]);
  const failed = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
  if (failed) {
    await Promise.all(results.map((r) => (r.status === 'fulfilled' ? r.value.stop() : undefined)));
    throw failed.reason;
  }
  const [baseline, candidate, secondary] = results.map((r) => (r as PromiseFulfilledResult<Target>).value) as [Target, Target, Target | undefined];
  return { baseline, candidate, ...(secondary ? { secondary } : {}) };
}

interface BenchRequest {
  method: string;
  path: string;
  headers?: Record<string, string>;
  body?: string | Buffer;
  /** Our route key, so the bench can report per route in the ledger's terms. */
  route: string;
}

function benchRequest(x: Exchange, route: string): BenchRequest {
  return { ...toBenchRequest(x), route };
}

async function runBenchStep(bench: true | BenchOptions, baseline: string, candidate: string, samples: BenchRequest[]): Promise<BenchSummary> {
  const o = bench === true ? {} : bench;
  // bench.ts loads autocannon: import it only when asked.
  const { runBench } = await import('./bench.js');
  // Hand the bench our route keys, so its per-route figures land on our ledger rows.
  const routes = new Map<string, RouteSpec>();
  for (const r of samples) routes.set(r.route, { method: r.route.slice(0, r.route.indexOf(' ')), template: r.route.slice(r.route.indexOf(' ') + 1) });
  const result = await runBench({
    baseline,
    candidate,
    requests: samples.map(({ method, path, headers, body }) => ({ method, path, ...(headers ? { headers } : {}), ...(body !== undefined ? { body } : {}) })),
    routes: [...routes.values()],
    durationSeconds: o.durationSeconds ?? 5,
    rounds: o.rounds ?? 2,
    connections: o.connections ?? 10,
  });
  return { ratio: result.ratio, baseline: result.baseline, candidate: result.candidate, perRoute: result.perRoute };
}

function foldBench(routes: Report['routes'], bench: BenchSummary, matcher: RouteMatcher): void {
  const byKey = new Map(routes.map((r) => [r.route, r]));
  for (const pr of bench.perRoute ?? []) {
    let row = byKey.get(pr.route);
    if (!row) {
      const [method, path] = pr.route.includes(' ') ? (pr.route.split(' ', 2) as [string, string]) : ['GET', pr.route];
      row = byKey.get(matcher.match(method, path).key) ?? routes.find((r) => r.template === path);
    }
    if (!row) continue;
    row.qpsRatio = pr.ratio;
    row.latency = { baseline: pr.baseline, candidate: pr.candidate };
  }
}

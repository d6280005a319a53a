/**
 * The shadow proxy's options: what callers pass (ShadowOptions, documented
 * field by field) and the checked, defaulted form the proxy runs on. Bad
 * values fail here, before anything listens, with EXW_ERR_SHADOW_* codes.
 */
import { createRedactor, type RedactOptions, type Redactor } from './redact.js';
import type { RouteSpec } from './route-template.js';
import type { NoiseRules, RuleSet } from './noise.js';
import type { ShadowComparer } from './shadow-compare.js';
import { ShadowErrors } from './shadow-errors.js';
import { createTarget, type Target } from './shadow-forward.js';
import { createRouteSelection, type RouteSelection } from './shadow-routes.js';

/** Methods that do not change server state (RFC 9110 9.2.1): the only ones mirrored and fallen back by default. */
export const SAFE_METHODS = ['GET', 'HEAD', 'OPTIONS'] as const;

export interface ShadowOptions {
  /** The service clients are answered from (http:// or https:// URL). */
  primary: string;
  /** The service under test. */
  candidate: string;
  /** Listen address; default 127.0.0.1 and port 0 (any free port). */
  host?: string;
  port?: number;
  /** Methods mirrored to the candidate; default GET, HEAD, OPTIONS. */
  methods?: string[];
  /** Mirror jobs that may wait; beyond it new ones are dropped and counted. Default 1000. */
  queueSize?: number;
  /** Mirror requests in flight at once. Default 16. */
  concurrency?: number;
  /** Deadline of one mirror request, in ms. Default 5000. */
  mirrorTimeoutMs?: number;
  /**
   * Mirror failures in a row (timeouts, refused or reset connections) that open the
   * circuit breaker: while it is open no mirror request is sent to the candidate
   * (counted as skipped), then one probe is. Default 5; 0 never opens it.
   */
  breakerFailures?: number;
  /** How long the breaker stays open before the probe, in ms. Default 5000. */
  breakerCooldownMs?: number;
  /** Routes answered by the candidate: `GET /users/{id}`, `/users/{id}`, ... */
  cutoverRoutes?: string[];
  /** Percentage (0..100) of requests with a mirrored method answered by the candidate. Default 0. */
  cutoverPercent?: number;
  /** Deadline for a cutover answer before falling back to the primary, in ms. Default 5000. */
  cutoverTimeoutMs?: number;
  /** Largest cutover answer buffered for fallback; a larger one falls back. Default 8 MiB. */
  maxCutoverBytes?: number;
  /** Largest answer (and request body) copied for comparison; larger ones are not compared. Default 4 MiB. */
  maxCompareBytes?: number;
  /** Path of the JSON stats endpoint (answered by the proxy, never forwarded); `false` disables it. */
  statsPath?: string | false;
  /** Headers compared besides status and body. Default content-type. */
  headers?: string[];
  /** Route templates for grouping and for the ledger (runtime syntax); id-like segments are inferred otherwise. */
  routes?: RouteSpec[];
  /** NDJSON log of every answer with the side that served it. */
  logFile?: string;
  /** Where stop() writes the final report (JSON, report-model). */
  reportFile?: string;
  /** Parity threshold recorded in the report. Default 100. */
  minParity?: number;
  /** Redaction of values stored in the report and the log; `false` to keep them. */
  redact?: RedactOptions | false;
  /**
   * Noise rules (the format of `verify --rules`): differences at these paths are
   * ignored and listed as the route's noise fields. Shadow mode has no A/A replay
   * to find noise by itself, so timestamps and random ids belong here.
   */
  rules?: NoiseRules | RuleSet;
  /** Replaces the comparison of two answers. */
  compare?: ShadowComparer;
  /** Source of randomness for cutover percentages (tests pass a deterministic one). */
  random?: () => number;
  /**
   * While the proxy's event loop p99 delay (over 1 s windows) is above this, new mirror
   * jobs are shed, so mirroring never adds to client latency on a CPU-starved proxy.
   * Default 100 ms; 0 turns shedding off.
   */
  maxMirrorLagMs?: number;
  /**
   * The mirror yields to clients: a job starts when no client request is in flight,
   * or once it has waited this long (or the queue is half full). Default 20 ms; 0 starts jobs at once.
   */
  mirrorYieldMs?: number;
  /** How long stop() lets queued mirror jobs finish. Default 3000 ms. */
  drainTimeoutMs?: number;
}

export interface Resolved {
  primary: Target;
  candidate: Target;
  mirrored: Set<string>;
  queueSize: number;
  concurrency: number;
  mirrorTimeoutMs: number;
  breakerFailures: number;
  breakerCooldownMs: number;
  mirrorYieldMs: number;
  cutover: RouteSelection;
  cutoverPercent: number;
  cutoverTimeoutMs: number;
  maxCutoverBytes: number;
  maxCompareBytes: number;
  statsPath: string | false;
  headers: string[];
  redactor: Redactor;
  random: () => number;
}

export function resolveOptions(o: ShadowOptions): Resolved {
  const target = (name: string, raw: string, maxSockets: number) => {
    let url: URL;
    try {
      url = new URL(raw);
    } catch {
      throw ShadowErrors.EXW_ERR_SHADOW_TARGET(name, raw);
    }
    if (url.protocol !== 'http:' && url.protocol !== 'https:') throw ShadowErrors.EXW_ERR_SHADOW_TARGET(name, raw);
    return createTarget(raw, maxSockets);
  };
  const positive = (name: string, value: number | undefined, fallback: number) => {
    const v = value ?? fallback;
    if (!Number.isFinite(v) || v <= 0) throw ShadowErrors.EXW_ERR_SHADOW_OPTION(name, `expected a positive number, got ${String(value)}`);
    return v;
  };
  const nonNegative = (name: string, value: number | undefined, fallback: number) => {
    const v = value ?? fallback;
    if (!Number.isFinite(v) || v < 0) throw ShadowErrors.EXW_ERR_SHADOW_OPTION(name, `expected 0 or a positive number, got ${String(value)}`);
    return v;
  };
  const wholeNumber = (name: string, value: number | undefined, fallback: number) => {
    const v = nonNegative(name, value, fallback);
    if (!Number.isInteger(v)) throw ShadowErrors.EXW_ERR_SHADOW_OPTION(name, `expected a whole number, got ${String(value)}`);
    return v;
  };
  const percent = o.cutoverPercent ?? 0;
  if (!Number.isFinite(percent) || percent < 0 || percent > 100) {
    throw ShadowErrors.EXW_ERR_SHADOW_OPTION('cutoverPercent', `expected 0..100, got ${String(o.cutoverPercent)}`);
  }
  const methods = (o.methods ?? [...SAFE_METHODS]).map((m) => m.trim().toUpperCase()).filter(Boolean);
  for (const m of methods) {
    if (!/^[A-Z]+$/.test(m)) throw ShadowErrors.EXW_ERR_SHADOW_OPTION('methods', `"${m}" is not an HTTP method`);
  }
  let cutover: RouteSelection;
  try {
    cutover = createRouteSelection(o.cutoverRoutes ?? []);
  } catch (err) {
    throw ShadowErrors.EXW_ERR_SHADOW_CUTOVER_ROUTES('option', (err as Error).message);
  }
  const statsPath = o.statsPath === undefined ? '/__expressway/stats' : o.statsPath;
  if (statsPath !== false && !statsPath.startsWith('/')) throw ShadowErrors.EXW_ERR_SHADOW_OPTION('statsPath', `"${statsPath}" must start with "/"`);
  const concurrency = positive('concurrency', o.concurrency, 16);
  return {
    // The primary is the hot path: no socket cap, keep-alive.
    primary: target('primary', o.primary, Infinity),
    candidate: target('candidate', o.candidate, concurrency + 16),
    mirrored: new Set(methods),
    queueSize: positive('queueSize', o.queueSize, 1000),
    concurrency,
    mirrorTimeoutMs: positive('mirrorTimeoutMs', o.mirrorTimeoutMs, 5_000),
    breakerFailures: wholeNumber('breakerFailures', o.breakerFailures, 5),
    breakerCooldownMs: positive('breakerCooldownMs', o.breakerCooldownMs, 5_000),
    mirrorYieldMs: nonNegative('mirrorYieldMs', o.mirrorYieldMs, 20),
    cutover,
    cutoverPercent: percent,
    cutoverTimeoutMs: positive('cutoverTimeoutMs', o.cutoverTimeoutMs, 5_000),
    maxCutoverBytes: positive('maxCutoverBytes', o.maxCutoverBytes, 8 * 1024 * 1024),
    maxCompareBytes: positive('maxCompareBytes', o.maxCompareBytes, 4 * 1024 * 1024),
    statsPath,
    headers: (o.headers ?? ['content-type']).map((h) => h.toLowerCase()),
    redactor: createRedactor(o.redact ?? {}),
    random: o.random ?? Math.random,
  };
}

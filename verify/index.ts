/**
 * `expressway/verify`: record traffic, replay it against a baseline and a
 * candidate, compare with noise cancelled, and report. The shadow proxy,
 * bench and report renderers have their own modules in this folder.
 */
export { verify, DEFAULT_COMPARED_HEADERS, DEFAULT_SECONDARY_DELAY_MS, type VerifyOptions, type VerifyProgress, type BenchOptions } from './verify.js';
export { startRecorder, recordTraffic, type Recorder, type RecorderOptions } from './record-proxy.js';
export {
  TRAFFIC_VERSION,
  TrafficWriter,
  readNdjson,
  parseTrafficLine,
  bodyBytes,
  encodeBody,
  type Exchange,
  type TrafficRequest,
  type TrafficResponse,
  type TrafficEntry,
  type HeaderMap,
} from './traffic.js';
export { readTraffic, detectTrafficFormat, type TrafficFormat } from './read-traffic.js';
export { readHar } from './import-har.js';
export { readGoReplay } from './import-goreplay.js';
export { createRedactor, REDACTED, DEFAULT_REDACT_HEADERS, DEFAULT_REDACT_FIELDS, type Redactor, type RedactOptions } from './redact.js';
export { compareResponses, compareWithBaseline, compareJson, type Captured, type RawDifference, type CompareOptions } from './diff.js';
export { buildNormaliser, NORMALISER_NAMES, type NormaliserName } from './normalise.js';
export { RuleSet, loadRules, validateRules, RouteNoiseStats, DEFAULT_NOISE_THRESHOLDS, type NoiseRule, type NoiseRules, type NoiseThresholds } from './noise.js';
export { RouteMatcher, inferTemplates, loadRoutes, looksLikeId, type RouteSpec } from './route-template.js';
export { startTarget, freePort, type Target, type TargetSide } from './targets.js';
export { parseShard, inShard, type Shard } from './shard.js';
export { writeReports, terminalSummary, type ReportOutputs } from './report-output.js';
export * from './report-model.js';
export { VerifyErrors } from './errors.js';
// The shadow proxy, bench, renderers and merge (each loads its heavy parts, such as autocannon, only when called).
export { startShadow, type ShadowOptions, type ShadowProxy } from './shadow-proxy.js';
export { runBench, type BenchResult } from './bench.js';
export { mergeReports, readReport } from './report-merge.js';
export { renderHtml } from './report-html.js';
export { renderJunit } from './report-junit.js';
export { renderTerminal } from './report-terminal.js';

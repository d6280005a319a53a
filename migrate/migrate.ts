/**
 * `expressway migrate`, as an API: copy the app, run the codemods on the
 * copy, pick or record traffic, start the original twice and the copy once,
 * replay and compare (verify), bench, and write the reports. Each step has
 * its own module; this file is the order and the bookkeeping. Display goes
 * through a Reporter (progress.ts); the CLI adds the terminal summary.
 */
import { mkdir, readFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import type { RunResult } from '../codemods/runner.js';
import type { Report } from '../verify/report-model.js';
import { benchIntoReport, type BenchCpu } from './bench-step.js';
import { checkAppDir, checkOutDir, copyApp, defaultOutDir } from './copy-app.js';
import { MigrateErrors } from './errors.js';
import { startCommand } from './app-entry.js';
import { linkDependencies, type LinkResult } from './link-deps.js';
import { STEP_TITLES, silentReporter, type Reporter } from './progress.js';
import { startApps, type RunningApps } from './start-apps.js';
import { resolveTraffic, type TrafficSource } from './traffic-source.js';

export interface MigrateBenchOptions {
  /** Seconds per side and round. Default 3. */
  durationSeconds?: number;
  /** A, B rounds. Default 2. */
  rounds?: number;
  /** Default 10. */
  connections?: number;
  /** Servers on one core, the load generator on another (Linux, taskset). Default true. */
  pin?: boolean;
}

export interface MigrateOptions {
  appDir: string;
  /** Default `.expressway/migrate/<app name>` under cwd. */
  out?: string;
  /** Replace a non-empty out dir. */
  force?: boolean;
  traffic?: string;
  /** false skips the bench. Default: bench with the defaults above. */
  bench?: false | MigrateBenchOptions;
  /** Percent; default 100. */
  minParity?: number;
  minQpsRatio?: number;
  /** Noise rules file for the comparison (verify's --rules). */
  rules?: string;
  /** Normalisers (verify's --normalise): names or `all`. Default DEFAULT_NORMALISE. */
  normalise?: string[];
  /** Report paths; default `<out>/.expressway/migrate-report.{json,html}`. */
  json?: string;
  html?: string;
  cwd?: string;
  /** Extra environment for the apps and the test suite. NODE_ENV defaults to test. */
  env?: NodeJS.ProcessEnv;
  startTimeoutMs?: number;
  reporter?: Reporter;
  signal?: AbortSignal;
}

export interface MigrateResult {
  appDir: string;
  outDir: string;
  /** Where logs and recorded traffic went. */
  workDir: string;
  codemod: Pick<RunResult, 'totals' | 'handlers'> & { failed: Array<{ file: string; message: string }>; todos: number; report: string };
  links: LinkResult;
  traffic: TrafficSource;
  report: Report;
  /** Server CPU per request in the bench (Linux), next to the report's req/s ratio. */
  benchCpu?: BenchCpu;
  files: { json: string; html?: string };
  /** 0: parity (and QPS ratio, when asked) met; 1: not. */
  exitCode: 0 | 1;
}

/**
 * Header names are compared case-insensitively: HTTP treats them so (and
 * HTTP/2 lowercases them), and the runtime spells them as given by the code
 * that set them, so `Content-Type` from Express and `content-type` from a
 * migrated handler are the same answer to every client.
 */
export const DEFAULT_NORMALISE = ['header-case'];

export const DEFAULT_BENCH = { durationSeconds: 3, rounds: 2, connections: 10 } as const;

export async function migrate(options: MigrateOptions): Promise<MigrateResult> {
  const reporter = options.reporter ?? silentReporter;
  const cwd = options.cwd ?? process.cwd();
  const appDir = resolve(cwd, options.appDir);
  const outDir = resolve(cwd, options.out ?? defaultOutDir(appDir, cwd));
  const workDir = join(outDir, '.expressway');
  validateOptions(options);
  await checkAppDir(appDir);
  startCommand(appDir); // fails now, before any copying, when the app cannot be started
  await checkOutDir(appDir, outDir, options.force === true);
  const env: NodeJS.ProcessEnv = { NODE_ENV: process.env.NODE_ENV ?? 'test', ...options.env };

  reporter.step(STEP_TITLES[0]);
  await copyApp(appDir, outDir, options.force === true);
  const links = await linkDependencies(appDir, outDir);
  reporter.detail(`${appDir} -> ${outDir}`);
  if (links.linked.length > 0 || links.linkedExpressway) {
    reporter.detail(`linked into node_modules: ${[...links.linked, ...(links.linkedExpressway ? ['expressway'] : [])].join(', ')}`);
  }

  stopIfAborted(options.signal);
  reporter.step(STEP_TITLES[1]);
  const codemod = await runCodemods(outDir, workDir, reporter);

  stopIfAborted(options.signal);
  reporter.step(STEP_TITLES[2]);
  const traffic = await pickTraffic(options, appDir, cwd, workDir, env, reporter);

  stopIfAborted(options.signal);
  reporter.step(STEP_TITLES[3]);
  const apps = await startApps({ appDir, copyDir: outDir, workDir, env, ...(options.startTimeoutMs !== undefined ? { startTimeoutMs: options.startTimeoutMs } : {}) });
  let report: Report;
  let benchCpu: BenchCpu | undefined;
  try {
    reporter.detail(`original: ${startCommand(appDir).description}, twice (${apps.primary.origin}, ${apps.secondary.origin}); migrated: ${apps.candidate.origin}`);
    reporter.step(STEP_TITLES[4]);
    report = await replay(options, traffic, apps, workDir, reporter);
    reporter.step(STEP_TITLES[5]);
    if (options.signal?.aborted) reporter.warn('skipped: the run was interrupted');
    else benchCpu = await bench(options, report, traffic, apps, reporter);
  } finally {
    await apps.stop();
  }
  if (options.signal?.aborted && !report.failures.some((f) => f.includes('interrupted'))) {
    // Interrupted during the bench (runBench cannot be cancelled): what ran is reported, never as a pass.
    report.outcome = 'fail';
    report.failures.push('the run was interrupted');
  }

  reporter.step(STEP_TITLES[6]);
  const files = await writeReportFiles(options, cwd, workDir, report);
  reporter.detail(`JSON: ${files.json}`);
  if (files.html) reporter.detail(`HTML: ${files.html}`);
  return { appDir, outDir, workDir, codemod, links, traffic, report, files, ...(benchCpu ? { benchCpu } : {}), exitCode: report.outcome === 'pass' ? 0 : 1 };
}

/** Between steps: an interrupted run stops before starting the next one (the replay watches the signal itself). */
function stopIfAborted(signal: AbortSignal | undefined): void {
  if (signal?.aborted) throw Object.assign(new Error(`interrupted: ${String(signal.reason)}`), { name: 'AbortError' });
}

function validateOptions(options: MigrateOptions): void {
  const { minParity, minQpsRatio, bench } = options;
  if (minParity !== undefined && !(Number.isFinite(minParity) && minParity >= 0 && minParity <= 100)) {
    throw MigrateErrors.EXW_ERR_MIGRATE_OPTION('--min-parity', `expected a percentage from 0 to 100, got ${String(minParity)}`);
  }
  if (minQpsRatio !== undefined && !(Number.isFinite(minQpsRatio) && minQpsRatio > 0)) {
    throw MigrateErrors.EXW_ERR_MIGRATE_OPTION('--min-qps-ratio', `expected a positive number, got ${String(minQpsRatio)}`);
  }
  if (minQpsRatio !== undefined && bench === false) {
    throw MigrateErrors.EXW_ERR_MIGRATE_OPTION('--min-qps-ratio', 'needs the bench; drop --no-bench');
  }
  if (bench && bench.rounds !== undefined && !(Number.isInteger(bench.rounds) && bench.rounds >= 1)) {
    throw MigrateErrors.EXW_ERR_MIGRATE_OPTION('--bench-rounds', `expected a whole number of at least 1, got ${String(bench.rounds)}`);
  }
  if (bench && bench.durationSeconds !== undefined && !(Number.isFinite(bench.durationSeconds) && bench.durationSeconds > 0)) {
    throw MigrateErrors.EXW_ERR_MIGRATE_OPTION('--bench-duration', `expected a positive number of seconds, got ${String(bench.durationSeconds)}`);
  }
}

async function runCodemods(outDir: string, workDir: string, reporter: Reporter): Promise<MigrateResult['codemod']> {
  const [{ runCodemod }, { writeReport }] = await Promise.all([import('../codemods/runner.js'), import('../codemods/report.js')]);
  const counter = reporter.counter('files');
  let result: RunResult;
  try {
    result = await runCodemod({
      paths: [outDir],
      cwd: outDir,
      // The copy usually sits under an ignored .expressway/: read only the app's own .gitignore.
      gitignore: false,
      ignorePatterns: await ownIgnorePatterns(outDir),
      onProgress: (done, total) => counter.update(done, total),
    });
  } finally {
    counter.stop();
  }
  await mkdir(workDir, { recursive: true });
  const reportFile = join(workDir, 'codemod-report.json');
  await writeReport(reportFile, result);
  const failed = result.files.filter((f) => f.status === 'failed').map((f) => ({ file: f.file, message: f.error?.message ?? 'failed' }));
  const todos = result.files.reduce((n, f) => n + f.entries.length, 0);
  const { totals, handlers } = result;
  reporter.detail(`${totals.changed} file(s) changed, ${totals.unchanged} unchanged, ${totals.skipped} skipped, ${totals.failed} failed; handlers: ${handlers.native} native, ${handlers.compat} on compat`);
  reporter.detail(`${todos} report entr${todos === 1 ? 'y' : 'ies'} (what stayed on Express, and why): ${reportFile}`);
  for (const f of failed) reporter.warn(`${f.file} left unmigrated: ${f.message}`);
  return { totals, handlers, failed, todos, report: reportFile };
}

async function ownIgnorePatterns(dir: string): Promise<string[]> {
  const text = await readFile(join(dir, '.gitignore'), 'utf8').catch(() => '');
  return text.split(/\r?\n/).map((l) => l.trim()).filter((l) => l !== '' && !l.startsWith('#'));
}

async function pickTraffic(options: MigrateOptions, appDir: string, cwd: string, workDir: string, env: NodeJS.ProcessEnv, reporter: Reporter): Promise<TrafficSource> {
  const counter = reporter.counter('requests recorded');
  let traffic: TrafficSource;
  try {
    traffic = await resolveTraffic({
      appDir, cwd, workDir, env,
      ...(options.traffic !== undefined ? { traffic: options.traffic } : {}),
      ...(options.startTimeoutMs !== undefined ? { startTimeoutMs: options.startTimeoutMs } : {}),
      ...(options.signal ? { signal: options.signal } : {}),
      onRequest: (n) => counter.update(n, n),
    });
  } finally {
    counter.stop();
  }
  const how = { given: 'given with --traffic', 'recorded-file': 'the app\'s recorded traffic', 'test-suite': `recorded from the app's test suite (${traffic.exchanges} requests)` }[traffic.origin];
  reporter.detail(`${traffic.path} (${how})`);
  if (traffic.suiteExit !== undefined && traffic.suiteExit !== 0) {
    reporter.warn(`the test suite failed against the original (exit ${traffic.suiteExit}); replaying what it sent (log: ${join(workDir, 'logs', 'recording', 'suite.log')})`);
  }
  return traffic;
}

/** See the replay step: how long the secondary original's request trails the primary's. */
const SECONDARY_DELAY_MS = 20;

async function replay(options: MigrateOptions, traffic: TrafficSource, apps: RunningApps, workDir: string, reporter: Reporter): Promise<Report> {
  const { verify } = await import('../verify/verify.js');
  // A process that dies mid-run ends the replay now, rather than losing the rest one request at a time.
  const abort = new AbortController();
  const deaths: string[] = [];
  const onUserAbort = () => abort.abort(options.signal?.reason);
  if (options.signal?.aborted) onUserAbort();
  options.signal?.addEventListener('abort', onUserAbort, { once: true });
  const roles = { 'original (primary)': apps.primary, 'original (secondary)': apps.secondary, migrated: apps.candidate };
  for (const [role, target] of Object.entries(roles)) {
    target.onDeath((reason) => {
      deaths.push(`${role} app exited during the replay: ${reason}`);
      abort.abort(reason);
    });
  }
  const counter = reporter.counter('requests');
  try {
    const report = await verify({
      // Diffy's A/A pair: what differs between the two runs of the original is noise. The secondary's request
      // leaves 20 ms after the primary's, so time-derived fields (createdAt) differ too and are learned; with
      // verify's 5 ms a primary stalled that long on a busy machine stamped the same millisecond as its secondary.
      baseline: apps.primary.origin,
      secondary: apps.secondary.origin,
      secondaryDelayMs: SECONDARY_DELAY_MS,
      candidate: apps.candidate.origin,
      traffic: traffic.path,
      // The apps are fresh copies started for this run: writes replay in the recorded order, one at a time.
      allowWrites: true,
      concurrency: 1,
      minParity: options.minParity ?? 100,
      ...(options.minQpsRatio !== undefined ? { minQpsRatio: options.minQpsRatio } : {}),
      ...(options.rules !== undefined ? { rules: resolve(options.cwd ?? process.cwd(), options.rules) } : {}),
      normalise: options.normalise ?? DEFAULT_NORMALISE,
      outDir: join(workDir, 'logs'),
      signal: abort.signal,
      onProgress: (p) => {
        if (p.phase === 'replaying') counter.update(p.done, p.total);
      },
    });
    report.baseline.target = `${startCommand(options.appDir).description} (primary ${apps.primary.origin}, secondary ${apps.secondary.origin})`;
    report.candidate.target = `migrated copy (${apps.candidate.origin})`;
    for (const message of deaths) report.failures.push(message);
    if (deaths.length > 0) report.outcome = 'fail';
    counter.stop();
    const t = report.totals;
    reporter.detail(`${t.compared} compared, ${t.matched} matched, ${t.differing} differing, ${t.lost} lost: parity ${t.parity}%`);
    return report;
  } finally {
    counter.stop();
    options.signal?.removeEventListener('abort', onUserAbort);
  }
}

async function bench(options: MigrateOptions, report: Report, traffic: TrafficSource, apps: RunningApps, reporter: Reporter): Promise<BenchCpu | undefined> {
  if (options.bench === false) {
    reporter.detail('skipped (--no-bench)');
    return undefined;
  }
  if (report.targetErrors.length > 0 || report.failures.some((f) => f.includes('exited during the replay'))) {
    reporter.warn('skipped: an app exited during the replay');
    return undefined;
  }
  const settings = { ...DEFAULT_BENCH, ...options.bench };
  reporter.detail(`${settings.rounds} round(s) x ${settings.durationSeconds}s per side, ${settings.connections} connections, original (primary) vs migrated`);
  const { cpu, pinned } = await benchIntoReport(report, {
    baseline: apps.primary.origin,
    candidate: apps.candidate.origin,
    traffic: traffic.path,
    ...settings,
    onProgress: (message) => reporter.detail(message),
  });
  if (pinned) reporter.detail(`servers pinned to CPU ${pinned.serverCpu}, load generator to CPU ${pinned.loadCpu}`);
  else if (settings.pin !== false) reporter.detail('not pinned (needs Linux, taskset and two cores): servers and load generator share the cores');
  if (report.bench) reporter.detail(`QPS ratio (migrated / original): ${report.bench.ratio}`);
  if (cpu) {
    reporter.detail(`server CPU per request: original ${cpu.baseline} µs, migrated ${cpu.candidate} µs (original / migrated: ${cpu.ratio}; steadier than req/s on a shared machine)`);
  }
  return cpu;
}

async function writeReportFiles(options: MigrateOptions, cwd: string, workDir: string, report: Report): Promise<MigrateResult['files']> {
  const { writeReports } = await import('../verify/report-output.js');
  const json = options.json !== undefined ? resolve(cwd, options.json) : join(workDir, 'migrate-report.json');
  const html = options.html !== undefined ? resolve(cwd, options.html) : join(workDir, 'migrate-report.html');
  const { written } = await writeReports(report, { json, html });
  return { json, ...(written.includes(html) ? { html } : {}) };
}

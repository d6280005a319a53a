import type { Command } from 'commander';
import { join } from 'node:path';
import { EXIT_FAILURE, UsageError } from '../exit.js';

interface VerifyFlags {
  baseline: string;
  secondary?: string;
  secondaryDelay: string;
  candidate: string;
  traffic: string;
  routes?: string;
  rules?: string;
  normalise?: string;
  headers?: string;
  allowWrites?: boolean;
  minParity: string;
  minQpsRatio?: string;
  bench?: boolean;
  benchDuration: string;
  benchRounds: string;
  benchConnections: string;
  shard?: string;
  concurrency: string;
  timeout: string;
  startTimeout: string;
  out: string;
  json?: string;
  html?: string;
  junit?: string;
  strict?: boolean;
  noiseRelative: string;
  noiseAbsolute: string;
  redact: boolean;
  redactHeader?: string;
  redactField?: string;
  quiet?: boolean;
}

/** Verify errors that mean "cannot run" (exit 2) rather than "ran and found failures" (exit 1). */
const INPUT_ERRORS = new Set([
  'EXW_ERR_VERIFY_TRAFFIC_LINE',
  'EXW_ERR_VERIFY_TRAFFIC_FORMAT',
  'EXW_ERR_VERIFY_TRAFFIC_VERSION',
  'EXW_ERR_VERIFY_TRAFFIC_EMPTY',
  'EXW_ERR_VERIFY_TARGET_START',
  'EXW_ERR_VERIFY_TARGET_INVALID',
  'EXW_ERR_VERIFY_RULES',
  'EXW_ERR_VERIFY_ROUTES',
  'EXW_ERR_VERIFY_NORMALISER',
  'EXW_ERR_VERIFY_SHARD',
  'EXW_ERR_VERIFY_REPORT_VERSION',
]);

export function registerVerify(program: Command): void {
  program
    .command('verify')
    .description('Replay traffic to the baseline (twice: primary, then secondary) and the candidate, compare with noise cancelled, and gate on parity and QPS.')
    .requiredOption('--baseline <url|command>', 'the current app: a URL, or a command started with PORT set')
    .requiredOption('--candidate <url|command>', 'the new app: a URL, or a command started with PORT set')
    .option('--secondary <url|command>', 'a second instance of the current app for the A/A (noise) replay; default: the baseline answers both')
    .option('--secondary-delay <ms>', 'send each secondary request this long after the primary, so time-derived fields show as noise (0: at once)', '5')
    .requiredOption('--traffic <file>', 'traffic: NDJSON (expressway record), HAR 1.2 or GoReplay')
    .option('--routes <file>', 'route templates (JSON array or one "METHOD /path" per line); else inferred')
    .option('--rules <file>', 'noise rules (JSON), see docs/verify.md')
    .option('--normalise <list>', 'normalisers: x-powered-by,etag,date,header-case,charset or all')
    .option('--headers <list>', 'headers to compare', 'content-type,location,cache-control,content-encoding')
    .option('--allow-writes', 'also replay POST, PUT, PATCH, DELETE and other non-safe methods')
    .option('--min-parity <percent>', 'minimum parity for exit 0', '100')
    .option('--min-qps-ratio <ratio>', 'minimum candidate/baseline req/s ratio (needs --bench)')
    .option('--bench', 'run the bench after the replay and include QPS ratios in the verdict')
    .option('--bench-duration <seconds>', 'seconds per bench round and side', '5')
    .option('--bench-rounds <n>', 'bench rounds (A, B, A, B, ...)', '2')
    .option('--bench-connections <n>', 'bench connections', '10')
    .option('--shard <i/n>', 'replay only shard i of n (deterministic split)')
    .option('--concurrency <n>', 'requests in flight', '32')
    .option('--timeout <ms>', 'per-request timeout', '10000')
    .option('--start-timeout <ms>', 'how long a command target may take to answer on its port', '30000')
    .option('--out <dir>', 'directory for the report and target logs', '.expressway/verify')
    .option('--json <file>', 'JSON report (default <out>/report.json)')
    .option('--html <file>', 'HTML report')
    .option('--junit <file>', 'JUnit XML report')
    .option('--strict', 'fail on the first malformed traffic entry')
    .option('--noise-relative <fraction>', 'route noise: candidate difference rate may exceed the A/A rate by this fraction of it', '0.2')
    .option('--noise-absolute <fraction>', 'route noise: ... or by this fraction of the compared requests', '0.03')
    .option('--no-redact', 'keep secret values in the report')
    .option('--redact-header <list>', 'more headers to redact')
    .option('--redact-field <list>', 'more JSON fields / query parameters to redact')
    .option('--quiet', 'no progress bar and no summary')
    .action(async (flags: VerifyFlags) => {
      const { verify } = await import('../../verify/verify.js');
      const { writeReports, terminalSummary } = await import('../../verify/report-output.js');
      const { DEFAULT_REDACT_FIELDS, DEFAULT_REDACT_HEADERS } = await import('../../verify/redact.js');
      const progress = flags.quiet ? undefined : await progressBar();
      // Ctrl-C stops the replay and the targets, and still writes the report of what ran.
      const cancel = new AbortController();
      const onSignal = () => cancel.abort();
      // SIGHUP too: a closed terminal must not leave the targets running.
      const signals = ['SIGINT', 'SIGTERM', 'SIGHUP'] as const;
      for (const s of signals) process.once(s, onSignal);
      let report;
      try {
        report = await verify({
          baseline: flags.baseline,
          ...(flags.secondary !== undefined ? { secondary: flags.secondary } : {}),
          secondaryDelayMs: number('--secondary-delay', flags.secondaryDelay, 0),
          candidate: flags.candidate,
          traffic: flags.traffic,
          ...(flags.routes ? { routes: flags.routes } : {}),
          ...(flags.rules ? { rules: flags.rules } : {}),
          normalise: list(flags.normalise),
          headers: list(flags.headers),
          allowWrites: flags.allowWrites === true,
          minParity: number('--min-parity', flags.minParity, 0, 100),
          ...(flags.minQpsRatio !== undefined ? { minQpsRatio: number('--min-qps-ratio', flags.minQpsRatio, 0) } : {}),
          ...(flags.bench
            ? {
                bench: {
                  durationSeconds: number('--bench-duration', flags.benchDuration, 1),
                  rounds: number('--bench-rounds', flags.benchRounds, 1),
                  connections: number('--bench-connections', flags.benchConnections, 1),
                },
              }
            : {}),
          ...(flags.shard ? { shard: flags.shard } : {}),
          concurrency: number('--concurrency', flags.concurrency, 1),
          timeoutMs: number('--timeout', flags.timeout, 1),
          startTimeoutMs: number('--start-timeout', flags.startTimeout, 1),
          outDir: flags.out,
          strict: flags.strict === true,
          noise: { relative: number('--noise-relative', flags.noiseRelative, 0), absolute: number('--noise-absolute', flags.noiseAbsolute, 0, 1) },
          redact: flags.redact
            ? { headers: [...DEFAULT_REDACT_HEADERS, ...list(flags.redactHeader)], fields: [...DEFAULT_REDACT_FIELDS, ...list(flags.redactField)] }
            : false,
          signal: cancel.signal,
          onTrafficError: (e) => process.stderr.write(`expressway verify: traffic line ${e.line}: ${e.message}\n`),
          ...(progress ? { onProgress: progress.update } : {}),
        });
      } catch (err) {
        const code = (err as { code?: string }).code;
        if (code && INPUT_ERRORS.has(code)) throw new UsageError((err as Error).message);
        throw err;
      } finally {
        progress?.stop();
        for (const s of signals) process.off(s, onSignal);
      }
      const outputs = { json: flags.json ?? join(flags.out, 'report.json'), html: flags.html, junit: flags.junit };
      const { written } = await writeReports(report, outputs);
      if (!flags.quiet) process.stdout.write(await terminalSummary(report));
      if (!flags.quiet) process.stdout.write(`report: ${written.join(', ')}\n`);
      if (report.outcome === 'fail') process.exitCode = EXIT_FAILURE;
    });
}

function list(value: string | undefined): string[] {
  return (value ?? '').split(',').map((s) => s.trim()).filter(Boolean);
}

function number(flag: string, value: string, min: number, max = Infinity): number {
  const n = Number(value);
  if (!Number.isFinite(n) || n < min || n > max) throw new UsageError(`${flag} must be a number${max < Infinity ? ` from ${min} to ${max}` : ` >= ${min}`}, got "${value}"`);
  return n;
}

/** A progress bar on a terminal; nothing when stderr is not a TTY (CI logs stay clean). */
async function progressBar(): Promise<{ update: (p: { phase: string; done: number; total: number }) => void; stop: () => void } | undefined> {
  if (!process.stderr.isTTY) return undefined;
  const { default: cliProgress } = await import('cli-progress');
  const bar = new cliProgress.SingleBar(
    { stream: process.stderr, format: 'verify {phase} [{bar}] {value}/{total} requests', hideCursor: true, clearOnComplete: true },
    cliProgress.Presets.shades_classic,
  );
  let started = false;
  return {
    update: (p) => {
      if (!started) {
        bar.start(p.total, p.done, { phase: p.phase });
        started = true;
      }
      bar.setTotal(p.total);
      bar.update(p.done, { phase: p.phase });
    },
    stop: () => {
      if (started) bar.stop();
    },
  };
}

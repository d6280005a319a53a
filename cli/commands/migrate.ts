/**
 * `expressway migrate <app-dir>`: the whole migration in one command (copy,
 * codemods, traffic, start, replay and compare, bench, report). Only
 * commander and the exit codes load with the CLI; migrate/ and everything it
 * pulls in (jscodeshift, ts-morph, autocannon) load inside the action.
 */
import type { Command } from 'commander';
import { EXIT_FAILURE, EXIT_OK, UsageError } from '../exit.js';

interface MigrateFlags {
  out?: string;
  force?: boolean;
  traffic?: string;
  bench: boolean;
  benchDuration: string;
  benchRounds: string;
  benchPin: boolean;
  minParity: string;
  minQpsRatio?: string;
  json?: string;
  html?: string;
  rules?: string;
  normalise?: string;
  startTimeout: string;
}

export function registerMigrate(program: Command): void {
  program
    .command('migrate')
    .description('Copy an Express app, migrate the copy, and prove it answers like the original (replay, compare, bench, report).')
    .argument('<app-dir>', 'the Express app (a directory with package.json "start" or server.js/server.ts/index.js)')
    .option('--out <dir>', 'where the migrated copy goes (default: .expressway/migrate/<app name>)')
    .option('--force', 'replace a non-empty --out directory')
    .option('--traffic <file>', 'traffic to replay (NDJSON, HAR, GoReplay); default: the app\'s traffic.ndjson, else recorded from its test suite')
    .option('--bench-duration <seconds>', 'seconds per side and round of the bench', '3')
    .option('--bench-rounds <n>', 'bench rounds (original, migrated, original, migrated, ...)', '2')
    .option('--no-bench', 'skip the bench')
    .option('--no-bench-pin', 'let the servers and the load generator share the cores (default on Linux: servers on one core, load generator on another)')
    .option('--min-parity <percent>', 'minimum parity for exit 0', '100')
    .option('--min-qps-ratio <ratio>', 'minimum migrated/original req/s ratio for exit 0')
    .option('--rules <file>', 'noise rules for the comparison (JSON, see docs/verify.md)')
    .option('--normalise <list>', 'normalisers: x-powered-by,etag,date,header-case,charset or all')
    .option('--json <file>', 'JSON report path (default: <out>/.expressway/migrate-report.json)')
    .option('--html <file>', 'HTML report path (default: <out>/.expressway/migrate-report.html)')
    .option('--start-timeout <ms>', 'how long each app may take to listen on PORT', '30000')
    .addHelpText('after', '\nExit codes: 0 parity (and QPS ratio, when asked) met; 1 not met, or the migrated copy does not start; 2 bad usage, or an original app that cannot be copied or started.')
    .action(async (appDir: string, flags: MigrateFlags) => {
      process.exitCode = await runAction(appDir, flags);
    });
}

async function runAction(appDir: string, flags: MigrateFlags): Promise<number> {
  const minParity = number(flags.minParity, '--min-parity');
  const minQpsRatio = flags.minQpsRatio === undefined ? undefined : number(flags.minQpsRatio, '--min-qps-ratio');
  const durationSeconds = number(flags.benchDuration, '--bench-duration');
  const rounds = number(flags.benchRounds, '--bench-rounds');
  const startTimeoutMs = number(flags.startTimeout, '--start-timeout');
  const [{ migrate }, { createTerminalReporter }, { MIGRATE_USAGE_CODES, MIGRATE_FAILURE_CODES }, { terminalSummary }] = await Promise.all([
    import('../../migrate/migrate.js'),
    import('../../migrate/progress.js'),
    import('../../migrate/errors.js'),
    import('../../verify/report-output.js'),
  ]);
  const controller = new AbortController();
  // First Ctrl-C: stop cleanly (processes stopped, report of what ran). Second: leave now; targets.ts kills what it started on exit.
  const interrupt = () => {
    if (controller.signal.aborted) process.exit(130);
    process.stderr.write('\nexpressway: stopping (Ctrl-C again to quit at once)\n');
    controller.abort('interrupted (Ctrl-C)');
  };
  process.on('SIGINT', interrupt);
  try {
    const result = await migrate({
      appDir,
      ...(flags.out !== undefined ? { out: flags.out } : {}),
      force: flags.force === true,
      ...(flags.traffic !== undefined ? { traffic: flags.traffic } : {}),
      bench: flags.bench ? { durationSeconds, rounds, pin: flags.benchPin } : false,
      minParity,
      ...(minQpsRatio !== undefined ? { minQpsRatio } : {}),
      ...(flags.json !== undefined ? { json: flags.json } : {}),
      ...(flags.rules !== undefined ? { rules: flags.rules } : {}),
      ...(flags.normalise !== undefined ? { normalise: flags.normalise.split(',').map((n) => n.trim()).filter(Boolean) } : {}),
      ...(flags.html !== undefined ? { html: flags.html } : {}),
      startTimeoutMs,
      reporter: await createTerminalReporter(),
      signal: controller.signal,
    });
    process.stdout.write('\n' + (await terminalSummary(result.report)));
    const verdict = result.exitCode === 0 ? 'READY' : 'NOT READY';
    const ratio = result.report.totals.qpsRatio !== undefined ? `, QPS ratio ${result.report.totals.qpsRatio}x` : '';
    process.stdout.write(`\nmigrate: ${verdict}: parity ${result.report.totals.parity}%${ratio}\n`);
    process.stdout.write(`migrated app: ${result.outDir}\n`);
    process.stdout.write(`HTML report:  ${result.files.html ?? '(no HTML renderer available)'}\n`);
    return result.exitCode === 0 ? EXIT_OK : EXIT_FAILURE;
  } catch (err) {
    const code = (err as { code?: unknown }).code;
    if (typeof code === 'string' && (MIGRATE_USAGE_CODES.has(code) || /^EXW_ERR_(VERIFY_(TRAFFIC_|TARGET_START|TARGET_INVALID|RULES|NORMALISER)|CODEMOD_RUNNER_USAGE)/.test(code))) {
      throw new UsageError(`${(err as Error).message} (${code})`);
    }
    if ((err as Error).name === 'AbortError') {
      process.stderr.write(`expressway: ${(err as Error).message}\n`);
      return EXIT_FAILURE;
    }
    if (typeof code === 'string' && MIGRATE_FAILURE_CODES.has(code)) {
      process.stderr.write(`expressway: ${(err as Error).message}\n`);
      return EXIT_FAILURE;
    }
    throw err;
  } finally {
    process.removeListener('SIGINT', interrupt);
  }
}

function number(value: string, flag: string): number {
  const n = Number(value);
  if (value.trim() === '' || !Number.isFinite(n)) throw new UsageError(`${flag} must be a number, got "${value}"`);
  return n;
}

/**
 * `npm run bench`: every peer server in its own process on core 0, the load
 * generator (this process) on core 1, peers alternating round by round.
 * Prints a table, writes bench/results/<date>.json, and (unless --no-write)
 * regenerates docs/bench-chart.svg and the generated part of
 * docs/BENCHMARKS.md. Flags: see harness/options.ts or `--help`.
 *
 * Exit codes: 0 measured (targets are reported, not enforced), 1 a peer failed
 * to start or answered wrongly, 2 bad flags.
 */
import { writeFileAtomicSync as writeFileAtomic } from '../shared/atomic-write.js';
import { defaultResultPath, projectRoot, writeJsonResult } from './harness/json-output.js';
import { describeMachine } from './harness/machine.js';
import { updateBenchmarksDoc } from './harness/markdown.js';
import { parseBenchOptions, USAGE, type BenchOptions } from './harness/options.js';
import { canPin, LOAD_CORE, pinSelf } from './harness/processes.js';
import { createProgress } from './harness/progress.js';
import type { BenchResult } from './harness/results.js';
import { estimatedSeconds, plannedSteps, runBench } from './harness/runner.js';
import { renderChart } from './harness/svg-chart.js';
import { renderTable } from './harness/table-output.js';
import { checkTargets } from './harness/targets.js';

function commandLine(argv: string[]): string {
  return argv.length === 0 ? 'npm run bench' : `npm run bench -- ${argv.join(' ')}`;
}

async function bench(argv: string[], options: BenchOptions): Promise<void> {
  const pinned = canPin();
  if (pinned) pinSelf(LOAD_CORE);
  else process.stderr.write('bench: taskset or a second core is missing; running unpinned, numbers are less comparable\n');
  const machine = describeMachine(pinned);
  const date = new Date().toISOString();
  const progress = createProgress(plannedSteps(options), estimatedSeconds(options));
  let scenarios;
  try {
    scenarios = await runBench(options, progress);
  } finally {
    progress.finish();
  }
  const { out, ...recorded } = options;
  const result: BenchResult = { date, command: commandLine(argv), machine, options: recorded, scenarios, targets: checkTargets(scenarios) };
  process.stdout.write(`${renderTable(result)}\n`);
  const root = projectRoot();
  const jsonPath = out ?? defaultResultPath(root, date);
  writeJsonResult(jsonPath, result);
  process.stderr.write(`bench: results in ${jsonPath}\n`);
  if (options.write) {
    writeFileAtomic(`${root}/docs/bench-chart.svg`, renderChart(result));
    updateBenchmarksDoc(`${root}/docs/BENCHMARKS.md`, result, 'bench-chart.svg');
    process.stderr.write('bench: updated docs/BENCHMARKS.md and docs/bench-chart.svg\n');
  }
}

function describeError(err: unknown): string {
  const code = (err as { code?: unknown }).code;
  const prefix = typeof code === 'string' && code.startsWith('EXW_ERR_') ? `${code}: ` : '';
  return `${prefix}${(err as Error).message}`;
}

async function main(argv: string[]): Promise<number> {
  let options;
  try {
    options = parseBenchOptions(argv);
  } catch (err) {
    process.stderr.write(`${describeError(err)}\n`);
    return 2;
  }
  if (options === 'help') {
    process.stdout.write(`${USAGE}\n`);
    return 0;
  }
  try {
    await bench(argv, options);
    return 0;
  } catch (err) {
    process.stderr.write(`bench failed: ${describeError(err)}\n`);
    return 1;
  }
}

process.exitCode = await main(process.argv.slice(2));

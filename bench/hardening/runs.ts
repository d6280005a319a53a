/**
 * The table of long runs `npm run hardening` knows: each maps a size (a
 * count or seconds) to a JSON-able result and the list of broken guarantees
 * (empty when the run passed). The same functions back test/hardening/.
 */
import { runFuzz } from './fuzz.js';

export interface RunOutcome {
  result: unknown;
  problems: string[];
}

interface RunSpec {
  unit: string;
  longSize: number;
  run(size: number, seed: number): Promise<RunOutcome>;
}

async function fuzz(size: number, seed: number): Promise<RunOutcome> {
  let lastLog = Date.now();
  const report = await runFuzz({
    count: size,
    seed,
    concurrency: 64,
    onProgress: (done) => {
      if (Date.now() - lastLog > 10_000) {
        lastLog = Date.now();
        process.stderr.write(`  fuzz: ${done}/${size}\n`);
      }
    },
  });
  const problems: string[] = [];
  if (report.crashes > 0) problems.push(`server crashed: ${report.crashDetail}`);
  if (report.byOutcome['server-error-5xx'] > 0) problems.push(`${report.byOutcome['server-error-5xx']} connections answered 5xx`);
  if (report.byOutcome.hang > 0) problems.push(`${report.byOutcome.hang} connections hung`);
  if (report.byOutcome['other-status'] > 0) problems.push(`${report.byOutcome['other-status']} connections got a non-2xx/4xx answer`);
  if (report.healthyAfter !== report.healthChecks) problems.push(`only ${report.healthyAfter}/${report.healthChecks} normal requests served afterwards`);
  return { result: report, problems };
}

export const RUNS = {
  fuzz: { unit: 'requests', longSize: 100_000, run: fuzz },
} satisfies Record<string, RunSpec>;

export type RunId = keyof typeof RUNS;

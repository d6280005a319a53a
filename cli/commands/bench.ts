import type { Command } from 'commander';
import { UsageError } from '../exit.js';

interface BenchFlags {
  baseline: string;
  candidate: string;
  traffic: string;
  duration: string;
  rounds: string;
  connections: string;
  routes?: string;
  allowWrites?: boolean;
  json?: string;
}

export function registerBench(program: Command): void {
  program
    .command('bench')
    .description('Load both services with the traffic\'s route mix, alternating A, B, A, B; print req/s ratios and p50/p95/p99 per route.')
    .requiredOption('--baseline <url>', 'current service (A)')
    .requiredOption('--candidate <url>', 'service under test (B)')
    .requiredOption('--traffic <file>', 'traffic file (NDJSON, HAR or GoReplay) giving the request mix')
    .option('--duration <seconds>', 'length of one measurement (one side, one round)', '10')
    .option('--rounds <n>', 'number of A, B pairs', '3')
    .option('--connections <n>', 'concurrent connections', '10')
    .option('--routes <file>', 'route templates for grouping (as for verify)')
    .option('--allow-writes', 'include non-idempotent requests (POST, PUT, PATCH, DELETE) from the traffic')
    .option('--json <file>', 'also write the result as JSON')
    .action(async (flags: BenchFlags) => {
      const [{ runBench }, { benchRequestsFromTraffic }, { renderBenchTable }, { loadRoutes }, { writeFileAtomic }] = await Promise.all([
        import('../../verify/bench.js'),
        import('../../verify/bench-traffic.js'),
        import('../../verify/bench-render.js'),
        import('../../verify/route-template.js'),
        import('../../shared/atomic-write.js'),
      ]);
      const durationSeconds = positive('--duration', flags.duration, false);
      const rounds = positive('--rounds', flags.rounds, true);
      const connections = positive('--connections', flags.connections, true);
      try {
        const traffic = await benchRequestsFromTraffic(flags.traffic, { allowWrites: flags.allowWrites === true });
        for (const m of traffic.malformed) process.stderr.write(`expressway bench: ${flags.traffic} line ${m.line} skipped: ${m.message}\n`);
        if (traffic.skippedWrites > 0) {
          process.stderr.write(`expressway bench: ${traffic.skippedWrites} write request(s) left out (use --allow-writes to include them)\n`);
        }
        if (traffic.requests.length === 0) throw new UsageError(`bench needs at least one request: ${flags.traffic} holds none usable`);
        const result = await runBench({
          baseline: flags.baseline,
          candidate: flags.candidate,
          requests: traffic.requests,
          durationSeconds,
          rounds,
          connections,
          routes: flags.routes ? await loadRoutes(flags.routes) : [],
          onProgress: (msg) => process.stderr.write(`expressway bench: ${msg}\n`),
        });
        process.stdout.write(renderBenchTable(result, { colour: process.stdout.isTTY === true && !process.env.NO_COLOR }) + '\n');
        if (flags.json) await writeFileAtomic(flags.json, JSON.stringify(result, null, 2) + '\n');
      } catch (err) {
        const code = (err as { code?: unknown }).code;
        // Unusable input (targets, traffic, options) is exit 2; a run that broke half-way is a failure (1).
        if (typeof code === 'string' && code.startsWith('EXW_ERR_') && code !== 'EXW_ERR_BENCH_RUN') {
          throw new UsageError(`${code}: ${(err as Error).message}`);
        }
        throw err;
      }
    });
}

function positive(flag: string, value: string, integer: boolean): number {
  const n = Number(value);
  if (value.trim() === '' || !Number.isFinite(n) || n <= 0 || (integer && !Number.isInteger(n))) {
    throw new UsageError(`${flag} expects a positive ${integer ? 'whole ' : ''}number, got "${value}"`);
  }
  return n;
}

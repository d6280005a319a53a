import type { Command } from 'commander';
import { UsageError } from '../exit.js';

interface ShadowFlags {
  primary: string;
  candidate: string;
  listen: string;
  host: string;
  methods: string;
  queue: string;
  concurrency: string;
  timeout: string;
  breakerFailures: string;
  breakerCooldown: string;
  cutoverRoutes?: string;
  cutoverPercent?: string;
  cutoverTimeout: string;
  routes?: string;
  rules?: string;
  headers: string;
  report?: string;
  log?: string;
  statsPath: string;
  redact: boolean;
  minParity: string;
  maxMirrorLag: string;
  mirrorYield: string;
  quiet?: boolean;
}

export function registerShadow(program: Command): void {
  program
    .command('shadow')
    .description('Live proxy: answer from the primary, mirror safe requests to the candidate and compare; optional progressive cutover.')
    .requiredOption('--primary <url>', 'service that answers clients')
    .requiredOption('--candidate <url>', 'service under test')
    .requiredOption('--listen <port>', 'port to listen on (0: any free port)')
    .option('--host <host>', 'address to listen on', '127.0.0.1')
    .option('--methods <list>', 'methods mirrored to the candidate', 'GET,HEAD,OPTIONS')
    .option('--queue <n>', 'mirror jobs that may wait before new ones are dropped', '1000')
    .option('--concurrency <n>', 'mirror requests in flight at once', '16')
    .option('--timeout <ms>', 'deadline of one mirror request', '5000')
    .option('--breaker-failures <n>', 'candidate failures in a row (timeout, refused, reset) that stop mirroring to it until a probe answers (0: never)', '5')
    .option('--breaker-cooldown <ms>', 'how long mirroring stays stopped before one probe request is sent', '5000')
    .option('--cutover-routes <file|list>', 'routes answered by the candidate: a verify report (its ready routes), a routes file, or "GET /a,GET /b/{id}"')
    .option('--cutover-percent <n>', 'percentage of mirrored-method requests answered by the candidate')
    .option('--cutover-timeout <ms>', 'deadline of a cutover answer before falling back to the primary', '5000')
    .option('--routes <file>', 'route templates for grouping (as for verify)')
    .option('--rules <file>', 'noise rules (as for verify): differences at these paths are ignored')
    .option('--headers <list>', 'headers compared besides status and body', 'content-type')
    .option('--report <file>', 'final report (JSON) written on SIGINT/SIGTERM')
    .option('--log <file>', 'NDJSON log of every answer and the side that served it')
    .option('--stats-path <path>', 'path of the JSON stats endpoint on the proxy', '/__expressway/stats')
    .option('--min-parity <percent>', 'parity threshold recorded in the report', '100')
    .option('--max-mirror-lag <ms>', 'shed mirror jobs while the proxy event loop p99 lag is above this (0: never shed)', '100')
    .option('--mirror-yield <ms>', 'start mirror jobs between client requests, or once they waited this long (0: at once)', '20')
    .option('--no-redact', 'keep secrets in the report and log')
    .option('--quiet', 'no live stats line')
    .action(async (flags: ShadowFlags) => {
      const { runShadow } = await import('../../verify/shadow-run.js');
      try {
        await runShadow(await toOptions(flags), { quiet: flags.quiet === true });
      } catch (err) {
        throw asUsageError(err);
      }
    });
}

async function toOptions(flags: ShadowFlags) {
  const { loadCutoverRoutes } = await import('../../verify/shadow-cutover.js');
  const { loadRoutes } = await import('../../verify/route-template.js');
  const { loadRules } = await import('../../verify/noise.js');
  try {
    return {
      primary: flags.primary,
      candidate: flags.candidate,
      host: flags.host,
      port: integer('--listen', flags.listen, 0, 65535),
      methods: list(flags.methods),
      queueSize: integer('--queue', flags.queue, 1),
      concurrency: integer('--concurrency', flags.concurrency, 1),
      mirrorTimeoutMs: integer('--timeout', flags.timeout, 1),
      breakerFailures: integer('--breaker-failures', flags.breakerFailures, 0),
      breakerCooldownMs: integer('--breaker-cooldown', flags.breakerCooldown, 1),
      cutoverRoutes: flags.cutoverRoutes ? await loadCutoverRoutes(flags.cutoverRoutes) : [],
      cutoverPercent: flags.cutoverPercent === undefined ? 0 : number('--cutover-percent', flags.cutoverPercent, 0, 100),
      cutoverTimeoutMs: integer('--cutover-timeout', flags.cutoverTimeout, 1),
      routes: flags.routes ? await loadRoutes(flags.routes) : [],
      ...(flags.rules ? { rules: await loadRules(flags.rules) } : {}),
      headers: list(flags.headers),
      reportFile: flags.report,
      logFile: flags.log,
      statsPath: flags.statsPath,
      minParity: number('--min-parity', flags.minParity, 0, 100),
      maxMirrorLagMs: number('--max-mirror-lag', flags.maxMirrorLag, 0),
      mirrorYieldMs: number('--mirror-yield', flags.mirrorYield, 0),
      redact: flags.redact ? {} : (false as const),
    };
  } catch (err) {
    throw asUsageError(err);
  }
}

function list(value: string): string[] {
  return value.split(',').map((v) => v.trim()).filter(Boolean);
}

function number(flag: string, value: string, min: number, max = Infinity): number {
  const n = Number(value);
  if (value.trim() === '' || !Number.isFinite(n) || n < min || n > max) {
    throw new UsageError(`${flag} expects a number between ${min} and ${max}, got "${value}"`);
  }
  return n;
}

function integer(flag: string, value: string, min: number, max = Number.MAX_SAFE_INTEGER): number {
  const n = number(flag, value, min, max);
  if (!Number.isInteger(n)) throw new UsageError(`${flag} expects a whole number, got "${value}"`);
  return n;
}

/** Coded input errors (bad URL, bad routes file, port in use) are usage errors: exit 2. */
function asUsageError(err: unknown): unknown {
  const code = (err as { code?: unknown })?.code;
  if (typeof code === 'string' && code.startsWith('EXW_ERR_')) return new UsageError(`${code}: ${(err as Error).message}`);
  return err;
}

/**
 * Command-line flags of `npm run bench`. `--quick` shortens every measured
 * run to half a second, does one round and no warm-up, so a test can check
 * the harness end to end in about a minute even on a busy machine.
 */
import { parseArgs } from 'node:util';
import { benchErrors } from './errors.js';
import { PEER_IDS, SCENARIO_IDS, type PeerId, type ScenarioId } from './scenarios.js';

export interface BenchOptions {
  quick: boolean;
  scenarios: ScenarioId[];
  peers: PeerId[];
  /** Seconds per counted run. */
  duration: number;
  /** Seconds of warm-up per peer and scenario before the first round; 0 skips it (the --quick default). */
  warmup: number;
  rounds: number;
  /** HTTP connections (a-e); WebSocket clients for (f). */
  connections: number;
  /**
   * Requests autocannon keeps in flight per connection in (a)-(d) (1: the
   * next request leaves when the answer arrived). (e) is one request per
   * connection by definition and ignores it.
   */
  pipelining: number;
  /** Do not touch docs/ (the JSON result is still written). */
  write: boolean;
  /** Where the JSON result goes; default bench/results/<date>.json. */
  out: string | undefined;
  /**
   * Run every peer under `node --cpu-prof`, writing its profile into
   * <dir>/<peer>/ when it stops (warm-up and every scenario included).
   * Profiling slows the peers: compare profiles, not the rates of such a run.
   */
  profile: string | undefined;
}

const USAGE = `npm run bench -- [--quick] [--scenarios a,b,...] [--peers runtime,node-http,...]
  [--duration seconds] [--rounds n] [--connections n] [--pipelining n] [--warmup seconds] [--no-write] [--out file.json]
  [--profile dir]  (CPU profile of each peer into dir/<peer>/, for node --cpu-prof tooling)`;

function list<T extends string>(raw: string | undefined, allowed: readonly T[], what: string): T[] {
  if (raw === undefined) return [...allowed];
  const items = raw.split(',').map((s) => s.trim()).filter(Boolean);
  const unknown = items.filter((item) => !allowed.includes(item as T));
  if (unknown.length > 0 || items.length === 0) {
    throw benchErrors.EXW_ERR_BENCH_USAGE(`unknown ${what} "${unknown.join(',') || raw}" (choose from ${allowed.join(',')})`);
  }
  // Keep the canonical order so tables read the same whatever order was typed.
  return allowed.filter((id) => items.includes(id));
}

function positive(raw: string | undefined, fallback: number, name: string, integer: boolean, zeroOk = false): number {
  if (raw === undefined) return fallback;
  const value = Number(raw);
  if (raw.trim() === '' || !Number.isFinite(value) || value < 0 || (value === 0 && !zeroOk) || (integer && !Number.isInteger(value))) {
    throw benchErrors.EXW_ERR_BENCH_USAGE(`--${name} must be a ${zeroOk ? 'non-negative' : 'positive'} ${integer ? 'integer' : 'number'}, got "${raw}"`);
  }
  return value;
}

export function parseBenchOptions(argv: string[]): BenchOptions | 'help' {
  let values;
  try {
    ({ values } = parseArgs({
      args: argv,
      strict: true,
      allowPositionals: false,
      options: {
        quick: { type: 'boolean', default: false },
        scenarios: { type: 'string' },
        peers: { type: 'string' },
        duration: { type: 'string' },
        warmup: { type: 'string' },
        rounds: { type: 'string' },
        connections: { type: 'string' },
        pipelining: { type: 'string' },
        'no-write': { type: 'boolean', default: false },
        out: { type: 'string' },
        profile: { type: 'string' },
        help: { type: 'boolean', short: 'h', default: false },
      },
    }));
  } catch (err) {
    throw benchErrors.EXW_ERR_BENCH_USAGE(`${(err as Error).message}\n${USAGE}`);
  }
  if (values.help) return 'help';
  const quick = values.quick === true;
  return {
    quick,
    scenarios: list(values.scenarios, SCENARIO_IDS, 'scenario'),
    peers: list(values.peers, PEER_IDS, 'peer'),
    duration: positive(values.duration, quick ? 0.5 : 5, 'duration', false),
    warmup: positive(values.warmup, quick ? 0 : 2, 'warmup', false, true),
    rounds: positive(values.rounds, quick ? 1 : 3, 'rounds', true),
    connections: positive(values.connections, 50, 'connections', true),
    pipelining: positive(values.pipelining, 1, 'pipelining', true),
    write: values['no-write'] !== true,
    out: values.out,
    profile: values.profile,
  };
}

export { USAGE };

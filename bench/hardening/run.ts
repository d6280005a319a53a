/**
 * `npm run hardening`: the long variants of the hardening runs whose short
 * variants sit in test/hardening/. Each flag picks a run and its size; with
 * no run flag every run goes at its long default. Prints one JSON summary
 * per run, writes them all to bench/results/hardening-<date>.json (or
 * --out), and exits 1 when a run broke its guarantee (crash, 5xx, hang,
 * failed in-flight request, leaked socket, runner crash...), 2 on bad flags.
 */
import { mkdirSync, renameSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { hardeningErrors } from './errors.js';
import { RUNS, type RunId } from './runs.js';

const USAGE = `npm run hardening -- [--fuzz N] [--seed S] [--slow N] [--shutdown SECONDS] [--codemods N]
  [--compat N] [--soak SECONDS] [--shadow N] [--verify N] [--traffic MIB] [--out file.json]
With no run flag, every run goes at its long default (fuzz 100000, slow 50 clients of each kind, shutdown 10 s,
codemods 1000 files, compat 10000 requests, soak 600 s, shadow 5000 requests,
verify 5000 requests, traffic 1024 MiB).`;

interface Selected {
  id: RunId;
  size: number;
}

function count(raw: string | undefined, name: string): number | undefined {
  if (raw === undefined) return undefined;
  const value = Number(raw);
  if (!Number.isInteger(value) || value <= 0) throw hardeningErrors.EXW_ERR_HARDENING_USAGE(`--${name} must be a positive integer, got "${raw}"`);
  return value;
}

function parse(argv: string[]): { runs: Selected[]; seed: number; out: string | undefined } | 'help' {
  let values;
  try {
    ({ values } = parseArgs({
      args: argv,
      strict: true,
      allowPositionals: false,
      options: {
        fuzz: { type: 'string' },
        seed: { type: 'string' },
        slow: { type: 'string' },
        shutdown: { type: 'string' },
        codemods: { type: 'string' },
        compat: { type: 'string' },
        soak: { type: 'string' },
        shadow: { type: 'string' },
        verify: { type: 'string' },
        traffic: { type: 'string' },
        out: { type: 'string' },
        help: { type: 'boolean' },
      },
    }));
  } catch (err) {
    throw hardeningErrors.EXW_ERR_HARDENING_USAGE((err as Error).message);
  }
  if (values.help) return 'help';
  const picked: Selected[] = [];
  for (const id of Object.keys(RUNS) as RunId[]) {
    const raw = (values as Record<string, string | boolean | undefined>)[id];
    if (raw === undefined) continue;
    if (raw === false) continue;
    picked.push({ id, size: raw === true ? RUNS[id].longSize : count(raw as string, id)! });
  }
  const runs = picked.length > 0 ? picked : (Object.keys(RUNS) as RunId[]).map((id) => ({ id, size: RUNS[id].longSize }));
  return { runs, seed: count(values.seed, 'seed') ?? 20261123, out: values.out };
}

function writeAtomic(path: string, text: string): void {
  mkdirSync(dirname(path), { recursive: true });
  const temp = `${path}.${process.pid}.tmp`;
  writeFileSync(temp, text);
  renameSync(temp, path);
}

async function main(argv: string[]): Promise<number> {
  let parsed;
  try {
    parsed = parse(argv);
  } catch (err) {
    process.stderr.write(`${(err as { code?: string }).code}: ${(err as Error).message}\n${USAGE}\n`);
    return 2;
  }
  if (parsed === 'help') {
    process.stdout.write(`${USAGE}\n`);
    return 0;
  }
  const date = new Date().toISOString();
  const results: Record<string, unknown> = {};
  let failed = false;
  for (const { id, size } of parsed.runs) {
    process.stderr.write(`hardening: ${id} (${RUNS[id].unit}: ${size}) ...\n`);
    const began = Date.now();
    try {
      const { result, problems } = await RUNS[id].run(size, parsed.seed);
      results[id] = { size, seconds: Math.round((Date.now() - began) / 100) / 10, problems, result };
      process.stdout.write(`${JSON.stringify({ run: id, size, problems, result }, null, 2)}\n`);
      if (problems.length > 0) failed = true;
    } catch (err) {
      failed = true;
      results[id] = { size, error: (err as Error).stack ?? String(err) };
      process.stderr.write(`hardening: ${id} threw: ${(err as Error).stack ?? String(err)}\n`);
    }
  }
  const root = fileURLToPath(new URL('../../../', import.meta.url));
  const out = parsed.out ?? join(root, 'bench', 'results', `hardening-${date.replace(/[:.]/g, '-')}.json`);
  writeAtomic(out, `${JSON.stringify({ date, command: `npm run hardening -- ${argv.join(' ')}`.trim(), results }, null, 2)}\n`);
  process.stderr.write(`hardening: results in ${out}${failed ? ' (FAILED)' : ''}\n`);
  return failed ? 1 : 0;
}

process.exitCode = await main(process.argv.slice(2));

/**
 * The harness end to end: `bench/run.ts --quick` runs every scenario against
 * every peer and writes a JSON result with finite numbers. No timing
 * assertion (speed is what the bench reports, not what a test checks), and
 * --no-write keeps docs/ untouched.
 */
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { END_MARKER, START_MARKER, updateBenchmarksDoc } from './harness/markdown.js';
import type { BenchResult } from './harness/results.js';
import { SCENARIO_IDS, SCENARIOS } from './harness/scenarios.js';
import { renderChart } from './harness/svg-chart.js';

const root = fileURLToPath(new URL('..', import.meta.url));
const script = fileURLToPath(new URL('./run.ts', import.meta.url));
const docsPage = join(root, 'docs/BENCHMARKS.md');
const chartFile = join(root, 'docs/bench-chart.svg');

/** What the bench would write: the generated section of the page and the chart (hand edits elsewhere do not count). */
function generatedDocs(): string {
  const page = existsSync(docsPage) ? readFileSync(docsPage, 'utf8') : '';
  const section = page.slice(page.indexOf(START_MARKER), page.indexOf(END_MARKER));
  return section + (existsSync(chartFile) ? readFileSync(chartFile, 'utf8') : '');
}

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

function runBench(args: string[], timeout: number): Promise<Run> {
  return new Promise((resolve) => {
    execFile(process.execPath, ['--import', 'tsx', script, ...args], { cwd: root, timeout, maxBuffer: 16 * 1024 * 1024 }, (err, stdout, stderr) => {
      const code = err ? ((err as { code?: unknown }).code as number | null) : 0;
      resolve({ code: typeof code === 'number' ? code : null, stdout, stderr });
    });
  });
}

describe('npm run bench -- --quick', () => {
  const dir = mkdtempSync(join(tmpdir(), 'exw-bench-'));
  const out = join(dir, 'result.json');
  const docsBefore = generatedDocs();
  let run: Run;
  let result: BenchResult;

  beforeAll(async () => {
    // Well under a minute on an idle two-core machine; the margin is for a busy one.
    run = await runBench(['--quick', '--no-write', '--out', out], 280_000);
    if (run.code === 0) result = JSON.parse(readFileSync(out, 'utf8')) as BenchResult;
  }, 300_000);
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('exits 0 and prints the table', () => {
    expect(run.code, run.stderr.slice(-2_000)).toBe(0);
    expect(run.stdout).toContain('vs baseline');
    expect(run.stdout).toContain('Expressway runtime');
  });

  it('has every scenario, and in each every peer of that scenario', () => {
    expect(result.scenarios.map((s) => s.id)).toEqual([...SCENARIO_IDS]);
    for (const scenario of result.scenarios) {
      expect(scenario.peers.map((p) => p.peer).sort()).toEqual([...SCENARIOS[scenario.id].peers].sort());
    }
  });

  it('has finite numbers: rates, latencies where measured, ratios against a measured baseline', () => {
    for (const scenario of result.scenarios) {
      for (const peer of scenario.peers) {
        const where = `(${scenario.id}) ${peer.peer}`;
        expect(Number.isFinite(peer.rate), where).toBe(true);
        expect(Number.isFinite(peer.ratio), where).toBe(true);
        expect(peer.samples.length, where).toBe(1);
        if (SCENARIOS[scenario.id].kind !== 'sse' && SCENARIOS[scenario.id].kind !== 'memory') {
          expect(Number.isFinite(peer.p50) && Number.isFinite(peer.p99), where).toBe(true);
        }
        if (scenario.unit !== 'MB') {
          expect(peer.rate, where).toBeGreaterThan(0);
          expect(Number.isFinite(peer.cpuPerUnit) && Number.isFinite(peer.cpuRatio), where).toBe(true);
        }
      }
    }
  });

  it('records the machine, the command and every target', () => {
    expect(result.machine.cores).toBeGreaterThan(0);
    expect(result.machine.node).toBe(process.version);
    expect(result.command).toBe(`npm run bench -- --quick --no-write --out ${out}`);
    expect(result.options.pipelining).toBe(1);
    expect(result.targets.map((t) => t.status)).not.toContain('not measured');
  });

  it('leaves docs/ alone with --no-write', () => {
    expect(generatedDocs()).toBe(docsBefore);
  });

  it('renders the chart and the docs section from the result, keeping the hand-written text', () => {
    const page = join(dir, 'BENCHMARKS.md');
    writeFileSync(page, `# Benchmarks\n\nintro\n\n${START_MARKER}\nold\n${END_MARKER}\n\n## Profile\nkept\n`);
    updateBenchmarksDoc(page, result, 'bench-chart.svg');
    const text = readFileSync(page, 'utf8');
    expect(text).toMatch(/^# Benchmarks\n\nintro\n\n<!-- bench:start -->/);
    expect(text).toContain('\n## Profile\nkept\n');
    expect(text).not.toContain('\nold\n');
    expect(text).toContain(result.command);
    expect(text).toContain('### (g) SSE to 100 clients');
    const svg = renderChart(result);
    expect(svg.startsWith('<svg')).toBe(true);
    expect(svg.match(/<rect [^>]*class="bar/g)?.length).toBe(result.scenarios.filter((s) => s.unit !== 'MB').reduce((n, s) => n + s.peers.length, 0));
  });
});

describe('bench flags', () => {
  it('rejects an unknown scenario with exit 2 and a coded error', async () => {
    const run = await runBench(['--scenarios', 'a,z'], 60_000);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('EXW_ERR_BENCH_USAGE');
    expect(run.stderr).toContain('unknown scenario "z"');
  });

  it('rejects a pipelining depth that is not a positive integer', async () => {
    for (const bad of ['0', '2.5', 'ten']) {
      const run = await runBench(['--pipelining', bad], 60_000);
      expect(run.code, bad).toBe(2);
      expect(run.stderr, bad).toContain('--pipelining must be a positive integer');
    }
  });
});

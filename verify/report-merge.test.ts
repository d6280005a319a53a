import { describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { mergeReports, readReport } from './report-merge.js';
import { buildReport } from './__testfixtures__/report-fixture.js';
import type { Report } from './report-model.js';

const root = fileURLToPath(new URL('..', import.meta.url));

function shard(index: number, count: number, tweak: (r: Report) => void = () => {}): Report {
  const r = buildReport({ shard: { index, count } });
  tweak(r);
  return r;
}

describe('mergeReports', () => {
  it('sums the ledger by route and recomputes parity, verdicts, totals and outcome', () => {
    const a = shard(1, 2);
    const b = shard(2, 2, (r) => {
      // This shard saw only clean /products traffic and one more route.
      r.routes = r.routes.filter((x) => x.route === 'GET /products');
      r.routes[0]!.samples = 30;
      r.routes[0]!.compared = 30;
      r.routes[0]!.matched = 30;
      r.routes[0]!.lost = 0;
      r.routes[0]!.candidateFailures = 0;
      r.routes.push({ ...r.routes[0]!, route: 'GET /health', template: '/health', samples: 2, compared: 2, matched: 2, noiseFields: ['/body/uptime'], qpsRatio: undefined, latency: undefined });
      r.differences = [];
      r.lost = [];
      r.skipped = [];
    });
    const merged = mergeReports([
      { source: 'a.json', report: a },
      { source: 'b.json', report: b },
    ]);
    const products = merged.routes.find((r) => r.route === 'GET /products')!;
    expect([products.samples, products.compared, products.matched, products.lost, products.candidateFailures]).toEqual([50, 48, 46, 2, 2]);
    expect(products.parity).toBe(95.83);
    expect(products.verdict).toBe('not ready');
    expect(merged.routes.find((r) => r.route === 'GET /health')).toMatchObject({ verdict: 'ready', noiseFields: ['/body/uptime'] });
    expect(merged.shards).toEqual([
      { index: 1, count: 2 },
      { index: 2, count: 2 },
    ]);
    expect(merged.shard).toBeUndefined();
    expect(merged.totals.requests).toBe(68 + 32);
    expect(merged.differences).toHaveLength(a.differences.length);
    expect(merged.trafficErrors).toHaveLength(1); // the same malformed line, reported by both shards
    expect(merged.outcome).toBe('fail');
  });

  it('merges merged reports with further shards', () => {
    const ab = mergeReports([
      { source: 'a', report: shard(1, 3) },
      { source: 'b', report: shard(2, 3) },
    ]);
    const abc = mergeReports([
      { source: 'ab', report: ab },
      { source: 'c', report: shard(3, 3) },
    ]);
    expect(abc.shards!.map((s) => s.index)).toEqual([1, 2, 3]);
    expect(abc.totals.requests).toBe(3 * 68);
  });

  it('refuses different versions, overlapping shards, whole runs and different splits', () => {
    const v2 = { ...shard(2, 2), version: 2 } as unknown as Report;
    expect(() => mergeReports([{ source: 'a.json', report: shard(1, 2) }, { source: 'b.json', report: v2 }])).toThrow(
      expect.objectContaining({ code: 'EXW_ERR_REPORT_MERGE_VERSION', message: expect.stringContaining('a.json and b.json have different versions (1 and 2)') }),
    );
    expect(() => mergeReports([{ source: 'a.json', report: shard(1, 2) }, { source: 'b.json', report: shard(1, 2) }])).toThrow(
      expect.objectContaining({ code: 'EXW_ERR_REPORT_MERGE_SHARD', message: expect.stringContaining('both hold shard 1/2') }),
    );
    expect(() => mergeReports([{ source: 'a.json', report: shard(1, 2) }, { source: 'whole.json', report: buildReport() }])).toThrow(
      expect.objectContaining({ code: 'EXW_ERR_REPORT_MERGE_SHARD' }),
    );
    expect(() => mergeReports([{ source: 'a.json', report: shard(1, 2) }, { source: 'b.json', report: shard(2, 3) }])).toThrow(
      expect.objectContaining({ code: 'EXW_ERR_REPORT_MERGE_MISMATCH' }),
    );
    const strict = shard(2, 2, (r) => (r.thresholds.minParity = 99));
    expect(() => mergeReports([{ source: 'a.json', report: shard(1, 2) }, { source: 'b.json', report: strict }])).toThrow(
      expect.objectContaining({ code: 'EXW_ERR_REPORT_MERGE_MISMATCH' }),
    );
  });

  it('reads report files with clear errors', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'exw-merge-'));
    await writeFile(join(dir, 'bad.json'), '{nope');
    await expect(readReport(join(dir, 'bad.json'))).rejects.toMatchObject({ code: 'EXW_ERR_REPORT_READ' });
    await expect(readReport(join(dir, 'missing.json'))).rejects.toMatchObject({ code: 'EXW_ERR_REPORT_READ' });
    await writeFile(join(dir, 'other.json'), '{"tool":"something"}');
    await expect(readReport(join(dir, 'other.json'))).rejects.toMatchObject({ code: 'EXW_ERR_VERIFY_REPORT_VERSION' });
  });
});

describe('expressway report merge (spawned)', () => {
  const HARNESS = `
const { Command } = await import('commander');
const { registerReport } = await import('./cli/commands/report.ts');
const program = new Command('expressway').exitOverride();
registerReport(program);
try {
  await program.parseAsync(process.argv.slice(1), { from: 'user' });
} catch (err) {
  process.stderr.write('expressway: ' + err.message + '\\n');
  process.exitCode = err.exitCode ?? 1;
}
`;
  const cli = (args: string[]) =>
    spawnSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', HARNESS, 'report', ...args], { cwd: root, encoding: 'utf8', timeout: 30_000 });

  it('writes the merged report, HTML and JUnit; exit 1 for a failing run, 2 for overlapping shards', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'exw-merge-cli-'));
    const a = join(dir, 'a.json');
    const b = join(dir, 'b.json');
    await writeFile(a, JSON.stringify(shard(1, 2)));
    await writeFile(b, JSON.stringify(shard(2, 2)));
    const out = join(dir, 'merged.json');
    const ok = cli(['merge', a, b, '--out', out, '--html', join(dir, 'r.html'), '--junit', join(dir, 'r.xml')]);
    expect(ok.stderr).toBe('');
    expect(ok.status).toBe(1); // the fixture fails its parity threshold
    expect(ok.stdout).toContain('FAIL');
    expect(JSON.parse(await readFile(out, 'utf8')).shards).toHaveLength(2);
    expect(await readFile(join(dir, 'r.html'), 'utf8')).toContain('<!doctype html>');
    expect(await readFile(join(dir, 'r.xml'), 'utf8')).toContain('<testsuites');

    const overlap = cli(['merge', a, a, '--out', join(dir, 'x.json')]);
    expect(overlap.status).toBe(2);
    expect(overlap.stderr).toContain('EXW_ERR_REPORT_MERGE_SHARD');
  });
});

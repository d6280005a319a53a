/** The bench result as a terminal table: req/s and the ratio, then p50/p95/p99 per side, per route and overall. */
import Table from 'cli-table3';
import pc from 'picocolors';
import type { BenchSummary, LatencyStats } from './report-model.js';

export function renderBenchTable(result: BenchSummary, options: { colour?: boolean } = {}): string {
  const c = pc.createColors(options.colour ?? false);
  const table = new Table({
    head: ['route', 'baseline req/s', 'candidate req/s', 'ratio', 'p50 ms (B / C)', 'p95 ms (B / C)', 'p99 ms (B / C)'],
    colAligns: ['left', 'right', 'right', 'right', 'right', 'right', 'right'],
    style: { head: options.colour ? ['cyan'] : [], border: options.colour ? ['grey'] : [] },
  });
  const row = (name: string, ratio: number, b: LatencyStats, cand: LatencyStats) => [
    name,
    fmt(b.rps, 0),
    fmt(cand.rps, 0),
    colourRatio(c, ratio),
    `${fmt(b.p50)} / ${fmt(cand.p50)}`,
    `${fmt(b.p95)} / ${fmt(cand.p95)}`,
    `${fmt(b.p99)} / ${fmt(cand.p99)}`,
  ];
  for (const r of result.perRoute) table.push(row(r.route, r.ratio, r.baseline, r.candidate));
  table.push(row(c.bold('all routes'), result.ratio, result.baseline, result.candidate));
  return table.toString();
}

function fmt(n: number, digits = 2): string {
  return n.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits });
}

function colourRatio(c: ReturnType<typeof pc.createColors>, ratio: number): string {
  const text = `${ratio.toFixed(2)}x`;
  return ratio >= 1 ? c.green(text) : ratio >= 0.9 ? c.yellow(text) : c.red(text);
}

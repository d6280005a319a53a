/** The terminal table: one row per peer and scenario, ratios against the scenario's baseline. */
import Table from 'cli-table3';
import { formatCpu, formatCpuRatio, formatMs, formatProblems, formatRate, formatRatio, formatValue } from './format.js';
import type { BenchResult } from './results.js';

/** No colour codes: the table is also read from logs and files. */
const PLAIN = { head: [], border: [] };

export function renderTable(result: BenchResult): string {
  const table = new Table({ head: ['scenario', 'peer', 'rate', 'p50', 'p99', 'vs baseline', 'server CPU/unit', 'vs baseline (CPU)', 'notes'], style: PLAIN });
  for (const scenario of result.scenarios) {
    scenario.peers.forEach((peer, i) => {
      table.push([
        i === 0 ? `(${scenario.id}) ${scenario.title}` : '',
        peer.label,
        `${formatRate(peer.rate, scenario.unit)}${scenario.unit === 'MB' ? '' : ` ${scenario.unit}`}`,
        formatMs(peer.p50),
        formatMs(peer.p99),
        formatRatio(peer, scenario),
        formatCpu(peer),
        formatCpuRatio(peer, scenario),
        formatProblems(peer),
      ]);
    });
  }
  const targets = new Table({ head: ['target', 'measured', 'by CPU', 'needed', 'status'], style: PLAIN });
  for (const t of result.targets) {
    targets.push([t.name, formatValue(t.value), formatValue(t.cpuValue), `${t.comparison} ${t.threshold}`, t.status]);
  }
  return `${table.toString()}\n${targets.toString()}`;
}

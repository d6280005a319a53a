/**
 * docs/bench-chart.svg: one group of horizontal bars per scenario, each bar
 * the peer's rate relative to the scenario's baseline (so req/s, msg/s and
 * events/s share one axis), labelled with the absolute rate. A dashed line
 * marks the baseline (1.0). The memory scenario stays in the tables.
 */
import { formatRate } from './format.js';
import type { BenchResult } from './results.js';

const WIDTH = 820;
const LABEL_WIDTH = 170;
const BAR_AREA = 480;
const ROW = 20;
const GROUP_GAP = 14;
const TITLE = 22;

function escapeXml(text: string): string {
  return text.replace(/[<>&"']/g, (c) => ({ '<': '&lt;', '>': '&gt;', '&': '&amp;', '"': '&quot;', "'": '&apos;' })[c]!);
}

export function renderChart(result: BenchResult): string {
  const groups = result.scenarios.filter((s) => s.higherIsBetter && s.peers.some((p) => p.ratio !== null));
  const maxRatio = Math.max(1, ...groups.flatMap((s) => s.peers.map((p) => p.ratio ?? 0)));
  const scale = BAR_AREA / maxRatio;
  const parts: string[] = [];
  let y = 40;
  for (const scenario of groups) {
    parts.push(`<text x="10" y="${y + 14}" class="title">(${scenario.id}) ${escapeXml(scenario.title)} — ${escapeXml(scenario.unit)}</text>`);
    y += TITLE;
    const top = y;
    for (const peer of scenario.peers) {
      const ratio = peer.ratio ?? 0;
      const width = Math.max(1, ratio * scale);
      const cls = peer.peer === 'runtime' ? 'bar ours' : peer.peer === scenario.baseline ? 'bar base' : 'bar';
      parts.push(
        `<text x="${LABEL_WIDTH - 8}" y="${y + 14}" class="label">${escapeXml(peer.label)}</text>`,
        `<rect x="${LABEL_WIDTH}" y="${y + 3}" width="${width.toFixed(1)}" height="${ROW - 6}" class="${cls}"/>`,
        `<text x="${(LABEL_WIDTH + width + 6).toFixed(1)}" y="${y + 14}" class="value">${escapeXml(formatRate(peer.rate, scenario.unit))} (${peer.ratio === null ? '—' : peer.ratio.toFixed(2)})</text>`,
      );
      y += ROW;
    }
    const x1 = (LABEL_WIDTH + scale).toFixed(1);
    parts.push(`<line x1="${x1}" y1="${top}" x2="${x1}" y2="${y}" class="one"/>`);
    y += GROUP_GAP;
  }
  const height = y + 10;
  const heading = `Expressway bench — ${escapeXml(result.date.slice(0, 10))}, node ${escapeXml(result.machine.node)}, ${result.machine.cores} cores (bar: rate relative to the scenario baseline)`;
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${WIDTH}" height="${height}" viewBox="0 0 ${WIDTH} ${height}" font-family="system-ui, sans-serif" font-size="12">`,
    '<style>.title{font-weight:600}.label{text-anchor:end;fill:#333}.value{fill:#333}.bar{fill:#9aa5b1}.bar.base{fill:#5b6b7b}.bar.ours{fill:#2f7ae5}.one{stroke:#c00;stroke-dasharray:3 3}</style>',
    `<rect width="100%" height="100%" fill="#fff"/>`,
    `<text x="10" y="22" font-size="14" font-weight="700">${heading}</text>`,
    ...parts,
    '</svg>',
    '',
  ].join('\n');
}

/**
 * Inline SVG charts for the HTML report: throughput (req/s) and latency
 * (p50/p95/p99) per route, baseline next to candidate. Plain SVG strings, no
 * library and no script: the page stays one self-contained file.
 */
import type { LatencyStats, Report } from './report-model.js';
import { escapeHtml } from './report-html-escape.js';

export interface ChartRow {
  route: string;
  baseline: LatencyStats;
  candidate: LatencyStats;
  ratio?: number;
}

const WIDTH = 900;
const LABEL = 260;
const VALUE_SPACE = 90;
const BAR_AREA = WIDTH - LABEL - VALUE_SPACE;
const COLOURS = { baseline: '#8c959f', candidate: '#0969da' };

/** Rows for the charts: the bench when it ran (whole mix first), else the routes that carry latency. */
export function chartRows(report: Report): ChartRow[] {
  if (report.bench) {
    return [
      { route: 'all routes', baseline: report.bench.baseline, candidate: report.bench.candidate, ratio: report.bench.ratio },
      ...report.bench.perRoute.map((r) => ({ route: r.route, baseline: r.baseline, candidate: r.candidate, ratio: r.ratio })),
    ];
  }
  return report.routes
    .filter((r) => r.latency)
    .map((r) => ({ route: r.route, baseline: r.latency!.baseline, candidate: r.latency!.candidate, ratio: r.qpsRatio }));
}

function label(route: string): string {
  return route.length > 34 ? `${route.slice(0, 33)}…` : route;
}

function fmt(n: number): string {
  if (n >= 1000) return Math.round(n).toLocaleString('en-US');
  if (n >= 100) return n.toFixed(0);
  if (n >= 10) return n.toFixed(1);
  return n.toFixed(2);
}

function legend(y: number): string {
  return (
    `<g class="legend" transform="translate(${LABEL},${y})">` +
    `<rect width="12" height="12" rx="2" fill="${COLOURS.baseline}"/><text x="18" y="10">baseline</text>` +
    `<rect x="100" width="12" height="12" rx="2" fill="${COLOURS.candidate}"/><text x="118" y="10">candidate</text></g>`
  );
}

function bar(x: number, y: number, width: number, height: number, fill: string, value: string, title: string): string {
  const w = Math.max(1, width);
  return (
    `<g><title>${escapeHtml(title)}</title><rect x="${x}" y="${y}" width="${w.toFixed(1)}" height="${height}" rx="2" fill="${fill}"/>` +
    `<text class="value" x="${(x + w + 6).toFixed(1)}" y="${y + height - 2}">${escapeHtml(value)}</text></g>`
  );
}

function axis(top: number, bottom: number): string {
  return `<line class="axis" x1="${LABEL}" y1="${top}" x2="${LABEL}" y2="${bottom}"/>`;
}

/** Horizontal grouped bars: req/s per route, baseline and candidate. */
export function throughputChart(rows: ChartRow[]): string {
  const rowHeight = 42;
  const top = 28;
  const height = top + rows.length * rowHeight + 8;
  const max = Math.max(1, ...rows.flatMap((r) => [r.baseline.rps, r.candidate.rps]));
  const scale = (v: number) => (v / max) * BAR_AREA;
  const parts: string[] = [legend(4), axis(top - 4, height - 6)];
  rows.forEach((r, i) => {
    const y = top + i * rowHeight;
    const ratio = r.ratio === undefined ? '' : ` (${r.ratio.toFixed(2)}x)`;
    parts.push(
      `<text class="label${i === 0 && r.route === 'all routes' ? ' total' : ''}" x="${LABEL - 10}" y="${y + 17}" text-anchor="end"><title>${escapeHtml(r.route)}</title>${escapeHtml(label(r.route))}</text>`,
      `<text class="ratio" x="${LABEL - 10}" y="${y + 30}" text-anchor="end">${escapeHtml(ratio.trim())}</text>`,
      bar(LABEL, y + 2, scale(r.baseline.rps), 14, COLOURS.baseline, `${fmt(r.baseline.rps)} req/s`, `${r.route}: baseline ${fmt(r.baseline.rps)} req/s`),
      bar(LABEL, y + 18, scale(r.candidate.rps), 14, COLOURS.candidate, `${fmt(r.candidate.rps)} req/s`, `${r.route}: candidate ${fmt(r.candidate.rps)} req/s${ratio}`),
    );
  });
  return svg('chart-throughput', 'Requests per second per route, baseline and candidate', height, parts);
}

/** Horizontal grouped bars: p50, p95 and p99 latency per route, baseline and candidate. */
export function latencyChart(rows: ChartRow[]): string {
  const pairHeight = 26;
  const rowHeight = 3 * pairHeight + 14;
  const top = 28;
  const height = top + rows.length * rowHeight + 4;
  const max = Math.max(0.001, ...rows.flatMap((r) => [r.baseline.p99, r.candidate.p99, r.baseline.p95, r.candidate.p95]));
  const scale = (v: number) => (v / max) * BAR_AREA;
  const parts: string[] = [legend(4), axis(top - 4, height - 6)];
  rows.forEach((r, i) => {
    const y = top + i * rowHeight;
    parts.push(`<text class="label${i === 0 && r.route === 'all routes' ? ' total' : ''}" x="${LABEL - 46}" y="${y + 43}" text-anchor="end"><title>${escapeHtml(r.route)}</title>${escapeHtml(label(r.route))}</text>`);
    (['p50', 'p95', 'p99'] as const).forEach((p, j) => {
      const py = y + j * pairHeight;
      parts.push(
        `<text class="pct" x="${LABEL - 8}" y="${py + 16}" text-anchor="end">${p}</text>`,
        bar(LABEL, py + 1, scale(r.baseline[p]), 11, COLOURS.baseline, `${fmt(r.baseline[p])} ms`, `${r.route}: baseline ${p} ${fmt(r.baseline[p])} ms`),
        bar(LABEL, py + 13, scale(r.candidate[p]), 11, COLOURS.candidate, `${fmt(r.candidate[p])} ms`, `${r.route}: candidate ${p} ${fmt(r.candidate[p])} ms`),
      );
    });
    if (i < rows.length - 1) parts.push(`<line class="sep" x1="12" x2="${WIDTH - 12}" y1="${y + rowHeight - 6}" y2="${y + rowHeight - 6}"/>`);
  });
  return svg('chart-latency', 'Latency percentiles per route in milliseconds, baseline and candidate', height, parts);
}

function svg(id: string, title: string, height: number, parts: string[]): string {
  return (
    `<svg id="${id}" class="chart" role="img" aria-label="${escapeHtml(title)}" viewBox="0 0 ${WIDTH} ${height}" width="100%" xmlns="http://www.w3.org/2000/svg">` +
    `<title>${escapeHtml(title)}</title>${parts.join('')}</svg>`
  );
}

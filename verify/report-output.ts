/**
 * Writes a verify report where the user asked: JSON always (atomically),
 * and HTML / JUnit / terminal text through the renderers in
 * report-html.ts, report-junit.ts and report-terminal.ts, loaded only when
 * needed. When a renderer is not available, the plain summary below stands
 * in for the terminal and the others are reported as not written.
 */
import { mkdir } from 'node:fs/promises';
import { dirname } from 'node:path';
import type { Report } from './report-model.js';
import { writeFileAtomic } from './report-write.js';

export interface ReportOutputs {
  json?: string;
  html?: string;
  junit?: string;
}

type Renderer = (report: Report) => string;

async function writeAtomic(path: string, data: string): Promise<void> {
  await mkdir(dirname(path), { recursive: true });
  await writeFileAtomic(path, data);
}

/** Loads a renderer by module and export name; undefined when that module is not there. */
export async function loadRenderer(module: 'report-terminal' | 'report-html' | 'report-junit', name: string): Promise<Renderer | undefined> {
  const specifier = `./${module}.js`;
  try {
    const mod = (await import(specifier)) as Record<string, unknown>;
    return typeof mod[name] === 'function' ? (mod[name] as Renderer) : undefined;
  } catch (err) {
    const code = (err as { code?: string }).code;
    if (code === 'ERR_MODULE_NOT_FOUND' || /Cannot find module|Failed to load url/i.test(String((err as Error).message))) return undefined;
    throw err;
  }
}

/** Writes the requested files; returns the paths written and the ones skipped for want of a renderer. */
export async function writeReports(report: Report, outputs: ReportOutputs): Promise<{ written: string[]; unavailable: string[] }> {
  const written: string[] = [];
  const unavailable: string[] = [];
  if (outputs.json) {
    await writeAtomic(outputs.json, JSON.stringify(report, null, 2) + '\n');
    written.push(outputs.json);
  }
  for (const [path, module, name] of [
    [outputs.html, 'report-html', 'renderHtml'],
    [outputs.junit, 'report-junit', 'renderJunit'],
  ] as const) {
    if (!path) continue;
    const render = await loadRenderer(module, name);
    if (!render) {
      unavailable.push(path);
      continue;
    }
    await writeAtomic(path, render(report));
    written.push(path);
  }
  return { written, unavailable };
}

/** The terminal summary: the rich renderer when present, else plain text. */
export async function terminalSummary(report: Report): Promise<string> {
  const render = await loadRenderer('report-terminal', 'renderTerminal');
  return render ? render(report) : plainSummary(report);
}

export function plainSummary(report: Report): string {
  const t = report.totals;
  const lines = [
    `expressway verify: ${report.outcome.toUpperCase()}${report.shard ? ` (shard ${report.shard.index}/${report.shard.count})` : ''}`,
    `  requests ${t.requests}, compared ${t.compared}, matched ${t.matched}, differing ${t.differing}, lost ${t.lost}, skipped ${t.skipped}`,
    `  parity ${t.parity}% (minimum ${report.thresholds.minParity}%)${t.qpsRatio !== undefined ? `, QPS ratio ${t.qpsRatio}` : ''}`,
    '',
    '  route                                    samples  parity  verdict',
  ];
  for (const r of report.routes) {
    lines.push(`  ${r.route.padEnd(40)} ${String(r.samples).padStart(7)}  ${`${r.parity}%`.padStart(6)}  ${r.verdict}${r.noiseFields.length ? `  (noise: ${r.noiseFields.slice(0, 3).join(', ')}${r.noiseFields.length > 3 ? ', ...' : ''})` : ''}`);
  }
  const shown = report.differences.slice(0, 10);
  if (shown.length > 0) {
    lines.push('', '  differences (first 10):');
    for (const d of shown) {
      lines.push(`  - ${d.request.method} ${d.request.url}  ${d.path}  [${d.kind}]  ${short(d.primary)} -> ${short(d.candidate)}`);
    }
  }
  for (const e of report.trafficErrors.slice(0, 5)) lines.push(`  traffic line ${e.line}: ${e.message}`);
  for (const f of report.failures) lines.push(`  FAIL: ${f}`);
  return lines.join('\n') + '\n';
}

function short(v: unknown): string {
  if (v === undefined) return '(absent)';
  const s = typeof v === 'string' ? JSON.stringify(v) : JSON.stringify(v) ?? String(v);
  return s.length > 60 ? s.slice(0, 57) + '...' : s;
}

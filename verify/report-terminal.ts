/**
 * The verify report as a terminal summary: what was compared, the per-route
 * parity ledger with its verdicts, totals, the first differences and the
 * outcome. Colour only on a terminal and never with NO_COLOR. Every string
 * from traffic is stripped of control characters first, so a hostile route
 * or body cannot move the cursor or recolour the terminal.
 */
import Table from 'cli-table3';
import pc from 'picocolors';
import type { Difference, Report, RouteLedger, Verdict } from './report-model.js';

export interface TerminalOptions {
  /** Default: stdout is a terminal and NO_COLOR is not set. */
  colour?: boolean;
  /** Differences listed under the table. Default 10. */
  maxDifferences?: number;
}

type Colours = ReturnType<typeof pc.createColors>;

export function renderTerminal(report: Report, options: TerminalOptions = {}): string {
  const colour = options.colour ?? (process.stdout.isTTY === true && !('NO_COLOR' in process.env && process.env.NO_COLOR !== ''));
  const c = pc.createColors(colour);
  const lines: string[] = [];
  lines.push(c.bold(`expressway verify: ${clean(report.baseline.target)} (baseline) vs ${clean(report.candidate.target)} (candidate)`));
  lines.push(header(report));
  lines.push(ledgerTable(report, c, colour));
  const diffs = differencesSection(report.differences, options.maxDifferences ?? 10, c);
  if (diffs) lines.push(diffs);
  lines.push(problems(report, c));
  lines.push(outcomeLine(report, c));
  return lines.filter((l) => l !== '').join('\n') + '\n';
}

/** Removes C0/C1 control characters (ESC included) except tab and newline. */
export function clean(value: unknown): string {
  return String(value).replace(/[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/g, '\uFFFD');
}

function header(report: Report): string {
  const shard = report.shard
    ? `, shard ${report.shard.index}/${report.shard.count}`
    : report.shards
      ? `, merged shards ${report.shards.map((s) => `${s.index}/${s.count}`).join(' ')}`
      : '';
  const t = report.totals;
  return clean(
    `traffic ${report.traffic.source} (${report.traffic.format}${shard}): ${t.requests} requests, ${t.compared} compared, ` +
      `${t.lost} lost, ${t.skipped} skipped, ${report.traffic.malformed} malformed; ${(report.durationMs / 1000).toFixed(1)}s`,
  );
}

function verdictText(v: Verdict, c: Colours): string {
  return v === 'ready' ? c.green('ready') : v === 'not ready' ? c.red('not ready') : c.yellow('not covered');
}

function parityText(r: Pick<RouteLedger, 'compared' | 'parity'>, min: number, c: Colours): string {
  if (r.compared === 0) return c.dim('-');
  const text = `${r.parity.toFixed(2)}%`;
  return r.parity >= min ? c.green(text) : c.red(text);
}

function ratioText(ratio: number | undefined, min: number | undefined, c: Colours): string {
  if (ratio === undefined) return c.dim('-');
  const text = `${ratio.toFixed(2)}x`;
  return min !== undefined && ratio < min ? c.red(text) : text;
}

/** Lost count, with the candidate's share (timeouts, resets while the baseline answered) in red. */
function lostText(lost: number, candidateFailures: number | undefined, c: Colours): string {
  return candidateFailures ? `${lost} ${c.red(`(${candidateFailures} cand.)`)}` : String(lost);
}

function ledgerTable(report: Report, c: Colours, colour: boolean): string {
  const table = new Table({
    head: ['route', 'samples', 'compared', 'parity', 'noise fields', 'lost', 'skipped', 'QPS ratio', 'p99 ms B / C', 'verdict'],
    colAligns: ['left', 'right', 'right', 'right', 'left', 'right', 'right', 'right', 'right', 'left'],
    style: { head: colour ? ['cyan'] : [], border: colour ? ['grey'] : [] },
    wordWrap: true,
    colWidths: [null, null, null, null, 28, null, null, null, null, null],
  });
  const { minParity, minQpsRatio } = report.thresholds;
  for (const r of report.routes) {
    table.push([
      clean(r.route),
      String(r.samples),
      String(r.compared),
      parityText(r, minParity, c),
      r.noiseFields.length === 0 ? c.dim('-') : clean(r.noiseFields.join(', ')),
      lostText(r.lost, r.candidateFailures, c),
      String(r.skipped),
      ratioText(r.qpsRatio, minQpsRatio, c),
      r.latency ? `${r.latency.baseline.p99} / ${r.latency.candidate.p99}` : c.dim('-'),
      verdictText(r.verdict, c),
    ]);
  }
  const t = report.totals;
  table.push([
    c.bold(`all (${t.routes.total} routes)`),
    String(t.requests),
    String(t.compared),
    parityText(t, minParity, c),
    '',
    lostText(t.lost, t.candidateFailures, c),
    String(t.skipped),
    ratioText(t.qpsRatio, minQpsRatio, c),
    report.bench ? `${report.bench.baseline.p99} / ${report.bench.candidate.p99}` : c.dim('-'),
    `${c.green(String(t.routes.ready))} ready, ${c.red(String(t.routes.notReady))} not, ${c.yellow(String(t.routes.notCovered))} uncovered`,
  ]);
  return table.toString();
}

function shortValue(v: unknown): string {
  if (v === undefined) return '(absent)';
  const text = typeof v === 'string' ? JSON.stringify(v) : JSON.stringify(v) ?? String(v);
  const flat = clean(text.replace(/\s+/g, ' '));
  return flat.length > 60 ? `${flat.slice(0, 57)}...` : flat;
}

function differencesSection(diffs: Difference[], max: number, c: Colours): string {
  if (diffs.length === 0 || max <= 0) return '';
  const shown = diffs.slice(0, max).map((d) => {
    const where = `${clean(d.request.method)} ${clean(d.request.url)}`;
    return `  ${c.red(d.kind.padEnd(14))} ${c.bold(clean(d.path))}  ${shortValue(d.primary)} -> ${shortValue(d.candidate)}  ${c.dim(`(${where}, ${clean(d.route)})`)}`;
  });
  const more = diffs.length > max ? [c.dim(`  ... and ${diffs.length - max} more (see the HTML or JSON report)`)] : [];
  return [c.bold(`Differences (${diffs.length}):`), ...shown, ...more].join('\n');
}

function problems(report: Report, c: Colours): string {
  const out: string[] = [];
  for (const e of report.targetErrors) out.push(c.red(`  target ${e.side}: ${clean(e.message)}${e.log ? ` (log: ${clean(e.log)})` : ''}`));
  for (const e of report.trafficErrors.slice(0, 5)) out.push(c.yellow(`  traffic line ${e.line}: ${clean(e.message)}`));
  if (report.trafficErrors.length > 5) out.push(c.dim(`  ... ${report.trafficErrors.length - 5} more malformed traffic entries`));
  if (report.lost.length > 0) {
    const reasons = new Map<string, number>();
    for (const l of report.lost) reasons.set(`${l.side} ${l.reason}`, (reasons.get(`${l.side} ${l.reason}`) ?? 0) + 1);
    out.push(c.yellow(`  lost comparisons: ${[...reasons].map(([k, n]) => `${n} ${k}`).join(', ')}`));
  }
  return out.length > 0 ? [c.bold('Problems:'), ...out].join('\n') : '';
}

function outcomeLine(report: Report, c: Colours): string {
  if (report.outcome === 'pass') return c.green(c.bold(`PASS`)) + ` parity ${report.totals.parity}% (minimum ${report.thresholds.minParity}%)`;
  return [c.red(c.bold('FAIL')), ...report.failures.map((f) => `  - ${clean(f)}`)].join('\n');
}

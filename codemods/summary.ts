/**
 * The table printed after a run: file counts, handlers native versus left on
 * compat, and the reasons code stayed on Express, grouped and counted so the
 * biggest blocker is on top.
 */
import Table from 'cli-table3';
import type { RunResult } from './runner.js';
import { displayPath } from './runner.js';

export interface ReasonCount {
  rule: string;
  reason: string;
  count: number;
}

export interface RuleCount {
  rule: string;
  count: number;
  /** Distinct reasons under this rule, most frequent first. */
  reasons: ReasonCount[];
}

/** compat and todo entries grouped by rule and reason, most frequent first. */
export function groupReasons(result: RunResult): ReasonCount[] {
  const groups = new Map<string, ReasonCount>();
  for (const file of result.files) {
    for (const entry of file.entries) {
      if (entry.kind === 'migrated') continue;
      const reason = entry.reason ?? '(no reason given)';
      const key = `${entry.rule}\u0000${reason}`;
      const group = groups.get(key) ?? { rule: entry.rule, reason, count: 0 };
      group.count++;
      groups.set(key, group);
    }
  }
  return [...groups.values()].sort((a, b) => b.count - a.count || a.rule.localeCompare(b.rule) || a.reason.localeCompare(b.reason));
}

/** The same, one row per rule: reasons often name the file or module, which would give one row per file. */
export function groupByRule(reasons: ReasonCount[]): RuleCount[] {
  const rules = new Map<string, RuleCount>();
  for (const r of reasons) {
    const group = rules.get(r.rule) ?? { rule: r.rule, count: 0, reasons: [] };
    group.count += r.count;
    group.reasons.push(r);
    rules.set(r.rule, group);
  }
  return [...rules.values()].sort((a, b) => b.count - a.count || a.rule.localeCompare(b.rule));
}

const MAX_RULE_ROWS = 20;

export function renderSummary(result: RunResult, options: { color?: boolean } = {}): string {
  const style = options.color ? undefined : { head: [], border: [] };
  const { totals, handlers } = result;
  const files = new Table({ head: ['Files', 'Count'], style });
  files.push(
    [result.dry ? 'would change' : 'changed', totals.changed],
    ['unchanged', totals.unchanged],
    ['skipped', totals.skipped],
    ['failed', totals.failed],
  );
  const handlerTable = new Table({ head: ['Handlers', 'Count'], style });
  const all = handlers.native + handlers.compat;
  handlerTable.push(
    ['migrated natively', `${handlers.native}${all ? ` (${Math.round((handlers.native / all) * 100)}%)` : ''}`],
    ['left on compat', handlers.compat],
  );
  const parts = [files.toString(), handlerTable.toString()];
  const rules = groupByRule(groupReasons(result));
  if (rules.length > 0) {
    const reasonTable = new Table({ head: ['Left on Express: rule', 'Count', 'Most frequent reason'], style, wordWrap: true, colWidths: [28, 7, 60] });
    for (const r of rules.slice(0, MAX_RULE_ROWS)) {
      const [top] = r.reasons;
      const others = r.reasons.length > 1 ? ` (+${r.reasons.length - 1} other reason${r.reasons.length > 2 ? 's' : ''})` : '';
      reasonTable.push([r.rule, r.count, `${top.reason}${others}`]);
    }
    parts.push(reasonTable.toString());
    if (rules.length > MAX_RULE_ROWS) parts.push(`... and ${rules.length - MAX_RULE_ROWS} more rules; --report <file.json> lists every reason.`);
  }
  const failures = result.files.filter((f) => f.status === 'failed');
  if (failures.length > 0) {
    parts.push(['Failed files (left untouched):', ...failures.map((f) => {
      const where = f.error?.line ? `:${f.error.line}${f.error.column !== undefined ? `:${f.error.column}` : ''}` : '';
      return `  ${displayPath(f.file, result.cwd)}${where}  ${f.error?.message ?? 'unknown error'}`;
    })].join('\n'));
  }
  return parts.join('\n') + '\n';
}

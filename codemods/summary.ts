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
  return [...groups.values()].sort((a, b) => b.count - a.count || a.rule.localeCompare(b.rule));
}

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
  const reasons = groupReasons(result);
  if (reasons.length > 0) {
    const reasonTable = new Table({ head: ['Left on Express: rule', 'Reason', 'Count'], style, wordWrap: true, colWidths: [28, 60, 7] });
    for (const r of reasons) reasonTable.push([r.rule, r.reason, r.count]);
    parts.push(reasonTable.toString());
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

/**
 * The `--report <file.json>` document (format described in docs/codemods.md):
 * one entry per file with its status and migration entries, totals, and
 * handlers native versus compat with the reasons grouped.
 */
import type { RunResult, RunTotals, FileStatus } from './runner.js';
import { displayPath } from './runner.js';
import { groupReasons, type ReasonCount } from './summary.js';
import type { MigrationEntry } from './transform-api.js';
import type { TaskError } from './worker.js';
import { writeFileAtomic } from '../shared/atomic-write.js';

export const REPORT_VERSION = 1;

export interface CodemodReport {
  version: typeof REPORT_VERSION;
  kind: 'expressway-codemod-report';
  dry: boolean;
  cwd: string;
  durationMs: number;
  totals: RunTotals;
  handlers: { native: number; compat: number; nativeRatio: number | null; reasons: ReasonCount[] };
  projectPass: RunResult['projectPass'];
  files: Array<{
    /** Relative to cwd when inside it. */
    file: string;
    status: FileStatus;
    reason?: string;
    error?: TaskError;
    handlers: { native: number; compat: number };
    entries: Array<Omit<MigrationEntry, 'file'>>;
  }>;
}

export function buildReport(result: RunResult): CodemodReport {
  const { native, compat } = result.handlers;
  return {
    version: REPORT_VERSION,
    kind: 'expressway-codemod-report',
    dry: result.dry,
    cwd: result.cwd,
    durationMs: result.durationMs,
    totals: result.totals,
    handlers: { native, compat, nativeRatio: native + compat > 0 ? native / (native + compat) : null, reasons: groupReasons(result) },
    projectPass: result.projectPass,
    files: result.files.map((f) => ({
      file: displayPath(f.file, result.cwd),
      status: f.status,
      ...(f.reason ? { reason: f.reason } : {}),
      ...(f.error ? { error: f.error } : {}),
      handlers: f.handlers,
      entries: f.entries.map(({ file: _file, ...rest }) => rest),
    })),
  };
}

export async function writeReport(path: string, result: RunResult): Promise<void> {
  const text = JSON.stringify(buildReport(result), null, 2) + '\n';
  await writeFileAtomic(path, text);
}

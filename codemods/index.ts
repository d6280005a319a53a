/**
 * `expressway/codemods`: the runner behind `expressway codemod run`, the
 * per-file migration, and the project pass, for scripts and other tools.
 * Importing this loads jscodeshift (through migrateSource); ts-morph loads
 * only when the project pass runs.
 */
export { runCodemod, defaultCpus, displayPath } from './runner.js';
export type { RunOptions, RunResult, FileResult, FileStatus, RunTotals } from './runner.js';
export { migrateSource } from './migrate-source.js';
export type { MigrateResult, MigrateOptions } from './migrate-source.js';
export { loadTransform, parserFor, PARSERS } from './transform-api.js';
export type { TransformFn, TransformSpec, TransformCallOptions, TransformResult, MigrationEntry, ParserName } from './transform-api.js';
export { runProjectPass } from './project/index.js';
export type { HandlerHint, HintKind, TypeHint, ProjectHints } from './project/hints.js';
export { discoverFiles, DEFAULT_EXTENSIONS, DEFAULT_IGNORES } from './walk.js';
export type { WalkOptions, WalkResult, SkippedFile } from './walk.js';
export { buildReport, writeReport, REPORT_VERSION } from './report.js';
export type { CodemodReport } from './report.js';
export { renderSummary, groupReasons, groupByRule } from './summary.js';
export { runnerErrors } from './runner-errors.js';

/**
 * `expressway codemod run`, as an API: discover files, skip what cannot
 * involve Express before parsing it, let the project pass name the files and
 * functions that only other files prove are Express, run the per-file
 * transform in a worker pool, and write what changed atomically with the
 * file's own line endings and BOM. Display belongs to the caller (the CLI);
 * this returns the facts.
 */
import { readFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { relative } from 'node:path';
import { debuglog } from 'node:util';
import { detectShape, normalise, restore, type TextShape } from './line-endings.js';
import { importsExpress, looksBinary, mentionsExpress } from './prefilter.js';
import { emptyHints, type ProjectHints } from './project/hints.js';
import { runnerErrors } from './runner-errors.js';
import {
  DEFAULT_TRANSFORM, PARSERS, loadTransform, transformUrl,
  type MigrationEntry, type ParserName, type TransformCallOptions, type TransformResult, type TransformSpec,
} from './transform-api.js';
import { keepRoutersMountedByExpress } from './mounted-by-express.js';
import { ImportedHandlers } from './imported-handlers.js';
import { discoverFiles, DEFAULT_EXTENSIONS } from './walk.js';
import { createInlinePool, createWorkerPool, type Pool, type TaskError, type TaskOutcome } from './worker.js';
import { writeFileAtomic } from '../shared/atomic-write.js';

const debug = debuglog('expressway:codemod');

export interface RunOptions {
  paths: string[];
  cwd?: string;
  extensions?: string[];
  ignorePatterns?: string[];
  /** Respect .gitignore files (default true). */
  gitignore?: boolean;
  /** Worker threads; default min(2, cores). 1 runs on the main thread. */
  cpus?: number;
  /** Compute everything, write nothing. */
  dry?: boolean;
  /** Keep the old and new text of changed files on the results (for --print and --diff). */
  keepText?: boolean;
  parser?: ParserName;
  /** A transform module path/URL, or a function (runs on the main thread). Default: migrateSource. */
  transform?: TransformSpec;
  runtimeImport?: string;
  compatImport?: string;
  /** Run the ts-morph project pass when some file imports express (default true). */
  projectPass?: boolean;
  /** Called once the files to parse are known, then after each one. */
  onProgress?: (done: number, total: number) => void;
}

export type FileStatus = 'changed' | 'unchanged' | 'skipped' | 'failed';

export interface FileResult {
  /** Absolute path. */
  file: string;
  status: FileStatus;
  /** Why a file was skipped: symlink, binary, no-express. */
  reason?: string;
  error?: TaskError;
  entries: MigrationEntry[];
  handlers: { native: number; compat: number };
  before?: string;
  after?: string;
}

export interface RunTotals {
  files: number;
  changed: number;
  unchanged: number;
  skipped: number;
  failed: number;
}

export interface RunResult {
  cwd: string;
  dry: boolean;
  files: FileResult[];
  totals: RunTotals;
  handlers: { native: number; compat: number };
  /** Whether the project pass ran, and how many files it added beyond the text prefilter. */
  projectPass: { ran: boolean; addedFiles: number; hints: number };
  durationMs: number;
  /** 0 when every file went through, 1 when any failed. */
  exitCode: 0 | 1;
}

interface Candidate {
  file: string;
  raw: string;
  shape: TextShape;
  text: string;
}

export function defaultCpus(): number {
  return Math.max(1, Math.min(2, availableParallelism()));
}

export async function runCodemod(options: RunOptions): Promise<RunResult> {
  const started = performance.now();
  const cwd = options.cwd ?? process.cwd();
  validate(options);
  const walk = discoverFiles(options.paths, {
    cwd, extensions: options.extensions ?? DEFAULT_EXTENSIONS, ignorePatterns: options.ignorePatterns, gitignore: options.gitignore,
  });
  const results: FileResult[] = walk.skipped.map(({ file, reason }) => skipped(file, reason));
  const candidates = new Map<string, Candidate>();
  const quiet = new Map<string, Candidate>();
  for (const file of walk.files) {
    const read = readCandidate(file);
    if ('status' in read) results.push(read);
    else if (mentionsExpress(read.raw)) candidates.set(file, read);
    else quiet.set(file, read);
  }
  // Workers start loading the transform (jscodeshift, babel) while the project pass runs here.
  const pool = candidates.size > 0 ? createPool(options, cwd, candidates.size) : null;
  try {
    return await finishRun(options, cwd, started, walk.files.length, candidates, quiet, results, pool);
  } finally {
    await pool?.close();
  }
}

async function finishRun(options: RunOptions, cwd: string, started: number, fileCount: number, candidates: Map<string, Candidate>, quiet: Map<string, Candidate>, results: FileResult[], pool: Pool | null): Promise<RunResult> {
  const hints = await projectHints(options, [...candidates.values()], [...quiet.keys()]);
  let added = 0;
  for (const [file, read] of quiet) {
    if (!hints.files.has(file)) {
      results.push(skipped(file, 'no-express'));
      continue;
    }
    candidates.set(file, read);
    added++;
  }
  debug('%d files, %d to parse (%d added by the project pass)', fileCount, candidates.size, added);
  const texts = new Map([...quiet.values(), ...candidates.values()].map((c) => [c.file, c.text] as const));
  results.push(...await transformAll(options, pool, [...candidates.values()], hints, texts));
  results.sort((a, b) => a.file.localeCompare(b.file));
  const transformFailure = results.find((r) => r.error?.code === runnerErrors.EXW_ERR_CODEMOD_RUNNER_TRANSFORM.code);
  if (transformFailure) throw Object.assign(new Error(transformFailure.error!.message), { code: transformFailure.error!.code });
  const totals = countTotals(results);
  return {
    cwd,
    dry: options.dry === true,
    files: results,
    totals,
    handlers: sumHandlers(results),
    projectPass: { ran: hints !== NO_HINTS, addedFiles: added, hints: [...hints.handlers.values()].reduce((n, h) => n + h.length, 0) },
    durationMs: Math.round(performance.now() - started),
    exitCode: totals.failed > 0 ? 1 : 0,
  };
}

function validate(options: RunOptions): void {
  const usage = runnerErrors.EXW_ERR_CODEMOD_RUNNER_USAGE;
  if (options.paths.length === 0) throw usage('no paths given; name the files or directories to migrate');
  if (options.cpus !== undefined && (!Number.isInteger(options.cpus) || options.cpus < 1)) {
    throw usage(`--cpus must be a whole number of at least 1, got "${options.cpus}"`);
  }
  if (options.parser !== undefined && !PARSERS.includes(options.parser)) {
    throw usage(`unknown parser "${options.parser}"; use one of ${PARSERS.join(', ')}`);
  }
  if (options.extensions !== undefined && options.extensions.filter(Boolean).length === 0) {
    throw usage('--extensions needs at least one extension, e.g. js,ts');
  }
}

/** Synchronous: a thousand small files read one after another cost less than as many thread-pool round trips. */
function readCandidate(file: string): Candidate | FileResult {
  let bytes: Buffer;
  try {
    bytes = readFileSync(file);
  } catch (err) {
    const error = runnerErrors.EXW_ERR_CODEMOD_RUNNER_READ(file, (err as Error).message);
    return { ...emptyResult(file, 'failed'), error: { code: error.code, message: error.message } };
  }
  if (looksBinary(bytes)) return skipped(file, 'binary');
  const raw = bytes.toString('utf8');
  const shape = detectShape(raw);
  return { file, raw, shape, text: normalise(raw, shape) };
}

const NO_HINTS = emptyHints();

async function projectHints(options: RunOptions, candidates: Candidate[], quiet: string[]): Promise<ProjectHints> {
  if (options.projectPass === false) return NO_HINTS;
  const seeds = candidates.filter((c) => importsExpress(c.text)).map((c) => ({ file: c.file, text: c.text }));
  // ts-morph costs about half a second to load: only pay when Express is there.
  if (seeds.length === 0) return NO_HINTS;
  const { runProjectPass } = await import('./project/index.js');
  return runProjectPass({ seeds, others: quiet });
}

async function transformAll(options: RunOptions, pool: Pool | null, candidates: Candidate[], hints: ProjectHints, texts: Map<string, string>): Promise<FileResult[]> {
  const total = candidates.length;
  options.onProgress?.(0, total);
  if (total === 0 || !pool) return [];
  const cwd = options.cwd ?? process.cwd();
  // Our own transform only: it is the one that honours (and reports on) handlers shared across modules.
  const shared = options.transform === undefined && hints.handlers.size > 0 ? new ImportedHandlers(hints.handlers, texts, cwd) : null;
  const sharing = shared?.active ? shared : null;
  let done = 0;
  const outcomes = await Promise.all(candidates.map(async (candidate) => {
    const outcome = await pool.run({ source: candidate.text, options: callOptions(options, candidate.file, hints, shared) });
    options.onProgress?.(++done, total);
    return outcome;
  }));
  // Nothing is written before every file is transformed: a router may have to stay as it was
  // because the file mounting it stays on Express.
  const transformed = new Map<string, TransformResult>();
  const failedRounds = new Map<number, string>();
  const record = (i: number) => {
    const outcome = outcomes[i]!;
    if (outcome.ok) transformed.set(candidates[i].file, outcome.result);
    else {
      transformed.delete(candidates[i].file);
      if (!failedRounds.has(i)) failedRounds.set(i, outcome.error.message);
    }
  };
  candidates.forEach((_, i) => record(i));
  if (sharing) await settleSharedHandlers(sharing, pool, options, candidates, hints, outcomes, transformed, record);
  reportFailedRounds(candidates, outcomes, failedRounds);
  shared?.reportStaying(transformed);
  keepRoutersMountedByExpress(transformed, hints.handlers, cwd);
  return Promise.all(candidates.map((candidate, i) => settle(options, candidate, outcomes[i]!)));
}

/**
 * A file that failed in one round of the agreement and went through in a later one (with fewer handlers
 * shared natively) says so: the later round hides a codemod bug that costs native handlers.
 */
function reportFailedRounds(candidates: Candidate[], outcomes: TaskOutcome[], failedRounds: Map<number, string>): void {
  for (const [i, message] of failedRounds) {
    const outcome = outcomes[i]!;
    if (!outcome.ok) continue; // the file's own failure is its result
    outcome.result.entries.push({
      file: candidates[i].file, line: 1, kind: 'todo', rule: 'codemod-round-failed',
      reason: `the codemod failed on this file while handlers of other modules were shared natively (${message.split('\n')[0]}); it was migrated again with fewer of them native. Please report this as an Expressway bug.`,
    });
  }
}

/** Re-runs the files whose shared handlers changed until the defining and registering modules agree. */
async function settleSharedHandlers(sharing: ImportedHandlers, pool: Pool, options: RunOptions, candidates: Candidate[], hints: ProjectHints,
  outcomes: TaskOutcome[], transformed: Map<string, TransformResult>, record: (i: number) => void): Promise<void> {
  for (let rerun = sharing.narrow(transformed); rerun.size > 0; rerun = sharing.narrow(transformed)) {
    const again = candidates.map((_, i) => i).filter((i) => rerun.has(candidates[i].file));
    debug('shared handlers: %d files again', again.length);
    await Promise.all(again.map(async (i) => {
      outcomes[i] = await pool.run({ source: candidates[i].text, options: callOptions(options, candidates[i].file, hints, sharing) });
      record(i);
    }));
  }
}

function createPool(options: RunOptions, cwd: string, files: number): Pool {
  const transform = options.transform;
  if (typeof transform === 'function') return createInlinePool(async () => transform);
  const url = typeof transform === 'string' ? transformUrl(transform, cwd) : DEFAULT_TRANSFORM;
  const cpus = Math.min(options.cpus ?? defaultCpus(), files);
  return cpus > 1 ? createWorkerPool(cpus, url) : createInlinePool(() => loadTransform(url));
}

function callOptions(options: RunOptions, file: string, hints: ProjectHints, sharing: ImportedHandlers | null): TransformCallOptions {
  const call: TransformCallOptions = { path: file };
  if (options.parser) call.parser = options.parser;
  if (options.runtimeImport) call.runtimeImport = options.runtimeImport;
  if (options.compatImport) call.compatImport = options.compatImport;
  const handlerHints = hints.handlers.get(file);
  if (handlerHints) call.handlerHints = handlerHints;
  const typeHints = hints.types.get(file);
  if (typeHints) call.typeHints = typeHints;
  const imported = sharing?.planFor(file);
  if (imported) call.importedHandlers = imported;
  return call;
}

async function settle(options: RunOptions, candidate: Candidate, outcome: TaskOutcome): Promise<FileResult> {
  const { file } = candidate;
  if (!outcome.ok) return { ...emptyResult(file, 'failed'), error: outcome.error };
  const { output, entries, handlers } = outcome.result;
  const base = { file, entries, handlers };
  if (output === null || output === candidate.text) return { ...base, status: 'unchanged' };
  const next = restore(output, candidate.shape);
  if (next === candidate.raw) return { ...base, status: 'unchanged' };
  if (!options.dry) {
    try {
      await writeFileAtomic(file, next);
    } catch (err) {
      const error = runnerErrors.EXW_ERR_CODEMOD_RUNNER_WRITE(file, (err as Error).message);
      return { ...base, status: 'failed', error: { code: error.code, message: error.message } };
    }
  }
  const changed: FileResult = { ...base, status: 'changed' };
  if (options.keepText) Object.assign(changed, { before: candidate.raw, after: next });
  return changed;
}

function emptyResult(file: string, status: FileStatus): FileResult {
  return { file, status, entries: [], handlers: { native: 0, compat: 0 } };
}

function skipped(file: string, reason: string): FileResult {
  return { ...emptyResult(file, 'skipped'), reason };
}

function countTotals(results: FileResult[]): RunTotals {
  const totals: RunTotals = { files: results.length, changed: 0, unchanged: 0, skipped: 0, failed: 0 };
  for (const r of results) totals[r.status]++;
  return totals;
}

function sumHandlers(results: FileResult[]): { native: number; compat: number } {
  return results.reduce((sum, r) => ({ native: sum.native + r.handlers.native, compat: sum.compat + r.handlers.compat }), { native: 0, compat: 0 });
}

/** Path for display: relative to cwd when inside it. */
export function displayPath(file: string, cwd: string): string {
  const rel = relative(cwd, file);
  return rel.startsWith('..') ? file : rel;
}

/**
 * One source text in, migrated text and report entries out: what the
 * runner calls for every file (codemods/runner.ts), and what the jscodeshift
 * entry transform wraps (codemods/transforms/express-to-runtime.ts).
 */
import jscodeshift from 'jscodeshift';
import type { API } from 'jscodeshift';
import { transformErrors } from './transforms/errors.js';
import { DEFAULT_COMPAT_IMPORT, DEFAULT_RUNTIME_IMPORT, transformFile } from './transforms/express-to-runtime.js';
import type { MigrationEntry } from './transforms/context.js';

export type { MigrationEntry };

export interface MigrateResult {
  /** null = unchanged: never rewrite untouched files. */
  output: string | null;
  entries: MigrationEntry[];
  handlers: { native: number; compat: number };
}

export type ParserName = 'babel' | 'tsx' | 'ts' | 'flow';

export interface MigrateOptions {
  path: string;
  parser?: ParserName;
  runtimeImport?: string;
  compatImport?: string;
}

const PARSERS = new Set<ParserName>(['babel', 'tsx', 'ts', 'flow']);

/** .ts/.mts/.cts -> ts (no JSX, so `<T>x` casts parse), .tsx -> tsx, everything else -> babel. */
export function parserFor(path: string): ParserName {
  if (/\.tsx$/.test(path)) return 'tsx';
  if (/\.[mc]?ts$/.test(path)) return 'ts';
  return 'babel';
}

export function migrateSource(source: string, opts: MigrateOptions): MigrateResult {
  const parser = opts.parser ?? parserFor(opts.path);
  if (!PARSERS.has(parser)) throw transformErrors.EXW_ERR_CODEMOD_TRANSFORM_PARSER(String(parser));
  const j = jscodeshift.withParser(parser);
  const api = { jscodeshift: j, j, stats: () => {}, report: () => {} } as unknown as API;
  try {
    const { output, fc } = transformFile({ path: opts.path, source }, api, {
      runtimeImport: opts.runtimeImport ?? DEFAULT_RUNTIME_IMPORT,
      compatImport: opts.compatImport ?? DEFAULT_COMPAT_IMPORT,
    });
    return { output, entries: fc?.entries ?? [], handlers: fc?.handlers ?? { native: 0, compat: 0 } };
  } catch (err) {
    const e = err as { loc?: { line: number; column: number }; lineNumber?: number; message?: string };
    if (e && (e.loc || (err instanceof SyntaxError))) {
      const line = e.loc?.line ?? e.lineNumber ?? 0;
      const coded = transformErrors.EXW_ERR_CODEMOD_TRANSFORM_PARSE(opts.path, line, String(e.message).split('\n')[0]);
      (coded as { line?: number }).line = line;
      (coded as { cause?: unknown }).cause = err;
      throw coded;
    }
    throw err;
  }
}

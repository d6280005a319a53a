/**
 * The jscodeshift entry transform: Express -> Expressway runtime, per file.
 *
 *   npx jscodeshift -t dist/codemods/transforms/express-to-runtime.js src/
 *
 * TypeScript: add --parser=ts --extensions=ts (or tsx). No parser is exported
 * on purpose: jscodeshift would let it override --parser.
 * Options (jscodeshift --flag=value): --runtimeImport, --compatImport.
 * Returns undefined for files it leaves alone, so jscodeshift never rewrites them.
 */
import type { API, FileInfo, Options } from 'jscodeshift';
import { createFileContext, type FileContext } from './context.js';
import { runPipeline } from './pipeline.js';

export const DEFAULT_RUNTIME_IMPORT = 'expressway/runtime';
export const DEFAULT_COMPAT_IMPORT = 'expressway/compat';

/** Cheap pre-check: a file that never mentions express cannot involve it. */
export function mayInvolveExpress(source: string): boolean {
  return /\bexpress\d?\b|body-parser/.test(source);
}

export function detectQuote(source: string): 'single' | 'double' {
  const single = (source.match(/'/g) ?? []).length;
  const double = (source.match(/"/g) ?? []).length;
  return double > single ? 'double' : 'single';
}

export function transformFile(file: FileInfo, api: API, options: Options): { output: string | null; fc: FileContext | null } {
  if (!mayInvolveExpress(file.source)) return { output: null, fc: null };
  const j = api.jscodeshift;
  const root = j(file.source);
  const fc = createFileContext(j, root, {
    path: file.path,
    runtimeImport: typeof options.runtimeImport === 'string' ? options.runtimeImport : DEFAULT_RUNTIME_IMPORT,
    compatImport: typeof options.compatImport === 'string' ? options.compatImport : DEFAULT_COMPAT_IMPORT,
  });
  fc.quote = detectQuote(file.source);
  runPipeline(fc);
  if (!fc.changed) return { output: null, fc };
  return { output: root.toSource({ quote: fc.quote, reuseWhitespace: true, arrowParensAlways: true }), fc };
}

export default function expressToRuntime(file: FileInfo, api: API, options: Options): string | undefined {
  return transformFile(file, api, options).output ?? undefined;
}

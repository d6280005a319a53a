/**
 * The runner's default per-file transform: migrateSource, plus the two
 * sides of handlers shared across modules when the runner hands them over
 * (codemods/imported-handlers.ts): registrations of imported handlers that
 * were converted in their own module go native, and this file's own
 * functions that other modules register natively are converted. Both are
 * reported back so the runner can keep every file in agreement.
 */
import { DEFAULT_COMPAT_IMPORT, DEFAULT_RUNTIME_IMPORT } from './transforms/express-to-runtime.js';
import { convertDefinitions } from './transforms/imported-definitions.js';
import { withImportedHandlers } from './transforms/imported-refs.js';
import { migrateSource as migrateOne, parserFor } from './migrate-source.js';
import type { TransformCallOptions, TransformResult } from './transform-api.js';

export function migrateSource(source: string, options: TransformCallOptions): TransformResult {
  const plan = options.importedHandlers;
  if (!plan) return migrateOne(source, options);
  const { value: migrated, uses } = withImportedHandlers(options.path, plan.native, plan.stateWrites ?? {}, () => migrateOne(source, options));
  if (plan.convert.length === 0) return { ...migrated, importedHandlers: { definitions: [], uses } };
  // Registrations first, on the original text, so their lines are the ones the project pass saw.
  const text = migrated.output ?? source;
  const defs = convertDefinitions(text, plan.convert, {
    path: options.path,
    parser: options.parser ?? parserFor(options.path),
    runtimeImport: options.runtimeImport ?? DEFAULT_RUNTIME_IMPORT,
    compatImport: options.compatImport ?? DEFAULT_COMPAT_IMPORT,
    original: migrated.output === null,
  });
  return {
    output: defs.output ?? migrated.output,
    entries: [...migrated.entries, ...defs.entries],
    handlers: migrated.handlers,
    importedHandlers: { definitions: defs.definitions, uses },
  };
}

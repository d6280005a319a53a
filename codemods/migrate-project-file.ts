/**
 * The runner's default per-file transform: migrateSource, plus the two
 * sides of handlers shared across modules when the runner hands them over
 * (codemods/imported-handlers.ts): registrations of imported handlers that
 * were converted in their own module go native, and this file's own
 * functions that other modules register natively are converted. Both are
 * reported back so the runner can keep every file in agreement.
 */
import { DEFAULT_COMPAT_IMPORT, DEFAULT_RUNTIME_IMPORT } from './transforms/express-to-runtime.js';
import { convertDefinitions, type DefinitionsResult } from './transforms/imported-definitions.js';
import { withImportedHandlers } from './transforms/imported-refs.js';
import { withRequestProps } from './transforms/request-props.js';
import { withMountHints } from './transforms/mount-hints.js';
import { migrateSource as migrateOne, parserFor } from './migrate-source.js';
import type { TransformCallOptions, TransformResult } from './transform-api.js';

export function migrateSource(source: string, options: TransformCallOptions): TransformResult {
  // Where this file's routers are mounted (a route's ctx.fallThrough() is checked against its mounts: transforms/mount-hints.ts).
  return withMountHints(options.path, options.handlerHints, () => migrateWithProps(source, options));
}

function migrateWithProps(source: string, options: TransformCallOptions): TransformResult {
  const props = options.importedHandlers?.requestProps ?? [];
  // Request properties the run keeps on the raw request (transforms/request-props.ts), in every conversion of this file.
  return props.length > 0 ? withRequestProps(options.path, props, () => migrateShared(source, options)) : migrateShared(source, options);
}

function migrateShared(source: string, options: TransformCallOptions): TransformResult {
  const plan = options.importedHandlers;
  if (!plan) return migrateOne(source, options);
  const registrations = (text: string) => withImportedHandlers(options.path, plan.native, plan.stateWrites ?? {}, () => migrateOne(text, options), plan.ours ?? plan.native);
  const definitions = (text: string, original: boolean) => convertDefinitions(text, plan.convert, {
    path: options.path,
    parser: options.parser ?? parserFor(options.path),
    runtimeImport: options.runtimeImport ?? DEFAULT_RUNTIME_IMPORT,
    compatImport: options.compatImport ?? DEFAULT_COMPAT_IMPORT,
    original,
  });
  if (plan.convert.length === 0) {
    const { value, uses } = registrations(source);
    return { ...value, importedHandlers: { definitions: [], uses } };
  }
  if (plan.native.length === 0 && (plan.ours ?? []).length === 0) {
    // Only definitions (controllers, middleware modules): converting first drops an express type import that is
    // no longer used, and then migrateSource usually has nothing to parse.
    const defs = definitions(source, true);
    const { value } = registrations(defs.output ?? source);
    return combine(value, defs, [], value.output ?? defs.output);
  }
  // Registrations first, on the original text, so their lines are the ones the project pass saw.
  const { value, uses } = registrations(source);
  const defs = definitions(value.output ?? source, value.output === null);
  return combine(value, defs, uses, defs.output ?? value.output);
}

function combine(migrated: TransformResult, defs: DefinitionsResult, uses: NonNullable<TransformResult['importedHandlers']>['uses'], output: string | null): TransformResult {
  return {
    output,
    entries: [...migrated.entries, ...defs.entries],
    handlers: migrated.handlers,
    importedHandlers: { definitions: defs.definitions, uses },
  };
}

/**
 * Helper packages (accepts, http-errors, ...) are asked for while a handler
 * is converted, before anyone knows whether the conversion will be kept: a
 * handler that fails, or whose route stays on Express anyway, leaves its
 * copy untouched. Before the imports are written, a helper nobody in the
 * file references is dropped, so no unused import is added.
 */
import type { FileContext } from './context.js';
import { identifierPaths, isReference } from './ast-utils.js';

export function dropUnusedHelperImports(fc: FileContext): void {
  for (const local of [...fc.helperImports.keys()]) {
    const used = fc.root.paths().some((r) => identifierPaths(fc.j, r, local).some((p) => isReference(p)));
    if (!used) fc.helperImports.delete(local);
  }
}

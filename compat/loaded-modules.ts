/**
 * Which loaded package a function the app hands over belongs to (cors,
 * ejs's renderFile, Express's prototypes): counterparts check the package's
 * version and load its own dependencies from its location, never a copy of
 * ours. ES imports of a CommonJS package land in the same require cache.
 */
import { createRequire } from 'node:module';

const cache = createRequire(import.meta.url).cache;

/** The first module in the require cache whose exports pass `test`. */
export function loadedModuleWhere(test: (exports: any) => boolean): NodeJS.Module | undefined {
  for (const m of Object.values(cache)) {
    if (m !== undefined && m.exports !== undefined && m.exports !== null && test(m.exports)) return m;
  }
  return undefined;
}

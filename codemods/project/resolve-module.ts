/**
 * Relative module specifiers to files, the way Node and bundlers find them:
 * exact path, added extension, directory index, and the TypeScript habit of
 * importing `./x.js` that is really `./x.ts`. Bare specifiers (packages) are
 * not followed: Express code in node_modules is not ours to rewrite.
 */
import { statSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';

const EXTENSIONS = ['.ts', '.tsx', '.mts', '.cts', '.js', '.jsx', '.mjs', '.cjs'];
const JS_TO_TS: Record<string, string[]> = { '.js': ['.ts', '.tsx'], '.mjs': ['.mts'], '.cjs': ['.cts'], '.jsx': ['.tsx'] };

export type ModuleResolver = (fromFile: string, specifier: string) => string | null;

export function resolveRelative(fromFile: string, specifier: string): string | null {
  if (!isRelative(specifier)) return null;
  return resolveBase(resolve(dirname(fromFile), specifier));
}

/**
 * resolveRelative for one run: each absolute base is looked up on disk once.
 * A project pass resolves the same few modules from hundreds of importers,
 * and every miss is up to twenty stat calls. Not shared between runs, so a
 * file created since the last run is found.
 */
export function createModuleResolver(): ModuleResolver {
  const found = new Map<string, string | null>();
  return (fromFile, specifier) => {
    if (!isRelative(specifier)) return null;
    const base = resolve(dirname(fromFile), specifier);
    let file = found.get(base);
    if (file === undefined) found.set(base, file = resolveBase(base));
    return file;
  };
}

function isRelative(specifier: string): boolean {
  return specifier.startsWith('./') || specifier.startsWith('../') || specifier === '.' || specifier === '..';
}

function resolveBase(base: string): string | null {
  if (isFile(base)) return base;
  for (const [js, tsExts] of Object.entries(JS_TO_TS)) {
    if (!base.endsWith(js)) continue;
    for (const ext of tsExts) if (isFile(base.slice(0, -js.length) + ext)) return base.slice(0, -js.length) + ext;
  }
  for (const ext of EXTENSIONS) if (isFile(base + ext)) return base + ext;
  for (const ext of EXTENSIONS) if (isFile(join(base, 'index' + ext))) return join(base, 'index' + ext);
  return null;
}

function isFile(path: string): boolean {
  return statSync(path, { throwIfNoEntry: false })?.isFile() === true;
}

/**
 * The Content-Disposition header Express writes for `res.attachment(name)`,
 * computed with the content-disposition package of the express the file
 * resolves, because the versions disagree: Express 4 uses 0.5 (quoted
 * `filename="name"`, basename taken inside), Express 5.0-5.2 use 1.x (the
 * same, except that a backslash also separates), Express 5.3+ uses 2.x
 * through `create(basename(name))` (token names unquoted: `filename=a.csv`;
 * non-ASCII names get `filename*`). A literal name therefore gives exact
 * bytes at migration time; a computed one is written at run time by the same
 * module, when the app resolves it to the file express loads.
 */
import { realpathSync } from 'node:fs';
import { createRequire } from 'node:module';
import { basename, resolve } from 'node:path';

type Disposition = ((name?: string) => string) & { create?: (name?: string) => string };

const cache = new Map<string, Disposition | null>();

/** The content-disposition that the express resolved from `filePath` loads; null when either is missing. */
function dispositionFor(filePath: string): Disposition | null {
  const from = resolve(filePath);
  if (cache.has(from)) return cache.get(from)!;
  let found: Disposition | null = null;
  try {
    const expressPackage = createRequire(from).resolve('express/package.json');
    const loaded = createRequire(expressPackage)('content-disposition') as Disposition | { create?: unknown } | null;
    found = typeof loaded === 'function' || typeof loaded?.create === 'function' ? (loaded as Disposition) : null;
  } catch {
    found = null;
  }
  cache.set(from, found);
  return found;
}

/** What `res.attachment(name)` sets as Content-Disposition in the app of `filePath`; null when its express cannot be loaded. */
export function expressAttachmentDisposition(filePath: string, name: string): string | null {
  const disposition = dispositionFor(filePath);
  if (disposition === null) return null;
  // content-disposition 2 takes the base name from Express 5 (res.attachment); older versions take it themselves.
  return typeof disposition.create === 'function' ? disposition.create(basename(name)) : disposition(name);
}

/**
 * How migrated code can call the very content-disposition module Express uses: 'create' (2.x, which Express
 * 5.3+ calls as `create(basename(name))`) or 'function' (0.5 / 1.x, called with the name), when the app's own
 * `import 'content-disposition'` resolves to the same file as express's; null otherwise.
 */
export function sharedContentDisposition(filePath: string): 'create' | 'function' | null {
  const disposition = dispositionFor(filePath);
  if (disposition === null) return null;
  try {
    const from = resolve(filePath);
    const expressPackage = createRequire(from).resolve('express/package.json');
    const own = realpathSync(createRequire(from).resolve('content-disposition'));
    if (own !== realpathSync(createRequire(expressPackage).resolve('content-disposition'))) return null;
  } catch {
    return null;
  }
  return typeof disposition.create === 'function' ? 'create' : 'function';
}

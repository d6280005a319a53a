/**
 * Step 1: copy the app to the out dir. The copy is built in a temp dir next
 * to the out dir and renamed into place, so an interrupted run never leaves
 * a half-copied app where a migrated one is expected. node_modules (and our
 * own .expressway work dirs) are not copied: link-deps.ts makes the copy
 * resolve the same packages instead.
 */
import { cp, mkdir, readdir, rename, rm, stat } from 'node:fs/promises';
import { basename, dirname, isAbsolute, join, relative, resolve, sep } from 'node:path';
import { MigrateErrors } from './errors.js';

/** Directories never copied: installed packages, VCS data, and expressway's own output. */
const NOT_COPIED = new Set(['node_modules', '.git', '.expressway']);

/** Where the copy goes when --out is not given: under the current directory, out of the app's way and git's (.expressway/ is meant to be ignored). */
export function defaultOutDir(appDir: string, cwd: string): string {
  return join(cwd, '.expressway', 'migrate', basename(resolve(appDir)));
}

export async function checkAppDir(appDir: string): Promise<void> {
  const info = await stat(appDir).catch(() => null);
  if (!info) throw MigrateErrors.EXW_ERR_MIGRATE_APP_DIR(appDir, 'does not exist');
  if (!info.isDirectory()) throw MigrateErrors.EXW_ERR_MIGRATE_APP_DIR(appDir, 'is not a directory');
}

/** Refuses an out dir that would be copied into itself, and a non-empty one unless `force`. */
export async function checkOutDir(appDir: string, outDir: string, force: boolean): Promise<void> {
  const rel = relative(appDir, outDir);
  if (isWithin(rel) && !NOT_COPIED.has(rel.split(sep)[0]!)) throw MigrateErrors.EXW_ERR_MIGRATE_OUT_INSIDE_APP(outDir, appDir);
  if (isWithin(relative(outDir, appDir))) throw MigrateErrors.EXW_ERR_MIGRATE_OUT_CONTAINS_APP(outDir, appDir);
  const info = await stat(outDir).catch(() => null);
  if (info && !info.isDirectory()) throw MigrateErrors.EXW_ERR_MIGRATE_OUT_EXISTS(outDir);
  const entries = await readdir(outDir).catch(() => null);
  if (entries && entries.length > 0 && !force) throw MigrateErrors.EXW_ERR_MIGRATE_OUT_EXISTS(outDir);
}

/** True for a relative path that stays inside its base (the base itself included). */
function isWithin(rel: string): boolean {
  return rel === '' || (!rel.startsWith('..') && !isAbsolute(rel));
}

/** Copies `appDir` to `outDir` (both absolute) through a temp dir and a rename. */
export async function copyApp(appDir: string, outDir: string, force: boolean): Promise<void> {
  await checkOutDir(appDir, outDir, force);
  await mkdir(dirname(outDir), { recursive: true });
  const temp = `${outDir}.tmp-${process.pid}-${Date.now()}`;
  try {
    // Entry by entry: fs.cp refuses a destination inside its source, which `expressway migrate .` needs.
    await mkdir(temp);
    for (const entry of await readdir(appDir)) {
      if (NOT_COPIED.has(entry)) continue;
      await cp(join(appDir, entry), join(temp, entry), {
        recursive: true,
        verbatimSymlinks: true,
        // Same mtimes as the original: static files keep their Last-Modified and ETag, so recorded
        // conditional requests (If-Modified-Since, If-None-Match) get the same 304 from both apps.
        preserveTimestamps: true,
        filter: (source) => !NOT_COPIED.has(basename(source)),
      });
    }
    // rename(2) replaces an empty directory but not a full one; --force was checked above.
    await rm(outDir, { recursive: true, force: true });
    await rename(temp, outDir);
  } catch (err) {
    await rm(temp, { recursive: true, force: true });
    throw err;
  }
}

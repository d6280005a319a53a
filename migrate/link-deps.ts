/**
 * Makes the copy resolve the packages the original resolves. Node looks for
 * a bare import in `node_modules` of every ancestor directory, so the copy
 * already finds whatever sits in the node_modules it shares with the
 * original (the repository's root, say). What it does not share (the app's
 * own node_modules, e.g. a nested Express 5, or every node_modules when the
 * copy lives elsewhere) is linked into a fresh `<copy>/node_modules`, one
 * symlink per package, nearest first, so the original's node_modules is never
 * written to. Migrated code imports `expressway/runtime`: when that does not
 * resolve from the copy (the expressway repository itself, a global
 * install), `expressway` is linked to the package running this code.
 */
import { existsSync, readFileSync } from 'node:fs';
import { mkdir, readdir, symlink } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export interface LinkResult {
  /** Package names linked into `<copy>/node_modules`. */
  linked: string[];
  /** Whether `expressway` had to be linked to this package. */
  linkedExpressway: boolean;
}

/** node_modules directories a file in `dir` resolves from, nearest first. */
export function nodeModulesChain(dir: string): string[] {
  const chain: string[] = [];
  for (let current = dir; ; current = dirname(current)) {
    const candidate = join(current, 'node_modules');
    if (existsSync(candidate)) chain.push(candidate);
    if (dirname(current) === current) return chain;
  }
}

/** `.bin` directories for PATH, the way `npm run` finds a script's commands. */
export function binDirs(dir: string): string[] {
  return nodeModulesChain(dir).map((d) => join(d, '.bin')).filter((d) => existsSync(d));
}

export async function linkDependencies(appDir: string, copyDir: string): Promise<LinkResult> {
  const shared = new Set(nodeModulesChain(dirname(copyDir)));
  const own = nodeModulesChain(appDir).filter((d) => !shared.has(d));
  const target = join(copyDir, 'node_modules');
  const linked: string[] = [];
  const seen = new Set<string>();
  for (const dir of own) {
    for (const name of await packageNames(dir)) {
      if (seen.has(name)) continue; // a nearer node_modules already provides it
      seen.add(name);
      await mkdir(dirname(join(target, name)), { recursive: true });
      await symlink(join(dir, name), join(target, name), 'junction');
      linked.push(name);
    }
  }
  const linkedExpressway = !resolvesExpressway(copyDir);
  if (linkedExpressway) {
    await mkdir(target, { recursive: true });
    await symlink(ownPackageRoot(), join(target, 'expressway'), 'junction');
  }
  return { linked, linkedExpressway };
}

/** `name` and `@scope/name` entries; tool caches and `.bin` are not packages (PATH covers `.bin`). */
async function packageNames(dir: string): Promise<string[]> {
  const names: string[] = [];
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    if (entry.name.startsWith('.')) continue;
    if (entry.name.startsWith('@')) {
      const scoped = await readdir(join(dir, entry.name)).catch(() => [] as string[]);
      names.push(...scoped.filter((n) => !n.startsWith('.')).map((n) => `${entry.name}/${n}`));
    } else {
      names.push(entry.name);
    }
  }
  return names;
}

function resolvesExpressway(copyDir: string): boolean {
  try {
    createRequire(join(copyDir, 'package.json')).resolve('expressway/package.json');
    return true;
  } catch {
    return false;
  }
}

/** The directory of the `expressway` package this code belongs to (source or dist/). */
export function ownPackageRoot(): string {
  for (let dir = dirname(fileURLToPath(import.meta.url)); ; dir = dirname(dir)) {
    const manifest = join(dir, 'package.json');
    if (existsSync(manifest) && (JSON.parse(readFileSync(manifest, 'utf8')) as { name?: string }).name === 'expressway') return dir;
    if (dirname(dir) === dir) throw new Error('the expressway package root was not found above ' + fileURLToPath(import.meta.url));
  }
}

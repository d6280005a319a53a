/**
 * Where migrated code imports a helper package Express itself depends on:
 * from expressway/helpers (compat/helpers.ts: typed, still there once Express
 * is removed) when the copy expressway ships is the same version as the one
 * the app's Express loads (the semver ranges are not enough: encodeurl 2.0.0
 * and 2.0.3 encode `%[` differently), and the app does not depend on the
 * package itself. Otherwise the app's own resolution stays, as before.
 * accepts, type-is and content-disposition always stay on the app's
 * resolution: their majors differ between Express 4 and 5.
 */
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import type { FileContext } from './context.js';

/** Package -> the name compat/helpers.ts exports it as. */
const HELPERS: Record<string, string> = { parseurl: 'parseurl', encodeurl: 'encodeUrl', 'http-errors': 'createError' };

/** The helpers module next to the compat module the file imports (`expressway/compat` -> `expressway/helpers`). */
function helpersModule(compatImport: string): string | null {
  if (compatImport === 'expressway/compat') return 'expressway/helpers';
  if (/\/compat\/index\.js$/.test(compatImport)) return compatImport.replace(/index\.js$/, 'helpers.js');
  return null;
}

/** `{ source, name }` when `pkg` comes from expressway's helpers for this file; null when the file imports it itself. */
export function helperSource(fc: FileContext, pkg: string): { source: string; name: string } | null {
  const name = HELPERS[pkg];
  if (!name) return null;
  const source = helpersModule(fc.options.compatImport);
  if (source === null || appDependsOn(fc.options.path, pkg) || !sameAsExpressLoads(fc.options.path, pkg)) return null;
  return { source, name };
}

const expresswayRequire = createRequire(import.meta.url);
const versions = new Map<string, boolean>();

/** True when the express the file resolves loads `pkg` at the version expressway's helpers load. */
function sameAsExpressLoads(filePath: string, pkg: string): boolean {
  const from = dirname(resolve(filePath));
  const key = `${from}\0${pkg}`;
  const hit = versions.get(key);
  if (hit !== undefined) return hit;
  let same = false;
  try {
    const expressPackage = createRequire(join(from, 'noop.js')).resolve('express/package.json');
    const theirs = versionAt(createRequire(expressPackage).resolve(`${pkg}/package.json`));
    same = theirs !== null && theirs === versionAt(expresswayRequire.resolve(`${pkg}/package.json`));
  } catch {
    same = false;
  }
  versions.set(key, same);
  return same;
}

function versionAt(manifestPath: string): string | null {
  const version = readManifest(manifestPath)?.version;
  return typeof version === 'string' ? version : null;
}

const manifests = new Map<string, Set<string>>();

/** True when the nearest package.json above the file (the toolkit's own excepted) lists `pkg` as a dependency of any kind. */
function appDependsOn(filePath: string, pkg: string): boolean {
  return dependenciesOf(dirname(resolve(filePath))).has(pkg);
}

function dependenciesOf(start: string): Set<string> {
  const hit = manifests.get(start);
  if (hit) return hit;
  let found = new Set<string>();
  for (let dir = start; ; dir = dirname(dir)) {
    const manifest = readManifest(join(dir, 'package.json'));
    if (manifest && manifest.name !== 'expressway') {
      found = new Set(['dependencies', 'devDependencies', 'peerDependencies', 'optionalDependencies'].flatMap((k) => Object.keys(manifest[k] ?? {})));
      break;
    }
    if (dirname(dir) === dir) break;
  }
  manifests.set(start, found);
  return found;
}

function readManifest(file: string): Record<string, any> | null {
  if (!existsSync(file)) return null;
  try {
    return JSON.parse(readFileSync(file, 'utf8'));
  } catch {
    return null;
  }
}

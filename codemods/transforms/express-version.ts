/**
 * Which Express major an app is written for, from the nearest package.json
 * that depends on express: Express 5 reads route paths with path-to-regexp 8
 * (`{.:format}`, `*rest`), Express 4 with path-to-regexp 0.1 (`:id?`, `*`).
 * Without a declared dependency, the installed express decides; without
 * either, Express 4 (whose converter refuses Express 5's wildcards and groups).
 */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';

const cache = new Map<string, number>();

/** Major of a dependency spec: `^5.1.0`, `~4.21`, `5.x`, `npm:express@^5`; null when it names no version. */
export function majorOfSpec(spec: string): number | null {
  const range = spec.startsWith('npm:') ? spec.slice(spec.lastIndexOf('@') + 1) : spec;
  const m = /^\s*(?:[\^~]|>=?|=)?\s*v?(\d+)/.exec(range);
  return m ? Number(m[1]) : null;
}

function readJson(file: string): Record<string, any> | null {
  try {
    return JSON.parse(readFileSync(file, 'utf8'));
  } catch {
    return null;
  }
}

function declaredMajor(dir: string): number | null {
  const pkg = readJson(join(dir, 'package.json'));
  if (!pkg) return null;
  for (const field of ['dependencies', 'peerDependencies', 'devDependencies']) {
    const spec = pkg[field]?.express;
    if (typeof spec === 'string') return majorOfSpec(spec);
  }
  return null;
}

function installedMajor(dir: string): number | null {
  const file = join(dir, 'node_modules', 'express', 'package.json');
  if (!existsSync(file)) return null;
  const version = readJson(file)?.version;
  return typeof version === 'string' ? majorOfSpec(version) : null;
}

export function expressMajorFor(filePath: string): number {
  const start = dirname(resolve(filePath));
  const hit = cache.get(start);
  if (hit !== undefined) return hit;
  let major: number | null = null;
  for (let dir = start; major === null; dir = dirname(dir)) {
    major = declaredMajor(dir) ?? installedMajor(dir);
    if (dirname(dir) === dir) break;
  }
  const result = major ?? 4;
  cache.set(start, result);
  return result;
}

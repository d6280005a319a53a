/**
 * File discovery: the paths the user named, expanded to source files.
 * Directories are walked by hand (not globbed) so each directory's
 * .gitignore applies to what lies under it, the way git reads them, and so
 * symlinks can be reported instead of silently followed.
 */
import ignore, { type Ignore } from 'ignore';
import { existsSync, lstatSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { dirname, extname, join, relative, resolve, sep } from 'node:path';
import { runnerErrors } from './runner-errors.js';

export const DEFAULT_EXTENSIONS = ['js', 'jsx', 'mjs', 'cjs', 'ts', 'tsx', 'mts', 'cts'];
/** Skipped unless the user names the file itself (gitignore syntax). */
export const DEFAULT_IGNORES = ['node_modules/', 'dist/', 'build/', '.git/', '*.d.ts', '*.d.mts', '*.d.cts'];

export interface WalkOptions {
  extensions?: string[];
  /** Extra patterns in gitignore syntax, relative to each path given. */
  ignorePatterns?: string[];
  /** Read .gitignore files (default true). */
  gitignore?: boolean;
  cwd?: string;
}

export interface SkippedFile {
  file: string;
  reason: string;
}

export interface WalkResult {
  /** Absolute paths, sorted, each once. */
  files: string[];
  skipped: SkippedFile[];
}

interface Matcher {
  base: string;
  ig: Ignore;
}

export function discoverFiles(paths: string[], options: WalkOptions = {}): WalkResult {
  const cwd = options.cwd ?? process.cwd();
  const extensions = new Set((options.extensions ?? DEFAULT_EXTENSIONS).map((e) => '.' + e.replace(/^\./, '')));
  const files = new Set<string>();
  const skipped = new Map<string, string>();
  for (const given of paths) {
    const path = resolve(cwd, given);
    if (!existsSync(path)) throw runnerErrors.EXW_ERR_CODEMOD_RUNNER_PATH(given);
    const link = lstatSync(path);
    if (link.isSymbolicLink() && !statSync(path).isDirectory()) {
      skipped.set(path, 'symlink');
      continue;
    }
    if (statSync(path).isFile()) {
      // A file the user names is processed even if a pattern would ignore it.
      files.add(path);
      continue;
    }
    const matchers = [
      { base: path, ig: ignore().add(DEFAULT_IGNORES).add(options.ignorePatterns ?? []) },
      ...(options.gitignore === false ? [] : ancestorGitignores(path)),
    ];
    walkDirectory(path, matchers, options.gitignore !== false, extensions, files, skipped);
  }
  for (const file of files) skipped.delete(file);
  return {
    files: [...files].sort(),
    skipped: [...skipped].map(([file, reason]) => ({ file, reason })).sort((a, b) => a.file.localeCompare(b.file)),
  };
}

function walkDirectory(dir: string, inherited: Matcher[], gitignore: boolean, extensions: Set<string>, files: Set<string>, skipped: Map<string, string>): void {
  const own = gitignore ? gitignoreIn(dir) : null;
  const matchers = own ? [...inherited, own] : inherited;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const full = join(dir, entry.name);
    const isDir = entry.isDirectory();
    if (isIgnored(full, isDir, matchers)) continue;
    if (entry.isSymbolicLink()) {
      if (hasExtension(entry.name, extensions)) skipped.set(full, 'symlink');
    } else if (isDir) {
      walkDirectory(full, matchers, gitignore, extensions, files, skipped);
    } else if (entry.isFile() && hasExtension(entry.name, extensions)) {
      files.add(full);
    }
  }
}

function hasExtension(name: string, extensions: Set<string>): boolean {
  return extensions.has(extname(name));
}

function isIgnored(full: string, isDir: boolean, matchers: Matcher[]): boolean {
  for (const { base, ig } of matchers) {
    const rel = relative(base, full);
    if (rel === '' || rel.startsWith('..')) continue;
    const posix = sep === '/' ? rel : rel.split(sep).join('/');
    if (ig.ignores(isDir ? posix + '/' : posix)) return true;
  }
  return false;
}

function gitignoreIn(dir: string): Matcher | null {
  const file = join(dir, '.gitignore');
  if (!existsSync(file)) return null;
  return { base: dir, ig: ignore().add(readFileSync(file, 'utf8')) };
}

/** .gitignore files above the walked directory, up to the repository root. */
function ancestorGitignores(dir: string): Matcher[] {
  const found: Matcher[] = [];
  let current = dir;
  while (!existsSync(join(current, '.git'))) {
    const parent = dirname(current);
    if (parent === current) return []; // not in a repository: only the walked tree's own files count
    current = parent;
    const matcher = gitignoreIn(current);
    if (matcher) found.push(matcher);
  }
  return found;
}


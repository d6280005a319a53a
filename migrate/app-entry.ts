/**
 * How to start an app and run its tests: the package.json `start` script
 * when there is one (run the way `npm start` would, with node_modules/.bin
 * on PATH but without npm in between, so stopping it stops the server), else
 * the first of server.js, server.ts, index.js, index.ts; TypeScript through
 * tsx. Commands run in the app's directory with PORT set by verify/targets.ts.
 */
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { delimiter, dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { MigrateErrors } from './errors.js';
import { binDirs } from './link-deps.js';

export interface AppCommand {
  /** Shell command, already prefixed with `cd <dir> &&`. */
  command: string;
  /** What was found, for the progress line: `npm start: node server.js`, `server.ts (tsx)`. */
  description: string;
}

const ENTRY_FILES = ['server.js', 'server.ts', 'index.js', 'index.ts'];

interface Manifest {
  scripts?: Record<string, string>;
}

function readManifest(dir: string): Manifest {
  const file = join(dir, 'package.json');
  if (!existsSync(file)) return {};
  try {
    return JSON.parse(readFileSync(file, 'utf8')) as Manifest;
  } catch (err) {
    throw MigrateErrors.EXW_ERR_MIGRATE_APP_DIR(dir, `package.json is not valid JSON (${(err as Error).message})`);
  }
}

export function startCommand(dir: string): AppCommand {
  const script = readManifest(dir).scripts?.start;
  if (script) return { command: inDir(dir, script), description: `start script: ${script}` };
  const file = ENTRY_FILES.find((f) => existsSync(join(dir, f)));
  if (!file) throw MigrateErrors.EXW_ERR_MIGRATE_NO_ENTRY(dir);
  const node = shellQuote(process.execPath);
  const command = file.endsWith('.ts') ? `${node} --import ${shellQuote(tsxLoader())} ${file}` : `${node} ${file}`;
  return { command: inDir(dir, command), description: file.endsWith('.ts') ? `${file} (tsx)` : file };
}

/**
 * The app's test suite, for recording traffic. A vitest suite runs one file
 * at a time, so the recorded order replays the same against a fresh app.
 */
export function testCommand(dir: string): AppCommand | undefined {
  const script = readManifest(dir).scripts?.test;
  if (!script || /no test specified/.test(script)) return undefined;
  if (/\bvitest\b/.test(script)) return { command: inDir(dir, 'vitest run --no-file-parallelism'), description: 'vitest run --no-file-parallelism' };
  return { command: inDir(dir, script), description: `test script: ${script}` };
}

/** PATH for an app's commands: its .bin directories (and the copy's original's), then this node. */
export function commandPath(...dirs: string[]): string {
  const bins = [...new Set(dirs.flatMap(binDirs))];
  return [...bins, dirname(process.execPath), process.env.PATH ?? ''].join(delimiter);
}

function tsxLoader(): string {
  // tsx's package export "." is its --import loader; resolve it from here so the app need not install tsx.
  const pkg = createRequire(import.meta.url).resolve('tsx/package.json');
  const manifest = JSON.parse(readFileSync(pkg, 'utf8')) as { exports: Record<string, unknown> };
  const entry = manifest.exports['.'];
  const relativePath = typeof entry === 'string' ? entry : (entry as { import?: string; default?: string }).import ?? './dist/loader.mjs';
  return pathToFileURL(join(dirname(pkg), relativePath)).href;
}

function inDir(dir: string, command: string): string {
  return `cd ${shellQuote(dir)} && ${command}`;
}

export function shellQuote(value: string): string {
  return `'${value.replace(/'/g, `'\\''`)}'`;
}

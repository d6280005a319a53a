/**
 * The project pass: facts that need more than one file, handed to the
 * per-file transform as `handlerHints` and `typeHints`. It starts from the
 * files that import express and parses, through their imports, only the
 * modules a registration reaches, so a large repository with one small
 * Express service is not loaded whole. ts-morph (its bundled TypeScript
 * parser) loads only when this runs.
 */
import { readFileSync } from 'node:fs';
import { debuglog } from 'node:util';
import type { HandlerHint, ProjectHints, TypeHint } from './hints.js';
import { emptyHints } from './hints.js';
import { ModuleGraph } from './module-graph.js';
import { RegistrationWalk } from './registrations.js';
import { loadTsMorph } from './ts-morph.js';
import { exportedExpressType, typeHintsIn } from './type-hints.js';

export type { HandlerHint, HintKind, ProjectHints, TypeHint } from './hints.js';

const debug = debuglog('expressway:codemod');

export interface ProjectPassOptions {
  /** The files that import express, with their text (BOM removed, LF endings). */
  seeds: Array<{ file: string; text: string }>;
  /** Other files in the run that never mention express: checked for imports of local Express type aliases. */
  others?: string[];
}

export async function runProjectPass(options: ProjectPassOptions): Promise<ProjectHints> {
  const started = performance.now();
  const { ts } = await loadTsMorph();
  const graph = new ModuleGraph(ts);
  const walk = new RegistrationWalk(graph);
  const seeds = options.seeds.map(({ file, text }) => graph.add(file, text));
  for (const module of seeds) walk.addFile(module);
  walk.run();

  const hints = emptyHints();
  for (const seed of seeds) hints.files.add(seed.file);
  for (const hint of walk.hints) {
    addTo(hints.handlers, hint.file, hint);
    hints.files.add(hint.file);
  }
  for (const hint of typeHints(graph, seeds, options.others ?? [])) {
    addTo(hints.types, hint.file, hint);
    hints.files.add(hint.file);
  }
  debug('project pass: %d seeds, %d modules parsed, %d handler hints, %d type hints in %dms',
    seeds.length, graph.size, walk.hints.length, [...hints.types.values()].flat().length, Math.round(performance.now() - started));
  return hints;
}

const TS_FILE = /\.(?:[mc]?ts|tsx)$/;
const IMPORT_FROM = /\bfrom\s*['"](\.{1,2}\/[^'"]+)['"]/g;

/**
 * Type hints: first the seeds that export Express types under their own
 * names (a local types module); then only the files whose import text names
 * one of those modules are parsed.
 */
function typeHints(graph: ModuleGraph, seeds: ReturnType<ModuleGraph['add']>[], others: string[]): TypeHint[] {
  const typeModules = new Set(seeds.filter((m) => TS_FILE.test(m.file) && exportsExpressType(graph, m)).map((m) => m.file));
  if (typeModules.size === 0) return [];
  const hints: TypeHint[] = [];
  for (const file of [...seeds.map((m) => m.file), ...others.filter((f) => TS_FILE.test(f))]) {
    let text: string;
    try {
      text = graph.get(file)?.sf.text ?? readFileSync(file, 'utf8');
    } catch {
      continue;
    }
    const imported = [...text.matchAll(IMPORT_FROM)].map((m) => graph.resolveSpecifier(file, m[1]));
    if (!imported.some((f) => f !== null && typeModules.has(f))) continue;
    const module = graph.get(file);
    if (module) hints.push(...typeHintsIn(graph, module));
  }
  return hints;
}

function exportsExpressType(graph: ModuleGraph, module: ReturnType<ModuleGraph['add']>): boolean {
  for (const name of [...module.exports.keys(), ...module.reexports.keys()]) {
    if (exportedExpressType(graph, module.file, name)) return true;
  }
  return false;
}

function addTo<T extends HandlerHint | TypeHint>(map: Map<string, T[]>, file: string, hint: T): void {
  const list = map.get(file);
  if (list) list.push(hint);
  else map.set(file, [hint]);
}

/**
 * The ts-morph project pass: facts that need more than one file, handed to
 * the per-file transform as `handlerHints` and `typeHints`. It starts from
 * the files that import express and adds, through their imports, only the
 * files they reach, so a large repository with one small Express service is
 * not loaded whole.
 */
import { debuglog } from 'node:util';
import type { HandlerHint, ProjectHints, TypeHint } from './hints.js';
import { emptyHints } from './hints.js';
import { RegistrationWalk } from './registrations.js';
import { loadTsMorph } from './ts-morph.js';
import { typeHintsIn } from './type-hints.js';

export type { HandlerHint, HintKind, ProjectHints, TypeHint } from './hints.js';

const debug = debuglog('expressway:codemod');

export interface ProjectPassOptions {
  /** Absolute paths of the files that import express. */
  seeds: string[];
}

export async function runProjectPass(options: ProjectPassOptions): Promise<ProjectHints> {
  const started = performance.now();
  const m = await loadTsMorph();
  const project = new m.Project({
    compilerOptions: {
      allowJs: true,
      noEmit: true,
      target: m.ts.ScriptTarget.ES2022,
      module: m.ts.ModuleKind.ESNext,
      // Bundler resolution accepts both `./users` (CommonJS habit) and `./users.js` pointing at users.ts.
      moduleResolution: m.ts.ModuleResolutionKind.Bundler,
      jsx: m.ts.JsxEmit.Preserve,
      skipLibCheck: true,
      types: [],
    },
    skipAddingFilesFromTsConfig: true,
  });
  const seeds = options.seeds.map((file) => project.addSourceFileAtPath(file));
  project.resolveSourceFileDependencies();
  const walk = new RegistrationWalk(m);
  for (const sf of seeds) walk.addFile(sf);
  walk.run();

  const hints = emptyHints();
  for (const seed of options.seeds) hints.files.add(seed);
  for (const hint of walk.hints) {
    addTo(hints.handlers, hint.file, hint);
    hints.files.add(hint.file);
  }
  for (const sf of project.getSourceFiles()) {
    if (sf.isInNodeModules() || sf.isDeclarationFile()) continue;
    const typeHints = typeHintsIn(m, sf);
    for (const hint of typeHints) addTo(hints.types, hint.file, hint);
    if (typeHints.length > 0) hints.files.add(sf.getFilePath());
  }
  debug('project pass: %d seeds, %d files loaded, %d handler hints, %d type hints in %dms',
    seeds.length, project.getSourceFiles().length, walk.hints.length, [...hints.types.values()].flat().length, Math.round(performance.now() - started));
  return hints;
}

function addTo<T extends HandlerHint | TypeHint>(map: Map<string, T[]>, file: string, hint: T): void {
  const list = map.get(file);
  if (list) list.push(hint);
  else map.set(file, [hint]);
}

/**
 * ts-morph loads only here, only when the project pass runs (it brings the
 * TypeScript compiler, about half a second to load). ts-morph builds the
 * project (files, module resolution, program); the analysis then walks the
 * compiler's own nodes, because wrapping every node in ts-morph objects cost
 * seconds of garbage collection on a 1,000-file corpus.
 */
import { createRequire } from 'node:module';
import type { ts } from 'ts-morph';

export type TsMorph = typeof import('ts-morph');
export type TS = TsMorph['ts'];

/** What every analysis step needs: the compiler namespace, the program and its checker. */
export interface Analysis {
  ts: TS;
  program: ts.Program;
  checker: ts.TypeChecker;
}

let loaded: Promise<TsMorph> | null = null;

export function loadTsMorph(): Promise<TsMorph> {
  // require, not import(): ts-morph is CommonJS, and import() first scans it (and what it
  // re-exports) with Node's CommonJS export lexer, a measurable part of the load.
  loaded ??= Promise.resolve().then(() => createRequire(import.meta.url)('ts-morph') as TsMorph);
  return loaded;
}

/**
 * Per-file state shared by the transforms: the jscodeshift API, the report
 * entries, and the runtime/compat names the rewritten code needs imported.
 * Transforms collect what they need here and imports.ts adds it once at the end.
 */
import type { API, Collection, JSCodeshift } from 'jscodeshift';
import { hasNodeOfType } from './ast-utils.js';

const ESM_DECLARATIONS = new Set(['ImportDeclaration', 'ExportDefaultDeclaration', 'ExportNamedDeclaration']);

export type EntryKind = 'migrated' | 'compat' | 'todo';

export interface MigrationEntry {
  file: string;
  line: number;
  kind: EntryKind;
  rule: string;
  reason?: string;
  handler?: string;
}

export interface TransformOptions {
  path: string;
  runtimeImport: string;
  compatImport: string;
}

export interface FileContext {
  j: JSCodeshift;
  root: Collection;
  options: TransformOptions;
  entries: MigrationEntry[];
  handlers: { native: number; compat: number };
  /** Names to import from the runtime module (Server, Router, jsonBody, ...). */
  runtimeNames: Set<string>;
  /** Type-only names to import from the runtime module (Context). */
  runtimeTypeNames: Set<string>;
  /** Names to import from the compat module (fromExpress, mountExpress). */
  compatNames: Set<string>;
  /** Default imports from helper packages Express itself uses (type-is, accepts, ...). */
  helperImports: Map<string, string>;
  /** Custom request properties that migrated code stores on ctx.state. */
  stateProps: Set<string>;
  /** True once anything in the file changed. */
  changed: boolean;
  /** Whether the file is ES module syntax (import/export) or CommonJS. */
  esm: boolean;
  /** The file's dominant quote style, for code we add. */
  quote: 'single' | 'double';
}

export function createFileContext(j: JSCodeshift, root: Collection, options: TransformOptions): FileContext {
  // One plain walk that stops at the first match, not three Collection.find passes over the whole file.
  const esm = root.paths().some((p) => hasNodeOfType(j, p.node, ESM_DECLARATIONS));
  return {
    j, root, options, entries: [], handlers: { native: 0, compat: 0 },
    runtimeNames: new Set(), runtimeTypeNames: new Set(), compatNames: new Set(), helperImports: new Map(),
    stateProps: new Set(), changed: false, esm, quote: 'single',
  };
}

export function lineOf(node: { loc?: { start: { line: number } } | null } | null | undefined): number {
  return node?.loc?.start.line ?? 0;
}

export function addEntry(fc: FileContext, node: Parameters<typeof lineOf>[0], kind: EntryKind, rule: string, extra: { reason?: string; handler?: string } = {}): void {
  fc.entries.push({ file: fc.options.path, line: lineOf(node), kind, rule, ...extra });
}

export type { API };

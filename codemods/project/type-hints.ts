/**
 * Names imported from a local module that stand for Express types
 * (`import type { Req } from './types'` where types.ts re-exports express's
 * Request, or declares `type Req = Request`). Files importing straight from
 * 'express' need no hint: the per-file transform sees those imports itself.
 */
import type { ts } from 'ts-morph';
import { EXPRESS_MODULES } from './express-names.js';
import type { TypeHint } from './hints.js';
import type { ModuleGraph, ModuleInfo } from './module-graph.js';

const MAX_DEPTH = 6;

/** The Express type a module exports under `name`, following re-exports and aliases. */
export function exportedExpressType(graph: ModuleGraph, file: string | null, name: string, depth = 0): string | null {
  if (!file || depth > MAX_DEPTH) return null;
  const module = graph.get(file);
  if (!module) return null;
  const re = module.reexports.get(name);
  if (re) return EXPRESS_MODULES.has(re.spec) ? re.name : exportedExpressType(graph, re.file, re.name, depth + 1);
  const node = module.exports.get(name);
  if (node) return localExpressType(graph, module, node, depth + 1);
  for (const from of module.starFrom) {
    const found = exportedExpressType(graph, from, name, depth + 1);
    if (found) return found;
  }
  return null;
}

function localExpressType(graph: ModuleGraph, module: ModuleInfo, node: ts.Node, depth: number): string | null {
  const { ts } = graph;
  let name: string | null = null;
  if (ts.isIdentifier(node)) name = node.text;
  else if (ts.isTypeAliasDeclaration(node) && ts.isTypeReferenceNode(node.type)) {
    const typeName = node.type.typeName;
    if (ts.isIdentifier(typeName)) name = typeName.text;
    else if (ts.isIdentifier(typeName.left)) {
      const binding = module.bindings.get(typeName.left.text);
      return binding?.kind === 'import' && EXPRESS_MODULES.has(binding.spec) ? typeName.right.text : null;
    }
  }
  if (!name) return null;
  const binding = module.bindings.get(name);
  if (binding?.kind === 'import') {
    return EXPRESS_MODULES.has(binding.spec) ? binding.name : exportedExpressType(graph, binding.file, binding.name, depth + 1);
  }
  if (binding?.kind === 'local' && binding.node !== node) return localExpressType(graph, module, binding.node, depth + 1);
  return null;
}

export function typeHintsIn(graph: ModuleGraph, module: ModuleInfo): TypeHint[] {
  const hints: TypeHint[] = [];
  for (const [localName, binding] of module.bindings) {
    if (binding.kind !== 'import' || binding.file === null || binding.name === '*') continue;
    const expressType = exportedExpressType(graph, binding.file, binding.name);
    if (expressType) hints.push({ file: module.file, localName, expressType, line: lineOfImport(graph, module, localName) });
  }
  return hints;
}

function lineOfImport(graph: ModuleGraph, module: ModuleInfo, localName: string): number {
  const { ts } = graph;
  for (const st of module.sf.statements) {
    if (ts.isImportDeclaration(st) && st.getText(module.sf).includes(localName)) {
      return module.sf.getLineAndCharacterOfPosition(st.getStart(module.sf)).line + 1;
    }
  }
  return 0;
}

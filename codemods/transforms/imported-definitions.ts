/**
 * The defining side of handlers registered by other modules: the runner
 * (codemods/imported-handlers.ts) names the functions of this file that
 * every registering module takes natively, with how they run them (route or
 * middleware, relative URL or not); each is converted in place with the
 * same convertHandler the registrations use, or left as it was with the
 * reason. A factory (`requireRole(role) { return (req, res, next) => ... }`)
 * keeps its signature; the functions it returns are converted.
 */
import type { ASTPath, JSCodeshift } from 'jscodeshift';
import jscodeshift from 'jscodeshift';
import type { DefinitionToConvert, ImportedHandlerReport, ParserName } from '../transform-api.js';
import { isFunctionNode, isReference, pathsWhere } from './ast-utils.js';
import { addEntry, createFileContext, type FileContext, type MigrationEntry } from './context.js';
import { findExpressBinding, type ExpressBinding } from './express-binding.js';
import { detectQuote } from './express-to-runtime.js';
import { convertHandler } from './handler.js';
import { rewriteImports } from './imports.js';
import { collectingRequestWrites } from './request-props.js';

/** What compat mirrors between req and ctx.state by default; other properties are reported, and only route-level registrations take them. */
const BRIDGED_STATE = new Set(['user', 'session']);

export interface DefinitionOptions {
  path: string;
  parser: ParserName;
  runtimeImport: string;
  compatImport: string;
  /** True when `source` is the original text (positions hold); otherwise functions are found by name. */
  original: boolean;
}

export interface DefinitionsResult {
  output: string | null;
  entries: MigrationEntry[];
  definitions: ImportedHandlerReport['definitions'];
}

export function convertDefinitions(source: string, defs: DefinitionToConvert[], options: DefinitionOptions): DefinitionsResult {
  const j = jscodeshift.withParser(options.parser);
  const root = j(source);
  const fc = createFileContext(j, root, { path: options.path, runtimeImport: options.runtimeImport, compatImport: options.compatImport });
  fc.quote = detectQuote(source);
  const definitions = defs.map((def) => {
    const stateWrites = new Set<string>();
    const requestWrites = new Set<string>();
    const reason = convertOne(fc, def, options.original, stateWrites, requestWrites);
    const report: ImportedHandlerReport['definitions'][number] = { line: def.line, column: def.column, reason };
    if (reason === null && stateWrites.size > 0) report.stateWrites = [...stateWrites].sort();
    if (reason === null && requestWrites.size > 0) report.requestWrites = [...requestWrites].sort();
    return report;
  });
  if (!fc.changed) return { output: null, entries: fc.entries, definitions };
  rewriteImports(fc, findExpressBinding(fc) ?? noBinding());
  return { output: root.toSource({ quote: fc.quote, reuseWhitespace: true, arrowParensAlways: true }), entries: fc.entries, definitions };
}

/** Converts one definition; the reason it stays on Express, or null. */
function convertOne(fc: FileContext, def: DefinitionToConvert, original: boolean, stateWrites: Set<string>, requestWrites: Set<string>): string | null {
  const found = locate(fc, def, original);
  if (typeof found === 'string') return found;
  const escape = usedInOwnModule(fc, found);
  if (escape) return escape;
  const targets = def.factory ? returnedFunctions(fc.j, found) : [found];
  if (targets.length === 0) return `${def.name ?? 'the factory'} does not return a function written in place`;
  const site = { role: def.role, relativeUrl: def.relativeUrl, indexNames: new Map<number, string>(), stateReadable: new Set<string>(), bridgeable: false, routeSegments: null };
  const results = [];
  for (const target of targets) {
    // Registered with use(): what it sets on req is read anywhere in the app, so it stays on the raw request (request-props.ts).
    const { value: result, writes } = def.global
      ? collectingRequestWrites(fc.options.path, () => convertHandler(fc, target.node, site))
      : { value: convertHandler(fc, target.node, site), writes: [] };
    if (!result.ok) return result.reason;
    writes.forEach((w) => requestWrites.add(w));
    for (const w of result.stateWrites) if (!BRIDGED_STATE.has(w)) stateWrites.add(w);
    results.push({ target, result });
  }
  const at = { loc: found.node.loc };
  for (const { target, result } of results) {
    if (result.typed) fc.runtimeTypeNames.add('Context');
    const holder = target.parent.node;
    if (holder.type === 'VariableDeclarator' && holder.init === target.node && holder.id.typeAnnotation) holder.id.typeAnnotation = null;
    target.replace(result.node);
    result.outside?.();
  }
  addEntry(fc, at, 'migrated', 'imported-handler-definition', { handler: def.name ?? 'default export', reason: `registered natively by every module that uses it (as ${def.role})` });
  fc.changed = true;
  return null;
}

/** The function the project pass pointed at: by position in the original text, otherwise by its name. */
function locate(fc: FileContext, def: DefinitionToConvert, original: boolean): ASTPath<any> | string {
  // One plain walk (ast-utils), not root.find(j.Node): the same paths in the same order, without a PathVisitor.
  const fns: ASTPath<any>[] = fc.root.paths().flatMap((top) => pathsWhere(fc.j, top, isFunctionNode));
  const matches = original
    ? fns.filter((p) => startsAt(p.node, def) || (p.parent.node.type.startsWith('Export') && startsAt(p.parent.node, def)))
    : fns.filter((p) => nameOf(p) === (def.name ?? 'default'));
  if (matches.length === 1) return matches[0];
  return matches.length === 0 ? `${def.name ?? 'the handler'} is not a plain function here` : `more than one function is named ${def.name}`;
}

function startsAt(node: any, def: DefinitionToConvert): boolean {
  return node.loc?.start.line === def.line && node.loc?.start.column === def.column;
}

/** The name a module knows a function by: its declaration, variable, property or export. */
function nameOf(p: ASTPath<any>): string | null {
  const parent = p.parent.node;
  if (p.node.type === 'FunctionDeclaration' && p.node.id) return p.node.id.name;
  if (parent.type === 'VariableDeclarator' && parent.init === p.node && parent.id.type === 'Identifier') return parent.id.name;
  if ((parent.type === 'ObjectProperty' || parent.type === 'Property') && parent.value === p.node && parent.key.type === 'Identifier') return parent.key.name;
  if (parent.type === 'AssignmentExpression' && parent.right === p.node) {
    const left = parent.left;
    if (isModuleExports(left)) return 'default';
    if (left.type === 'MemberExpression' && !left.computed) return left.property.name;
  }
  if (parent.type === 'ExportDefaultDeclaration') return 'default';
  return null;
}

function isModuleExports(node: any): boolean {
  return node.type === 'MemberExpression' && node.object.type === 'Identifier' && node.object.name === 'module' && node.property.name === 'exports';
}

/** The function's own module may only export it: a direct call or a local registration still needs the Express signature. */
function usedInOwnModule(fc: FileContext, fn: ASTPath<any>): string | null {
  const parent = fn.parent.node;
  const name = fn.node.type === 'FunctionDeclaration' ? fn.node.id?.name
    : parent.type === 'VariableDeclarator' && parent.id.type === 'Identifier' ? parent.id.name : null;
  if (!name) return null;
  const declared = fn.node.type === 'FunctionDeclaration' ? fn.node.id : parent.id;
  let reason: string | null = null;
  fc.root.find(fc.j.Identifier, { name }).forEach((p) => {
    if (reason || p.node === declared || !isReference(p) || !isTopLevelBinding(p, fn, name)) return;
    if (!isExportOnly(p)) reason = `${name} is also used in its own module (line ${p.node.loc?.start.line ?? '?'})`;
  });
  return reason;
}

function isTopLevelBinding(p: ASTPath<any>, fn: ASTPath<any>, name: string): boolean {
  const scope = p.scope?.lookup(name);
  return !scope || scope === (fn.node.type === 'FunctionDeclaration' ? fn.scope?.lookup(name) : fn.parent.scope?.lookup(name));
}

/** `export { name }`, `export default name`, `module.exports = name | { name }`, `exports.x = name`. */
function isExportOnly(p: ASTPath<any>): boolean {
  let at: ASTPath<any> = p;
  const parent = at.parent.node;
  if (parent.type === 'ExportSpecifier' || parent.type === 'ExportDefaultDeclaration') return true;
  if ((parent.type === 'ObjectProperty' || parent.type === 'Property') && parent.value === p.node) at = at.parent.parent;
  const assign = at.parent.node;
  if (assign.type !== 'AssignmentExpression' || assign.right !== at.node || at.parent.parent.node.type !== 'ExpressionStatement') return false;
  const left = assign.left;
  if (isModuleExports(left)) return true;
  return left.type === 'MemberExpression' && (isModuleExports(left.object) || (left.object.type === 'Identifier' && left.object.name === 'exports'));
}

/** Paths of the functions a factory returns (its own `return`s, or an arrow's expression body). */
function returnedFunctions(j: JSCodeshift, factory: ASTPath<any>): ASTPath<any>[] {
  if (factory.node.body.type !== 'BlockStatement') return isFunctionNode(factory.node.body) ? [factory.get('body')] : [];
  const out: ASTPath<any>[] = [];
  let plain = true;
  j(factory.get('body')).find(j.ReturnStatement).forEach((r) => {
    let owner = r.parent;
    while (owner && !isFunctionNode(owner.node)) owner = owner.parent;
    if (owner?.node !== factory.node) return;
    if (r.node.argument && isFunctionNode(r.node.argument)) out.push(r.get('argument'));
    else plain = false;
  });
  return plain ? out : [];
}

function noBinding(): ExpressBinding {
  return { moduleNames: new Set(), routerFactories: new Set(), typeNames: new Map(), declarations: [] };
}

/**
 * Every use of an app/router variable, classified. A use we do not
 * understand (the app passed to another module, app.locals, a setting with
 * no runtime meaning) keeps the whole receiver on Express: after migration
 * it would be a runtime Server and that code would break.
 */
import type { ASTPath } from 'jscodeshift';
import type { FileContext } from './context.js';
import { refersTo, type Receiver } from './express-binding.js';
import { identifierPaths, isStringLiteral } from './ast-utils.js';

export const ROUTE_METHODS = new Set(['get', 'post', 'put', 'patch', 'delete', 'del', 'head', 'options', 'all']);

export type ReceiverUse =
  | { kind: 'registration'; stmt: ASTPath<any>; method: string; args: any[]; call: any }
  | { kind: 'route-chain'; stmt: ASTPath<any>; path: any; methods: Array<{ method: string; args: any[] }> }
  | { kind: 'listen'; path: ASTPath<any>; call: any; statement: boolean }
  | { kind: 'export'; path: ASTPath<any> }
  | { kind: 'setting'; stmt: ASTPath<any>; method: string; args: any[] }
  | { kind: 'mounted'; path: ASTPath<any> }
  | { kind: 'unknown'; path: ASTPath<any>; reason: string };

/** Filled in along the way: original source position, and the last statement a rewrite produced. */
export interface UseMarks { start?: number; tail?: any }

export function collectUses(fc: FileContext, r: Receiver): ReceiverUse[] {
  const { j, root } = fc;
  const uses: ReceiverUse[] = [];
  // One plain walk (ast-utils), not root.find: the same paths in the same order, without a PathVisitor.
  root.paths().flatMap((top) => identifierPaths(j, top, r.name)).forEach((p) => {
    if (p.node === r.declarator.node.id) return;
    if (!refersTo(p, p.node, r)) return;
    const parent = p.parent.node;
    if (parent.type === 'MemberExpression' && parent.property === p.node && !parent.computed) return;
    if ((parent.type === 'Property' || parent.type === 'ObjectProperty') && parent.key === p.node && !parent.shorthand) return;
    const use = classify(fc, r, p);
    // Source order, taken before any rewrite moves nodes around.
    const at = (use as { stmt?: ASTPath<any> }).stmt?.node ?? (use as { path?: ASTPath<any> }).path?.node;
    (use as { start?: number }).start = at?.start ?? at?.loc?.start.line ?? 0;
    uses.push(use);
  });
  return uses;
}

function classify(fc: FileContext, r: Receiver, p: ASTPath<any>): ReceiverUse {
  const parent = p.parent.node;
  if (parent.type === 'MemberExpression' && parent.object === p.node && !parent.computed) {
    const method = parent.property.name as string;
    const call = p.parent.parent.node;
    if (call.type !== 'CallExpression' || call.callee !== parent) return { kind: 'unknown', path: p, reason: `${r.name}.${method} is used as a value` };
    if (method === 'listen') return { kind: 'listen', path: p.parent.parent, call, statement: p.parent.parent.parent.node.type === 'ExpressionStatement' };
    if (method === 'route') return routeChain(r, p);
    const stmt = p.parent.parent.parent;
    if (stmt.node.type !== 'ExpressionStatement') return { kind: 'unknown', path: p, reason: `the result of ${r.name}.${method}() is used` };
    if (ROUTE_METHODS.has(method) && !(method === 'get' && call.arguments.length === 1)) return { kind: 'registration', stmt, method, args: call.arguments, call };
    if (method === 'use') return { kind: 'registration', stmt, method, args: call.arguments, call };
    if (['set', 'enable', 'disable'].includes(method)) return { kind: 'setting', stmt, method, args: call.arguments };
    return { kind: 'unknown', path: p, reason: `${r.name}.${method}() has no runtime counterpart` };
  }
  if (isExportPosition(p)) return { kind: 'export', path: p };
  if (parent.type === 'CallExpression' && parent.arguments.includes(p.node)) {
    const callee = parent.callee;
    if (callee.type === 'MemberExpression' && ['use'].includes(callee.property?.name)) return { kind: 'mounted', path: p };
  }
  return { kind: 'unknown', path: p, reason: `${r.name} is passed to other code` };
}

function routeChain(r: Receiver, p: ASTPath<any>): ReceiverUse {
  const routeCall = p.parent.parent;
  const path = routeCall.node.arguments[0];
  const methods: Array<{ method: string; args: any[] }> = [];
  let cur = routeCall;
  for (;;) {
    const m = cur.parent.node;
    if (m.type !== 'MemberExpression' || m.object !== cur.node) break;
    const call = cur.parent.parent.node;
    if (call.type !== 'CallExpression' || call.callee !== m || !ROUTE_METHODS.has(m.property.name)) return { kind: 'unknown', path: p, reason: `${r.name}.route() chained with .${m.property.name}` };
    methods.push({ method: m.property.name, args: call.arguments });
    cur = cur.parent.parent;
  }
  if (cur.parent.node.type !== 'ExpressionStatement' || routeCall.node.arguments.length !== 1 || methods.length === 0) return { kind: 'unknown', path: p, reason: `${r.name}.route() used as a value` };
  return { kind: 'route-chain', stmt: cur.parent, path, methods };
}

/** module.exports = app, exports.app = app, module.exports = { app }, export default app, export { app } */
export function isExportPosition(p: ASTPath<any>): boolean {
  const parent = p.parent.node;
  if (parent.type === 'ExportDefaultDeclaration') return true;
  if (parent.type === 'ExportSpecifier') return true;
  if (parent.type === 'AssignmentExpression' && parent.right === p.node) return isModuleExportsTarget(parent.left);
  if ((parent.type === 'Property' || parent.type === 'ObjectProperty') && parent.value === p.node) {
    const obj = p.parent.parent;
    const assign = obj.parent.node;
    return assign.type === 'AssignmentExpression' && assign.right === obj.node && isModuleExportsTarget(assign.left);
  }
  return false;
}

function isModuleExportsTarget(left: any): boolean {
  if (left.type !== 'MemberExpression') return false;
  const isModuleExports = (n: any) => n.type === 'MemberExpression' && n.object.type === 'Identifier' && n.object.name === 'module' && n.property.name === 'exports';
  if (isModuleExports(left)) return true;
  if (left.object.type === 'Identifier' && left.object.name === 'exports') return true;
  return isModuleExports(left.object);
}

export function settingKey(args: any[]): string | null {
  return isStringLiteral(args[0]) ? args[0].value : null;
}

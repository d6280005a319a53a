/**
 * Proves which names really come from Express (STYLE.md #14): the module
 * binding (`import express from 'express'`, `require('express')`), the
 * Router factory, the TypeScript types, and the app/router variables created
 * from them. Everything else in the file is left alone.
 */
import type { ASTPath, VariableDeclarator } from 'jscodeshift';
import { isOfType, pathsOfTypes, pathsWhere, walkNodes } from './ast-utils.js';
import type { FileContext } from './context.js';

export interface ExpressBinding {
  /** Local names bound to the express module itself (default, namespace, require). */
  moduleNames: Set<string>;
  /** Local names bound to express.Router. */
  routerFactories: Set<string>;
  /** Local type names imported from express: local -> imported (Request, Response, NextFunction, ...). */
  typeNames: Map<string, string>;
  /** The import/require declarations, for imports.ts to rewrite. */
  declarations: ASTPath[];
}

export interface Receiver {
  name: string;
  kind: 'app' | 'router';
  declarator: ASTPath<VariableDeclarator>;
}

export const EXPRESS_MODULES = new Set(['express', 'express5']);

const BINDING_DECLARATIONS = ['ImportDeclaration', 'VariableDeclarator', 'TSImportEqualsDeclaration'] as const;

export function isRequireOf(fc: FileContext, node: any, modules: Set<string>): boolean {
  return node?.type === 'CallExpression' && node.callee.type === 'Identifier' && node.callee.name === 'require'
    && node.arguments.length === 1 && isStringLike(node.arguments[0]) && modules.has(node.arguments[0].value);
}

export function isStringLike(node: any): boolean {
  return (node?.type === 'StringLiteral' || node?.type === 'Literal') && typeof node.value === 'string';
}

export function findExpressBinding(fc: FileContext): ExpressBinding | null {
  const { j, root } = fc;
  const b: ExpressBinding = { moduleNames: new Set(), routerFactories: new Set(), typeNames: new Map(), declarations: [] };
  // One walk for the three kinds of declaration, in the order Collection.find would give each.
  const found = root.paths().map((p) => pathsOfTypes(j, p, BINDING_DECLARATIONS));
  found.flatMap((f) => f.ImportDeclaration).forEach((p) => {
    if (!EXPRESS_MODULES.has(String(p.node.source.value))) return;
    b.declarations.push(p);
    for (const s of p.node.specifiers ?? []) {
      const local = s.local?.name as string | undefined;
      if (!local) continue;
      if (s.type === 'ImportDefaultSpecifier' || s.type === 'ImportNamespaceSpecifier') b.moduleNames.add(local);
      else if (s.type === 'ImportSpecifier') {
        const imported = s.imported.name as string;
        if (imported === 'Router') b.routerFactories.add(local);
        else if (imported === 'default') b.moduleNames.add(local);
        else b.typeNames.set(local, imported);
      }
    }
  });
  found.flatMap((f) => f.VariableDeclarator).forEach((p) => {
    const init = p.node.init as any;
    if (isRequireOf(fc, init, EXPRESS_MODULES)) {
      b.declarations.push(p);
      if (p.node.id.type === 'Identifier') b.moduleNames.add(p.node.id.name);
      else if (p.node.id.type === 'ObjectPattern') {
        for (const prop of p.node.id.properties as any[]) {
          if ((prop.type === 'Property' || prop.type === 'ObjectProperty') && prop.key.type === 'Identifier' && prop.value.type === 'Identifier') {
            if (prop.key.name === 'Router') b.routerFactories.add(prop.value.name);
          }
        }
      }
    } else if (init?.type === 'MemberExpression' && isRequireOf(fc, init.object, EXPRESS_MODULES)
      && init.property.type === 'Identifier' && init.property.name === 'Router' && p.node.id.type === 'Identifier') {
      b.declarations.push(p);
      b.routerFactories.add(p.node.id.name);
    }
  });
  // TS: import type { Request } from 'express' is covered above; `import express = require('express')`.
  found.flatMap((f) => f.TSImportEqualsDeclaration).forEach((p) => {
    const ref = p.node.moduleReference as any;
    if (ref.type === 'TSExternalModuleReference' && EXPRESS_MODULES.has(ref.expression.value)) {
      b.declarations.push(p);
      b.moduleNames.add((p.node.id as any).name);
    }
  });
  if (b.declarations.length === 0) return null;
  return b;
}

/** `express()` */
export function isAppFactoryCall(b: ExpressBinding, node: any): boolean {
  return node?.type === 'CallExpression' && node.callee.type === 'Identifier' && b.moduleNames.has(node.callee.name);
}

/** `express.Router()` or `Router()` */
export function isRouterFactoryCall(b: ExpressBinding, node: any): boolean {
  if (node?.type !== 'CallExpression') return false;
  const c = node.callee;
  if (c.type === 'Identifier') return b.routerFactories.has(c.name);
  return c.type === 'MemberExpression' && !c.computed && c.object.type === 'Identifier' && b.moduleNames.has(c.object.name)
    && c.property.type === 'Identifier' && c.property.name === 'Router';
}

/** `express.json`, `express.static`, ... as a member of the module binding. */
export function expressMember(b: ExpressBinding, node: any): string | null {
  if (node?.type !== 'MemberExpression' || node.computed || node.object.type !== 'Identifier' || !b.moduleNames.has(node.object.name)) return null;
  return node.property.type === 'Identifier' ? node.property.name : null;
}

/** Identifiers passed to mountExpress(...) are legacy Express apps the codemod created or the user kept: never migrated. */
function legacyNames(fc: FileContext): Set<string> {
  const { j, root } = fc;
  const names = new Set<string>();
  for (const r of root.paths()) {
    walkNodes(j, r.node, (n) => {
      if (isOfType(j, n.type, 'CallExpression') && n.callee?.type === 'Identifier' && n.callee.name === 'mountExpress') {
        for (const a of n.arguments) if (a.type === 'Identifier') names.add(a.name);
      }
    });
  }
  return names;
}

export function findReceivers(fc: FileContext, b: ExpressBinding): Receiver[] {
  const { j, root } = fc;
  const legacy = legacyNames(fc);
  const out: Receiver[] = [];
  root.paths().flatMap((r) => pathsOfTypes(j, r, ['VariableDeclarator']).VariableDeclarator).forEach((p) => {
    if (p.node.id.type !== 'Identifier' || legacy.has(p.node.id.name)) return;
    const init = p.node.init;
    const kind = isAppFactoryCall(b, init) ? 'app' : isRouterFactoryCall(b, init) ? 'router' : null;
    if (!kind) return;
    if (isReassigned(fc, p)) return;
    out.push({ name: p.node.id.name, kind, declarator: p });
  });
  return out;
}

function isReassigned(fc: FileContext, decl: ASTPath<VariableDeclarator>): boolean {
  const { j, root } = fc;
  const name = (decl.node.id as any).name as string;
  const scope = decl.scope;
  return root.paths().some((r) => pathsWhere(j, r, (n) => n.type === 'AssignmentExpression' && n.left?.type === 'Identifier' && n.left.name === name)
    .some((p) => p.scope.lookup(name) === scope));
}

/** True when `node` is an identifier referring to the receiver's own binding (not a shadowing one). */
export function refersTo(path: ASTPath, node: any, r: Receiver): boolean {
  return node?.type === 'Identifier' && node.name === r.name && path.scope?.lookup(r.name) === r.declarator.scope;
}

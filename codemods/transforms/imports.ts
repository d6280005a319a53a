/**
 * Imports, once, at the end: the runtime and compat names the rewritten code
 * uses, helper packages Express itself depends on (type-is, accepts,
 * content-disposition), and the express import trimmed to what is still
 * referenced (a legacy app, a type, express.text()). CJS stays CJS, ESM stays ESM.
 */
import type { ASTPath } from 'jscodeshift';
import type { FileContext } from './context.js';
import { isReference, parseStatement } from './ast-utils.js';
import type { ExpressBinding } from './express-binding.js';

export function rewriteImports(fc: FileContext, b: ExpressBinding): void {
  const anchor = firstImportAnchor(fc, b);
  addNamedImport(fc, fc.options.runtimeImport, [...fc.runtimeNames].sort(), [...fc.runtimeTypeNames].sort(), anchor);
  addNamedImport(fc, fc.options.compatImport, [...fc.compatNames].sort(), [], anchor);
  for (const [local, pkg] of fc.helperImports) addDefaultImport(fc, local, pkg, anchor);
  trimExpressImports(fc, b);
}

function firstImportAnchor(fc: FileContext, b: ExpressBinding): ASTPath<any> | null {
  const first = b.declarations[0];
  if (!first) return null;
  return first.node.type === 'VariableDeclarator' ? first.parent : first;
}

function isReferenced(fc: FileContext, name: string, exclude: Set<any>): boolean {
  const { j, root } = fc;
  let found = false;
  root.find(j.Identifier, { name }).forEach((p) => {
    if (found) return;
    let cur: ASTPath<any> | null = p;
    while (cur) { if (exclude.has(cur.node)) return; cur = cur.parent; }
    const parent = p.parent.node;
    if (parent.type === 'TSTypeReference' || parent.type === 'TSQualifiedName' || parent.type === 'TSExpressionWithTypeArguments') { found = true; return; }
    if (isReference(p)) found = true;
  });
  return found;
}

function trimExpressImports(fc: FileContext, b: ExpressBinding): void {
  const { j } = fc;
  const decls = new Set(b.declarations.map((d) => d.node));
  for (const d of b.declarations) {
    const node = d.node;
    if (node.type === 'ImportDeclaration') {
      node.specifiers = (node.specifiers ?? []).filter((s: any) => isReferenced(fc, s.local.name, decls));
      if (node.specifiers.length === 0) removeStatement(fc, d);
    } else if (node.type === 'VariableDeclarator') {
      if (node.id.type === 'Identifier') {
        if (!isReferenced(fc, node.id.name, decls)) removeDeclarator(fc, d);
      } else if (node.id.type === 'ObjectPattern') {
        node.id.properties = node.id.properties.filter((p: any) => p.value?.type !== 'Identifier' || isReferenced(fc, p.value.name, decls));
        if (node.id.properties.length === 0) removeDeclarator(fc, d);
      }
    } else if (node.type === 'TSImportEqualsDeclaration') {
      if (!isReferenced(fc, (node.id as any).name, decls)) removeStatement(fc, d);
    }
  }
}

function removeDeclarator(fc: FileContext, d: ASTPath<any>): void {
  if (d.parent.node.declarations.length === 1) removeStatement(fc, d.parent);
  else fc.j(d).remove();
}

/** Removes a statement, handing its comments (file headers, explanations) to the statement after it. */
function removeStatement(fc: FileContext, stmt: ASTPath<any>): void {
  const body = stmt.parent?.node.body;
  const next = Array.isArray(body) ? body[body.indexOf(stmt.node) + 1] : null;
  const comments = (stmt.node.comments ?? []).filter((c: any) => c.leading !== false);
  if (comments.length && next) next.comments = [...comments, ...(next.comments ?? [])];
  fc.j(stmt).remove();
}

function existingModuleImport(fc: FileContext, source: string): ASTPath<any> | null {
  const { j, root } = fc;
  if (fc.esm) {
    const found = root.find(j.ImportDeclaration, { source: { value: source } }).filter((p) => p.node.importKind !== 'type');
    return found.size() ? found.paths()[0] : null;
  }
  const found = root.find(j.VariableDeclarator).filter((p) => {
    const init = p.node.init as any;
    return init?.type === 'CallExpression' && init.callee.name === 'require' && init.arguments[0]?.value === source && p.node.id.type === 'ObjectPattern';
  });
  return found.size() ? found.paths()[0] : null;
}

function addNamedImport(fc: FileContext, source: string, names: string[], typeNames: string[], anchor: ASTPath<any> | null): void {
  const { j } = fc;
  if (names.length > 0) {
    const existing = existingModuleImport(fc, source);
    if (existing && fc.esm) {
      const have = new Set(existing.node.specifiers.map((s: any) => s.local.name));
      for (const n of names) if (!have.has(n)) existing.node.specifiers.push(j.importSpecifier(j.identifier(n)));
    } else if (existing) {
      const have = new Set(existing.node.id.properties.map((p: any) => p.value?.name));
      for (const n of names) if (!have.has(n)) existing.node.id.properties.push(shorthand(fc, n));
    } else {
      insert(fc, anchor, parseStatement(j, useImportSyntax(fc)
        ? `import { ${names.join(', ')} } from ${quote(fc, source)};`
        : `const { ${names.join(', ')} } = require(${quote(fc, source)});`));
    }
  }
  if (typeNames.length > 0) {
    const { root } = fc;
    const existingType = root.find(j.ImportDeclaration, { source: { value: source }, importKind: 'type' });
    if (existingType.size()) {
      const node = existingType.paths()[0].node as any;
      const have = new Set(node.specifiers.map((s: any) => s.local.name));
      for (const n of typeNames) if (!have.has(n)) node.specifiers.push(j.importSpecifier(j.identifier(n)));
    } else {
      insert(fc, anchor, parseStatement(j, `import type { ${typeNames.join(', ')} } from ${quote(fc, source)};`));
    }
  }
}

function shorthand(fc: FileContext, n: string): any {
  const p = fc.j.property('init', fc.j.identifier(n), fc.j.identifier(n));
  (p as any).shorthand = true;
  return p;
}

function useImportSyntax(fc: FileContext): boolean {
  return fc.esm || (isTypeScript(fc) && !hasRequire(fc));
}

function quote(fc: FileContext, s: string): string {
  return fc.quote === 'double' ? JSON.stringify(s) : `'${s.replace(/'/g, "\\'")}'`;
}

function isTypeScript(fc: FileContext): boolean {
  return /\.[mc]?tsx?$/.test(fc.options.path);
}

function hasRequire(fc: FileContext): boolean {
  return fc.root.find(fc.j.CallExpression, { callee: { type: 'Identifier', name: 'require' } }).size() > 0;
}

function addDefaultImport(fc: FileContext, local: string, pkg: string, anchor: ASTPath<any> | null): void {
  const { j, root } = fc;
  const bound = root.find(j.VariableDeclarator, { id: { type: 'Identifier', name: local } }).size() > 0
    || root.find(j.ImportDefaultSpecifier, { local: { name: local } }).size() > 0
    || root.find(j.ImportNamespaceSpecifier, { local: { name: local } }).size() > 0;
  if (bound) return;
  insert(fc, anchor, parseStatement(j, useImportSyntax(fc)
    ? `import ${local} from ${quote(fc, pkg)};`
    : `const ${local} = require(${quote(fc, pkg)});`));
}

/** After the express import (keeps imports together, and a file header above it stays first); at the top otherwise. */
function insert(fc: FileContext, anchor: ASTPath<any> | null, node: any): void {
  if (anchor && anchor.parent?.node.type === 'Program') {
    const body = anchor.parent.node.body as any[];
    let at = body.indexOf(anchor.node) + 1;
    while (at < body.length && body[at].inserted) at++;
    node.inserted = true;
    body.splice(at, 0, node);
    return;
  }
  const body = fc.root.get().node.program.body as any[];
  const at = body.findIndex((s) => !(s.type === 'ExpressionStatement' && s.directive) && s.type !== 'ImportDeclaration');
  body.splice(at < 0 ? body.length : at, 0, node);
}

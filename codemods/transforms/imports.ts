/**
 * Imports, once, at the end: the runtime and compat names the rewritten code
 * uses, helper packages Express itself depends on (type-is, accepts,
 * content-disposition; parseurl, encodeurl and http-errors from
 * expressway/helpers: helper-sources.ts), and the express import trimmed to what is still
 * referenced (a legacy app, a type, express.text()). CJS stays CJS, ESM stays ESM.
 */
import type { ASTPath } from 'jscodeshift';
import type { FileContext } from './context.js';
import { hasNode, identifierPaths, isOfType, isReference, parseStatement, pathsWhere } from './ast-utils.js';
import type { ExpressBinding } from './express-binding.js';
import { alignContextTypes } from './context-types.js';
import { helperSource } from './helper-sources.js';

export function rewriteImports(fc: FileContext, b: ExpressBinding): void {
  // Before the imports are written: a Context whose Locals does not fit its registrations needs DefaultState.
  alignContextTypes(fc);
  const anchor = firstImportAnchor(fc, b);
  // Trim first: the runtime's `Router` may replace express's `Router` under the same name.
  const removable = trimExpressImports(fc, b);
  const added: any[] = [];
  added.push(...namedImports(fc, fc.options.runtimeImport, [...fc.runtimeNames].sort(), [...fc.runtimeTypeNames].sort()));
  added.push(...namedImports(fc, fc.options.compatImport, [...fc.compatNames].sort(), []));
  const fromHelpers = new Map<string, Array<{ name: string; local: string }>>();
  for (const [local, pkg] of fc.helperImports) {
    const via = helperSource(fc, pkg);
    if (via && !isBound(fc, local)) fromHelpers.set(via.source, [...(fromHelpers.get(via.source) ?? []), { name: via.name, local }]);
    if (via) continue;
    const node = defaultImport(fc, local, pkg);
    if (node) added.push(node);
  }
  for (const [source, names] of fromHelpers) added.push(helpersImport(fc, source, names));
  const slot = removable.find((p) => p.parent?.node.type === 'Program');
  if (slot && added.length > 0) {
    // The new imports take the express import's place, with its comments (file headers stay on top).
    added[0].comments = slot.node.comments;
    slot.replace(...added);
  } else if (anchor && !removable.includes(anchor)) {
    const body = anchor.parent.node.body as any[];
    body.splice(body.indexOf(anchor.node) + 1, 0, ...added);
  } else {
    const body = fc.root.get().node.program.body as any[];
    const at = body.findIndex((st) => !(st.type === 'ExpressionStatement' && st.directive) && st.type !== 'ImportDeclaration');
    body.splice(at < 0 ? body.length : at, 0, ...added);
  }
  for (const p of removable) if (p !== slot || added.length === 0) removeStatement(fc, p);
}

function firstImportAnchor(fc: FileContext, b: ExpressBinding): ASTPath<any> | null {
  const first = b.declarations[0];
  if (!first) return null;
  return first.node.type === 'VariableDeclarator' ? first.parent : first;
}

function isReferenced(fc: FileContext, name: string, exclude: Set<any>): boolean {
  const { j, root } = fc;
  let found = false;
  root.paths().flatMap((r) => identifierPaths(j, r, name)).forEach((p) => {
    if (found) return;
    let cur: ASTPath<any> | null = p;
    while (cur) { if (exclude.has(cur.node)) return; cur = cur.parent; }
    const parent = p.parent.node;
    if (parent.type === 'NewExpression' && parent.callee === p.node && fc.runtimeNames.has(name)) return;
    if (parent.type === 'TSTypeReference' || parent.type === 'TSQualifiedName' || parent.type === 'TSExpressionWithTypeArguments') { found = true; return; }
    if (isReference(p)) found = true;
  });
  return found;
}

/** Drops unreferenced express specifiers; returns the statements left empty (removed by the caller). */
function trimExpressImports(fc: FileContext, b: ExpressBinding): ASTPath<any>[] {
  const removable: ASTPath<any>[] = [];
  const decls = new Set(b.declarations.map((d) => d.node));
  for (const d of b.declarations) {
    const node = d.node;
    if (node.type === 'ImportDeclaration') {
      node.specifiers = (node.specifiers ?? []).filter((s: any) => isReferenced(fc, s.local.name, decls));
      if (node.specifiers.length === 0) removable.push(d);
    } else if (node.type === 'VariableDeclarator') {
      if (node.id.type === 'Identifier') {
        if (!isReferenced(fc, node.id.name, decls)) removeDeclarator(fc, d, removable);
      } else if (node.id.type === 'ObjectPattern') {
        node.id.properties = node.id.properties.filter((p: any) => p.value?.type !== 'Identifier' || isReferenced(fc, p.value.name, decls));
        if (node.id.properties.length === 0) removeDeclarator(fc, d, removable);
      }
    } else if (node.type === 'TSImportEqualsDeclaration') {
      if (!isReferenced(fc, (node.id as any).name, decls)) removable.push(d);
    }
  }
  return removable;
}

function removeDeclarator(fc: FileContext, d: ASTPath<any>, removable: ASTPath<any>[]): void {
  if (d.parent.node.declarations.length === 1) removable.push(d.parent);
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
    const found = root.paths().flatMap((r) => pathsWhere(j, r, (n) => n.type === 'ImportDeclaration' && n.source?.value === source && n.importKind !== 'type'));
    return found[0] ?? null;
  }
  const found = root.paths().flatMap((r) => pathsWhere(j, r, (n) => {
    const init = n.init;
    return n.type === 'VariableDeclarator' && init?.type === 'CallExpression' && init.callee.name === 'require' && init.arguments[0]?.value === source && n.id.type === 'ObjectPattern';
  }));
  return found[0] ?? null;
}

/** New import statements for `names`, or none when an existing import of `source` could take them. */
function namedImports(fc: FileContext, source: string, names: string[], typeNames: string[]): any[] {
  const { j } = fc;
  const out: any[] = [];
  if (names.length > 0) {
    const existing = existingModuleImport(fc, source);
    if (existing && fc.esm) {
      const have = new Set(existing.node.specifiers.map((sp: any) => sp.local.name));
      for (const n of names) if (!have.has(n)) existing.node.specifiers.push(j.importSpecifier(j.identifier(n)));
    } else if (existing) {
      const have = new Set(existing.node.id.properties.map((p: any) => p.value?.name));
      for (const n of names) if (!have.has(n)) existing.node.id.properties.push(shorthand(fc, n));
    } else {
      out.push(parseStatement(j, useImportSyntax(fc)
        ? `import { ${names.join(', ')} } from ${quote(fc, source)};`
        : `const { ${names.join(', ')} } = require(${quote(fc, source)});`));
    }
  }
  if (typeNames.length > 0) {
    const existingType = fc.root.paths().flatMap((r) => pathsWhere(j, r, (n) => n.type === 'ImportDeclaration' && n.source?.value === source && n.importKind === 'type'));
    if (existingType.length) {
      const node = existingType[0].node as any;
      const have = new Set(node.specifiers.map((sp: any) => sp.local.name));
      for (const n of typeNames) if (!have.has(n)) node.specifiers.push(j.importSpecifier(j.identifier(n)));
    } else {
      out.push(parseStatement(j, `import type { ${typeNames.join(', ')} } from ${quote(fc, source)};`));
    }
  }
  return out;
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
  const { j } = fc;
  return fc.root.paths().some((r) => hasNode(j, r.node, (n) => isOfType(j, n.type, 'CallExpression') && n.callee?.type === 'Identifier' && n.callee.name === 'require'));
}

function isBound(fc: FileContext, local: string): boolean {
  const { j, root } = fc;
  // One walk that stops at the first binding, not three Collection.find passes.
  return root.paths().some((r) => hasNode(j, r.node, (n) =>
    (n.type === 'VariableDeclarator' && n.id?.type === 'Identifier' && n.id.name === local)
    || ((n.type === 'ImportDefaultSpecifier' || n.type === 'ImportNamespaceSpecifier' || n.type === 'ImportSpecifier') && n.local?.name === local)));
}

/** `import { parseurl, encodeUrl } from 'expressway/helpers';` (or the require), one statement per module. */
function helpersImport(fc: FileContext, source: string, names: Array<{ name: string; local: string }>): any {
  const esm = useImportSyntax(fc);
  const list = names.map(({ name, local }) => (name === local ? name : esm ? `${name} as ${local}` : `${name}: ${local}`)).join(', ');
  return parseStatement(fc.j, esm ? `import { ${list} } from ${quote(fc, source)};` : `const { ${list} } = require(${quote(fc, source)});`);
}

function defaultImport(fc: FileContext, local: string, pkg: string): any | null {
  const { j } = fc;
  if (isBound(fc, local)) return null;
  return parseStatement(j, useImportSyntax(fc)
    ? `import ${local} from ${quote(fc, pkg)};`
    : `const ${local} = require(${quote(fc, pkg)});`);
}


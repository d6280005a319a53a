/**
 * What the arguments of a res.sendFile/res.download call with a callback are,
 * as far as the source proves it (file-callbacks.ts). Express evaluates them,
 * and throws for a path that is not a non-empty string (or a relative path
 * without `root`), before anything reaches the callback; the translation
 * evaluates them inside the try whose catch is the callback. So they must not
 * be able to throw, and the path must be a non-empty string.
 *
 * Kinds, from strongest: 'nonEmpty' (a string, never ''), 'string', 'stringOrUndefined', 'safe' (any
 * value, but evaluating it cannot throw); null when evaluating it may throw.
 */
import type { ASTPath } from 'jscodeshift';
import { isStringLiteral } from './ast-utils.js';
import type { HandlerEnv } from './handler-env.js';

export type Kind = 'nonEmpty' | 'string' | 'stringOrUndefined' | 'safe';

/** What the handler knows about its route: the runtime paths it is registered at (every required param is in all). */
export interface ArgSite {
  env: HandlerEnv;
  at: ASTPath<any>;
  req: string;
  routePaths: string[];
}

const PATH_MODULES = new Set(['path', 'node:path']);
const STRINGS = new Set<Kind>(['nonEmpty', 'string']);

export function isString(kind: Kind | null): boolean {
  return kind !== null && STRINGS.has(kind);
}

export function classify(site: ArgSite, node: any, depth = 0): Kind | null {
  if (!node || depth > 8) return null;
  switch (node.type) {
    case 'StringLiteral': return node.value === '' ? 'string' : 'nonEmpty';
    case 'Literal':
      if (typeof node.value === 'string') return node.value === '' ? 'string' : 'nonEmpty';
      return node.regex ? null : 'safe';
    case 'NumericLiteral': case 'BooleanLiteral': case 'NullLiteral': return 'safe';
    case 'TemplateLiteral': return templateKind(site, node, depth);
    case 'Identifier': return identifierKind(site, node, depth);
    case 'MemberExpression': return memberKind(site, node);
    case 'LogicalExpression': return logicalKind(site, node, depth);
    case 'CallExpression': return pathCallKind(site, node, depth) ?? (isModuleFileUrl(site, node) ? 'nonEmpty' : null);
    case 'ObjectExpression': return node.properties.every((p: any) => plainProperty(site, p, depth)) ? 'safe' : null;
    case 'TSAsExpression': case 'TSNonNullExpression': case 'TypeCastExpression': return classify(site, node.expression, depth + 1);
    default: return null;
  }
}

function plainProperty(site: ArgSite, p: any, depth: number): boolean {
  if ((p.type !== 'Property' && p.type !== 'ObjectProperty') || p.computed || p.kind === 'get' || p.kind === 'set' || p.method) return false;
  return classify(site, p.value, depth + 1) !== null;
}

/** `${x}` calls toString: only strings (and undefined) are sure not to throw there. */
function templateKind(site: ArgSite, node: any, depth: number): Kind | null {
  const kinds = node.expressions.map((e: any) => classify(site, e, depth + 1));
  if (kinds.some((k: Kind | null) => k === null || k === 'safe')) return null;
  const literalText = node.quasis.some((q: any) => (q.value.cooked ?? q.value.raw) !== '');
  return literalText || kinds.includes('nonEmpty') || kinds.includes('stringOrUndefined') ? 'nonEmpty' : 'string';
}

function identifierKind(site: ArgSite, node: any, depth: number): Kind | null {
  const name = node.name as string;
  if (name === 'undefined') return 'stringOrUndefined';
  // CommonJS only: in an ES module reading them throws.
  if (name === '__dirname' || name === '__filename') return site.env.fc.esm ? null : 'nonEmpty';
  const init = constInit(site, name);
  if (init !== undefined) return init === null ? 'safe' : classify(site, init, depth + 1) ?? 'safe';
  return 'safe';
}

/**
 * The initializer of the `const` the name refers to: in the handler (scope lookup on the handler's copy), else
 * at the top of the file. undefined when it is not a const the source shows; null for a const without a usable one.
 */
export function constInit(site: ArgSite, name: string): any {
  const scope = site.at.scope?.lookup(name);
  if (scope) {
    const binding = scope.getBindings()[name]?.[0] as ASTPath<any> | undefined;
    const decl = binding?.parent?.node;
    const declaration = binding?.parent?.parent?.node;
    if (decl?.type === 'VariableDeclarator' && decl.id === binding!.node && declaration?.kind === 'const') return decl.init ?? null;
    return undefined;
  }
  for (const stmt of site.env.fc.root.paths()[0].node.program.body as any[]) {
    if (stmt.type !== 'VariableDeclaration' || stmt.kind !== 'const') continue;
    const decl = stmt.declarations.find((d: any) => d.id.type === 'Identifier' && d.id.name === name);
    if (decl) return decl.init ?? null;
  }
  return undefined;
}

/** `req.params.name` (a string when every path of the route has the param, never empty without a pattern), `req.params[0]`, `req.query.x`. */
function memberKind(site: ArgSite, node: any): Kind | null {
  const obj = node.object;
  if (obj.type !== 'MemberExpression' || obj.computed || obj.object.type !== 'Identifier' || obj.object.name !== site.req) return null;
  const bag = obj.property.name;
  if (bag === 'query' && !node.computed) return 'safe';
  if (bag !== 'params') return null;
  if (node.computed) return node.property.type === 'NumericLiteral' || (node.property.type === 'Literal' && typeof node.property.value === 'number') ? 'stringOrUndefined' : null;
  const param = (node.property.name as string).replace(/[$]/g, '\\$');
  if (site.routePaths.length === 0) return 'stringOrUndefined';
  // `{name}` matches one or more characters of a segment; a pattern of its own (`{name:a*}`) may match none.
  if (site.routePaths.every((p) => new RegExp(`\\{${param}\\}`).test(p))) return 'nonEmpty';
  return site.routePaths.every((p) => new RegExp(`\\{${param}(:[^}]*)?\\}`).test(p)) ? 'string' : 'stringOrUndefined';
}

function logicalKind(site: ArgSite, node: any, depth: number): Kind | null {
  const [left, right] = [classify(site, node.left, depth + 1), classify(site, node.right, depth + 1)];
  if (left === null || right === null) return null;
  // '' and undefined are both falsy: `s || 'x'` is the right side whenever the left is not a non-empty string.
  const stringish = left === 'nonEmpty' || left === 'string' || left === 'stringOrUndefined';
  if (node.operator === '||' && stringish) return right === 'nonEmpty' ? 'nonEmpty' : isString(right) && left !== 'stringOrUndefined' ? 'string' : 'safe';
  return 'safe';
}

/** `path.join(...)` / `path.resolve(...)` / `path.dirname(...)` of strings: a non-empty string ('.' at least); anything else may throw. */
function pathCallKind(site: ArgSite, node: any, depth: number): Kind | null {
  const callee = node.callee;
  if (callee.type !== 'MemberExpression' || callee.computed || callee.object.type !== 'Identifier') return null;
  if (!['join', 'resolve', 'dirname'].includes(callee.property.name) || !isPathModule(site, callee.object.name)) return null;
  return node.arguments.every((a: any) => isString(classify(site, a, depth + 1))) ? 'nonEmpty' : null;
}

/**
 * `fileURLToPath(import.meta.url)` or `fileURLToPath(new URL('literal', import.meta.url))` with fileURLToPath
 * imported from 'url' / 'node:url': the absolute path of (or next to) the module itself; neither call throws there.
 */
export function isModuleFileUrl(site: ArgSite, node: any): boolean {
  if (node?.type !== 'CallExpression' || node.callee.type !== 'Identifier' || node.arguments.length !== 1) return false;
  const name = node.callee.name as string;
  if (site.at.scope?.lookup(name)) return false;
  const imported = (site.env.fc.root.paths()[0].node.program.body as any[]).some((stmt) => stmt.type === 'ImportDeclaration'
    && ['url', 'node:url'].includes(String(stmt.source.value))
    && stmt.specifiers.some((s: any) => s.type === 'ImportSpecifier' && s.imported.name === 'fileURLToPath' && s.local.name === name));
  if (!imported) return false;
  const metaUrl = (n: any) => n?.type === 'MemberExpression' && !n.computed && n.object.type === 'MetaProperty' && n.property.name === 'url';
  const [arg] = node.arguments;
  if (metaUrl(arg)) return true;
  return arg.type === 'NewExpression' && arg.callee.type === 'Identifier' && arg.callee.name === 'URL' && !site.at.scope?.lookup('URL')
    && arg.arguments.length === 2 && isStringLiteral(arg.arguments[0]) && metaUrl(arg.arguments[1]);
}

/** A top-level `const path = require('path')` / `import path from 'node:path'` / `import * as path from 'path'`. */
function isPathModule(site: ArgSite, name: string): boolean {
  if (site.at.scope?.lookup(name)) return false; // shadowed inside the handler
  for (const stmt of site.env.fc.root.paths()[0].node.program.body as any[]) {
    if (stmt.type === 'ImportDeclaration' && PATH_MODULES.has(String(stmt.source.value))) {
      if (stmt.specifiers.some((s: any) => (s.type === 'ImportDefaultSpecifier' || s.type === 'ImportNamespaceSpecifier') && s.local.name === name)) return true;
    }
    if (stmt.type !== 'VariableDeclaration' || stmt.kind !== 'const') continue;
    for (const d of stmt.declarations) {
      const init = d.init;
      const isRequire = init?.type === 'CallExpression' && init.callee.type === 'Identifier' && init.callee.name === 'require' && isStringLiteral(init.arguments[0]) && PATH_MODULES.has(init.arguments[0].value);
      if (isRequire && d.id.type === 'Identifier' && d.id.name === name) return true;
    }
  }
  return false;
}

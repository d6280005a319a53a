/**
 * express-rate-limit (compat/rate-limit.ts), in two places:
 *
 * - Definitions, in any module (an app, a router, or one like
 *   middleware/rate-limits.js that only defines limiters):
 *   `rateLimit(options)` -> `limitRequests(rateLimit, options)`, the real
 *   middleware made with a store its runtime counterpart shares. ES module
 *   imports also pass the library's MemoryStore (only the CommonJS export
 *   carries it), imported next to rateLimit.
 * - Registrations: a limiter registered on the runtime -> `rateLimited(limiter)`
 *   (with `{ path }` under app.use('/p')) instead of fromExpress(limiter):
 *   a `rateLimit(...)` call, a const made by one in this file, or a name
 *   imported from one of the app's modules that uses express-rate-limit.
 *   rateLimited checks at start that the limiter came from limitRequests
 *   with options it reproduces, and otherwise is fromExpress itself, so a
 *   name that turns out not to be a limiter answers exactly as before.
 */
import { readFileSync, statSync } from 'node:fs';
import type { ASTPath } from 'jscodeshift';
import { resolveRelative } from '../project/resolve-module.js';
import { parseExpression } from './ast-utils.js';
import { addEntry, type FileContext } from './context.js';
import type { ExpressBinding } from './express-binding.js';
import type { PackageTranslation } from './package-middleware.js';

const PACKAGE = 'express-rate-limit';

/** How `name` is bound to the library's factory at `at`: its import path and whether it is an ES import; null when it is not. */
function factoryBinding(at: ASTPath<any>, name: string): { esm: boolean; decl: ASTPath<any> } | null {
  const binding = at.scope?.lookup(name)?.getBindings()[name]?.[0] as ASTPath<any> | undefined;
  if (!binding) return null;
  const holder = binding.parent;
  const node = holder?.node;
  // Optional steps: after other rewrites of the file a binding's path may hang off a replaced declaration.
  if ((node?.type === 'ImportDefaultSpecifier' || (node?.type === 'ImportSpecifier' && ['rateLimit', 'default'].includes(node.imported?.name)))
    && holder.parent?.node?.source?.value === PACKAGE && holder.parent.node.importKind !== 'type') {
    return { esm: true, decl: holder.parent };
  }
  let declarator: ASTPath<any> | null = null;
  if (node?.type === 'VariableDeclarator' && node.id === binding.node) declarator = holder;
  // `const { rateLimit } = require(...)`, `{ default: rateLimit }`
  else if (['Property', 'ObjectProperty'].includes(node?.type) && node.value === binding.node && !node.computed
    && ['rateLimit', 'default'].includes(node.key.name ?? node.key.value) && holder.parent?.parent?.node.type === 'VariableDeclarator') {
    declarator = holder.parent.parent;
  }
  const init = declarator?.node.init;
  if (init?.type === 'CallExpression' && init.callee.type === 'Identifier' && init.callee.name === 'require' && init.arguments[0]?.value === PACKAGE) {
    return { esm: false, decl: declarator!.parent };
  }
  return null;
}

/**
 * Whether the file names express-rate-limit in a string at all. Checked first so that files without
 * it cost no scope lookups: ast-types caches a scope's bindings on first use, and a file whose other
 * rewrites already ran (this runs last in the pipeline) must not be scanned again for nothing.
 */
function namesLibrary(fc: FileContext): boolean {
  const { j, root } = fc;
  return root.find(j.Literal, { value: PACKAGE }).size() > 0 || root.find(j.StringLiteral, { value: PACKAGE }).size() > 0;
}

/** A call of the library's factory with at most one, non-spread, argument. */
function isFactoryCall(at: ASTPath<any>, node: any): boolean {
  return node?.type === 'CallExpression' && node.callee.type === 'Identifier' && node.arguments.length <= 1
    && node.arguments[0]?.type !== 'SpreadElement' && factoryBinding(at, node.callee.name) !== null;
}

/** True when `name` is bound anywhere in the file to something other than an import from the compat module. */
function nameTaken(fc: FileContext, name: string): boolean {
  const { j, root } = fc;
  return root.find(j.Identifier, { name }).some((p: ASTPath<any>) => {
    const parent = p.parent?.node;
    if (parent?.type === 'MemberExpression' && parent.property === p.node && !parent.computed) return false;
    if (['Property', 'ObjectProperty'].includes(parent?.type) && parent.key === p.node && !parent.shorthand) return false;
    const bound = p.scope?.lookup(name)?.getBindings()[name]?.[0] as ASTPath<any> | undefined;
    if (!bound) return false;
    const decl = bound.parent?.node;
    const fromCompat = (decl?.type === 'ImportSpecifier' && bound.parent.parent.node.source.value === fc.options.compatImport)
      || (['Property', 'ObjectProperty'].includes(decl?.type) && bound.parent.parent?.parent?.node.init?.arguments?.[0]?.value === fc.options.compatImport);
    return !fromCompat;
  });
}

/**
 * `rateLimit(options)` -> `limitRequests(rateLimit, options)` everywhere in the file. True when it changed
 * anything; the caller adds the compat import (fc.compatNames).
 */
export function rewriteRateLimitDefinitions(fc: FileContext): boolean {
  const { j, root } = fc;
  if (!namesLibrary(fc)) return false;
  const calls: ASTPath<any>[] = [];
  root.find(j.CallExpression).forEach((p: ASTPath<any>) => {
    if (p.node.callee.type === 'Identifier' && factoryBinding(p, p.node.callee.name) !== null) calls.push(p);
  });
  if (calls.length === 0) return false;
  if (nameTaken(fc, 'limitRequests')) {
    for (const p of calls) addEntry(fc, p.node, 'compat', 'rate-limit-definition', { reason: 'limitRequests is already a name in this file: the limiter keeps its own store and runs through fromExpress', handler: 'rateLimit(...)' });
    return false;
  }
  let changed = false;
  for (const p of calls) {
    const call = p.node;
    const binding = factoryBinding(p, call.callee.name)!;
    if (call.arguments.length > 1 || call.arguments[0]?.type === 'SpreadElement') {
      addEntry(fc, call, 'compat', 'rate-limit-definition', { reason: 'rateLimit is called with other than one options argument', handler: 'rateLimit(...)' });
      continue;
    }
    const args = [call.callee, ...call.arguments];
    if (binding.esm) {
      const store = memoryStoreName(fc, binding.decl);
      if (store === null) {
        addEntry(fc, call, 'compat', 'rate-limit-definition', { reason: "MemoryStore is another name in this file: the limiter keeps its own store and runs through fromExpress", handler: 'rateLimit(...)' });
        continue;
      }
      if (args.length === 1) args.push(j.identifier('undefined'));
      args.push(j.identifier(store));
    }
    p.replace(j.callExpression(j.identifier('limitRequests'), args));
    addEntry(fc, call, 'migrated', 'rate-limit-definition', { reason: 'the real express-rate-limit middleware, with a store its runtime counterpart (rateLimited) shares', handler: 'rateLimit(...)' });
    changed = true;
  }
  if (changed) {
    fc.compatNames.add('limitRequests');
    fc.changed = true;
  }
  return changed;
}

/** The local name of express-rate-limit's MemoryStore, imported by `decl` (added there when missing); null when the name is taken. */
function memoryStoreName(fc: FileContext, decl: ASTPath<any>): string | null {
  const specifiers = decl.node.specifiers as any[];
  const existing = specifiers.find((s) => s.type === 'ImportSpecifier' && s.imported.name === 'MemoryStore');
  if (existing) return existing.local.name;
  const { j, root } = fc;
  if (root.find(j.Identifier, { name: 'MemoryStore' }).size() > 0) return null;
  specifiers.push(j.importSpecifier(j.identifier('MemoryStore')));
  return 'MemoryStore';
}

/** For files without Express: rewriteImports with nothing of Express's to trim. */
export function noExpressBinding(): ExpressBinding {
  return { moduleNames: new Set(), routerFactories: new Set(), typeNames: new Map(), declarations: [] };
}

/**
 * `rateLimited(limiter)` for a limiter registered as middleware; null when `argPath` is not known to be one
 * (fromExpress as for any middleware), a reason when it is one that must stay on fromExpress.
 */
export function translateRateLimited(fc: FileContext, argPath: ASTPath<any>): PackageTranslation | string | null {
  const node = argPath.node;
  if (!isFactoryCall(argPath, node) && !(node?.type === 'Identifier' && isLimiterName(fc, argPath, node.name))) return null;
  if (nameTaken(fc, 'rateLimited')) return 'rateLimited is already a name in this file';
  const mount = mountPathOf(argPath);
  if (typeof mount === 'object' && mount !== null) return mount.reason;
  const { j } = fc;
  const args = mount === null ? [node] : [node, parseExpression(j, `{ path: ${fc.quote === 'double' ? JSON.stringify(mount) : `'${mount}'`} }`)];
  return { node: j.callExpression(j.identifier('rateLimited'), args), compatNames: ['rateLimited'] };
}

/** A const made by the factory in this file, or a name imported from one of the app's modules that uses express-rate-limit. */
function isLimiterName(fc: FileContext, at: ASTPath<any>, name: string): boolean {
  const binding = at.scope?.lookup(name)?.getBindings()[name]?.[0] as ASTPath<any> | undefined;
  const holder = binding?.parent;
  const decl = holder?.node;
  if (decl?.type === 'VariableDeclarator' && decl.id === binding!.node) {
    if (holder!.parent?.node?.kind === 'const' && isFactoryCall(holder!, decl.init)) return true;
    return definedByRateLimitModule(fc, requiredSpecifier(decl.init));
  }
  if (['Property', 'ObjectProperty'].includes(decl?.type) && decl.value === binding!.node && holder!.parent?.parent?.node.type === 'VariableDeclarator') {
    return definedByRateLimitModule(fc, requiredSpecifier(holder!.parent.parent.node.init));
  }
  if (decl?.type === 'ImportDefaultSpecifier' || decl?.type === 'ImportSpecifier') {
    const source = holder!.parent?.node?.source?.value;
    return typeof source === 'string' && definedByRateLimitModule(fc, source);
  }
  return false;
}

function requiredSpecifier(init: any): string | null {
  if (init?.type === 'CallExpression' && init.callee.type === 'Identifier' && init.callee.name === 'require' && typeof init.arguments[0]?.value === 'string') return init.arguments[0].value;
  return null;
}

/** The app's own module at `specifier` (relative) requires or imports express-rate-limit. */
function definedByRateLimitModule(fc: FileContext, specifier: string | null): boolean {
  if (specifier === null || !specifier.startsWith('.')) return false;
  const file = resolveRelative(fc.options.path, specifier);
  return file !== null && importsRateLimit(file);
}

/** Per module, while it is unchanged on disk: every registration of an imported name asks, and route modules are imported often. */
const importsSeen = new Map<string, { mtimeMs: number; result: boolean }>();

function importsRateLimit(file: string): boolean {
  try {
    const { mtimeMs } = statSync(file);
    const seen = importsSeen.get(file);
    if (seen?.mtimeMs === mtimeMs) return seen.result;
    const result = /(?:from\s*|require\s*\(\s*|import\s*\(\s*)['"]express-rate-limit['"]/.test(readFileSync(file, 'utf8'));
    importsSeen.set(file, { mtimeMs, result });
    return result;
  } catch {
    return false;
  }
}

/** The `use('/p', ...)` mount path of this argument: null when none (or '/'), a reason when it cannot be written as a literal. */
function mountPathOf(argPath: ASTPath<any>): string | null | { reason: string } {
  const registration = argPath.parent?.node;
  if (registration?.type !== 'CallExpression') return { reason: 'the limiter is not a direct argument of the registration' };
  if (registration.callee.type !== 'MemberExpression' || registration.callee.property?.name !== 'use') return null;
  const first = registration.arguments[0];
  if (first === argPath.node || !['StringLiteral', 'Literal'].includes(first?.type) || typeof first.value !== 'string') {
    return first === argPath.node || first?.type === 'Identifier' || first?.type === 'CallExpression' || first?.type === 'ArrowFunctionExpression' || first?.type === 'FunctionExpression' ? null : { reason: 'the use() path is not a plain string literal' };
  }
  if (/['"\\\r\n]/.test(first.value)) return { reason: 'the use() path has quotes or escapes' };
  return first.value === '/' ? null : first.value;
}

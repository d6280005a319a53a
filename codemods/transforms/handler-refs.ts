/**
 * What a function argument of app.get/app.use really is: an inline
 * function, a function declared in this file and used only as a handler,
 * an Express built-in, a router of this file, or code we cannot see.
 */
import type { ASTPath } from 'jscodeshift';
import type { FileContext } from './context.js';
import { expressMember, isRequireOf, type ExpressBinding, type Receiver } from './express-binding.js';
import { isFunctionNode, isReference } from './ast-utils.js';
import { registrationOfElement } from './handler-arrays.js';

export type FnRef =
  | { kind: 'inline'; node: any }
  | { kind: 'local'; name: string; fnNode: any; holder: ASTPath<any> }
  | { kind: 'builtin'; name: 'json' | 'urlencoded' | 'static'; call: any }
  /** express-session's `session({...})`: the runtime's session() takes the same options. */
  | { kind: 'builtin'; name: 'session'; call: any }
  | { kind: 'router'; receiver: Receiver }
  | { kind: 'local-module'; name: string; specifier: string }
  | { kind: 'foreign'; node: any };

const BODY_PARSER = new Set(['body-parser']);

export function resolveFnRef(fc: FileContext, b: ExpressBinding, argPath: ASTPath<any>, receivers: Receiver[], registrationCallees: Set<any>): FnRef {
  const node = argPath.node;
  if (isFunctionNode(node)) return { kind: 'inline', node };
  if (node.type === 'CallExpression') {
    const inline = requiredSpecifier(node);
    if (inline?.startsWith('.')) return { kind: 'local-module', name: inline.split('/').pop() ?? inline, specifier: inline };
    const member = expressMember(b, node.callee) ?? bodyParserMember(fc, argPath, node.callee);
    if (member === 'json' || member === 'urlencoded' || member === 'static') return { kind: 'builtin', name: member, call: node };
    if (calleeModule(argPath, node.callee) === 'express-session') return { kind: 'builtin', name: 'session', call: node };
    return { kind: 'foreign', node };
  }
  if (node.type !== 'Identifier') return { kind: 'foreign', node };
  const receiver = receivers.find((r) => argPath.scope.lookup(node.name) === r.declarator.scope && r.name === node.name);
  if (receiver) return { kind: 'router', receiver };
  const scope = argPath.scope.lookup(node.name);
  const binding = scope?.getBindings()[node.name]?.[0] as ASTPath<any> | undefined;
  if (!binding) return { kind: 'foreign', node };
  const holder = binding.parent;
  const decl = holder.node;
  if (decl.type === 'FunctionDeclaration' && decl.id === binding.node) {
    return onlyUsedAsHandler(fc, node.name, scope, registrationCallees) ? { kind: 'local', name: node.name, fnNode: decl, holder } : { kind: 'foreign', node };
  }
  if (decl.type === 'VariableDeclarator' && decl.id === binding.node) {
    if (isFunctionNode(decl.init) && holder.parent.node.kind === 'const') {
      return onlyUsedAsHandler(fc, node.name, scope, registrationCallees) ? { kind: 'local', name: node.name, fnNode: decl.init, holder } : { kind: 'foreign', node };
    }
    const specifier = requiredSpecifier(decl.init);
    if (specifier?.startsWith('.')) return { kind: 'local-module', name: node.name, specifier };
  }
  if (decl.type === 'ImportDefaultSpecifier' && String(holder.parent.node.source.value).startsWith('.')) {
    return { kind: 'local-module', name: node.name, specifier: String(holder.parent.node.source.value) };
  }
  return { kind: 'foreign', node };
}

function requiredSpecifier(init: any): string | null {
  if (init?.type === 'CallExpression' && init.callee.type === 'Identifier' && init.callee.name === 'require' && init.arguments[0]?.type && typeof init.arguments[0].value === 'string') return init.arguments[0].value;
  return null;
}

function bodyParserMember(fc: FileContext, at: ASTPath<any>, callee: any): string | null {
  if (callee?.type !== 'MemberExpression' || callee.object.type !== 'Identifier' || callee.computed) return null;
  const scope = at.scope.lookup(callee.object.name);
  const binding = scope?.getBindings()[callee.object.name]?.[0] as ASTPath<any> | undefined;
  const decl = binding?.parent.node;
  const fromRequire = decl?.type === 'VariableDeclarator' && isRequireOf(fc, decl.init, BODY_PARSER);
  const fromImport = decl?.type === 'ImportDefaultSpecifier' && BODY_PARSER.has(String(binding!.parent.parent.node.source.value));
  return fromRequire || fromImport ? callee.property.name : null;
}

/** Every reference is an argument (or array element) of an app/router registration. */
function onlyUsedAsHandler(fc: FileContext, name: string, scope: any, registrationCallees: Set<any>): boolean {
  const { j, root } = fc;
  let ok = true;
  root.find(j.Identifier, { name }).forEach((p) => {
    if (!ok || !isReference(p) || p.scope.lookup(name) !== scope) return;
    const parent = p.parent.node;
    if (parent.type === 'FunctionDeclaration' && parent.id === p.node) return;
    if (parent.type === 'VariableDeclarator' && parent.id === p.node) return;
    if (parent.type === 'ArrayExpression' && p.parent.parent.node.type === 'VariableDeclarator') {
      // An element of a const handler array that one registration spreads (handler-arrays.ts).
      const registration = registrationOfElement(p);
      if (!registration || !registrationCallees.has(registration.node.callee)) ok = false;
      return;
    }
    const call = parent.type === 'ArrayExpression' ? p.parent.parent.node : parent;
    if (!(call.type === 'CallExpression' && registrationCallees.has(call.callee) && call.arguments.includes(parent.type === 'ArrayExpression' ? parent : p.node))) ok = false;
  });
  return ok;
}

/** The package a call's callee was imported/required from (`cookieParser(...)` -> 'cookie-parser'), or null. */
export function calleeModule(at: ASTPath<any>, callee: any): string | null {
  if (callee?.type !== 'Identifier') return null;
  const scope = at.scope?.lookup(callee.name);
  const binding = scope?.getBindings()[callee.name]?.[0] as ASTPath<any> | undefined;
  const decl = binding?.parent.node;
  if (decl?.type === 'VariableDeclarator') {
    const spec = requiredSpecifier(decl.init);
    return spec;
  }
  if (decl?.type === 'ImportDefaultSpecifier') return String(binding!.parent.parent.node.source.value);
  return null;
}

/** `cookieParser(secret?)` from cookie-parser, with no options argument: the runtime parses cookies itself (ctx.cookies, ctx.signedCookie). */
export function isPlainCookieParser(at: ASTPath<any>): boolean {
  const node = at.node;
  return node?.type === 'CallExpression' && node.arguments.length <= 1 && node.arguments[0]?.type !== 'SpreadElement'
    && calleeModule(at, node.callee) === 'cookie-parser';
}

/**
 * Why express-session's options cannot go to the runtime's session() as they are, or null when they can:
 * a cookie given as a function or a variable (the runtime takes an object), a genid reading its request
 * argument (the runtime passes the Context), options spread in or computed.
 */
export function sessionOptionsBlocker(call: any): string | null {
  if (call.arguments.length > 1) return 'session() is called with more than one argument';
  const opts = call.arguments[0];
  if (!opts) return null;
  if (opts.type !== 'ObjectExpression') return 'the session options are not an object literal';
  for (const prop of opts.properties) {
    if (prop.type !== 'ObjectProperty' && prop.type !== 'Property') return 'the session options spread or define methods';
    if (prop.computed) return 'the session options have a computed key';
    const key = prop.key.type === 'Identifier' ? prop.key.name : prop.key.value;
    if (key === 'cookie' && prop.value.type !== 'ObjectExpression') return 'the session cookie option is not an object literal';
    if (key === 'genid' && !(isFunctionNode(prop.value) && prop.value.params.length === 0)) return 'genid reads its request argument';
  }
  return null;
}

/**
 * The declaration that binds `callee` (an imported or required package's default export), when that
 * call is its only use: it can go once the call no longer needs the package. Null otherwise.
 */
export function soleUseDeclaration(fc: FileContext, at: ASTPath<any>, callee: any): ASTPath<any> | null {
  if (callee?.type !== 'Identifier') return null;
  const scope = at.scope?.lookup(callee.name);
  const binding = scope?.getBindings()[callee.name]?.[0] as ASTPath<any> | undefined;
  if (!binding) return null;
  let uses = 0;
  fc.root.find(fc.j.Identifier, { name: callee.name }).forEach((p) => {
    if (p.node !== binding.node && isReference(p) && p.scope?.lookup(callee.name) === scope) uses++;
  });
  if (uses !== 1) return null;
  const holder = binding.parent;
  if (holder.node.type === 'ImportDefaultSpecifier') {
    const decl = holder.parent;
    return decl.node.specifiers.length === 1 ? decl : null;
  }
  if (holder.node.type === 'VariableDeclarator') return holder.parent.node.declarations.length === 1 ? holder.parent : null;
  return null;
}

/** True when `name` is free for the runtime's session: no binding or reference of it in the file other than `except`. */
export function nameIsFree(fc: FileContext, name: string, except: any): boolean {
  let free = true;
  fc.root.find(fc.j.Identifier, { name }).forEach((p) => {
    if (p.node !== except && isReference(p)) free = false;
  });
  return free;
}

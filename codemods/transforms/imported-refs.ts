/**
 * The registering side of handlers defined in other modules. The runner
 * (codemods/imported-handlers.ts) names the registrations whose function was
 * converted to a runtime handler in its own module, as `line:reference`;
 * planFn asks here whether an argument is one of them, and every such
 * registration is reported back with whether it really migrated natively,
 * so the runner can keep the definition and its uses in agreement.
 *
 * The per-file transform is synchronous, so one file's plan is current at a
 * time (per worker thread).
 */
import type { ASTPath } from 'jscodeshift';
import type { HandlerSiteKind, ImportedHandlerReport } from '../transform-api.js';
import { identifierPaths, isReference } from './ast-utils.js';
import type { FileContext } from './context.js';
import { registrationOfElement } from './handler-arrays.js';

type Use = ImportedHandlerReport['uses'][number];

interface Current {
  path: string;
  native: Set<string>;
  ours: Set<string>;
  stateWrites: Record<string, string[]>;
  uses: Use[];
}

let current: Current | null = null;

/** Runs one file's transform with the registrations that may use imported handlers natively; returns what happened to them. */
export function withImportedHandlers<T>(path: string, native: readonly string[], stateWrites: Record<string, string[]>, run: () => T, ours: readonly string[] = native): { value: T; uses: Use[] } {
  const previous = current;
  current = { path, native: new Set(native), ours: new Set([...ours, ...native]), stateWrites, uses: [] };
  try {
    const value = run();
    return { value, uses: current.uses };
  } finally {
    current = previous;
  }
}

export interface ImportedUse {
  /** `requireAuth`, `users.list`, or the factory callee `requireRole`. */
  ref: string;
  /** Marks the registration as migrated natively (call when the plan is applied). */
  applied: () => void;
  /** Custom request properties the function stores on ctx.state. */
  stateWrites: string[];
}

/**
 * The argument at `argPath` is a handler from another module that was
 * converted there: returns the reference, and records the use. Null when
 * the runner did not name it, or when this file also uses the imported name
 * otherwise (then the use is reported as not native, and the definition
 * stays on Express everywhere).
 */
export function importedNativeRef(fc: FileContext, argPath: ASTPath<any>, kind: HandlerSiteKind, registrationCallees: Set<any>): ImportedUse | null {
  if (!current || current.path !== fc.options.path || current.native.size === 0) return null;
  const ref = referenceText(argPath.node);
  const call = registrationCall(argPath);
  if (!ref || !call) return null;
  const site = `${call.node.loc?.start.line ?? 0}:${ref.text}`;
  if (!current.native.has(site)) return null;
  const use: Use = { site, native: false, role: kind.role, relativeUrl: kind.relativeUrl };
  current.uses.push(use);
  if (!usedOnlyInRegistrations(fc, argPath, ref.local, registrationCallees)) return null;
  const stateWrites = current.stateWrites[site] ?? [];
  if (stateWrites.length > 0 && !laterArgumentsMigrate(argPath, call, site.slice(0, site.indexOf(':')), current.native)) return null;
  return { ref: ref.text, applied: () => { use.native = true; }, stateWrites };
}

/**
 * A function that stores req.<x> on ctx.state is only taken where everything after it in the registration
 * is migrated code (inline or same-file functions, or other converted imports), which reads ctx.state:
 * Express middleware through fromExpress would look for req.<x>.
 */
function laterArgumentsMigrate(argPath: ASTPath<any>, call: ASTPath<any>, line: string, native: Set<string>): boolean {
  const args = call.node.arguments.flatMap((a: any) => (a.type === 'ArrayExpression' ? a.elements : [a]));
  const at = args.indexOf(argPath.node);
  return at >= 0 && args.slice(at + 1).every((a: any) => {
    if (a.type === 'FunctionExpression' || a.type === 'ArrowFunctionExpression') return true;
    const ref = referenceText(a);
    if (ref && native.has(`${line}:${ref.text}`)) return true;
    return a.type === 'Identifier' && declaresFunction(argPath, a.name);
  });
}

function declaresFunction(at: ASTPath<any>, name: string): boolean {
  const binding = at.scope?.lookup(name)?.getBindings()[name]?.[0] as ASTPath<any> | undefined;
  const decl = binding?.parent.node;
  return decl?.type === 'FunctionDeclaration' || (decl?.type === 'VariableDeclarator' && /Function/.test(decl.init?.type ?? ''));
}

/** The argument is a function of another module of the app (not a package's): it counts among the app's handlers. */
export function isOwnImportedHandler(fc: FileContext, argPath: ASTPath<any>): boolean {
  if (!current || current.path !== fc.options.path || current.ours.size === 0) return false;
  const ref = referenceText(argPath.node);
  const call = registrationCall(argPath);
  return !!ref && !!call && current.ours.has(`${call.node.loc?.start.line ?? 0}:${ref.text}`);
}

/** `name`, `ns.name`, or the callee of a factory call `name(...)` / `ns.name(...)`; `local` is the binding that must not escape. */
function referenceText(node: any): { text: string; local: string } | null {
  const target = node.type === 'CallExpression' ? node.callee : node;
  if (target.type === 'Identifier') return { text: target.name, local: target.name };
  if (target.type === 'MemberExpression' && !target.computed && target.object.type === 'Identifier' && target.property.type === 'Identifier') {
    return { text: `${target.object.name}.${target.property.name}`, local: target.object.name };
  }
  return null;
}

/** The app/router call whose argument (or array element) this is. */
function registrationCall(argPath: ASTPath<any>): ASTPath<any> | null {
  let p = argPath.parent;
  if (p?.node.type === 'ArrayExpression') p = p.parent;
  // An element of a const handler array: the one registration that spreads it (handler-arrays.ts).
  if (p?.node.type === 'VariableDeclarator') return registrationOfElement(argPath);
  return p?.node.type === 'CallExpression' ? p : null;
}

/**
 * Every reference to the imported binding in this file is a registration
 * argument (or, for a namespace, `ns.x` with x registered or another
 * member): anything else (a direct call, passing it along) may depend on
 * the Express signature.
 */
function usedOnlyInRegistrations(fc: FileContext, argPath: ASTPath<any>, local: string, registrationCallees: Set<any>): boolean {
  const { j, root } = fc;
  const scope = argPath.scope?.lookup(local);
  const shape = argPath.node.type === 'CallExpression' ? argPath.node.callee : argPath.node;
  const member = shape.type === 'MemberExpression' ? shape.property.name as string : null;
  // A plain walk, not root.find: this runs for every imported handler a file registers.
  return root.paths().every((top) => identifierPaths(j, top, local).every((p) => {
    if (!isReference(p) || isDeclaration(p) || p.scope?.lookup(local) !== scope) return true;
    let at: ASTPath<any> = p;
    if (member !== null) {
      const m = p.parent.node;
      if (m.type !== 'MemberExpression' || m.object !== p.node || m.computed) return false;
      if (m.property.name !== member) return true;
      at = p.parent;
    }
    if (argPath.node.type === 'CallExpression') {
      if (at.parent.node.type !== 'CallExpression' || at.parent.node.callee !== at.node) return false;
      at = at.parent;
    }
    return isRegistrationArgument(at, registrationCallees);
  }));
}

/** The import or require that binds the name. */
function isDeclaration(p: ASTPath<any>): boolean {
  const parent = p.parent.node;
  if (/^Import(Default|Namespace)?Specifier$/.test(parent.type)) return true;
  if (parent.type === 'VariableDeclarator' && parent.id === p.node) return true;
  return (parent.type === 'ObjectProperty' || parent.type === 'Property') && p.parent.parent?.node.type === 'ObjectPattern';
}

function isRegistrationArgument(at: ASTPath<any>, registrationCallees: Set<any>): boolean {
  if (at.parent.node.type === 'ArrayExpression' && at.parent.parent.node.type === 'VariableDeclarator') {
    const call = registrationOfElement(at);
    return call !== null && registrationCallees.has(call.node.callee);
  }
  const parent = at.parent.node;
  const call = parent.type === 'ArrayExpression' ? at.parent.parent.node : parent;
  const arg = parent.type === 'ArrayExpression' ? parent : at.node;
  return call.type === 'CallExpression' && registrationCallees.has(call.callee) && call.arguments.includes(arg);
}

/**
 * Handler arrays kept in a const: `const createChecks = [requireJson, validateBody(schema)]`
 * registered once, `router.post('/', createChecks, create)`. Express flattens
 * the array when it registers the route; the runtime takes functions only, so
 * the registration spreads it (`router.post('/', ...createChecks, create)`)
 * and each element is converted in place, in the array: every element is
 * still evaluated once, where it was, and the route runs the same functions
 * in the same order. Only for a const array literal whose name is used by
 * exactly one registration and nowhere else (nothing can change it between
 * its declaration and the registration, and no other code sees the
 * converted functions).
 */
import type { ASTPath } from 'jscodeshift';
import jscodeshift from 'jscodeshift';
import { identifierPaths, isReference } from './ast-utils.js';

export interface HandlerArray {
  /** The array literal's path (inside its declaration). */
  array: ASTPath<any>;
  /** Paths to its elements, in order. */
  elements: ASTPath<any>[];
}

/** The const array an identifier argument of a registration names, when that registration is its only use. */
export function handlerArrayOf(arg: ASTPath<any>): HandlerArray | null {
  if (arg.node.type !== 'Identifier') return null;
  const name = arg.node.name;
  const scope = arg.scope?.lookup(name);
  const declarator = scope?.getBindings()[name]?.[0]?.parent as ASTPath<any> | undefined;
  const array = declarator?.get('init') as ASTPath<any> | undefined;
  if (!declarator || declarator.node.type !== 'VariableDeclarator' || declarator.node.id.name !== name) return null;
  if (declarator.parent.node.type !== 'VariableDeclaration' || declarator.parent.node.kind !== 'const') return null;
  if (array?.node.type !== 'ArrayExpression' || array.node.elements.length === 0) return null;
  if (array.node.elements.some((e: any) => !e || e.type === 'SpreadElement' || e.type === 'ArrayExpression')) return null;
  const uses = references(arg, name, scope).filter((p) => p.node !== declarator.node.id);
  if (uses.length !== 1 || uses[0].node !== arg.node) return null;
  return { array, elements: array.node.elements.map((_: unknown, k: number) => array.get('elements', k)) };
}

/**
 * The registration call an element of such an array reaches: `requireJson` in
 * `const createChecks = [requireJson, ...]` -> the `router.post(...)` that
 * registers createChecks (its only use). Null otherwise.
 */
export function registrationOfElement(element: ASTPath<any>): ASTPath<any> | null {
  const array = element.parent;
  const declarator = array?.parent;
  if (array?.node.type !== 'ArrayExpression' || declarator?.node.type !== 'VariableDeclarator' || declarator.node.init !== array.node) return null;
  if (declarator.node.id.type !== 'Identifier') return null;
  const name = declarator.node.id.name;
  const scope = declarator.scope?.lookup(name);
  const uses = references(element, name, scope).filter((p) => p.node !== declarator.node.id);
  if (uses.length !== 1) return null;
  const call = uses[0].parent;
  if (call?.node.type !== 'CallExpression' || !call.node.arguments.includes(uses[0].node)) return null;
  return handlerArrayOf(uses[0]) ? call : null;
}

/** References to the binding `name` of `scope` in the whole file `at` is part of (ast-utils only reads node types off jscodeshift, whatever the parser). */
function references(at: ASTPath<any>, name: string, scope: unknown): ASTPath<any>[] {
  let root: ASTPath<any> = at;
  while (root.parent) root = root.parent;
  return identifierPaths(jscodeshift, root, name).filter((p) => isReference(p) && p.scope?.lookup(name) === scope);
}

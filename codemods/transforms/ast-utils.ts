/** Small AST helpers shared by the transforms (reference finding, tail position, cloning). */
import type { ASTPath, JSCodeshift } from 'jscodeshift';

export const FUNCTION_TYPES = new Set(['FunctionExpression', 'ArrowFunctionExpression', 'FunctionDeclaration']);

export function isFunctionNode(node: any): boolean {
  return !!node && FUNCTION_TYPES.has(node.type);
}

/**
 * Deep copy that keeps recast's `original`/`loc` links, so unchanged parts of
 * a converted function are reprinted byte for byte (comments and formatting
 * survive). Lets a handler be converted on a copy and dropped if it fails.
 */
export function cloneNode<T>(n: T): T {
  if (Array.isArray(n)) return n.map(cloneNode) as unknown as T;
  // Values held by nodes (a regex literal's RegExp, recast's Lines) are shared, not copied.
  if (n instanceof RegExp || n instanceof Date || (n && typeof n === 'object' && (n as object).constructor?.name === 'Lines')) return n;
  if (n && typeof n === 'object') {
    const out: Record<string, unknown> = {};
    for (const k of Object.keys(n)) {
      const v = (n as Record<string, unknown>)[k];
      out[k] = k === 'loc' || k === 'original' || k === 'tokens' ? v : cloneNode(v);
    }
    // recast keeps `original` non-enumerable; it is what lets unchanged nodes reprint verbatim.
    const original = (n as { original?: unknown }).original;
    if (original) Object.defineProperty(out, 'original', { value: original, enumerable: false, writable: true, configurable: true });
    return out as T;
  }
  return n;
}

/** An identifier path that reads a binding (not a property name, not an object key). */
export function isReference(p: ASTPath): boolean {
  const parent = p.parent?.node;
  if (!parent) return true;
  if ((parent.type === 'MemberExpression' || parent.type === 'OptionalMemberExpression') && parent.property === p.node && !parent.computed) return false;
  if ((parent.type === 'Property' || parent.type === 'ObjectProperty' || parent.type === 'ObjectMethod' || parent.type === 'ClassProperty' || parent.type === 'MethodDefinition')
    && parent.key === p.node && !parent.computed && parent.value !== p.node) return false;
  if (isFunctionNode(parent) && (parent.params as unknown[]).includes(p.node)) return false;
  if (p.parent.name === 'params') return false;
  if (parent.type === 'LabeledStatement' || parent.type === 'BreakStatement' || parent.type === 'ContinueStatement') return false;
  if (parent.type === 'TSTypeReference' || parent.type === 'TSQualifiedName') return false;
  return true;
}

/** References to the parameter `name` of the function at `fn` (shadowing respected). */
export function refsOf(j: JSCodeshift, fn: ASTPath, name: string): ASTPath<any>[] {
  const out: ASTPath<any>[] = [];
  for (const p of identifierPaths(j, fn, name)) {
    if (!isReference(p)) continue;
    if (p.scope?.lookup(name) !== fn.scope) continue;
    out.push(p);
  }
  return out;
}

/**
 * The paths `j(root).find(j.Identifier, { name })` gives, in the same order
 * (ast-types field order, pre-order), found by a plain walk over the nodes.
 * A Collection.find builds a PathVisitor and a path for every node it
 * passes; handler conversion asks this after every rewrite, so that cost
 * was most of a codemod run. Paths are built only for the matches, through
 * the same path cache the visitor uses, so they are the very same objects.
 */
export function identifierPaths(j: JSCodeshift, root: ASTPath, name: string): ASTPath<any>[] {
  const out: ASTPath<any>[] = [];
  walkNodes(j, root.node, (node, trail) => {
    if (node.name === name && isIdentifierType(j, node.type)) out.push(pathAt(root, trail));
  });
  return out;
}

/**
 * The paths `root.find(j.X)` gives for each of `types`, in the same order,
 * from one plain walk (see identifierPaths). Only for node types no other
 * type derives from (ImportDeclaration, VariableDeclarator, ...): matching
 * is by `node.type` alone.
 */
export function pathsOfTypes<T extends string>(j: JSCodeshift, root: ASTPath, types: readonly T[]): Record<T, ASTPath<any>[]> {
  const out = Object.create(null) as Record<T, ASTPath<any>[]>;
  for (const t of types) out[t] = [];
  walkNodes(j, root.node, (node, trail) => {
    (out as Record<string, ASTPath<any>[] | undefined>)[node.type]?.push(pathAt(root, trail));
  });
  return out;
}

/** The paths `root.find(j.Node).filter((p) => pred(p.node))` gives, in the same order, from one plain walk. */
export function pathsWhere(j: JSCodeshift, root: ASTPath, pred: (node: any) => boolean): ASTPath<any>[] {
  const out: ASTPath<any>[] = [];
  walkNodes(j, root.node, (node, trail) => {
    if (pred(node)) out.push(pathAt(root, trail));
  });
  return out;
}

/** True when some node under `node` (inclusive) that the visitor would reach satisfies `pred`; stops at the first. */
export function hasNode(j: JSCodeshift, node: any, pred: (node: any) => boolean): boolean {
  let found = false;
  walkNodes(j, node, (n) => (found = pred(n)));
  return found;
}

/** True when some node of one of `types` is under `node` (inclusive). */
export function hasNodeOfType(j: JSCodeshift, node: any, types: ReadonlySet<string>): boolean {
  return hasNode(j, node, (n) => types.has(n.type));
}

/** `base` or a type ast-types derives from it: what `find(j[base])` matches by. */
export function isOfType(j: JSCodeshift, type: string, base: string): boolean {
  const key = `${type} ${base}`;
  let is = subtypes.get(key);
  if (is === undefined) {
    is = type === base || (knownType(j, type) && j.types.getSupertypeNames(type).includes(base));
    subtypes.set(key, is);
  }
  return is;
}
const subtypes = new Map<string, boolean>();

/** ast-types throws for a type it has no definition of; the visitor dispatches no method for one either. */
function knownType(j: JSCodeshift, type: string): boolean {
  try {
    j.types.getSupertypeNames(type);
    return true;
  } catch {
    return false;
  }
}

/**
 * Pre-order walk over the nodes the PathVisitor would visit, with the
 * field/index trail from `node`; `onNode` returning true stops the walk.
 */
export function walkNodes(j: JSCodeshift, start: any, onNode: (node: any, trail: Array<string | number>) => boolean | void): void {
  const trail: Array<string | number> = [];
  let stopped = false;
  const visit = (node: any): void => {
    if (Array.isArray(node)) {
      for (let i = 0; i < node.length && !stopped; i++) {
        trail.push(i);
        visit(node[i]);
        trail.pop();
      }
      return;
    }
    if (!node || typeof node !== 'object' || typeof node.type !== 'string') return;
    if (onNode(node, trail)) { stopped = true; return; }
    for (const key of fieldNamesOf(j, node)) {
      if (stopped) return;
      const child = node[key];
      if (!child || typeof child !== 'object') continue;
      trail.push(key);
      visit(child);
      trail.pop();
    }
  };
  visit(start);
}

function pathAt(root: ASTPath, trail: Array<string | number>): ASTPath<any> {
  let p: any = root;
  for (const key of trail) p = p.get(key);
  return p;
}

/** Identifier and the types ast-types derives from it (JSXIdentifier, TSTypeParameter), as the visitor dispatches. */
function isIdentifierType(j: JSCodeshift, type: string): boolean {
  return isOfType(j, type, 'Identifier');
}

/** The child fields the visitor descends into, per node type; `loc` holds no nodes. */
const fieldNames = new Map<string, string[]>();
function fieldNamesOf(j: JSCodeshift, node: any): string[] {
  let names = fieldNames.get(node.type);
  if (!names) {
    names = j.types.getFieldNames(node).filter((k) => k !== 'loc' && k !== 'type');
    fieldNames.set(node.type, names);
  }
  return names;
}

/** The nearest enclosing function path of `p` (excluding p itself). */
export function enclosingFunction(p: ASTPath): ASTPath | null {
  let cur = p.parent;
  while (cur) {
    if (isFunctionNode(cur.node)) return cur;
    cur = cur.parent;
  }
  return null;
}

/** The statement path containing `p` (p itself when it is one). */
export function enclosingStatement(p: ASTPath): ASTPath | null {
  let cur: ASTPath | null = p;
  while (cur) {
    if (/Statement$|Declaration$/.test(cur.node.type) && cur.parent && (Array.isArray(cur.parent.node.body) || cur.parent.node.type === 'IfStatement' || cur.parent.node.type === 'SwitchCase' || /Statement$/.test(cur.parent.node.type))) return cur;
    if (isFunctionNode(cur.node)) return null;
    cur = cur.parent;
  }
  return null;
}

/**
 * True when, once `stmt` completes normally, the function `fn` returns
 * without running anything else: `stmt` is last in its block (hoisted
 * function declarations aside), and that block is last all the way up.
 */
export function isTailPosition(stmt: ASTPath, fn: ASTPath): boolean {
  let cur: ASTPath = stmt;
  for (;;) {
    const parent = cur.parent;
    if (!parent) return false;
    const pn = parent.node;
    if (pn === fn.node) return true;
    if (pn.type === 'BlockStatement' || pn.type === 'Program') {
      const body = pn.body as any[];
      const idx = body.indexOf(cur.node);
      if (idx < 0) return false;
      if (!body.slice(idx + 1).every((s) => s.type === 'FunctionDeclaration' || s.type === 'EmptyStatement')) return false;
      if (parent.parent?.node === fn.node) return true;
      cur = parent;
      continue;
    }
    if (pn.type === 'IfStatement' && cur.node !== pn.test) { cur = parent; continue; }
    if (pn.type === 'LabeledStatement') { cur = parent; continue; }
    if (pn.type === 'TryStatement' && !pn.finalizer && cur.node === pn.block) { cur = parent; continue; }
    if (pn.type === 'CatchClause') {
      const tryPath = parent.parent;
      if (tryPath?.node.finalizer) return false;
      cur = tryPath!;
      continue;
    }
    return false;
  }
}

export function isStringLiteral(node: any): node is { value: string } {
  return (node?.type === 'StringLiteral' || node?.type === 'Literal') && typeof node.value === 'string';
}

export function isNumberLiteral(node: any): node is { value: number } {
  return (node?.type === 'NumericLiteral' || node?.type === 'Literal') && typeof node.value === 'number';
}

/** Every node under `node` (inclusive), not descending into nested functions when `stopAtFunctions`. */
export function someNode(node: any, pred: (n: any) => boolean, stopAtFunctions = false, isRoot = true): boolean {
  if (!node || typeof node !== 'object') return false;
  if (Array.isArray(node)) return node.some((n) => someNode(n, pred, stopAtFunctions, false));
  if (typeof node.type !== 'string') return false;
  if (pred(node)) return true;
  if (stopAtFunctions && !isRoot && isFunctionNode(node)) return false;
  for (const k of Object.keys(node)) {
    if (k === 'loc' || k === 'original' || k === 'tokens' || k === 'comments' || k === 'leadingComments' || k === 'trailingComments' || k === 'typeAnnotation' || k === 'returnType') continue;
    if (someNode(node[k], pred, stopAtFunctions, false)) return true;
  }
  return false;
}

/**
 * Parses `code` with the file's parser and returns its first statement,
 * detached from its source position so it prints as a fresh statement while
 * its parts keep their compact layout (recast prints built objects multi-line).
 */
export function parseStatement(j: JSCodeshift, code: string): any {
  // The File's program, directly: a find(j.Program) would walk the whole parsed tree for it.
  const node = (j(code).get().node as any).program.body[0];
  return { ...node, loc: null, start: undefined, end: undefined, comments: undefined };
}

/**
 * Parses one expression; it prints as written here (recast reprints a node
 * from its own source, while built objects always print one key per line).
 * Parsed as an argument so an object literal is not "first in a statement".
 */
export function parseExpression(j: JSCodeshift, code: string): any {
  return (j(`f(${code});`).get().node as any).program.body[0].expression.arguments[0];
}

/** Source text of a node as the file has it. */
export function sourceOf(j: JSCodeshift, node: any): string {
  return j(node).toSource();
}

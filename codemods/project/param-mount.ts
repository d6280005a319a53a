/**
 * A router module mounted at a path with params (`router.use('/:projectId/tasks', tasks)`).
 *
 * The runtime shows every param of a route's full path to the route, and the
 * mount path's captures to the router's middleware (runtime/prefix-params.ts).
 * Express shows the mount's params below it only to a router created with
 * `mergeParams: true`, and a route's own param of the same name wins there
 * (the runtime refuses a pattern that names a param twice). So the router's
 * code sees the same req.params on both only when it merges params, reuses
 * none of the mount's names, and hands the router nowhere else (a router it
 * mounts in turn, or a function it is passed to, could see params Express hid).
 */
import type { ts } from 'ts-morph';
import type { TS } from './ts-morph.js';

/** Param names of an Express mount path whose segments are literal text or a whole `:name`; null for any other pattern. */
export function mountPathParams(path: string): string[] | null {
  const names: string[] = [];
  for (const segment of path.replace(/\/$/, '').split('/').slice(1)) {
    const param = /^:([A-Za-z_][A-Za-z0-9_]*)$/.exec(segment);
    if (param) names.push(param[1]!);
    else if (!/^[A-Za-z0-9\-._~]+$/.test(segment)) return null;
  }
  return names;
}

/** Why the router declared by `decl` (in its module `sf`) would not see the same params under `mountPath`; null when it would. */
export function paramMountBlocker(ts: TS, sf: ts.SourceFile, decl: ts.Node, mountPath: string): string | null {
  const params = mountPathParams(mountPath);
  if (params === null || params.length === 0) return null;
  if (!ts.isVariableDeclaration(decl) || !ts.isIdentifier(decl.name)) return 'the router is not a plain variable';
  if (!mergesParams(ts, decl.initializer)) return `it is created without mergeParams: true, so Express hides :${params.join(', :')} from it and the runtime would not`;
  return usesBlocker(ts, sf, decl.name.text, new Set(params));
}

function mergesParams(ts: TS, init: ts.Expression | undefined): boolean {
  if (!init || (!ts.isCallExpression(init) && !ts.isNewExpression(init))) return false;
  const options = init.arguments?.[0];
  if (!options || !ts.isObjectLiteralExpression(options)) return false;
  return options.properties.some((p) => ts.isPropertyAssignment(p) && ts.isIdentifier(p.name) && p.name.text === 'mergeParams' && p.initializer.kind === ts.SyntaxKind.TrueKeyword);
}

/** Every use of the router's name: `router.METHOD(path, fns)`, `router.use(fn)`, exports. */
function usesBlocker(ts: TS, sf: ts.SourceFile, name: string, mountParams: Set<string>): string | null {
  let blocker: string | null = null;
  const visit = (node: ts.Node): void => {
    if (blocker !== null) return;
    if (ts.isIdentifier(node) && node.text === name) {
      blocker = useBlocker(ts, sf, node, mountParams);
      return;
    }
    ts.forEachChild(node, visit);
  };
  ts.forEachChild(sf, visit);
  return blocker;
}

function useBlocker(ts: TS, sf: ts.SourceFile, ref: ts.Identifier, mountParams: Set<string>): string | null {
  const parent = ref.parent;
  if (ts.isVariableDeclaration(parent) && parent.name === ref) return null;
  if (ts.isExportAssignment(parent) || ts.isExportSpecifier(parent)) return null;
  if (ts.isBinaryExpression(parent) && parent.right === ref && /^(module\.)?exports\b/.test(parent.left.getText(sf))) return null;
  if (!ts.isPropertyAccessExpression(parent) || parent.expression !== ref || !ts.isCallExpression(parent.parent) || parent.parent.expression !== parent) {
    return `${ref.text} is used other than by its registrations (${parent.getText(sf).slice(0, 40)})`;
  }
  const call = parent.parent;
  const method = parent.name.text;
  const [first, ...rest] = call.arguments;
  const hasPath = first !== undefined && ts.isStringLiteralLike(first);
  if (method !== 'use' && !hasPath) return `${ref.text}.${method}() has a computed path`;
  if (hasPath) {
    const reused = [...first.text.matchAll(/[:*]([A-Za-z_$][\w$]*)/g)].map((m) => m[1]!).find((p) => mountParams.has(p));
    if (reused) return `its path '${first.text}' names the mount's param ${reused} again`;
  }
  if (method === 'use') {
    const fns = hasPath ? rest : call.arguments;
    const other = fns.find((fn) => !isLocalFunction(ts, fn));
    if (other) return `${ref.text}.use(${other.getText(sf).slice(0, 40)}) may mount a router that would see the mount's params`;
  }
  return null;
}

/** An inline function, or a name declared in this module as a function. */
function isLocalFunction(ts: TS, node: ts.Expression): boolean {
  if (ts.isFunctionExpression(node) || ts.isArrowFunction(node)) return true;
  if (!ts.isIdentifier(node)) return false;
  const sf = node.getSourceFile();
  return sf.statements.some((s) => (ts.isFunctionDeclaration(s) && s.name?.text === node.text)
    || (ts.isVariableStatement(s) && s.declarationList.declarations.some((d) => ts.isIdentifier(d.name) && d.name.text === node.text && d.initializer !== undefined
      && (ts.isArrowFunction(d.initializer) || ts.isFunctionExpression(d.initializer)))));
}
